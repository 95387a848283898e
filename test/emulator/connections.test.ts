import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AzureMachineLearningWorkspaces, type ManagedIdentityAuthTypeWorkspaceConnectionProperties} from '@azure/arm-machinelearning';
import {SEED, startEmulator, type EmulatorState, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, IN_PROGRESS_LRO_MS, sdkOptions, staticCredential, waitForOperation} from './helpers.js';

const ML = '2022-10-01';
const fraud = SEED.workspaces.fraudProd;
const forecast = SEED.workspaces.demandForecast;
const connectionUrl = (workspaceId: string, name: string) => `${workspaceId}/connections/${name}?api-version=${ML}`;

/** A user-assigned identity as the ManagedIdentity provider stores it (independent of its seed). */
function addIdentity(state: EmulatorState, subscriptionId: string, resourceGroup: string, name: string, principalId: string, clientId: string): string {
	const id = `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
	state.identities[id.toLowerCase()] = {id, name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', location: 'eastus', properties: {tenantId: state.tenantId, principalId, clientId}};
	return id;
}

describe('workspace connections and workspace PATCH (MachineLearningServices 2022-10-01)', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	let uai: string;
	const uaiClientId = '2c8a6e4f-9b1d-4f3a-8c7e-5a1b3d9f6e42';
	beforeAll(async () => {
		// Short: the SDK tests here only wait for completion. The test that checks a PATCH while it runs has its own emulator.
		emulator = await startEmulator({pageSize: 1, lroDurationMs: 200});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
		uai = addIdentity(emulator.state, fraud.subscriptionId, fraud.resourceGroup, 'id-conn-test', 'b7e3f1a9-4c2d-4e8b-9a6f-1d3c5e7b9f20', uaiClientId);
	});

	const miConnection = (target = 'crcontosobase.azurecr.io') => ({
		properties: {authType: 'ManagedIdentity', category: 'ContainerRegistry', target, credentials: {resourceId: uai, clientId: uaiClientId}},
	});

	describe('connections over raw HTTPS', () => {
		it('PUT answers 200 (not an LRO) and never echoes credentials', async () => {
			const res = await armRequest(emulator, 'PUT', connectionUrl(fraud.id, 'acr-base'), {body: miConnection()});
			expect(res.status).toBe(200);
			expect(res.headers['azure-asyncoperation']).toBeUndefined();
			expect(res.body).toMatchObject({
				id: `${fraud.id}/connections/acr-base`,
				name: 'acr-base',
				type: 'Microsoft.MachineLearningServices/workspaces/connections',
				properties: {authType: 'ManagedIdentity', category: 'ContainerRegistry', target: 'crcontosobase.azurecr.io'},
			});
			expect(res.body.properties.credentials).toBeUndefined();
			expect(res.text).not.toContain(uaiClientId);
			const get = await armRequest(emulator, 'GET', connectionUrl(fraud.id, 'acr-base'));
			expect(get.body).toEqual(res.body);
		});

		it('validates the body as the spec does (additionalProperties:false, required fields, enums)', async () => {
			const cases: Array<[string, unknown]> = [
				['location on the envelope', {...miConnection(), location: 'eastus'}],
				['tags on the envelope', {...miConnection(), tags: {a: 'b'}}],
				['no properties', {}],
				['no authType', {properties: {category: 'ContainerRegistry', target: 'x'}}],
				['unknown authType', {properties: {authType: 'Kerberos', target: 'x'}}],
				['MI without credentials', {properties: {authType: 'ManagedIdentity', category: 'ContainerRegistry', target: 'x'}}],
				['MI without clientId', {properties: {authType: 'ManagedIdentity', target: 'x', credentials: {resourceId: 'r'}}}],
				['unknown credentials member', {properties: {authType: 'ManagedIdentity', target: 'x', credentials: {resourceId: 'r', clientId: 'c', secret: 's'}}}],
				['unknown category', {properties: {authType: 'None', category: 'Blob', target: 'x'}}],
				['unknown properties member', {properties: {authType: 'None', target: 'x', owner: 'me'}}],
			];
			for (const [label, body] of cases) {
				const res = await armRequest(emulator, 'PUT', connectionUrl(fraud.id, 'bad'), {body});
				expect([label, res.status]).toEqual([label, 400]);
			}
			const location = await armRequest(emulator, 'PUT', connectionUrl(fraud.id, 'bad'), {body: {...miConnection(), location: 'eastus'}});
			expect(location.body.error.message).toContain("'location'");
			expect(Object.keys(emulator.state.connections)).toHaveLength(0);
		});

		it('lists with target and category filters, deletes with 200 then 204, and 404s a missing one', async () => {
			await armRequest(emulator, 'PUT', connectionUrl(fraud.id, 'acr-base'), {body: miConnection()});
			await armRequest(emulator, 'PUT', connectionUrl(fraud.id, 'acr-other'), {body: miConnection('crother.azurecr.io')});
			await armRequest(emulator, 'PUT', connectionUrl(fraud.id, 'feed'), {body: {properties: {authType: 'None', category: 'PythonFeed', target: 'https://pypi.contoso.com'}}});
			const all = await armRequest(emulator, 'GET', `${fraud.id}/connections?api-version=${ML}`);
			expect(all.body.value).toHaveLength(1); // pageSize 1
			expect(all.body.nextLink).toBeTruthy();
			const byTarget = await armRequest(emulator, 'GET', `${fraud.id}/connections?api-version=${ML}&target=crcontosobase.azurecr.io`);
			expect(byTarget.body.value.map((c: {name: string}) => c.name)).toEqual(['acr-base']);
			expect(byTarget.body.nextLink).toBeUndefined();
			const byCategory = await armRequest(emulator, 'GET', `${fraud.id}/connections?api-version=${ML}&category=PythonFeed`);
			expect(byCategory.body.value.map((c: {name: string}) => c.name)).toEqual(['feed']);

			expect((await armRequest(emulator, 'DELETE', connectionUrl(fraud.id, 'acr-base'))).status).toBe(200);
			expect((await armRequest(emulator, 'DELETE', connectionUrl(fraud.id, 'acr-base'))).status).toBe(204);
			const missing = await armRequest(emulator, 'GET', connectionUrl(fraud.id, 'acr-base'));
			expect(missing.status).toBe(404);
			expect(missing.body.error.code).toBe('ResourceNotFound');
		});
	});

	it('workspaceConnections create/get/list/delete with authType ManagedIdentity (SDK)', async () => {
		const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
		const created = await client.workspaceConnections.create(fraud.resourceGroup, fraud.name, 'acr-base', {
			properties: {authType: 'ManagedIdentity', category: 'ContainerRegistry', target: 'crcontosobase.azurecr.io', credentials: {resourceId: uai, clientId: uaiClientId}},
		} as {properties: ManagedIdentityAuthTypeWorkspaceConnectionProperties});
		expect(created.name).toBe('acr-base');
		expect(created.properties).toMatchObject({authType: 'ManagedIdentity', category: 'ContainerRegistry', target: 'crcontosobase.azurecr.io'});
		const got = await client.workspaceConnections.get(fraud.resourceGroup, fraud.name, 'acr-base');
		expect(got.id).toBe(`${fraud.id}/connections/acr-base`);
		await client.workspaceConnections.create(fraud.resourceGroup, fraud.name, 'feed', {properties: {authType: 'None', category: 'PythonFeed', target: 'https://pypi.contoso.com'}});
		const names: string[] = [];
		for await (const c of client.workspaceConnections.list(fraud.resourceGroup, fraud.name)) names.push(c.name!);
		expect(names.sort()).toEqual(['acr-base', 'feed']);
		const filtered: string[] = [];
		for await (const c of client.workspaceConnections.list(fraud.resourceGroup, fraud.name, {category: 'ContainerRegistry'})) filtered.push(c.name!);
		expect(filtered).toEqual(['acr-base']);
		await client.workspaceConnections.delete(fraud.resourceGroup, fraud.name, 'acr-base');
		await expect(client.workspaceConnections.get(fraud.resourceGroup, fraud.name, 'acr-base')).rejects.toMatchObject({statusCode: 404});
	});

	describe('workspace PATCH', () => {
		it('workspaces.beginUpdateAndWait attaches crcontosobase to mlw-demand-forecast', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, forecast.subscriptionId, options);
			const updated = await client.workspaces.beginUpdateAndWait(forecast.resourceGroup, forecast.name, {containerRegistry: SEED.registries.contosoBase.id}, {updateIntervalInMs: 50});
			expect(updated.containerRegistry).toBe(SEED.registries.contosoBase.id);
			expect(updated.provisioningState).toBe('Succeeded');
			const patch = emulator.requests.find((r) => r.method === 'PATCH')!;
			expect(patch.status).toBe(202);
			expect(emulator.requests.some((r) => r.path.includes('/workspaceOperationsStatus/'))).toBe(true);
			const again = await client.workspaces.get(forecast.resourceGroup, forecast.name);
			expect(again.containerRegistry).toBe(SEED.registries.contosoBase.id);
		});

		it('answers 202 with Azure-AsyncOperation and Location; the change shows once the operation is done', async () => {
			// Its own emulator, with an operation long enough that the checks made while the PATCH runs stay inside it.
			const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
			try {
				const res = await armRequest(slow, 'PATCH', `${forecast.id}?api-version=${ML}`, {body: {properties: {friendlyName: 'Forecasts', description: 'new'}, tags: {team: 'x'}}});
				expect(res.status).toBe(202);
				expect(res.text).toBe('');
				const asyncUrl = String(res.headers['azure-asyncoperation']);
				const location = String(res.headers.location);
				expect(asyncUrl).toMatch(/\/locations\/westeurope\/workspaceOperationsStatus\/[0-9a-f-]{36}\?/);
				expect((await armRequest(slow, 'GET', asyncUrl)).body.status).toBe('InProgress');
				expect((await armRequest(slow, 'GET', location)).status).toBe(202);
				expect((await armRequest(slow, 'GET', `${forecast.id}?api-version=${ML}`)).body.properties.friendlyName).toBe('Demand forecasting');
				const conflict = await armRequest(slow, 'PATCH', `${forecast.id}?api-version=${ML}`, {body: {tags: {}}});
				expect(conflict.status).toBe(409);
				expect((await waitForOperation(slow, asyncUrl)).body.status).toBe('Succeeded');
				const done = await armRequest(slow, 'GET', location);
				expect(done.status).toBe(200);
				expect(done.body).toMatchObject({name: forecast.name, tags: {team: 'x'}, properties: {friendlyName: 'Forecasts', description: 'new', provisioningState: 'Succeeded'}});
			} finally {
				await slow.close();
			}
		});

		it('refuses an unknown registry, a changed keyVault/storageAccount and unknown identities', async () => {
			const cases: Array<[string, unknown]> = [
				['unknown registry', {properties: {containerRegistry: SEED.registries.contosoBase.id.replace('crcontosobase', 'crnope0')}}],
				['keyVault', {properties: {keyVault: forecast.keyVaultId.replace('kv-', 'kv2-')}}],
				['storageAccount', {properties: {storageAccount: forecast.storageAccountId + 'x'}}],
				['unknown uai', {identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[uai + 'x']: {}}}}],
				['bad type', {identity: {type: 'Magic'}}],
			];
			for (const [label, body] of cases) {
				const res = await armRequest(emulator, 'PATCH', `${forecast.id}?api-version=${ML}`, {body});
				expect([label, res.status]).toEqual([label, 400]);
			}
			const same = await armRequest(emulator, 'PATCH', `${forecast.id}?api-version=${ML}`, {body: {properties: {keyVault: forecast.keyVaultId}}});
			expect(same.status).toBe(202);
		});

		it('adds user-assigned identities, replaces the map, and refuses going back to SystemAssigned only', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			const second = addIdentity(emulator.state, fraud.subscriptionId, fraud.resourceGroup, 'id-second', 'c1c1c1c1-1111-4222-8333-444444444444', 'd2d2d2d2-1111-4222-8333-444444444444');
			const both = await client.workspaces.beginUpdateAndWait(
				fraud.resourceGroup,
				fraud.name,
				{identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[uai]: {}, [second]: {}}}, primaryUserAssignedIdentity: uai},
				{updateIntervalInMs: 50},
			);
			expect(both.identity?.type).toBe('SystemAssigned,UserAssigned');
			expect(both.identity?.principalId).toBe(fraud.principalId);
			expect(both.identity?.userAssignedIdentities?.[uai]).toEqual({principalId: 'b7e3f1a9-4c2d-4e8b-9a6f-1d3c5e7b9f20', clientId: uaiClientId});
			expect(both.primaryUserAssignedIdentity).toBe(uai);

			const replaced = await client.workspaces.beginUpdateAndWait(
				fraud.resourceGroup,
				fraud.name,
				{identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[second]: {}}}, primaryUserAssignedIdentity: second},
				{updateIntervalInMs: 50},
			);
			expect(Object.keys(replaced.identity?.userAssignedIdentities ?? {})).toEqual([second]);

			const back = await armRequest(emulator, 'PATCH', `${fraud.id}?api-version=${ML}`, {body: {identity: {type: 'SystemAssigned'}}});
			expect(back.status).toBe(400);
			expect(back.body.error.code).toBe('BadRequest');
			expect(back.body.error.message).toContain("'SystemAssigned,UserAssigned' to 'SystemAssigned'");

			const notPrimary = await armRequest(emulator, 'PATCH', `${fraud.id}?api-version=${ML}`, {body: {properties: {primaryUserAssignedIdentity: uai}}});
			expect(notPrimary.status).toBe(400);
			expect(emulator.state.workspaces[fraud.id.toLowerCase()]!.identity).toMatchObject({type: 'SystemAssigned,UserAssigned', principalId: fraud.principalId});
		});
	});
});
