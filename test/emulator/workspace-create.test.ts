import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, IN_PROGRESS_LRO_MS, sdkOptions, staticCredential, UUID_RE, waitForOperation} from './helpers.js';

const ML = '2022-10-01';
const fraud = SEED.workspaces.fraudProd;
const rg = SEED.resourceGroups.fraudProd;
const uai = SEED.identities.fraudAcrPull;
const wsUrl = (name: string) => `${rg.id}/providers/Microsoft.MachineLearningServices/workspaces/${name}?api-version=${ML}`;
const linked = {
	storageAccount: fraud.storageAccountId,
	keyVault: fraud.keyVaultId,
	applicationInsights: fraud.applicationInsightsId,
	containerRegistry: SEED.registries.fraudProd.id,
};

describe('workspace PUT (Workspaces_CreateOrUpdate, MachineLearningServices 2022-10-01)', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		emulator = await startEmulator({lroDurationMs: 150, pageSize: 2});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	it('raw: 202 without body + Azure-AsyncOperation and Location; Creating until the operation is done; default datastores follow', async () => {
		// Its own emulator, with an operation long enough to be still running when the workspace is read.
		const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
		try {
			const res = await armRequest(slow, 'PUT', wsUrl('mlw-fraud-new'), {
				body: {location: 'eastus', identity: {type: 'SystemAssigned'}, properties: {...linked, friendlyName: 'Fraud (new)'}, tags: {team: 'fraud-detection'}},
			});
			expect(res.status).toBe(202);
			expect(res.text).toBe('');
			const statusUrl = String(res.headers['azure-asyncoperation']);
			expect(statusUrl).toMatch(/\/locations\/eastus\/workspaceOperationsStatus\/[0-9a-f-]{36}\?api-version=2022-10-01/);
			expect(res.headers.location).toBeDefined();
			const during = await armRequest(slow, 'GET', wsUrl('mlw-fraud-new'));
			expect(during.body.properties.provisioningState).toBe('Creating');
			expect(during.body.identity.principalId).toMatch(UUID_RE);
			expect(slow.state.principals[during.body.identity.principalId.toLowerCase()]?.kind).toBe('ServicePrincipal');
			expect((await waitForOperation(slow, statusUrl)).body.status).toBe('Succeeded');
			const done = await armRequest(slow, 'GET', String(res.headers.location));
			expect(done.status).toBe(200);
			expect(done.body).toMatchObject({
				name: 'mlw-fraud-new',
				location: 'eastus',
				tags: {team: 'fraud-detection'},
				sku: {name: 'Basic', tier: 'Basic'},
				identity: {type: 'SystemAssigned', tenantId: SEED.tenantId},
				properties: {...linked, friendlyName: 'Fraud (new)', provisioningState: 'Succeeded', publicNetworkAccess: 'Enabled', storageHnsEnabled: false},
			});
			expect(done.body.properties.workspaceId).toMatch(UUID_RE);
			const datastores = await armRequest(slow, 'GET', `${done.body.id}/datastores?api-version=${ML}`);
			expect(datastores.body.value.map((d: {name: string}) => d.name).sort()).toEqual(['workspaceblobstore', 'workspaceworkingdirectory']);
		} finally {
			await slow.close();
		}
	});

	it('validates identities, primaryUserAssignedIdentity, linked resources, and the customer-managed key', async () => {
		const bad: Array<[string, unknown, RegExp]> = [
			['no location', {properties: linked}, /'location' is required/],
			['no storage account', {location: 'eastus', properties: {keyVault: linked.keyVault}}, /storageAccount' is required/],
			['unknown key vault', {location: 'eastus', properties: {...linked, keyVault: linked.keyVault + 'x'}}, /was not found/],
			['unknown app insights', {location: 'eastus', properties: {...linked, applicationInsights: linked.applicationInsights + 'x'}}, /was not found/],
			['unknown registry', {location: 'eastus', properties: {...linked, containerRegistry: linked.containerRegistry + 'x'}}, /was not found/],
			['unknown UAI', {location: 'eastus', identity: {type: 'UserAssigned', userAssignedIdentities: {[uai.id + 'x']: {}}}, properties: {...linked, primaryUserAssignedIdentity: uai.id + 'x'}}, /was not found/],
			['UserAssigned without primary', {location: 'eastus', identity: {type: 'UserAssigned', userAssignedIdentities: {[uai.id]: {}}}, properties: linked}, /needs 'properties.primaryUserAssignedIdentity'/],
			['primary not among UAIs', {location: 'eastus', identity: {type: 'SystemAssigned'}, properties: {...linked, primaryUserAssignedIdentity: uai.id}}, /must be one of/],
			['None', {location: 'eastus', identity: {type: 'None'}, properties: linked}, /invalid for a workspace/],
			[
				'CMK identity not on the workspace',
				{
					location: 'eastus',
					identity: {type: 'SystemAssigned'},
					properties: {
						...linked,
						encryption: {status: 'Enabled', identity: {userAssignedIdentity: uai.id}, keyVaultProperties: {keyVaultArmId: linked.keyVault, keyIdentifier: 'https://kv-fraud-prod-4c8e1a.vault.azure.net/keys/cmk/1'}},
					},
				},
				/customer-managed key identity/,
			],
			['bad name', {location: 'eastus', properties: linked}, /Workspace name/],
		];
		for (const [label, body, message] of bad) {
			const res = await armRequest(emulator, 'PUT', wsUrl(label === 'bad name' ? 'x' : 'mlw-bad'), {body});
			expect([label, res.status, res.body?.error?.message]).toEqual([label, 400, expect.stringMatching(message)]);
		}
		expect(emulator.state.workspaces[`${rg.id}/providers/Microsoft.MachineLearningServices/workspaces/mlw-bad`.toLowerCase()]).toBeUndefined();
	});

	it('SDK beginCreateOrUpdateAndWait: UserAssigned with primary and a customer-managed key identity, echoed', async () => {
		const client = new AzureMachineLearningWorkspaces(staticCredential, rg.subscriptionId, options);
		const created = await client.workspaces.beginCreateOrUpdateAndWait(
			rg.name,
			'mlw-fraud-cmk',
			{
				location: 'eastus',
				identity: {type: 'UserAssigned', userAssignedIdentities: {[uai.id]: {}}},
				primaryUserAssignedIdentity: uai.id,
				...linked,
				encryption: {
					status: 'Enabled',
					identity: {userAssignedIdentity: uai.id},
					keyVaultProperties: {keyVaultArmId: linked.keyVault, keyIdentifier: 'https://kv-fraud-prod-4c8e1a.vault.azure.net/keys/cmk/0123456789abcdef'},
				},
			},
			{updateIntervalInMs: 30},
		);
		expect(created.provisioningState).toBe('Succeeded');
		expect(created.identity?.type).toBe('UserAssigned');
		expect(created.identity?.principalId).toBeUndefined();
		expect(created.identity?.userAssignedIdentities?.[uai.id]).toEqual({principalId: uai.principalId, clientId: uai.clientId});
		expect(created.primaryUserAssignedIdentity).toBe(uai.id);
		expect(created.encryption).toEqual({
			status: 'Enabled',
			identity: {userAssignedIdentity: uai.id},
			keyVaultProperties: {keyVaultArmId: linked.keyVault, keyIdentifier: 'https://kv-fraud-prod-4c8e1a.vault.azure.net/keys/cmk/0123456789abcdef'},
		});
		const put = emulator.requests.find((r) => r.method === 'PUT')!;
		expect(put.status).toBe(202);
		expect(emulator.requests.some((r) => r.path.includes('/workspaceOperationsStatus/'))).toBe(true);
	});

	it('PUT on an existing workspace updates it with the same rules (storage account and key vault immutable; SA+UA cannot go back to SA)', async () => {
		const client = new AzureMachineLearningWorkspaces(staticCredential, rg.subscriptionId, options);
		const current = await client.workspaces.get(rg.name, fraud.name);
		const updated = await client.workspaces.beginCreateOrUpdateAndWait(
			rg.name,
			fraud.name,
			{...current, identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[uai.id]: {}}}, primaryUserAssignedIdentity: uai.id, friendlyName: 'Fraud (prod, UAI)'},
			{updateIntervalInMs: 30},
		);
		expect(updated.identity?.type).toBe('SystemAssigned,UserAssigned');
		expect(updated.identity?.principalId).toBe(fraud.principalId);
		expect(updated.workspaceId).toBe(fraud.workspaceId);
		expect(updated.friendlyName).toBe('Fraud (prod, UAI)');
		expect(updated.systemData?.createdAt).toEqual(current.systemData?.createdAt);

		for (const [label, body] of [
			['storage', {location: 'eastus', properties: {...linked, storageAccount: SEED.workspaces.demandForecast.storageAccountId}}],
			['key vault', {location: 'eastus', properties: {...linked, keyVault: SEED.workspaces.demandForecast.keyVaultId}}],
			['back to SA', {location: 'eastus', identity: {type: 'SystemAssigned'}, properties: linked}],
			['location', {location: 'westeurope', properties: linked}],
		] as const) {
			const res = await armRequest(emulator, 'PUT', `${fraud.id}?api-version=${ML}`, {body});
			expect([label, res.status]).toEqual([label, 400]);
		}
		// PATCH keeps refusing SystemAssigned,UserAssigned -> SystemAssigned too.
		const patch = await armRequest(emulator, 'PATCH', `${fraud.id}?api-version=${ML}`, {body: {identity: {type: 'SystemAssigned'}}});
		expect(patch.status).toBe(400);
		expect(patch.body.error.message).toContain("'SystemAssigned,UserAssigned' to 'SystemAssigned'");
	});

	it('a second PUT while the first runs is a 409', async () => {
		// Its own emulator, with an operation long enough to be still running at the second PUT.
		const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
		try {
			const body = {location: 'eastus', properties: linked};
			expect((await armRequest(slow, 'PUT', wsUrl('mlw-twice'), {body})).status).toBe(202);
			const again = await armRequest(slow, 'PUT', wsUrl('mlw-twice'), {body});
			expect(again.status).toBe(409);
		} finally {
			await slow.close();
		}
	});
});
