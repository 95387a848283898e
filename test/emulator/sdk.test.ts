import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {ContainerRegistryManagementClient} from '@azure/arm-containerregistry';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {IN_PROGRESS_LRO_MS, sdkOptions, staticCredential} from './helpers.js';

/** The real Azure SDKs, over HTTPS, trusting the emulator only through a per-request agent. */
describe('ARM emulator with the real Azure SDKs', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		// pageSize 1 makes every multi-item list go through the SDKs' nextLink handling. The registries.update
		// test checks that the SDK's first poll saw the operation running, so the operation must outlast a
		// slow request on a loaded machine.
		emulator = await startEmulator({pageSize: 1, lroDurationMs: IN_PROGRESS_LRO_MS});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	it('lists subscriptions across pages (SubscriptionClient 2022-12-01)', async () => {
		const client = new SubscriptionClient(staticCredential, options);
		const subs = [];
		for await (const sub of client.subscriptions.list()) subs.push(sub);
		expect(subs.map((s) => s.displayName).sort()).toEqual(['Contoso Analytics Sandbox', 'Contoso ML Dev/Test', 'Contoso ML Production']);
		expect(subs.every((s) => s.state === 'Enabled' && s.tenantId === SEED.tenantId)).toBe(true);
		// 3 items, page size 1: first page + 2 nextLink pages, every request authenticated.
		expect(emulator.requests.filter((r) => r.path === '/subscriptions').map((r) => r.status)).toEqual([200, 200, 200]);

		const one = await client.subscriptions.get(SEED.subscriptions.devTest.subscriptionId);
		expect(one.displayName).toBe('Contoso ML Dev/Test');
	});

	it('lists workspaces by subscription and gets one (AzureMachineLearningWorkspaces 2022-10-01)', async () => {
		const client = new AzureMachineLearningWorkspaces(staticCredential, SEED.subscriptions.production.subscriptionId, options);
		const workspaces = [];
		for await (const ws of client.workspaces.listBySubscription()) workspaces.push(ws);
		expect(workspaces.map((w) => w.name).sort()).toEqual(['mlw-demand-forecast', 'mlw-fraud-prod']);
		const fraud = workspaces.find((w) => w.name === 'mlw-fraud-prod')!;
		expect(fraud.identity?.type).toBe('SystemAssigned');
		expect(fraud.identity?.principalId).toBe(SEED.workspaces.fraudProd.principalId);
		expect(fraud.containerRegistry).toBe(SEED.registries.fraudProd.id);
		expect(workspaces.find((w) => w.name === 'mlw-demand-forecast')!.containerRegistry).toBeUndefined();

		const dev = new AzureMachineLearningWorkspaces(staticCredential, SEED.subscriptions.devTest.subscriptionId, options);
		const vision = await dev.workspaces.get(SEED.resourceGroups.mlDev.name, SEED.workspaces.visionDev.name);
		expect(vision.containerRegistry).toBe(SEED.registries.visionDev.id);
		const inGroup = [];
		for await (const ws of dev.workspaces.listByResourceGroup(SEED.resourceGroups.mlDev.name)) inGroup.push(ws.name);
		expect(inGroup.sort()).toEqual(['mlw-nlp-dev', 'mlw-vision-dev']);
	});

	it('gets and lists registries (ContainerRegistryManagementClient 2025-11-01)', async () => {
		const client = new ContainerRegistryManagementClient(staticCredential, SEED.subscriptions.devTest.subscriptionId, options);
		const shared = await client.registries.get(SEED.resourceGroups.mlShared.name, SEED.registries.contosoShared.name);
		expect(shared.sku.name).toBe('Premium');
		expect(shared.adminUserEnabled).toBe(false);
		expect(shared.loginServer).toBe('crcontososhared.azurecr.io');
		const names = [];
		for await (const reg of client.registries.list()) names.push(reg.name);
		expect(names.sort()).toEqual([SEED.registries.nlpDev.name, 'crcontososhared', 'crvisiondev'].sort());

		await expect(client.registries.get(SEED.resourceGroups.mlShared.name, 'crdoesnotexist')).rejects.toMatchObject({statusCode: 404});
	});

	it('registries.update is a long-running operation that ends with the admin user disabled', async () => {
		const reg = SEED.registries.fraudProd;
		const client = new ContainerRegistryManagementClient(staticCredential, reg.subscriptionId, options);
		const before = await client.registries.get(reg.resourceGroup, reg.name);
		expect(before.adminUserEnabled).toBe(true);

		emulator.requests.length = 0;
		const updated = await client.registries.update(reg.resourceGroup, reg.name, {adminUserEnabled: false});
		expect(updated.name).toBe(reg.name);
		expect(updated.adminUserEnabled).toBe(false);
		expect(updated.provisioningState).toBe('Succeeded');

		const operationId = Object.values(emulator.state.operations)[0]!;
		expect(operationId.status).toBe('Succeeded');
		const polls = emulator.requests.filter((r) => r.path.includes('/operationStatuses/'));
		expect(polls.length).toBeGreaterThanOrEqual(2);
		// The first poll came before lroDurationMs elapsed (InProgress), the last after (Succeeded).
		expect(polls[0]!.at).toBeLessThan(operationId.completesAt);
		expect(polls[polls.length - 1]!.at).toBeGreaterThanOrEqual(operationId.completesAt);
		expect(emulator.requests.map((r) => r.method)[0]).toBe('PATCH');
		expect(emulator.requests[0]!.status).toBe(201);
		// The v12 poller reads the final result with a GET on the registry itself.
		const last = emulator.requests[emulator.requests.length - 1]!;
		expect([last.method, last.path.toLowerCase(), last.status]).toEqual(['GET', reg.id.toLowerCase(), 200]);

		const after = await client.registries.get(reg.resourceGroup, reg.name);
		expect(after.adminUserEnabled).toBe(false);
	});

	it('surfaces a 400 for an unknown sku through the SDK', async () => {
		const reg = SEED.registries.visionDev;
		const client = new ContainerRegistryManagementClient(staticCredential, reg.subscriptionId, options);
		await expect(client.registries.update(reg.resourceGroup, reg.name, {sku: {name: 'Gold'}})).rejects.toMatchObject({statusCode: 400});
		expect(Object.keys(emulator.state.operations)).toHaveLength(0);
	});
});
