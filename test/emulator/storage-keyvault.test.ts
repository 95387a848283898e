import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {StorageManagementClient} from '@azure/arm-storage';
import {KeyVaultManagementClient} from '@azure/arm-keyvault';
import {ResourceManagementClient} from '@azure/arm-resources';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, sdkOptions, staticCredential} from './helpers.js';

const STORAGE = '2025-06-01';
const KV = '2026-02-01';
const prod = SEED.subscriptions.production;
const fraud = SEED.workspaces.fraudProd;
const lake = SEED.storageAccounts.fraudLake;
const name = (id: string) => id.split('/').pop()!;

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of iterable) out.push(item);
	return out;
}

describe('storage accounts, blob containers, key vaults, Application Insights, resources.list', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 2});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	describe('Microsoft.Storage 2025-06-01 (@azure/arm-storage 19.1.0)', () => {
		it('lists accounts by subscription and resource group (all pages), gets properties; one account is ADLS Gen2', async () => {
			const client = new StorageManagementClient(staticCredential, prod.subscriptionId, options);
			const accounts = await all(client.storageAccounts.list());
			expect(accounts.map((a) => a.name).sort()).toEqual([name(SEED.workspaces.demandForecast.storageAccountId), lake.name, name(fraud.storageAccountId)].sort());
			expect(emulator.requests.filter((r) => r.path.endsWith('/storageAccounts')).length).toBe(2);
			const inGroup = await all(client.storageAccounts.listByResourceGroup(fraud.resourceGroup));
			expect(inGroup.map((a) => a.name).sort()).toEqual([lake.name, name(fraud.storageAccountId)].sort());
			const props = await client.storageAccounts.getProperties(lake.resourceGroup, lake.name);
			expect(props).toMatchObject({id: lake.id, kind: 'StorageV2', sku: {name: 'Standard_LRS', tier: 'Standard'}, isHnsEnabled: true, location: 'eastus'});
			const ws = await client.storageAccounts.getProperties(fraud.resourceGroup, name(fraud.storageAccountId));
			expect(ws.isHnsEnabled).toBe(false);
			expect(ws.primaryEndpoints?.blob).toBe(`https://${name(fraud.storageAccountId)}.blob.core.windows.net/`);
		});

		it('lists blob containers: the lake has raw and curated; workspace accounts azureml and the workspaceblobstore container', async () => {
			const client = new StorageManagementClient(staticCredential, prod.subscriptionId, options);
			const lakeContainers = await all(client.blobContainers.list(lake.resourceGroup, lake.name));
			expect(lakeContainers.map((c) => c.name)).toEqual(['curated', 'raw']);
			expect(lakeContainers[0]).toMatchObject({type: 'Microsoft.Storage/storageAccounts/blobServices/containers', publicAccess: 'None', id: `${lake.id}/blobServices/default/containers/curated`});
			const wsContainers = await all(client.blobContainers.list(fraud.resourceGroup, name(fraud.storageAccountId), {maxpagesize: '1'}));
			expect(wsContainers.map((c) => c.name)).toEqual(['azureml', `azureml-blobstore-${fraud.workspaceId}`]);
			const raw = await client.blobContainers.get(lake.resourceGroup, lake.name, 'raw');
			expect(raw.name).toBe('raw');
			await expect(client.blobContainers.get(lake.resourceGroup, lake.name, 'nope')).rejects.toMatchObject({statusCode: 404, code: 'ContainerNotFound'});
		});

		it('raw: the older generic read still works beside 2025-06-01; an unknown version lists every supported one', async () => {
			expect((await armRequest(emulator, 'GET', `${lake.id}?api-version=2023-05-01`)).body.properties.isHnsEnabled).toBe(true);
			expect((await armRequest(emulator, 'GET', `${lake.id}?api-version=${STORAGE}`)).body.properties.isHnsEnabled).toBe(true);
			const wrong = await armRequest(emulator, 'GET', `${lake.id}?api-version=2019-06-01`);
			expect(wrong.status).toBe(400);
			expect(wrong.body.error.message).toContain("'2025-06-01,2024-01-01,2023-05-01'");
			const missing = await armRequest(emulator, 'GET', `${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.Storage/storageAccounts/stnope?api-version=${STORAGE}`);
			expect([missing.status, missing.body.error.code]).toEqual([404, 'ResourceNotFound']);
		});
	});

	describe('Microsoft.KeyVault 2026-02-01 (@azure/arm-keyvault 5.0.0)', () => {
		it('gets and lists vaults; enableRbacAuthorization as seeded', async () => {
			const client = new KeyVaultManagementClient(staticCredential, prod.subscriptionId, options);
			const vault = await client.vaults.get(fraud.resourceGroup, name(fraud.keyVaultId));
			expect(vault.properties.enableRbacAuthorization).toBe(false);
			expect(vault.properties.accessPolicies?.map((p) => p.objectId)).toContain(fraud.principalId);
			const forecast = await client.vaults.get(SEED.workspaces.demandForecast.resourceGroup, name(SEED.workspaces.demandForecast.keyVaultId));
			expect(forecast.properties.enableRbacAuthorization).toBe(true);
			expect((await all(client.vaults.listBySubscription())).map((v) => v.name).sort()).toEqual([name(SEED.workspaces.demandForecast.keyVaultId), name(fraud.keyVaultId)].sort());
			expect((await all(client.vaults.listByResourceGroup(fraud.resourceGroup))).map((v) => v.name)).toEqual([name(fraud.keyVaultId)]);
			const raw = await armRequest(emulator, 'GET', `${fraud.keyVaultId}?api-version=${KV}`);
			expect(raw.body.properties.vaultUri).toBe(`https://${name(fraud.keyVaultId)}.vault.azure.net/`);
		});

		it('updateAccessPolicy add merges, replace replaces, remove drops permissions and then the entry', async () => {
			const client = new KeyVaultManagementClient(staticCredential, prod.subscriptionId, options);
			const uai = SEED.identities.fraudAcrPull;
			const vaultName = name(fraud.keyVaultId);
			const policy = (secrets: string[], keys: string[] = []) => ({properties: {accessPolicies: [{tenantId: SEED.tenantId, objectId: uai.principalId, permissions: {secrets, keys}}]}});
			const added = await client.vaults.updateAccessPolicy(fraud.resourceGroup, vaultName, 'add', policy(['get', 'list']));
			expect(added.properties.accessPolicies[0]).toMatchObject({objectId: uai.principalId, permissions: {secrets: ['get', 'list']}});
			await client.vaults.updateAccessPolicy(fraud.resourceGroup, vaultName, 'add', policy(['Set'], ['get']));
			const entry = async () => (await client.vaults.get(fraud.resourceGroup, vaultName)).properties.accessPolicies?.find((p) => p.objectId === uai.principalId);
			expect((await entry())?.permissions).toMatchObject({secrets: ['get', 'list', 'set'], keys: ['get']});
			await client.vaults.updateAccessPolicy(fraud.resourceGroup, vaultName, 'replace', policy(['get']));
			expect((await entry())?.permissions).toMatchObject({secrets: ['get'], keys: []});
			await client.vaults.updateAccessPolicy(fraud.resourceGroup, vaultName, 'remove', policy(['get']));
			expect(await entry()).toBeUndefined();
			// Ada and the workspace identity keep theirs.
			expect((await client.vaults.get(fraud.resourceGroup, vaultName)).properties.accessPolicies?.map((p) => p.objectId).sort()).toEqual([SEED.user.objectId, fraud.principalId].sort());
			const bad = await armRequest(emulator, 'PUT', `${fraud.keyVaultId}/accessPolicies/merge?api-version=${KV}`, {body: policy(['get'])});
			expect(bad.status).toBe(400);
			const noObject = await armRequest(emulator, 'PUT', `${fraud.keyVaultId}/accessPolicies/add?api-version=${KV}`, {body: {properties: {accessPolicies: [{tenantId: SEED.tenantId, permissions: {}}]}}});
			expect(noObject.status).toBe(400);
		});
	});

	describe('Application Insights and the generic resource list', () => {
		it('lists microsoft.insights/components by subscription and resource group (2020-02-02)', async () => {
			const bySub = await armRequest(emulator, 'GET', `${prod.id}/providers/microsoft.insights/components?api-version=2020-02-02`);
			const names: string[] = bySub.body.value.map((c: {name: string}) => c.name);
			if (bySub.body.nextLink) names.push(...(await armRequest(emulator, 'GET', bySub.body.nextLink)).body.value.map((c: {name: string}) => c.name));
			expect(names.sort()).toEqual(['appi-demand-forecast', 'appi-fraud-prod']);
			const byGroup = await armRequest(emulator, 'GET', `${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.Insights/components?api-version=2020-02-02`);
			expect(byGroup.body.value.map((c: {id: string}) => c.id)).toEqual([fraud.applicationInsightsId]);
		});

		it('resources.list (@azure/arm-resources 7, 2025-04-01) over workspaces, registries, identities and generic resources, with $filter', async () => {
			const client = new ResourceManagementClient(staticCredential, prod.subscriptionId, options);
			const everything = await all(client.resources.list());
			const types = new Set(everything.map((r) => r.type!.toLowerCase()));
			for (const type of [
				'microsoft.machinelearningservices/workspaces',
				'microsoft.containerregistry/registries',
				'microsoft.managedidentity/userassignedidentities',
				'microsoft.storage/storageaccounts',
				'microsoft.keyvault/vaults',
				'microsoft.insights/components',
				'microsoft.containerservice/managedclusters',
			]) {
				expect([type, types.has(type)]).toEqual([type, true]);
			}
			expect(everything.every((r) => r.id!.toLowerCase().startsWith(prod.id.toLowerCase()))).toBe(true);
			const storage = await all(client.resources.list({filter: "resourceType eq 'Microsoft.Storage/storageAccounts'"}));
			expect(storage.map((r) => r.name).sort()).toEqual([name(SEED.workspaces.demandForecast.storageAccountId), lake.name, name(fraud.storageAccountId)].sort());
			expect(storage.find((r) => r.name === lake.name)).toMatchObject({kind: 'StorageV2', sku: {name: 'Standard_LRS'}, location: 'eastus'});
			const inGroup = await all(client.resources.listByResourceGroup(fraud.resourceGroup, {filter: "resourceType eq 'microsoft.keyvault/vaults'"}));
			expect(inGroup.map((r) => r.id)).toEqual([fraud.keyVaultId]);
			const uais = await all(client.resources.list({filter: "resourceType eq 'Microsoft.ManagedIdentity/userAssignedIdentities' and resourceGroup eq 'rg-ml-fraud-prod'"}));
			expect(uais.map((r) => r.name)).toEqual([SEED.identities.fraudAcrPull.name]);
			const bad = await armRequest(emulator, 'GET', `${prod.id}/resources?api-version=2025-04-01&$filter=${encodeURIComponent('location eq \'eastus\'')}`);
			expect([bad.status, bad.body.error.code]).toEqual([400, 'InvalidFilterInQueryString']);
		});
	});
});
