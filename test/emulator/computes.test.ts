import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AzureMachineLearningWorkspaces, type AmlCompute, type ComputeResource} from '@azure/arm-machinelearning';
import {SEED, startEmulator, type EmulatorState, type RunningEmulator} from '../../src/emulator/index.js';
import {BUILT_IN_ROLES} from '../../src/emulator/role-grants.js';
import {armRequest, IN_PROGRESS_LRO_MS, sdkOptions, staticCredential, UUID_RE, waitForOperation} from './helpers.js';

const ML = '2022-10-01';
const fraud = SEED.workspaces.fraudProd;
const forecast = SEED.workspaces.demandForecast;
const computeUrl = (workspaceId: string, name: string) => `${workspaceId}/computes/${name}?api-version=${ML}`;

/** A user-assigned identity as the ManagedIdentity provider stores it (tests add their own, independent of its seed). */
function addIdentity(state: EmulatorState, subscriptionId: string, resourceGroup: string, name: string, principalId: string, clientId: string): string {
	const id = `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
	state.identities[id.toLowerCase()] = {
		id,
		name,
		type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
		location: 'eastus',
		properties: {tenantId: state.tenantId, principalId, clientId},
	};
	return id;
}

/** AcrPull assignments held by `principalId` at `scope`. */
function acrPullAssignments(state: EmulatorState, principalId: string, scope: string) {
	return Object.values(state.roleAssignments).filter((a) => {
		const p = a.properties as {principalId: string; scope: string; roleDefinitionId: string};
		return p.principalId === principalId && p.scope.toLowerCase() === scope.toLowerCase() && p.roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.AcrPull}`);
	});
}

const amlBody = (identity?: unknown, vmSize = 'Standard_DS3_v2') => ({
	location: 'eastus',
	...(identity ? {identity} : {}),
	properties: {computeType: 'AmlCompute', properties: {vmSize, vmPriority: 'Dedicated', scaleSettings: {minNodeCount: 0, maxNodeCount: 2}}},
});

