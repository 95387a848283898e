import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AuthorizationManagementClient} from '@azure/arm-authorization';
import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {PROVIDERS, SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {actionMatches, ROUTE_ACTIONS, routeActionKey} from '../../src/emulator/access-control.js';
import {BUILT_IN_ROLES} from '../../src/emulator/role-grants.js';
import {armRequest, grantCaller, sdkOptions, staticCredential} from './helpers.js';

const AUTHZ = '2022-04-01';
const ML = '2022-10-01';
const prod = SEED.subscriptions.production;
const dev = SEED.subscriptions.devTest;
const fraud = SEED.workspaces.fraudProd;
const vision = SEED.workspaces.visionDev;
const shared = SEED.identities.analyticsShared;
const permissionsUrl = (scope: string) => `${scope}/providers/Microsoft.Authorization/permissions?api-version=${AUTHZ}`;
const assignmentUrl = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTHZ}`;
const message = (action: string, scope: string) =>
	`The client '${SEED.user.upn}' with object id '${SEED.user.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;

describe('caller permissions: Microsoft.Authorization/permissions and enforcement', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		emulator = await startEmulator({lroDurationMs: 50});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
	});

	it('every mutating route has an entry in ROUTE_ACTIONS, and every entry names a route', () => {
		const keys = new Set<string>();
		for (const provider of PROVIDERS) {
			for (const route of provider.routes) {
				for (const method of Object.keys(route.methods) as Array<keyof typeof route.methods>) {
					if (method === 'GET' || method === 'HEAD') continue;
					const key = routeActionKey(method, route.pattern);
					keys.add(key);
					expect([key, ROUTE_ACTIONS[key] !== undefined]).toEqual([key, true]);
				}
			}
		}
		expect(Object.keys(ROUTE_ACTIONS).filter((k) => !keys.has(k))).toEqual([]);
	});

	it('wildcards match as Azure RBAC does', () => {
		expect(actionMatches('*', 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
		expect(actionMatches('Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
		expect(actionMatches('*/read', 'Microsoft.Storage/storageAccounts/read')).toBe(true);
		expect(actionMatches('*/read', 'Microsoft.Storage/storageAccounts/write')).toBe(false);
		expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action')).toBe(true);
		expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/write')).toBe(false);
		expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/x/assign/action')).toBe(true);
	});

	it('permissions.listForResourceGroup / listForResource (arm-authorization 9, 2022-04-01): Owner in Production, Contributor in Dev/Test, Reader in Sandbox', async () => {
		const prodClient = new AuthorizationManagementClient(staticCredential, prod.subscriptionId, options);
		const owner = [];
		for await (const p of prodClient.permissions.listForResourceGroup(fraud.resourceGroup)) owner.push(p);
		expect(owner).toEqual([{actions: ['*'], notActions: [], dataActions: [], notDataActions: []}]);

		const devClient = new AuthorizationManagementClient(staticCredential, dev.subscriptionId, options);
		const contributor = [];
		for await (const p of devClient.permissions.listForResource(vision.resourceGroup, 'Microsoft.MachineLearningServices', '', 'workspaces', vision.name)) contributor.push(p);
		expect(contributor).toHaveLength(1);
		expect(contributor[0]!.actions).toEqual(['*']);
		expect(contributor[0]!.notActions).toEqual(expect.arrayContaining(['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action']));
		// The request the SDK sent for an empty parentResourcePath ('//' collapses).
		const raw = await armRequest(emulator, 'GET', permissionsUrl(`${vision.id}/computes/gpu-train`));
		expect(raw.body.value).toEqual(contributor);

		const sandboxRaw = await armRequest(emulator, 'GET', permissionsUrl(SEED.resourceGroups.sandboxIdentities.id));
		expect(sandboxRaw.body.value).toEqual([{actions: ['*/read'], notActions: [], dataActions: [], notDataActions: []}]);

		// A role granted on one resource shows up there, beside the subscription-level one.
		grantCaller(emulator, 'Managed Identity Operator', shared.id);
		const onShared = await armRequest(emulator, 'GET', permissionsUrl(shared.id));
		expect(onShared.body.value.map((p: {actions: string[]}) => p.actions[0])).toEqual(['*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/*/read']);

		const missing = await armRequest(emulator, 'GET', permissionsUrl(`${dev.id}/resourceGroups/rg-nope`));
		expect([missing.status, missing.body.error.code]).toEqual([404, 'ResourceGroupNotFound']);
	});

	it('a role assignment in Dev/Test is 403 AuthorizationFailed (Contributor); in Production it is created (Owner)', async () => {
		const registry = SEED.registries.visionDev;
		const name = randomUUID();
		const body = {properties: {roleDefinitionId: `${dev.id}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull}`, principalId: SEED.identities.visionTrain.principalId, principalType: 'ServicePrincipal'}};
		const denied = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, name), {body});
		expect(denied.status).toBe(403);
		expect(denied.body.error).toEqual({
			code: 'AuthorizationFailed',
			message: message('Microsoft.Authorization/roleAssignments/write', `${registry.id}/providers/Microsoft.Authorization/roleAssignments/${name}`),
		});
		const seeded = SEED.identities.visionTrain.acrPullAssignmentId;
		const deleteDenied = await armRequest(emulator, 'DELETE', `${seeded}?api-version=${AUTHZ}`);
		expect([deleteDenied.status, deleteDenied.body.error.code]).toEqual([403, 'AuthorizationFailed']);
		expect(Object.keys(emulator.state.roleAssignments)).toContain(seeded.toLowerCase());

		const client = new AuthorizationManagementClient(staticCredential, dev.subscriptionId, options);
		await expect(client.roleAssignments.create(registry.id, randomUUID(), {roleDefinitionId: body.properties.roleDefinitionId, principalId: body.properties.principalId, principalType: 'ServicePrincipal'})).rejects.toMatchObject({
			statusCode: 403,
			code: 'AuthorizationFailed',
		});

		// Contributor may still write resources in Dev/Test.
		const tags = await armRequest(emulator, 'PATCH', `${vision.id}?api-version=${ML}`, {body: {tags: {a: 'b'}}});
		expect(tags.status).toBe(202);

		const prodRegistry = SEED.registries.fraudProd;
		const created = await armRequest(emulator, 'PUT', assignmentUrl(prodRegistry.id, randomUUID()), {
			body: {properties: {roleDefinitionId: `${prod.id}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull}`, principalId: SEED.identities.fraudAcrPull.principalId, principalType: 'ServicePrincipal'}},
		});
		expect(created.status).toBe(201);
	});

	it('Reader in Sandbox: a user-assigned identity write there is 403; reads work', async () => {
		const rg = SEED.resourceGroups.sandboxIdentities;
		const url = `${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new?api-version=2024-11-30`;
		const denied = await armRequest(emulator, 'PUT', url, {body: {location: 'eastus'}});
		expect(denied.body.error).toEqual({code: 'AuthorizationFailed', message: message('Microsoft.ManagedIdentity/userAssignedIdentities/write', url.split('?')[0]!)});
		const read = await armRequest(emulator, 'GET', `${shared.id}?api-version=2024-11-30`);
		expect(read.body.properties.principalId).toBe(shared.principalId);
		// A read-only POST (checkNameAvailability) is not a write.
		const check = await armRequest(emulator, 'POST', `${SEED.subscriptions.sandbox.id}/providers/Microsoft.ContainerRegistry/checkNameAvailability?api-version=2025-11-01`, {
			body: {name: 'crsandboxfree01', type: 'Microsoft.ContainerRegistry/registries'},
		});
		expect(check.status).toBe(200);
	});

	it('linking a user-assigned identity the caller may not assign is 403 LinkedAuthorizationFailed (workspace PUT/PATCH, compute PUT)', async () => {
		const linkedMessage = (action: string, scope: string) =>
			`The client '${SEED.user.upn}' with object id '${SEED.user.objectId}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action(s) 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${shared.id}' (respectively) or the linked scope(s) are invalid.`;
		const patch = await armRequest(emulator, 'PATCH', `${fraud.id}?api-version=${ML}`, {
			body: {identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[shared.id]: {}}}, properties: {primaryUserAssignedIdentity: shared.id}},
		});
		expect(patch.status).toBe(403);
		expect(patch.body.error).toEqual({code: 'LinkedAuthorizationFailed', message: linkedMessage('Microsoft.MachineLearningServices/workspaces/write', fraud.id)});

		const computeUrl = `${fraud.id}/computes/cpu-shared`;
		const compute = await armRequest(emulator, 'PUT', `${computeUrl}?api-version=${ML}`, {
			body: {location: 'eastus', identity: {type: 'UserAssigned', userAssignedIdentities: {[shared.id]: {}}}, properties: {computeType: 'AmlCompute', properties: {vmSize: 'STANDARD_DS3_V2', scaleSettings: {maxNodeCount: 1}}}},
		});
		expect(compute.body.error).toEqual({code: 'LinkedAuthorizationFailed', message: linkedMessage('Microsoft.MachineLearningServices/workspaces/computes/write', computeUrl)});
		expect(emulator.state.computes[computeUrl.toLowerCase()]).toBeUndefined();

		const client = new AzureMachineLearningWorkspaces(staticCredential, prod.subscriptionId, options);
		await expect(
			client.workspaces.beginCreateOrUpdateAndWait(fraud.resourceGroup, 'mlw-shared-id', {
				location: 'eastus',
				identity: {type: 'UserAssigned', userAssignedIdentities: {[shared.id]: {}}},
				primaryUserAssignedIdentity: shared.id,
				storageAccount: fraud.storageAccountId,
				keyVault: fraud.keyVaultId,
			}),
		).rejects.toMatchObject({statusCode: 403, code: 'LinkedAuthorizationFailed'});

		// Managed Identity Operator on the identity grants assign/action: the same PATCH is accepted.
		grantCaller(emulator, 'Managed Identity Operator', shared.id);
		const allowed = await armRequest(emulator, 'PATCH', `${fraud.id}?api-version=${ML}`, {
			body: {identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[shared.id]: {}}}, properties: {primaryUserAssignedIdentity: shared.id}},
		});
		expect(allowed.status).toBe(202);
	});
});
