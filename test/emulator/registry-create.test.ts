import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {ContainerRegistryManagementClient} from '@azure/arm-containerregistry';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {RESERVED_REGISTRY_NAMES} from '../../src/emulator/container-registry.js';
import {armRequest, IN_PROGRESS_LRO_MS, sdkOptions, staticCredential, waitForOperation} from './helpers.js';

const ACR = '2025-11-01';
const prod = SEED.subscriptions.production;
const group = SEED.resourceGroups.sharedImages;
const registryUrl = (resourceGroup: string, name: string, subscriptionId = prod.subscriptionId) =>
	`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}?api-version=${ACR}`;
const checkUrl = (subscriptionId = prod.subscriptionId) => `/subscriptions/${subscriptionId}/providers/Microsoft.ContainerRegistry/checkNameAvailability?api-version=${ACR}`;

describe('container registry create and name availability (ContainerRegistry 2025-11-01)', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 2, lroDurationMs: 200});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	it('PUT is an LRO like RegistryCreate.json: 201 Creating with Azure-AsyncOperation and Retry-After, then Succeeded', async () => {
		// Its own emulator, with an operation long enough to be still running when its status is read.
		const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
		try {
			const res = await armRequest(slow, 'PUT', registryUrl(group.name, 'crNewImages'), {body: {location: 'eastus', sku: {name: 'Standard'}, tags: {key: 'value'}}});
			expect(res.status).toBe(201);
			expect(res.headers['retry-after']).toBe('1');
			expect(res.body).toMatchObject({
				name: 'crNewImages',
				type: 'Microsoft.ContainerRegistry/registries',
				location: 'eastus',
				tags: {key: 'value'},
				sku: {name: 'Standard', tier: 'Standard'},
				properties: {loginServer: 'crnewimages.azurecr.io', provisioningState: 'Creating', adminUserEnabled: false, status: null, roleAssignmentMode: 'LegacyRegistryPermissions'},
			});
			const statusUrl = String(res.headers['azure-asyncoperation']);
			expect(statusUrl).toMatch(/\/registries\/crNewImages\/operationStatuses\/registries-[0-9a-f-]{36}\?api-version=2025-11-01$/);
			expect((await armRequest(slow, 'GET', statusUrl)).body.status).toBe('InProgress');
			expect((await waitForOperation(slow, statusUrl)).body.status).toBe('Succeeded');
			const get = await armRequest(slow, 'GET', registryUrl(group.name, 'crnewimages'));
			expect(get.body.properties.provisioningState).toBe('Succeeded');
		} finally {
			await slow.close();
		}
	});

	it('validates the name, the body, the resource group and global name uniqueness', async () => {
		const cases: Array<[string, string, string, unknown, number, string]> = [
			['too short', group.name, 'cr1', {location: 'eastus', sku: {name: 'Basic'}}, 400, 'InvalidRegistryName'],
			['dash', group.name, 'cr-images', {location: 'eastus', sku: {name: 'Basic'}}, 400, 'InvalidRegistryName'],
			['too long', group.name, 'c'.repeat(51), {location: 'eastus', sku: {name: 'Basic'}}, 400, 'InvalidRegistryName'],
			['no location', group.name, 'crimages01', {sku: {name: 'Basic'}}, 400, 'LocationRequired'],
			['no sku', group.name, 'crimages01', {location: 'eastus'}, 400, 'InvalidParameter'],
			['bad sku', group.name, 'crimages01', {location: 'eastus', sku: {name: 'Gold'}}, 400, 'InvalidSkuName'],
			['unknown group', 'rg-nope', 'crimages01', {location: 'eastus', sku: {name: 'Basic'}}, 404, 'ResourceGroupNotFound'],
			// Taken in another subscription and resource group (registry names are global).
			['taken elsewhere', group.name, 'CRVISIONDEV', {location: 'eastus', sku: {name: 'Basic'}}, 409, 'AlreadyInUse'],
			['reserved', group.name, 'contoso', {location: 'eastus', sku: {name: 'Basic'}}, 409, 'AlreadyInUse'],
			['other location', group.name, 'crcontosobase', {location: 'westus', sku: {name: 'Premium'}}, 409, 'InvalidResourceLocation'],
		];
		for (const [label, rg, name, body, status, code] of cases) {
			const res = await armRequest(emulator, 'PUT', registryUrl(rg, name), {body});
			expect([label, res.status, res.body?.error?.code]).toEqual([label, status, code]);
		}
		const taken = await armRequest(emulator, 'PUT', registryUrl(group.name, 'crvisiondev'), {body: {location: 'eastus', sku: {name: 'Basic'}}});
		expect(taken.body.error.message).toContain('crvisiondev.azurecr.io is already in use');
		expect(Object.keys(emulator.state.operations)).toHaveLength(0);
		expect(Object.keys(emulator.state.registries)).toHaveLength(5);
	});

	it('registries.create (v12 PollerLike) creates a Premium registry with the admin user disabled by default', async () => {
		const client = new ContainerRegistryManagementClient(staticCredential, prod.subscriptionId, options);
		const poller = client.registries.create(group.name, 'crfraudimages', {location: 'eastus', sku: {name: 'Premium'}, tags: {team: 'fraud-detection'}});
		const created = await poller;
		expect(created.name).toBe('crfraudimages');
		expect(created.provisioningState).toBe('Succeeded');
		expect(created.adminUserEnabled).toBe(false);
		expect(created.loginServer).toBe('crfraudimages.azurecr.io');
		expect(created.sku.name).toBe('Premium');
		expect(emulator.requests[0]).toMatchObject({method: 'PUT', status: 201});
		expect(emulator.requests.some((r) => r.path.includes('/operationStatuses/'))).toBe(true);
		const names: string[] = [];
		for await (const r of client.registries.listByResourceGroup(group.name)) names.push(r.name!);
		expect(names.sort()).toEqual(['crcontosobase', 'crfraudimages']);

		const withAdmin = await client.registries.create(group.name, 'crwithadmin', {location: 'eastus', sku: {name: 'Basic'}, adminUserEnabled: true});
		expect(withAdmin.adminUserEnabled).toBe(true);
		await expect(client.registries.create(group.name, 'crvisiondev', {location: 'eastus', sku: {name: 'Basic'}})).rejects.toMatchObject({
			statusCode: 409,
			code: 'AlreadyInUse',
		});
	});

	it('checkNameAvailability answers RegistryNameStatus (raw and SDK)', async () => {
		const client = new ContainerRegistryManagementClient(staticCredential, prod.subscriptionId, options);
		const type = 'Microsoft.ContainerRegistry/registries';
		expect(await client.registries.checkNameAvailability({name: 'crbrandnew42', type})).toEqual({nameAvailable: true});
		const taken = await client.registries.checkNameAvailability({name: SEED.registries.contosoShared.name.toUpperCase(), type});
		expect(taken).toMatchObject({nameAvailable: false, reason: 'AlreadyExists'});
		expect(taken.message).toContain('already in use');
		const reserved = await client.registries.checkNameAvailability({name: RESERVED_REGISTRY_NAMES[1]!, type});
		expect(reserved.reason).toBe('AlreadyExists');

		const invalid = await armRequest(emulator, 'POST', checkUrl(), {body: {name: 'cr-bad', type}});
		expect(invalid.status).toBe(200);
		expect(invalid.body).toMatchObject({nameAvailable: false, reason: 'Invalid'});
		const wrongType = await armRequest(emulator, 'POST', checkUrl(), {body: {name: 'crbrandnew42', type: 'Microsoft.Storage/storageAccounts'}});
		expect(wrongType.status).toBe(400);
		const unknownSub = await armRequest(emulator, 'POST', checkUrl('00000000-0000-0000-0000-000000000000'), {body: {name: 'crbrandnew42', type}});
		expect(unknownSub.status).toBe(404);

		// A registry just created is taken at once.
		await armRequest(emulator, 'PUT', registryUrl(group.name, 'crbrandnew42'), {body: {location: 'eastus', sku: {name: 'Basic'}}});
		expect((await armRequest(emulator, 'POST', checkUrl(SEED.subscriptions.sandbox.subscriptionId), {body: {name: 'crbrandnew42', type}})).body.nameAvailable).toBe(false);
	});
});