describe('workspace computes (MachineLearningServices 2022-10-01)', () => {
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

	describe('seed', () => {
		it('tells the AcrPull story of mlw-fraud-prod through its dates and assignments', () => {
			const state = emulator.state;
			const registry = state.registries[fraud.registryId!.toLowerCase()]!;
			const created = (id: string) => Date.parse(String(state.computes[id.toLowerCase()]!.properties.createdOn));
			const registryCreated = Date.parse(String(registry.properties.creationDate));
			expect(Date.parse(registry.systemData!.createdAt!)).toBe(registryCreated);
			expect(created(SEED.computes.gpuLegacy.id)).toBeLessThan(registryCreated);
			expect(created(SEED.computes.cpuCluster.id)).toBeGreaterThan(registryCreated);

			const cpu = SEED.computes.cpuCluster;
			expect(acrPullAssignments(state, cpu.principalId!, fraud.registryId!)).toHaveLength(1);
			expect(state.roleAssignments[cpu.acrPullAssignmentId!.toLowerCase()]).toBeDefined();
			expect(acrPullAssignments(state, SEED.computes.gpuLegacy.principalId!, fraud.registryId!)).toHaveLength(0);
			expect(SEED.computes.gpuLegacy.acrPullAssignmentId).toBeUndefined();
			for (const c of [SEED.computes.cpuCluster, SEED.computes.gpuLegacy]) {
				expect(state.principals[c.principalId!]).toMatchObject({kind: 'ServicePrincipal'});
				expect(state.principals[c.principalId!]!.createdAt).toBeLessThan(Date.parse('2025-01-01'));
			}
			expect(state.computes[SEED.computes.cpuNoid.id.toLowerCase()]!.identity).toBeUndefined();
		});

		it('serves the private registry crcontosobase in rg-shared-images, attached to no workspace', async () => {
			const reg = SEED.registries.contosoBase;
			expect(reg.resourceGroup).toBe('rg-shared-images');
			const res = await armRequest(emulator, 'GET', `${reg.id}?api-version=2025-11-01`);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({sku: {name: 'Premium'}, properties: {adminUserEnabled: false, loginServer: 'crcontosobase.azurecr.io'}});
			const group = await armRequest(emulator, 'GET', `${SEED.resourceGroups.sharedImages.id}?api-version=2021-04-01`);
			expect(group.body).toMatchObject({location: 'eastus'});
			expect(Object.values(emulator.state.workspaces).some((w) => String(w.properties.containerRegistry).toLowerCase() === reg.id.toLowerCase())).toBe(false);
		});
	});

	describe('over raw HTTPS', () => {
		it('gets a compute shaped like Compute/get/AmlCompute.json, and 404s a missing one', async () => {
			const res = await armRequest(emulator, 'GET', computeUrl(fraud.id, 'cpu-cluster'));
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({
				id: SEED.computes.cpuCluster.id,
				name: 'cpu-cluster',
				type: 'Microsoft.MachineLearningServices/workspaces/computes',
				location: 'eastus',
				identity: {type: 'SystemAssigned', principalId: SEED.computes.cpuCluster.principalId, tenantId: SEED.tenantId},
				properties: {
					computeType: 'AmlCompute',
					provisioningState: 'Succeeded',
					isAttachedCompute: false,
					properties: {vmSize: 'Standard_DS3_v2', vmPriority: 'Dedicated', scaleSettings: {minNodeCount: 0, maxNodeCount: 4}, allocationState: 'Steady', currentNodeCount: 0},
				},
			});
			const aks = await armRequest(emulator, 'GET', computeUrl(fraud.id, 'aks-inference'));
			expect(aks.body.properties).toMatchObject({computeType: 'AKS', isAttachedCompute: true, resourceId: SEED.computes.aksInference.resourceId});
			expect(SEED.computes.aksInference.resourceId).toBe(
				'/subscriptions/3f2b8c4e-1a7d-4e9b-8c6f-5d2a9b1e7c40/resourceGroups/rg-ml-fraud-prod/providers/Microsoft.ContainerService/managedClusters/aks-fraud-inference',
			);

			const missing = await armRequest(emulator, 'GET', computeUrl(fraud.id, 'nope'));
			expect(missing.status).toBe(404);
			expect(missing.body.error.code).toBe('ResourceNotFound');
			expect(missing.body.error.message).toContain('mlw-fraud-prod/computes/nope');
		});

		it('lists computes with nextLink paging', async () => {
			const first = await armRequest(emulator, 'GET', `${fraud.id}/computes?api-version=${ML}`);
			expect(first.status).toBe(200);
			expect(first.body.value).toHaveLength(2);
			expect(first.body.nextLink).toContain('$skiptoken=2');
			const second = await armRequest(emulator, 'GET', first.body.nextLink);
			expect([...first.body.value, ...second.body.value].map((c: {name: string}) => c.name).sort()).toEqual(['aks-inference', 'cpu-cluster', 'cpu-noid', 'gpu-legacy']);
		});

		it('PUT is an LRO: 201 Creating + Azure-AsyncOperation, InProgress then Succeeded', async () => {
			// Its own emulator, with an operation long enough to still be running during the checks below;
			// the SDK tests of this file only wait for completion and keep the short one.
			const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
			try {
				const res = await armRequest(slow, 'PUT', computeUrl(fraud.id, 'cpu-new'), {body: amlBody({type: 'SystemAssigned'})});
				expect(res.status).toBe(201);
				expect(res.body.properties.provisioningState).toBe('Creating');
				expect(res.body.identity.principalId).toMatch(UUID_RE);
				const statusUrl = String(res.headers['azure-asyncoperation']);
				expect(statusUrl).toMatch(/\/providers\/Microsoft\.MachineLearningServices\/locations\/eastus\/computeOperationsStatus\/[0-9a-f-]{36}\?api-version=2022-10-01/);
				const running = await armRequest(slow, 'GET', statusUrl);
				expect(running.body.status).toBe('InProgress');
				expect((await armRequest(slow, 'GET', computeUrl(fraud.id, 'cpu-new'))).body.properties.provisioningState).toBe('Creating');
				expect((await waitForOperation(slow, statusUrl)).body.status).toBe('Succeeded');
				expect((await armRequest(slow, 'GET', computeUrl(fraud.id, 'cpu-new'))).body.properties.provisioningState).toBe('Succeeded');

				const again = await armRequest(slow, 'PUT', computeUrl(fraud.id, 'cpu-new'), {body: amlBody({type: 'SystemAssigned'})});
				expect(again.status).toBe(201);
				expect(again.body.properties.provisioningState).toBe('Updating');
				expect(again.body.identity.principalId).toBe(res.body.identity.principalId);
			} finally {
				await slow.close();
			}
		});

		it('refuses SystemAssigned,UserAssigned, unknown user-assigned identities and a changed vmSize', async () => {
			const uai = addIdentity(emulator.state, fraud.subscriptionId, fraud.resourceGroup, 'id-t', '11111111-2222-4333-8444-555555555555', '66666666-7777-4888-9999-000000000000');
			const mixed = await armRequest(emulator, 'PUT', computeUrl(fraud.id, 'cpu-mixed'), {body: amlBody({type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[uai]: {}}})});
			expect(mixed.status).toBe(400);
			expect(mixed.body.error.code).toBe('BadRequest');
			expect(mixed.body.error.message).toMatch(/either a system-assigned identity or user-assigned identities, not both/);

			const unknown = await armRequest(emulator, 'PUT', computeUrl(fraud.id, 'cpu-mixed'), {
				body: amlBody({type: 'UserAssigned', userAssignedIdentities: {[uai.replace('id-t', 'id-nope')]: {}}}),
			});
			expect(unknown.status).toBe(400);
			expect(unknown.body.error.message).toContain('id-nope');

			const resize = await armRequest(emulator, 'PUT', computeUrl(fraud.id, 'cpu-cluster'), {body: amlBody({type: 'SystemAssigned'}, 'Standard_NC6s_v3')});
			expect(resize.status).toBe(400);
			expect(emulator.state.computes[`${fraud.id}/computes/cpu-mixed`.toLowerCase()]).toBeUndefined();
			expect(Object.keys(emulator.state.operations)).toHaveLength(0);
		});

		it('PATCH changes only the scale settings, synchronously; it cannot change the identity', async () => {
			const res = await armRequest(emulator, 'PATCH', computeUrl(fraud.id, 'gpu-legacy'), {
				body: {properties: {properties: {scaleSettings: {maxNodeCount: 6, minNodeCount: 1, nodeIdleTimeBeforeScaleDown: 'PT5M'}}}},
			});
			expect(res.status).toBe(200);
			expect(res.headers['azure-asyncoperation']).toBeUndefined();
			expect(res.body.properties.properties.scaleSettings).toEqual({maxNodeCount: 6, minNodeCount: 1, nodeIdleTimeBeforeScaleDown: 'PT5M'});
			expect(res.body.identity.principalId).toBe(SEED.computes.gpuLegacy.principalId);

			const identity = await armRequest(emulator, 'PATCH', computeUrl(fraud.id, 'cpu-noid'), {body: {identity: {type: 'SystemAssigned'}}});
			expect(identity.status).toBe(400);
			expect(emulator.state.computes[SEED.computes.cpuNoid.id.toLowerCase()]!.identity).toBeUndefined();
			const bad = await armRequest(emulator, 'PATCH', computeUrl(fraud.id, 'cpu-noid'), {body: {properties: {properties: {scaleSettings: {minNodeCount: 0}}}}});
			expect(bad.status).toBe(400);
		});
	});

	describe('with @azure/arm-machinelearning', () => {
		it('lists and gets computes', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			const names: string[] = [];
			for await (const c of client.computeOperations.list(fraud.resourceGroup, fraud.name)) names.push(c.name!);
			expect(names.sort()).toEqual(['aks-inference', 'cpu-cluster', 'cpu-noid', 'gpu-legacy']);
			const gpu = await client.computeOperations.get(fraud.resourceGroup, fraud.name, 'gpu-legacy');
			expect(gpu.identity).toMatchObject({type: 'SystemAssigned', principalId: SEED.computes.gpuLegacy.principalId});
			const props = gpu.properties as AmlCompute;
			expect(props.computeType).toBe('AmlCompute');
			expect(props.properties?.vmSize).toBe('Standard_NC6s_v3');
			expect(props.properties?.scaleSettings?.maxNodeCount).toBe(2);

			const dev = new AzureMachineLearningWorkspaces(staticCredential, SEED.workspaces.visionDev.subscriptionId, options);
			const train = await dev.computeOperations.get(SEED.workspaces.visionDev.resourceGroup, SEED.workspaces.visionDev.name, 'gpu-train');
			expect(train.identity?.type).toBe('UserAssigned');
			const entries = Object.entries(train.identity?.userAssignedIdentities ?? {});
			expect(entries).toHaveLength(1);
			expect(entries[0]![0].toLowerCase()).toBe(SEED.computes.gpuTrain.userAssignedIdentityId!.toLowerCase());
			expect(entries[0]![1]).toEqual({principalId: expect.stringMatching(UUID_RE), clientId: expect.stringMatching(UUID_RE)});

			await expect(client.computeOperations.get(fraud.resourceGroup, fraud.name, 'nope')).rejects.toMatchObject({statusCode: 404, code: 'ResourceNotFound'});
		});

		it('beginCreateOrUpdateAndWait: a new SystemAssigned cluster gets a principal and, with a workspace ACR, AcrPull', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			const parameters: ComputeResource = {
				location: 'eastus',
				identity: {type: 'SystemAssigned'},
				properties: {computeType: 'AmlCompute', properties: {vmSize: 'Standard_DS3_v2', scaleSettings: {minNodeCount: 0, maxNodeCount: 3}}} as AmlCompute,
			};
			const before = Date.now();
			const created = await client.computeOperations.beginCreateOrUpdateAndWait(fraud.resourceGroup, fraud.name, 'cpu-sdk', parameters, {updateIntervalInMs: 50});
			expect(created.properties?.provisioningState).toBe('Succeeded');
			const principalId = created.identity!.principalId!;
			expect(principalId).toMatch(UUID_RE);
			expect(created.identity?.tenantId).toBe(SEED.tenantId);
			expect(emulator.state.principals[principalId]).toMatchObject({kind: 'ServicePrincipal'});
			expect(emulator.state.principals[principalId]!.createdAt).toBeGreaterThanOrEqual(before);
			const grants = acrPullAssignments(emulator.state, principalId, fraud.registryId!);
			expect(grants).toHaveLength(1);
			expect(grants[0]!.properties).toMatchObject({principalType: 'ServicePrincipal', scope: fraud.registryId});
			// It went through the operation status URL before the final GET.
			expect(emulator.requests.some((r) => r.path.includes('/computeOperationsStatus/'))).toBe(true);

			// Re-PUT unchanged: same principal, no second assignment.
			const again = await client.computeOperations.beginCreateOrUpdateAndWait(fraud.resourceGroup, fraud.name, 'cpu-sdk', parameters, {updateIntervalInMs: 50});
			expect(again.identity?.principalId).toBe(principalId);
			expect(acrPullAssignments(emulator.state, principalId, fraud.registryId!)).toHaveLength(1);
		});

		it('gaining an identity grants AcrPull; a workspace without ACR grants nothing; user-assigned entries are echoed', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			const noid = await client.computeOperations.beginCreateOrUpdateAndWait(
				fraud.resourceGroup,
				fraud.name,
				'cpu-noid',
				{location: 'eastus', identity: {type: 'SystemAssigned'}, properties: {computeType: 'AmlCompute', properties: {vmSize: 'Standard_DS2_v2', scaleSettings: {maxNodeCount: 2}}} as AmlCompute},
				{updateIntervalInMs: 50},
			);
			expect(acrPullAssignments(emulator.state, noid.identity!.principalId!, fraud.registryId!)).toHaveLength(1);

			const uai = addIdentity(emulator.state, forecast.subscriptionId, forecast.resourceGroup, 'id-fcst', 'aaaaaaaa-1111-4222-8333-444444444444', 'bbbbbbbb-1111-4222-8333-444444444444');
			const count = Object.keys(emulator.state.roleAssignments).length;
			const made = await client.computeOperations.beginCreateOrUpdateAndWait(
				forecast.resourceGroup,
				forecast.name,
				'cpu-uai',
				{location: 'westeurope', identity: {type: 'UserAssigned', userAssignedIdentities: {[uai]: {}}}, properties: {computeType: 'AmlCompute', properties: {scaleSettings: {maxNodeCount: 1}}} as AmlCompute},
				{updateIntervalInMs: 50},
			);
			expect(made.identity?.userAssignedIdentities?.[uai]).toEqual({principalId: 'aaaaaaaa-1111-4222-8333-444444444444', clientId: 'bbbbbbbb-1111-4222-8333-444444444444'});
			expect(Object.keys(emulator.state.roleAssignments)).toHaveLength(count);
		});

		it('surfaces the mixed-identity 400 through the SDK', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			const uai = addIdentity(emulator.state, fraud.subscriptionId, fraud.resourceGroup, 'id-mixed', '12121212-1111-4222-8333-444444444444', '34343434-1111-4222-8333-444444444444');
			await expect(
				client.computeOperations.beginCreateOrUpdateAndWait(fraud.resourceGroup, fraud.name, 'cpu-both', {
					location: 'eastus',
					identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[uai]: {}}},
					properties: {computeType: 'AmlCompute', properties: {scaleSettings: {maxNodeCount: 1}}} as AmlCompute,
				}),
			).rejects.toMatchObject({statusCode: 400, code: 'BadRequest', message: expect.stringMatching(/not both/)});
		});
	});
});
