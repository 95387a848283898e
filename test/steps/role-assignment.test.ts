import {describe, expect, it} from 'vitest';
import type {AzureGateway, RoleAssignmentSummary} from '../../src/azure/gateway.js';
import {commandLines, type StepReport} from '../../src/plan/plan.js';
import {RoleResolver, roleAssignmentName, roleAssignmentStep} from '../../src/steps/role-assignment.js';

const acrPullGuid = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
const scope = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crbase';

/** Only the calls a role-assignment step makes, with Azure's answers scripted. */
function fakeAuthorization(script: {failures?: {code: string}[]; existing?: RoleAssignmentSummary[]} = {}) {
	const created: {scope: string; name: string; principalType: string}[] = [];
	const failures = [...(script.failures ?? [])];
	const assignments = [...(script.existing ?? [])];
	const gateway = {
		async findRoleDefinition(at: string, roleName: string) {
			return roleName === 'AcrPull' ? {id: `${at}/providers/Microsoft.Authorization/roleDefinitions/${acrPullGuid}`, guid: acrPullGuid, roleName} : undefined;
		},
		async listRoleAssignments(_scope: string, filter: {principalId?: string} = {}) {
			return assignments.filter((assignment) => !filter.principalId || assignment.principalId === filter.principalId);
		},
		async createRoleAssignment(at: string, name: string, assignment: {roleDefinitionId: string; principalId: string; principalType: string}) {
			const failure = failures.shift();
			if (failure) throw Object.assign(new Error(failure.code), {code: failure.code});
			created.push({scope: at, name, principalType: assignment.principalType});
			const summary = {id: `${at}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, scope: at, ...assignment};
			assignments.push(summary);
			return summary;
		},
	} as unknown as AzureGateway;
	return {gateway, created};
}

function stepOptions(gateway: AzureGateway, waitMs = 1000) {
	return {
		id: 'acr-pull',
		gateway,
		roles: new RoleResolver(gateway),
		roleName: 'AcrPull',
		scope,
		scopeLabel: 'registry crbase',
		principalLabel: "cpu-cluster's identity",
		principalId: async () => 'p-1',
		assignee: {objectId: 'p-1'},
		timing: {waitMs, firstRetryMs: 10},
	};
}

function step(gateway: AzureGateway, waitMs = 1000) {
	return roleAssignmentStep(stepOptions(gateway, waitMs));
}

describe('role assignment step', () => {
	it('shows the one command form: object ID and principal type, a run-time principal read into a variable first', () => {
		const {gateway} = fakeAuthorization();
		expect(step(gateway).azCommand).toBe(`az role assignment create --assignee-object-id p-1 --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${scope}`);
		const variable = {name: 'CPU_CLUSTER_PRINCIPAL_ID', command: 'az ml compute show --name cpu-cluster --workspace-name w --resource-group g --query identity.principal_id -o tsv'};
		const group = roleAssignmentStep({...stepOptions(gateway), principalType: 'Group', assignee: {variable}});
		expect(commandLines(group)).toEqual([
			`CPU_CLUSTER_PRINCIPAL_ID=$(${variable.command})`,
			`az role assignment create --assignee-object-id "$CPU_CLUSTER_PRINCIPAL_ID" --assignee-principal-type Group --role "AcrPull" --scope ${scope}`,
		]);
	});

	it('names the assignment from scope, principal and role, the same every time, as a GUID', () => {
		const name = roleAssignmentName(scope, 'p-1', acrPullGuid);
		expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(roleAssignmentName(scope.toUpperCase(), 'P-1', acrPullGuid)).toBe(name);
		expect(roleAssignmentName(scope, 'p-2', acrPullGuid)).not.toBe(name);
	});

	it('creates the assignment with principalType ServicePrincipal and the derived name', async () => {
		const {gateway, created} = fakeAuthorization();
		const acrPull = step(gateway);
		expect((await acrPull.check(() => {})).satisfied).toBe(false);
		await acrPull.apply(() => {});
		expect(created).toEqual([{scope, name: roleAssignmentName(scope, 'p-1', acrPullGuid), principalType: 'ServicePrincipal'}]);
		expect(await acrPull.verify(() => {})).toMatchObject({ok: true});
	});

	it('counts an assignment inherited from a parent scope as already in place', async () => {
		const {gateway} = fakeAuthorization({
			existing: [{id: 'x', name: 'x', scope: '/subscriptions/s1', roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${acrPullGuid}`, principalId: 'p-1'}],
		});
		const result = await step(gateway).check(() => {});
		expect(result).toEqual({satisfied: true, detail: "cpu-cluster's identity already holds AcrPull, inherited from /subscriptions/s1"});
	});

	it('takes 409 RoleAssignmentExists as done', async () => {
		const {gateway, created} = fakeAuthorization({failures: [{code: 'RoleAssignmentExists'}]});
		await expect(step(gateway).apply(() => {})).resolves.toBeUndefined();
		expect(created).toEqual([]);
	});

	it('waits out PrincipalNotFound while Microsoft Entra ID replicates, saying so, then succeeds', async () => {
		const {gateway, created} = fakeAuthorization({failures: [{code: 'PrincipalNotFound'}, {code: 'PrincipalNotFound'}]});
		const reports: StepReport[] = [];
		await step(gateway).apply((report) => reports.push(report));
		expect(created).toHaveLength(1);
		expect(reports.map((report) => report.message)).toEqual([
			expect.stringContaining('waiting for Microsoft Entra ID to replicate the identity · retry 1'),
			expect.stringContaining('retry 2'),
		]);
	});

	it('gives up on PrincipalNotFound after the wait, with the code kept for a resumable stop', async () => {
		const {gateway} = fakeAuthorization({failures: Array.from({length: 50}, () => ({code: 'PrincipalNotFound'}))});
		await expect(step(gateway, 60).apply(() => {})).rejects.toMatchObject({code: 'PrincipalNotFound'});
	});

	it('does not retry other failures', async () => {
		const {gateway} = fakeAuthorization({failures: [{code: 'AuthorizationFailed'}]});
		await expect(step(gateway).apply(() => {})).rejects.toMatchObject({code: 'AuthorizationFailed'});
	});
});
