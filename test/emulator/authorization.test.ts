import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AuthorizationManagementClient} from '@azure/arm-authorization';
import {DEMO_TENANT, SEED, SEED_AKS, SEED_IDENTITIES, SEED_ROLE_ASSIGNMENTS, createSeedState, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {BUILT_IN_ROLES} from '../../src/emulator/role-grants.js';
import {armRequest, grantCaller, pollUntil, sdkOptions, staticCredential, UUID_RE} from './helpers.js';
import {captureExchange, expectConformsToSpec, loadSpecValidator, type ExchangeRequest} from '../helpers/spec-conformance.js';

const AUTHZ = '2022-04-01';
const MSI = '2024-11-30';
const PROVIDER = 'providers/Microsoft.Authorization';
const sub = SEED.subscriptions.devTest;
/** Ada is only Contributor in Dev/Test: tests that write role assignments there make her RBAC administrator of rg-ml-dev first. */
const allowRoleAssignments = (emulator: RunningEmulator) => grantCaller(emulator, 'Role Based Access Control Administrator', SEED.resourceGroups.mlDev.id);
const registry = SEED.registries.visionDev;
const visionTrain = SEED_IDENTITIES.visionTrain;
const fraudUai = SEED_IDENTITIES.fraudAcrPull;
const acrPullDefId = `${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull}`;

const assignmentUrl = (scope: string, name: string) => `${scope}/${PROVIDER}/roleAssignments/${name}?api-version=${AUTHZ}`;
const listUrl = (scope: string, filter?: string) =>
	`${scope}/${PROVIDER}/roleAssignments?api-version=${AUTHZ}${filter ? `&$filter=${encodeURIComponent(filter)}` : ''}`;

/** Every page of a list, following nextLink. */
async function listAll(emulator: RunningEmulator, target: string): Promise<Array<Record<string, any>>> {
	const items: Array<Record<string, any>> = [];
	let next: string | undefined = target;
	while (next) {
		const res = await armRequest(emulator, 'GET', next);
		expect(res.status, res.text).toBe(200);
		items.push(...res.body.value);
		next = res.body.nextLink || undefined;
	}
	return items;
}

describe('Microsoft.Authorization over raw HTTPS', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 2});
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
	});

	it('seed constants agree with SEED and DEMO_TENANT (seed-identity.ts spells them out)', () => {
		expect(SEED.identities).toBe(SEED_IDENTITIES);
		expect(SEED.aksClusters).toBe(SEED_AKS);
		expect(fraudUai.subscriptionId).toBe(SEED.subscriptions.production.subscriptionId);
		expect(fraudUai.resourceGroup).toBe(SEED.resourceGroups.fraudProd.name);
		expect(visionTrain.subscriptionId).toBe(SEED.subscriptions.devTest.subscriptionId);
		expect(visionTrain.resourceGroup).toBe(SEED.resourceGroups.mlDev.name);
		expect(visionTrain.acrPullAssignmentId.startsWith(`${registry.id}/providers/Microsoft.Authorization/roleAssignments/`)).toBe(true);
		expect(SEED_AKS.fraudInference.id).toBe(
			'/subscriptions/3f2b8c4e-1a7d-4e9b-8c6f-5d2a9b1e7c40/resourceGroups/rg-ml-fraud-prod/providers/Microsoft.ContainerService/managedClusters/aks-fraud-inference',
		);
		for (const ws of Object.values(SEED.workspaces)) expect(Object.keys(SEED.keyVaultRbac)).toContain(ws.keyVaultId.split('/').pop());
		// Deterministic: two seeds are identical.
		expect(JSON.stringify(createSeedState())).toBe(JSON.stringify(createSeedState()));
	});

	it('registers every seeded principal with an old createdAt', () => {
		const principals = emulator.state.principals;
		const ids = [
			DEMO_TENANT.user.objectId,
			...Object.values(SEED.workspaces).map((w) => w.principalId),
			fraudUai.principalId,
			visionTrain.principalId,
			SEED_AKS.fraudInference.principalId,
			SEED_AKS.fraudInference.kubeletIdentity.objectId,
		];
		for (const id of ids) {
			expect(principals[id.toLowerCase()], id).toBeDefined();
			expect(principals[id.toLowerCase()]!.createdAt).toBeLessThan(Date.now() - 24 * 3600 * 1000);
		}
		expect(principals[DEMO_TENANT.user.objectId.toLowerCase()]!.kind).toBe('User');
		// Computes seeded before seedIdentityState have their identities registered too.
		for (const compute of Object.values(emulator.state.computes)) {
			const principalId = (compute.identity as {principalId?: string} | undefined)?.principalId;
			if (principalId) expect(principals[principalId.toLowerCase()]).toBeDefined();
		}
	});

	it('lists role definitions, filtered by roleName case-insensitively, with subscription-prefixed ids', async () => {
		const all = await listAll(emulator, `${sub.id}/${PROVIDER}/roleDefinitions?api-version=${AUTHZ}`);
		expect(all.map((d) => d.properties.roleName).sort()).toEqual(Object.keys(BUILT_IN_ROLES).sort());

		const res = await armRequest(emulator, 'GET', `${sub.id}/${PROVIDER}/roleDefinitions?api-version=${AUTHZ}&$filter=${encodeURIComponent("roleName eq 'acrpull'")}`);
		expect(res.status).toBe(200);
		expect(res.body.value).toHaveLength(1);
		const acrPull = res.body.value[0];
		expect(acrPull).toMatchObject({
			id: acrPullDefId,
			name: BUILT_IN_ROLES.AcrPull,
			type: 'Microsoft.Authorization/roleDefinitions',
			properties: {roleName: 'AcrPull', type: 'BuiltInRole', assignableScopes: ['/']},
		});
		expect(acrPull.properties.permissions[0].actions).toEqual(['Microsoft.ContainerRegistry/registries/pull/read']);

		const none = await armRequest(emulator, 'GET', `${sub.id}/${PROVIDER}/roleDefinitions?api-version=${AUTHZ}&$filter=${encodeURIComponent("roleName eq 'AcrPul'")}`);
		expect(none.body.value).toEqual([]);
	});

	it('gets role definitions by GUID at any scope and by full id; unknown → 404 RoleDefinitionDoesNotExist', async () => {
		const atRegistry = await armRequest(emulator, 'GET', `${registry.id}/${PROVIDER}/roleDefinitions/${BUILT_IN_ROLES.Owner}?api-version=${AUTHZ}`);
		expect(atRegistry.status).toBe(200);
		expect(atRegistry.body.id).toBe(`${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.Owner}`);
		expect(atRegistry.body.properties.roleName).toBe('Owner');

		const tenantLevel = await armRequest(emulator, 'GET', `/${PROVIDER}/roleDefinitions/${BUILT_IN_ROLES.AcrPull}?api-version=${AUTHZ}`);
		expect(tenantLevel.status).toBe(200);
		expect(tenantLevel.body.id).toBe(`/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull}`);

		const unknown = await armRequest(emulator, 'GET', `${sub.id}/${PROVIDER}/roleDefinitions/${randomUUID()}?api-version=${AUTHZ}`);
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.code).toBe('RoleDefinitionDoesNotExist');

		const badSub = await armRequest(emulator, 'GET', `/subscriptions/${randomUUID()}/${PROVIDER}/roleDefinitions?api-version=${AUTHZ}`);
		expect(badSub.status).toBe(404);
		expect(badSub.body.error.code).toBe('SubscriptionNotFound');

		const badVersion = await armRequest(emulator, 'GET', `${sub.id}/${PROVIDER}/roleDefinitions?api-version=2015-07-01`);
		expect(badVersion.status).toBe(400);
		expect(badVersion.body.error.code).toBe('InvalidApiVersionParameter');
	});

	it('creates a role assignment (201), repeats it (200), refuses a duplicate under another name (409 RoleAssignmentExists)', async () => {
		allowRoleAssignments(emulator);
		const name = randomUUID();
		const body = {properties: {roleDefinitionId: acrPullDefId, principalId: fraudUai.principalId, principalType: 'ServicePrincipal'}};
		const created = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, name), {body});
		expect(created.status, created.text).toBe(201);
		expect(created.body).toMatchObject({
			id: `${registry.id}/providers/Microsoft.Authorization/roleAssignments/${name}`,
			name,
			type: 'Microsoft.Authorization/roleAssignments',
			properties: {
				roleDefinitionId: acrPullDefId,
				principalId: fraudUai.principalId,
				principalType: 'ServicePrincipal',
				scope: registry.id,
				createdBy: DEMO_TENANT.user.objectId,
			},
		});
		expect(Date.parse(created.body.properties.createdOn)).toBeGreaterThan(Date.now() - 60_000);

		const again = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, name), {body});
		expect(again.status).toBe(200);
		expect(again.body).toEqual(created.body);

		const other = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, randomUUID()), {body});
		expect(other.status).toBe(409);
		expect(other.body.error.code).toBe('RoleAssignmentExists');
		expect(other.body.error.message).toContain(name.replace(/-/g, ''));

		const changed = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, name), {
			body: {properties: {...body.properties, roleDefinitionId: `${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPush}`}},
		});
		expect(changed.status).toBe(409);
		expect(changed.body.error.code).toBe('RoleAssignmentUpdateNotPermitted');

		const got = await armRequest(emulator, 'GET', assignmentUrl(registry.id, name));
		expect(got.status).toBe(200);
		expect(got.body).toEqual(created.body);
	});

	it('validates the request: GUID name, role definition, required properties, principal, scope', async () => {
		// At the subscription: without rights there, a missing resource group is 403 AuthorizationFailed ('or the scope is invalid'), not 404.
		grantCaller(emulator, 'Role Based Access Control Administrator', sub.id);
		const ok = {properties: {roleDefinitionId: acrPullDefId, principalId: fraudUai.principalId, principalType: 'ServicePrincipal'}};
		const expectError = async (target: string, body: unknown, status: number, code: string) => {
			const res = await armRequest(emulator, 'PUT', target, {body});
			expect(res.status, res.text).toBe(status);
			expect(res.body.error.code).toBe(code);
			return res;
		};
		await expectError(assignmentUrl(registry.id, 'not-a-guid'), ok, 400, 'InvalidRoleAssignmentId');
		await expectError(
			assignmentUrl(registry.id, randomUUID()),
			{properties: {...ok.properties, roleDefinitionId: `${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`}},
			400,
			'RoleDefinitionDoesNotExist',
		);
		await expectError(assignmentUrl(registry.id, randomUUID()), {properties: {roleDefinitionId: acrPullDefId}}, 400, 'InvalidRequestContent');
		await expectError(assignmentUrl(registry.id, randomUUID()), {}, 400, 'InvalidRequestContent');
		const stranger = randomUUID();
		const notFound = await expectError(assignmentUrl(registry.id, randomUUID()), {properties: {...ok.properties, principalId: stranger}}, 400, 'PrincipalNotFound');
		expect(notFound.body.error.message).toContain(`does not exist in the directory ${SEED.tenantId}`);
		expect(notFound.body.error.message).toContain('https://aka.ms/docs-principaltype');
		// A known principal sent with the wrong type.
		await expectError(
			assignmentUrl(registry.id, randomUUID()),
			{properties: {...ok.properties, principalId: DEMO_TENANT.user.objectId, principalType: 'ServicePrincipal'}},
			400,
			'UnmatchedPrincipalType',
		);
		await expectError(assignmentUrl(`/subscriptions/${randomUUID()}`, randomUUID()), ok, 404, 'SubscriptionNotFound');
		await expectError(assignmentUrl(`${sub.id}/resourceGroups/rg-nope`, randomUUID()), ok, 404, 'ResourceGroupNotFound');
		await expectError(assignmentUrl(`${SEED.resourceGroups.mlDev.id}/providers/Microsoft.ContainerRegistry/registries/crnope`, randomUUID()), ok, 404, 'ResourceNotFound');
		expect(Object.values(emulator.state.roleAssignments).some((a) => (a.properties as {principalId: string}).principalId === fraudUai.principalId)).toBe(false);
	});

	it('without principalType, the principal type comes from the directory', async () => {
		allowRoleAssignments(emulator);
		const name = randomUUID();
		const res = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, name), {
			body: {properties: {roleDefinitionId: acrPullDefId, principalId: fraudUai.principalId}},
		});
		expect(res.status).toBe(201);
		expect(res.body.properties.principalType).toBe('ServicePrincipal');
	});

	it('deletes: 200 with the deleted body, then 204; GET is then 404 RoleAssignmentNotFound', async () => {
		allowRoleAssignments(emulator);
		const id = visionTrain.acrPullAssignmentId;
		const before = await armRequest(emulator, 'GET', `${id}?api-version=${AUTHZ}`);
		expect(before.status).toBe(200);
		const deleted = await armRequest(emulator, 'DELETE', `${id}?api-version=${AUTHZ}`);
		expect(deleted.status).toBe(200);
		expect(deleted.body).toEqual(before.body);
		const again = await armRequest(emulator, 'DELETE', `${id}?api-version=${AUTHZ}`);
		expect(again.status).toBe(204);
		expect(again.text).toBe('');
		const gone = await armRequest(emulator, 'GET', `${id}?api-version=${AUTHZ}`);
		expect(gone.status).toBe(404);
		expect(gone.body.error.code).toBe('RoleAssignmentNotFound');
	});

	it('lists assignments at, above and below a scope; atScope() and principalId filters', async () => {
		const rg = SEED.resourceGroups.mlDev;
		// Ada is Contributor (not Owner) in Dev/Test.
		const adaOwner = `${sub.id}/providers/Microsoft.Authorization/roleAssignments/${SEED_ROLE_ASSIGNMENTS.adaAssignmentName(sub.subscriptionId)}`;
		const ids = (items: Array<Record<string, any>>) => items.map((a) => a.id as string);

		// Resource group: Ada's Owner (above) + assignments on registries in it (below).
		const all = ids(await listAll(emulator, listUrl(rg.id)));
		expect(all).toContain(adaOwner);
		expect(all).toContain(visionTrain.acrPullAssignmentId);
		expect(all.some((id) => id.startsWith(`${SEED.workspaces.nlpDev.registryId}/`))).toBe(true);
		// Nothing from another subscription.
		expect(all.some((id) => id.startsWith(SEED.subscriptions.production.id))).toBe(false);

		const atScope = ids(await listAll(emulator, listUrl(rg.id, 'atScope()')));
		expect(atScope).toEqual([adaOwner]);

		const atRegistry = ids(await listAll(emulator, listUrl(registry.id, 'atScope()')));
		expect(atRegistry.sort()).toEqual(
			[adaOwner, visionTrain.acrPullAssignmentId, `${registry.id}/providers/Microsoft.Authorization/roleAssignments/${SEED_ROLE_ASSIGNMENTS.workspaceContributorName(registry.id)}`].sort(),
		);

		const forPrincipal = await listAll(emulator, listUrl(sub.id, `principalId eq '${visionTrain.principalId}'`));
		expect(ids(forPrincipal)).toEqual([visionTrain.acrPullAssignmentId]);
		expect(forPrincipal[0]!.properties).toMatchObject({roleDefinitionId: acrPullDefId, principalType: 'ServicePrincipal', scope: registry.id});

		const assignedTo = ids(await listAll(emulator, listUrl(sub.id, `assignedTo('${visionTrain.principalId}')`)));
		expect(assignedTo).toEqual([visionTrain.acrPullAssignmentId]);
		// atScope() at the subscription does not reach down to the registry.
		expect(ids(await listAll(emulator, listUrl(sub.id, `atScope() and principalId eq '${visionTrain.principalId}'`)))).toEqual([]);
		expect(ids(await listAll(emulator, listUrl(registry.id, `atScope() and assignedTo('${visionTrain.principalId}')`)))).toEqual([visionTrain.acrPullAssignmentId]);

		const bad = await armRequest(emulator, 'GET', listUrl(sub.id, "roleName eq 'x'"));
		expect(bad.status).toBe(400);
	});

	it('the kubelet identity of the seeded AKS cluster has no AcrPull anywhere; workspaces are Contributor on their registry', () => {
		const assignments = Object.values(emulator.state.roleAssignments).map((a) => a.properties as Record<string, string>);
		expect(assignments.some((p) => p.principalId === SEED_AKS.fraudInference.kubeletIdentity.objectId)).toBe(false);
		for (const ws of Object.values(SEED.workspaces)) {
			const mine = assignments.filter((p) => p.principalId === ws.principalId);
			if (ws.registryId) {
				expect(mine).toHaveLength(1);
				expect(mine[0]).toMatchObject({scope: ws.registryId, roleDefinitionId: `/subscriptions/${ws.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.Contributor}`});
			} else {
				expect(mine).toEqual([]);
			}
		}
		// Ada: Owner in Production, Contributor in Dev/Test, Reader in Sandbox (one assignment per subscription).
		const ada = assignments.filter((p) => p.principalId === DEMO_TENANT.user.objectId);
		expect(ada.map((p) => `${String(p.roleDefinitionId).split('/').pop()}@${p.scope}`).sort()).toEqual(
			[
				`${BUILT_IN_ROLES.Owner}@${SEED.subscriptions.production.id}`,
				`${BUILT_IN_ROLES.Contributor}@${SEED.subscriptions.devTest.id}`,
				`${BUILT_IN_ROLES.Reader}@${SEED.subscriptions.sandbox.id}`,
			].sort(),
		);
	});
});

