import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {ContainerRegistryManagementClient} from '@azure/arm-containerregistry';
import {SEED, SEED_STORAGE_ACCOUNTS, startEmulator, type EmulatorState, type RunningEmulator, type TrackedResource} from '../../src/emulator/index.js';
import {armRequest, IN_PROGRESS_LRO_MS, pollUntil, sdkOptions, staticCredential, waitForOperation} from './helpers.js';

const ML = '2022-10-01';
const ACR = '2025-11-01';
const fraud = SEED.workspaces.fraudProd;
const fraudRegistry = SEED.registries.fraudProd;
const cpu = SEED.computes.cpuCluster;
const sandbox = SEED.resourceGroups.sandboxIdentities;
/** A compute URL with `underlyingResourceAction` (null: without it). */
const computeUrl = (workspaceId: string, name: string, action: string | null = 'Delete') =>
	`${workspaceId}/computes/${name}?api-version=${ML}${action === null ? '' : `&underlyingResourceAction=${action}`}`;
const keysUnder = (map: Record<string, unknown>, id: string) => Object.keys(map).filter((key) => key.startsWith(`${id.toLowerCase()}/`));
const denied = (action: string, scope: string) => ({
	code: 'AuthorizationFailed',
	message: `The client '${SEED.user.upn}' with object id '${SEED.user.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
});

/** A copy of a seeded resource at `id` (tests put resources in Sandbox, where Ada is only Reader). */
function copyResource(map: Record<string, TrackedResource>, from: string, id: string): void {
	const copy = structuredClone(map[from.toLowerCase()]!);
	map[id.toLowerCase()] = {...copy, id, name: id.split('/').pop()!};
}

function connectionCount(state: EmulatorState, workspaceId: string): number {
	return keysUnder(state.connections, workspaceId).length;
}

describe('DELETE of computes, workspaces and registries (long-running operations)', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		emulator = await startEmulator({lroDurationMs: 200});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	describe('Compute_Delete (MachineLearningServices 2022-10-01)', () => {
		it('computeOperations.beginDeleteAndWait removes the compute only: its AcrPull assignment stays behind, orphaned', async () => {
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			await client.computeOperations.beginDeleteAndWait(fraud.resourceGroup, fraud.name, cpu.name, 'Delete');

			await expect(client.computeOperations.get(fraud.resourceGroup, fraud.name, cpu.name)).rejects.toMatchObject({statusCode: 404, code: 'ResourceNotFound'});
			const names = [];
			for await (const compute of client.computeOperations.list(fraud.resourceGroup, fraud.name)) names.push(compute.name);
			expect(names.sort()).toEqual(['aks-inference', 'cpu-noid', 'gpu-legacy']);
			// Real Azure keeps role assignments of a deleted identity; its service principal is gone.
			expect(emulator.state.roleAssignments[cpu.acrPullAssignmentId!.toLowerCase()]).toBeDefined();
			expect(emulator.state.principals[cpu.principalId!]).toBeUndefined();
			expect(emulator.state.workspaces[fraud.id.toLowerCase()]).toBeDefined();

			const [first, ...polls] = emulator.requests.filter((r) => r.method !== 'GET' || r.path.includes('/computeOperationsStatus/'));
			expect([first!.method, first!.query.underlyingResourceAction, first!.status]).toEqual(['DELETE', 'Delete', 202]);
			expect(polls.length).toBeGreaterThanOrEqual(1);
			expect(polls.every((poll) => poll.status === 200)).toBe(true);
		});

		it('raw: 202 with Azure-AsyncOperation and Location, Deleting while it runs, 409 for a second write, then gone; 204 when absent', async () => {
			const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
			try {
				const res = await armRequest(slow, 'DELETE', computeUrl(fraud.id, cpu.name));
				expect(res.status).toBe(202);
				expect(res.text).toBe('');
				expect(res.headers['retry-after']).toBe('1');
				const statusUrl = String(res.headers['azure-asyncoperation']);
				expect(statusUrl).toMatch(/\/locations\/eastus\/computeOperationsStatus\/[0-9a-f-]{36}\?api-version=2022-10-01/);
				const location = String(res.headers.location);
				expect(location).toContain('/computeOperationsStatus/');

				expect((await armRequest(slow, 'GET', computeUrl(fraud.id, cpu.name, null))).body.properties.provisioningState).toBe('Deleting');
				expect((await armRequest(slow, 'GET', statusUrl)).body.status).toBe('InProgress');
				expect((await armRequest(slow, 'GET', location)).status).toBe(202);
				const again = await armRequest(slow, 'DELETE', computeUrl(fraud.id, cpu.name));
				expect([again.status, again.body.error.code]).toEqual([409, 'Conflict']);
				const patch = await armRequest(slow, 'PATCH', computeUrl(fraud.id, cpu.name, null), {body: {properties: {properties: {scaleSettings: {maxNodeCount: 1}}}}});
				expect([patch.status, patch.body.error.message]).toEqual([409, `The compute '${cpu.name}' is being deleted by another operation. Retry after it completes.`]);

				expect((await waitForOperation(slow, statusUrl)).body.status).toBe('Succeeded');
				const result = await armRequest(slow, 'GET', location);
				expect([result.status, result.text]).toEqual([200, '']);
				const gone = await armRequest(slow, 'GET', computeUrl(fraud.id, cpu.name, null));
				expect([gone.status, gone.body.error.code]).toEqual([404, 'ResourceNotFound']);
				const absent = await armRequest(slow, 'DELETE', computeUrl(fraud.id, cpu.name));
				expect([absent.status, absent.text]).toEqual([204, '']);
			} finally {
				await slow.close();
			}
		});

		it('Detach removes an attached AKS compute and leaves the cluster itself', async () => {
			const aks = SEED.computes.aksInference;
			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			await client.computeOperations.beginDeleteAndWait(fraud.resourceGroup, fraud.name, aks.name, 'Detach');
			expect(emulator.state.computes[aks.id.toLowerCase()]).toBeUndefined();
			expect(emulator.state.genericResources[aks.resourceId!.toLowerCase()]).toBeDefined();
		});

		it('underlyingResourceAction is required: 400 with the ARM error envelope when missing or not Delete/Detach', async () => {
			for (const action of [null, '', 'Purge']) {
				const res = await armRequest(emulator, 'DELETE', computeUrl(fraud.id, cpu.name, action));
				expect(res.status).toBe(400);
				expect(Object.keys(res.body)).toEqual(['error']);
				expect(res.body.error.code).toBe('BadRequest');
				expect(res.body.error.message).toContain('underlyingResourceAction');
			}
			// Checked before the compute is looked up, like the service's parameter binding.
			expect((await armRequest(emulator, 'DELETE', computeUrl(fraud.id, 'no-such-compute', null))).status).toBe(400);
			expect((await armRequest(emulator, 'DELETE', computeUrl(fraud.id, cpu.name, 'detach'))).status).toBe(202);
			expect(emulator.state.computes[SEED.computes.gpuLegacy.id.toLowerCase()]!.properties.provisioningState).toBe('Succeeded');
		});

		it('a compute of a workspace that does not exist is 404 ResourceNotFound', async () => {
			const res = await armRequest(emulator, 'DELETE', computeUrl(`${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.MachineLearningServices/workspaces/mlw-nope`, 'cpu'));
			expect([res.status, res.body.error.code]).toEqual([404, 'ResourceNotFound']);
		});
	});

	describe('Workspaces_Delete (MachineLearningServices 2022-10-01)', () => {
		it('workspaces.beginDeleteAndWait removes the workspace with its computes, connections and datastores; linked resources stay', async () => {
			const connection = await armRequest(emulator, 'PUT', `${fraud.id}/connections/git-spec?api-version=${ML}`, {
				body: {properties: {authType: 'None', category: 'Git', target: 'https://example.com/repo.git'}},
			});
			expect(connection.status).toBe(200);
			const state = emulator.state;
			expect(keysUnder(state.computes, fraud.id)).toHaveLength(4);
			expect(keysUnder(state.datastores, fraud.id).length).toBeGreaterThanOrEqual(2);
			expect(connectionCount(state, fraud.id)).toBe(1);
			const otherComputes = Object.keys(state.computes).length - 4;

			const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
			await client.workspaces.beginDeleteAndWait(fraud.resourceGroup, fraud.name);

			await expect(client.workspaces.get(fraud.resourceGroup, fraud.name)).rejects.toMatchObject({statusCode: 404, code: 'ResourceNotFound'});
			const names = [];
			for await (const workspace of client.workspaces.listBySubscription()) names.push(workspace.name);
			expect(names).toEqual([SEED.workspaces.demandForecast.name]);
			expect(keysUnder(state.computes, fraud.id)).toEqual([]);
			expect(keysUnder(state.datastores, fraud.id)).toEqual([]);
			expect(connectionCount(state, fraud.id)).toBe(0);
			expect(Object.keys(state.computes)).toHaveLength(otherComputes);
			// Not children: the registry, the storage accounts, the identities' role assignments.
			expect(state.registries[fraudRegistry.id.toLowerCase()]).toBeDefined();
			expect(state.genericResources[fraud.storageAccountId.toLowerCase()]).toBeDefined();
			expect(state.genericResources[SEED_STORAGE_ACCOUNTS.fraudLake.id.toLowerCase()]).toBeDefined();
			expect(state.roleAssignments[cpu.acrPullAssignmentId!.toLowerCase()]).toBeDefined();
			expect(state.principals[fraud.principalId]).toBeUndefined();
			expect(state.principals[cpu.principalId!]).toBeUndefined();

			const computes = await armRequest(emulator, 'GET', `${fraud.id}/computes?api-version=${ML}`);
			expect([computes.status, computes.body.error.code]).toEqual([404, 'ResourceNotFound']);
			const deletes = emulator.requests.filter((r) => r.method === 'DELETE');
			expect(deletes.map((r) => r.status)).toEqual([202]);
		});

		it('raw: 202 with Azure-AsyncOperation and Location, Deleting while it runs, 409 for writes meanwhile, then gone; 204 when absent', async () => {
			const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
			try {
				const url = `${fraud.id}?api-version=${ML}`;
				const res = await armRequest(slow, 'DELETE', url);
				expect([res.status, res.text, res.headers['retry-after']]).toEqual([202, '', '1']);
				const statusUrl = String(res.headers['azure-asyncoperation']);
				expect(statusUrl).toMatch(/\/locations\/eastus\/workspaceOperationsStatus\/[0-9a-f-]{36}\?api-version=2022-10-01&type=async$/);
				const location = String(res.headers.location);
				expect(location).toMatch(/&type=location$/);

				expect((await armRequest(slow, 'GET', url)).body.properties.provisioningState).toBe('Deleting');
				expect((await armRequest(slow, 'GET', location)).status).toBe(202);
				const again = await armRequest(slow, 'DELETE', url);
				expect([again.status, again.body.error.code]).toEqual([409, 'Conflict']);
				expect(again.body.error.message).toContain('being deleted');
				expect((await armRequest(slow, 'PATCH', url, {body: {tags: {a: 'b'}}})).status).toBe(409);

				expect((await waitForOperation(slow, statusUrl)).body.status).toBe('Succeeded');
				expect((await armRequest(slow, 'GET', location)).status).toBe(200);
				const gone = await armRequest(slow, 'GET', url);
				expect([gone.status, gone.body.error.code]).toEqual([404, 'ResourceNotFound']);
				const absent = await armRequest(slow, 'DELETE', url);
				expect([absent.status, absent.text]).toEqual([204, '']);
				const noGroup = await armRequest(slow, 'DELETE', `${SEED.subscriptions.production.id}/resourceGroups/rg-nope/providers/Microsoft.MachineLearningServices/workspaces/x?api-version=${ML}`);
				expect([noGroup.status, noGroup.body.error.code]).toEqual([404, 'ResourceGroupNotFound']);
			} finally {
				await slow.close();
			}
		});
	});

	describe('Registries_Delete (ContainerRegistry 2025-11-01)', () => {
		it('registries.beginDeleteAndWait polls the Location through 202 until 200; workspaces that name the registry keep the id', async () => {
			// Its own emulator: the operation must outlast the SDK's first poll (Retry-After 1 s).
			const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
			try {
				const client = new ContainerRegistryManagementClient(staticCredential, fraudRegistry.subscriptionId, sdkOptions(slow).options);
				await client.registries.beginDeleteAndWait(fraudRegistry.resourceGroup, fraudRegistry.name);

				await expect(client.registries.get(fraudRegistry.resourceGroup, fraudRegistry.name)).rejects.toMatchObject({statusCode: 404, code: 'ResourceNotFound'});
				expect(slow.requests[0]).toMatchObject({method: 'DELETE', status: 202});
				const polls = slow.requests.filter((r) => r.path.includes('/operationStatuses/')).map((r) => r.status);
				expect(polls[0]).toBe(202);
				expect(polls[polls.length - 1]).toBe(200);
				expect(slow.state.workspaces[fraud.id.toLowerCase()]!.properties.containerRegistry).toBe(fraudRegistry.id);
				expect(slow.state.roleAssignments[cpu.acrPullAssignmentId!.toLowerCase()]).toBeDefined();
			} finally {
				await slow.close();
			}
		});

		it('raw: 202 with Location and Retry-After (no Azure-AsyncOperation), Deleting, 409 meanwhile, the Location answers 202 then 200; 204 when absent', async () => {
			const slow = await startEmulator({lroDurationMs: IN_PROGRESS_LRO_MS});
			try {
				const url = `${fraudRegistry.id}?api-version=${ACR}`;
				const res = await armRequest(slow, 'DELETE', url);
				expect([res.status, res.text, res.headers['retry-after']]).toEqual([202, '', '1']);
				expect(res.headers['azure-asyncoperation']).toBeUndefined();
				const location = String(res.headers.location);
				expect(location).toMatch(new RegExp(`${fraudRegistry.name}/operationStatuses/registries-[0-9a-f-]{36}\\?api-version=2025-11-01$`));

				expect((await armRequest(slow, 'GET', url)).body.properties.provisioningState).toBe('Deleting');
				const running = await armRequest(slow, 'GET', location);
				expect([running.status, running.headers['retry-after']]).toEqual([202, '1']);
				const patch = await armRequest(slow, 'PATCH', url, {body: {properties: {adminUserEnabled: false}}});
				expect([patch.status, patch.body.error.code]).toEqual([409, 'Conflict']);
				expect(patch.body.error.message).toContain('being deleted');

				const result = await pollUntil(() => armRequest(slow, 'GET', location), (poll) => poll.status !== 202);
				expect([result.status, result.body.status]).toEqual([200, 'Succeeded']);
				const gone = await armRequest(slow, 'GET', url);
				expect([gone.status, gone.body.error.code]).toEqual([404, 'ResourceNotFound']);
				const absent = await armRequest(slow, 'DELETE', url);
				expect([absent.status, absent.text]).toEqual([204, '']);
			} finally {
				await slow.close();
			}
		});
	});

	it('Reader in Sandbox: each DELETE is 403 AuthorizationFailed and the resources stay', async () => {
		const state = emulator.state;
		const workspaceId = `${sandbox.id}/providers/Microsoft.MachineLearningServices/workspaces/mlw-sandbox`;
		const registryId = `${sandbox.id}/providers/Microsoft.ContainerRegistry/registries/crsandbox01`;
		copyResource(state.workspaces, fraud.id, workspaceId);
		copyResource(state.computes, cpu.id, `${workspaceId}/computes/cpu-cluster`);
		copyResource(state.registries, fraudRegistry.id, registryId);

		const ml = new AzureMachineLearningWorkspaces(staticCredential, SEED.subscriptions.sandbox.subscriptionId, options);
		await expect(ml.computeOperations.beginDeleteAndWait(sandbox.name, 'mlw-sandbox', 'cpu-cluster', 'Delete')).rejects.toMatchObject({
			statusCode: 403,
			code: 'AuthorizationFailed',
		});
		await expect(ml.workspaces.beginDeleteAndWait(sandbox.name, 'mlw-sandbox')).rejects.toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
		const acr = new ContainerRegistryManagementClient(staticCredential, SEED.subscriptions.sandbox.subscriptionId, options);
		await expect(acr.registries.beginDeleteAndWait(sandbox.name, 'crsandbox01')).rejects.toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});

		const raw = await armRequest(emulator, 'DELETE', `${workspaceId}/computes/cpu-cluster?api-version=${ML}&underlyingResourceAction=Delete`);
		expect(raw.body.error).toEqual(denied('Microsoft.MachineLearningServices/workspaces/computes/delete', `${workspaceId}/computes/cpu-cluster`));
		expect((await armRequest(emulator, 'DELETE', `${workspaceId}?api-version=${ML}`)).body.error).toEqual(denied('Microsoft.MachineLearningServices/workspaces/delete', workspaceId));
		expect((await armRequest(emulator, 'DELETE', `${registryId}?api-version=${ACR}`)).body.error).toEqual(denied('Microsoft.ContainerRegistry/registries/delete', registryId));
		// RBAC comes first: even without underlyingResourceAction the answer is 403.
		expect((await armRequest(emulator, 'DELETE', `${workspaceId}/computes/cpu-cluster?api-version=${ML}`)).status).toBe(403);

		expect(state.workspaces[workspaceId.toLowerCase()]!.properties.provisioningState).toBe('Succeeded');
		expect(state.computes[`${workspaceId}/computes/cpu-cluster`.toLowerCase()]).toBeDefined();
		expect(state.registries[registryId.toLowerCase()]).toBeDefined();
		expect(Object.keys(state.operations)).toEqual([]);
	});
});