describe('replication window of a new principal', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		// Long enough that the two assignments made right after the identity still fall inside the window on a loaded machine.
		emulator = await startEmulator({replicationDelayMs: 2000});
		allowRoleAssignments(emulator);
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('a new UAI is PrincipalNotFound without principalType until replicated; with principalType it is assigned at once', async () => {
		const rg = SEED.resourceGroups.mlDev;
		const uai = await armRequest(emulator, 'PUT', `${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new-${Date.now()}?api-version=${MSI}`, {
			body: {location: rg.location},
		});
		expect(uai.status).toBe(201);
		const principalId: string = uai.body.properties.principalId;
		expect(principalId).toMatch(UUID_RE);

		const withoutType = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, randomUUID()), {
			body: {properties: {roleDefinitionId: acrPullDefId, principalId}},
		});
		expect(withoutType.status).toBe(400);
		expect(withoutType.body.error.code).toBe('PrincipalNotFound');

		const withType = await armRequest(emulator, 'PUT', assignmentUrl(registry.id, randomUUID()), {
			body: {properties: {roleDefinitionId: acrPullDefId, principalId, principalType: 'ServicePrincipal'}},
		});
		expect(withType.status, withType.text).toBe(201);

		// Once replicated, the same request without principalType works (at another scope); until then it keeps failing.
		const laterUrl = assignmentUrl(SEED.registries.nlpDev.id, randomUUID());
		const later = await pollUntil(
			() => armRequest(emulator, 'PUT', laterUrl, {body: {properties: {roleDefinitionId: acrPullDefId, principalId}}}),
			(res) => res.body?.error?.code !== 'PrincipalNotFound',
			{intervalMs: 100},
		);
		expect(later.status, later.text).toBe(201);
		// ...and not before the configured window has passed.
		expect(Date.now()).toBeGreaterThanOrEqual(emulator.state.principals[principalId.toLowerCase()]!.createdAt + 2000);
		expect(later.body.properties.principalType).toBe('ServicePrincipal');
	});

	it('defaults to a 10 s window', async () => {
		const other = await startEmulator();
		allowRoleAssignments(other);
		try {
			const rg = SEED.resourceGroups.mlDev;
			const uai = await armRequest(other, 'PUT', `${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-default-window?api-version=${MSI}`, {
				body: {location: rg.location},
			});
			const principalId: string = uai.body.properties.principalId;
			expect(other.state.principals[principalId.toLowerCase()]!.createdAt).toBeGreaterThan(Date.now() - 5000);
			await new Promise((r) => setTimeout(r, 500));
			const res = await armRequest(other, 'PUT', assignmentUrl(registry.id, randomUUID()), {body: {properties: {roleDefinitionId: acrPullDefId, principalId}}});
			expect(res.body.error?.code).toBe('PrincipalNotFound');
		} finally {
			await other.close();
		}
	});
});

describe('Microsoft.Authorization with AuthorizationManagementClient (arm-authorization 9, 2022-04-01)', () => {
	let emulator: RunningEmulator;
	let client: AuthorizationManagementClient;
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 1, replicationDelayMs: 60_000});
		client = new AuthorizationManagementClient(staticCredential, sub.subscriptionId, sdkOptions(emulator).options);
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	it('finds AcrPull by name (scope with and without a leading slash) and gets it by id', async () => {
		for (const scope of [sub.id, sub.id.slice(1)]) {
			const found = [];
			for await (const d of client.roleDefinitions.list(scope, {filter: "roleName eq 'AcrPull'"})) found.push(d);
			expect(found).toHaveLength(1);
			expect(found[0]).toMatchObject({id: acrPullDefId, roleName: 'AcrPull', roleType: 'BuiltInRole'});
			expect(found[0]!.permissions?.[0]?.actions).toEqual(['Microsoft.ContainerRegistry/registries/pull/read']);
		}
		// A leading-slash scope reaches the emulator as '//subscriptions/...'; the path it serves is single-slashed.
		expect(emulator.requests.map((r) => r.path)).toEqual([`${sub.id}/providers/Microsoft.Authorization/roleDefinitions`, `${sub.id}/providers/Microsoft.Authorization/roleDefinitions`]);

		const byId = await client.roleDefinitions.getById(acrPullDefId);
		expect(byId.roleName).toBe('AcrPull');
		const builtIn = await client.roleDefinitions.getById(`/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.Contributor}`);
		expect(builtIn.roleName).toBe('Contributor');
		await expect(client.roleDefinitions.getById(`/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`)).rejects.toMatchObject({
			statusCode: 404,
			code: 'RoleDefinitionDoesNotExist',
		});
	});

	it('creates (201), repeats (200), refuses a duplicate (409 RoleAssignmentExists), lists with filters, deletes', async () => {
		allowRoleAssignments(emulator);
		const name = randomUUID();
		const params = {roleDefinitionId: acrPullDefId, principalId: fraudUai.principalId, principalType: 'ServicePrincipal' as const};
		const created = await client.roleAssignments.create(registry.id, name, params);
		expect(created).toMatchObject({name, scope: registry.id, principalId: fraudUai.principalId, principalType: 'ServicePrincipal', roleDefinitionId: acrPullDefId});
		const repeated = await client.roleAssignments.create(registry.id, name, params);
		expect(repeated.id).toBe(created.id);
		expect(emulator.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([201, 200]);

		const duplicate = client.roleAssignments.create(registry.id, randomUUID(), params);
		await expect(duplicate).rejects.toMatchObject({statusCode: 409, code: 'RoleAssignmentExists'});

		await expect(
			client.roleAssignments.create(registry.id, randomUUID(), {...params, principalId: randomUUID()}),
		).rejects.toMatchObject({statusCode: 400, code: 'PrincipalNotFound'});

		const atScope = [];
		for await (const a of client.roleAssignments.listForScope(registry.id, {filter: 'atScope()'})) atScope.push(a.id);
		expect(atScope).toContain(created.id);
		expect(atScope).toContain(`${sub.id}/providers/Microsoft.Authorization/roleAssignments/${SEED_ROLE_ASSIGNMENTS.adaAssignmentName(sub.subscriptionId)}`);
		expect(atScope.length).toBeGreaterThan(1); // pageSize 1: nextLink followed

		const forPrincipal = [];
		for await (const a of client.roleAssignments.listForScope(sub.id, {filter: `principalId eq '${fraudUai.principalId}'`})) forPrincipal.push(a.id);
		expect(forPrincipal).toEqual([created.id]);

		const deleted = await client.roleAssignments.delete(registry.id, name);
		expect(deleted.id).toBe(created.id);
		await expect(client.roleAssignments.get(registry.id, name)).rejects.toMatchObject({statusCode: 404, code: 'RoleAssignmentNotFound'});
	});

	it('a UAI created a moment ago needs principalType (replication window)', async () => {
		allowRoleAssignments(emulator);
		const rg = SEED.resourceGroups.mlDev;
		const uai = await armRequest(emulator, 'PUT', `${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-sdk-new?api-version=${MSI}`, {body: {location: rg.location}});
		const principalId: string = uai.body.properties.principalId;
		await expect(client.roleAssignments.create(registry.id, randomUUID(), {roleDefinitionId: acrPullDefId, principalId})).rejects.toMatchObject({
			statusCode: 400,
			code: 'PrincipalNotFound',
		});
		const ok = await client.roleAssignments.create(registry.id, randomUUID(), {roleDefinitionId: acrPullDefId, principalId, principalType: 'ServicePrincipal'});
		expect(ok.principalType).toBe('ServicePrincipal');
	});
});

/**
 * Operations and scopes spec-conformance.test.ts does not cover (it has Create/Get/ListForScope/Delete,
 * RoleDefinitions_*, and UAI CreateOrUpdate/Get/ListByResourceGroup).
 */
describe('more Authorization and ManagedIdentity exchanges conform to the swagger (oav)', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 2, replicationDelayMs: 0});
		await loadSpecValidator();
	}, 120_000);
	afterAll(async () => {
		await emulator.close();
	});

	const rg = SEED.resourceGroups.mlDev;
	const uaiPath = `${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
	const cases: Array<{operationId: string; status: number; request: () => ExchangeRequest}> = [
		{operationId: 'RoleAssignments_ListForResourceGroup', status: 200, request: () => ({method: 'GET', url: listUrl(rg.id)})},
		{operationId: 'RoleAssignments_ListForSubscription', status: 200, request: () => ({method: 'GET', url: listUrl(sub.id, `principalId eq '${visionTrain.principalId}'`)})},
		{operationId: 'RoleAssignments_ListForResource', status: 200, request: () => ({method: 'GET', url: listUrl(registry.id, 'atScope()')})},
		{operationId: 'UserAssignedIdentities_Update', status: 200, request: () => ({method: 'PATCH', url: `${uaiPath}/id-vision-train?api-version=${MSI}`, body: {tags: {a: 'b'}}})},
		{operationId: 'UserAssignedIdentities_ListBySubscription', status: 200, request: () => ({method: 'GET', url: `${sub.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI}`})},
		{operationId: 'UserAssignedIdentities_Delete', status: 200, request: () => ({method: 'DELETE', url: `${uaiPath}/id-vision-train?api-version=${MSI}`})},
	];
	for (const c of cases) {
		it(c.operationId, async () => {
			await emulator.reset();
			const pair = await captureExchange(emulator, c.operationId, c.request());
			expect(Number(pair.liveResponse.statusCode), JSON.stringify(pair.liveResponse.body)).toBe(c.status);
			await expectConformsToSpec(pair);
		});
	}
});
