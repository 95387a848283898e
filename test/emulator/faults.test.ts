import {afterEach, describe, expect, it} from 'vitest';
import {FaultSpecError, parseFaultSpec, resourceTypeOf, seededRandom} from '../../src/emulator/faults.js';
import {SEED} from '../../src/emulator/index.js';
import {withRetryNotices, type RetryNotice} from '../../src/azure/retry-notices.js';
import {toAzureFailure} from '../../src/azure/errors.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

describe('the compact fault spec', () => {
	it('reads rules with their match, count, probability and parameters', () => {
		expect(parseFaultSpec('429:times=2:retryAfter=8;500:p=0.2;drop:path=roleAssignments:times=1:when=before;latency:ms=200:jitter=50', 7)).toEqual({
			seed: 7,
			rules: [
				{fault: '429', times: 2, retryAfterSeconds: 8},
				{fault: '500', probability: 0.2},
				{fault: 'drop', match: {pathIncludes: 'roleAssignments'}, times: 1, when: 'before'},
				{fault: 'latency', ms: 200, jitterMs: 50},
			],
		});
	});

	it('takes the other names of faults, a method list and a resource type', () => {
		expect(parseFaultSpec('conflict:method=PUT|PATCH:type=computes; forbidden ;lro-failed:code=QuotaExceeded').rules).toEqual([
			{fault: '409', match: {method: 'PUT|PATCH', resourceType: 'computes'}},
			{fault: '403'},
			{fault: 'lro-fail', code: 'QuotaExceeded'},
		]);
	});

	it.each([
		['teapot:times=1', /"teapot" is not a fault/],
		['429:tims=2', /"tims=2" in "429:tims=2" is not a fault parameter/],
		['429:times=', /has no value/],
		['500:p=2', /p is a probability from 0 to 1/],
		['429:times=-1', /times is a whole number/],
		['drop:when=later', /when is before or after/],
	])('refuses %s, naming the bad part', (spec, message) => {
		expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
		expect(() => parseFaultSpec(spec)).toThrow(message);
	});

	it('names resource types the way match.resourceType reads them', () => {
		expect(resourceTypeOf('/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c')).toBe(
			'Microsoft.MachineLearningServices/workspaces/computes',
		);
		expect(resourceTypeOf('/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r/providers/Microsoft.Authorization/roleAssignments/x')).toBe(
			'Microsoft.Authorization/roleAssignments',
		);
		expect(resourceTypeOf('/subscriptions/s')).toBeUndefined();
	});

	it('draws the same numbers from the same seed', () => {
		const a = seededRandom(42);
		const b = seededRandom(42);
		const first = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(first);
		expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
		expect(seededRandom(43)()).not.toBe(first[0]);
	});
});

describe('each fault, through the real SDK clients', () => {
	let azure: EmulatedAzure | undefined;
	afterEach(async () => {
		await azure?.close();
		azure = undefined;
	});

	// Every read reaches the emulator: these tests watch its faults, not the wizard's read memo.
	const fast = {lroDurationMs: 30, retryAfterSeconds: 0, connection: {retry: {maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 10}, pollIntervalMs: 5, readMemo: false as const}};
	const registryId = () => azure!.emulator.state.registries && Object.values(azure!.emulator.state.registries).find((registry) => (registry as {properties: {adminUserEnabled?: boolean}}).properties.adminUserEnabled)!.id as string;
	const faulted = () => azure!.emulator.requests.filter((request) => request.faults).map((request) => `${request.method} ${request.status} ${request.faults!.join(',')}`);

	async function listWithNotices() {
		const notices: RetryNotice[] = [];
		const subscriptions = await withRetryNotices((notice) => notices.push(notice), () => azure!.gateway.listSubscriptions());
		return {notices, subscriptions};
	}

	it('429 with Retry-After: the SDK waits as told and retries; the running step hears "throttled, retrying in 2 s"', async () => {
		azure = await startEmulatedAzure({...fast, faults: '429:times=1:retryAfterMs=2000'});
		const {notices, subscriptions} = await listWithNotices();
		expect(subscriptions.length).toBeGreaterThan(0);
		expect(faulted()).toEqual(['GET 429 429']);
		expect(notices).toMatchObject([{status: 429, code: 'SubscriptionRequestsThrottled', retryAfterMs: 2000, retry: 1, maxRetries: 3}]);
	});

	it.each(['500', '503'])('%s: retried with the SDK\'s backoff', async (status) => {
		azure = await startEmulatedAzure({...fast, faults: `${status}:times=2`});
		const {notices, subscriptions} = await listWithNotices();
		expect(subscriptions.length).toBeGreaterThan(0);
		expect(notices.map((notice) => [notice.status, notice.retry])).toEqual([
			[Number(status), 1],
			[Number(status), 2],
		]);
	});

	it('a 500 that does not clear: the call fails with its code once the retries are spent', async () => {
		azure = await startEmulatedAzure({...fast, faults: '500'});
		const failure = await azure.gateway.listSubscriptions().then(
			() => undefined,
			(error: unknown) => toAzureFailure(error),
		);
		expect(failure).toMatchObject({code: 'InternalServerError', statusCode: 500});
		expect(faulted()).toHaveLength(4);
	});

	it.each(['before', 'after'])('a connection dropped %s the answer is retried', async (when) => {
		azure = await startEmulatedAzure({...fast, faults: `drop:times=1:when=${when}`});
		const {notices, subscriptions} = await listWithNotices();
		expect(subscriptions.length).toBeGreaterThan(0);
		expect(notices).toMatchObject([{code: 'ECONNRESET', retry: 1}]);
		expect(notices[0]!.status).toBeUndefined();
	});

	it('latency with jitter delays answers and changes nothing else', async () => {
		azure = await startEmulatedAzure({...fast, faults: 'latency:ms=20:jitter=10:times=1'});
		await azure.gateway.listSubscriptions();
		expect(faulted()).toEqual(['GET 200 latency']);
	});

	it('a long-running operation that ends Failed fails the call with the operation\'s own code, and the resource says Failed', async () => {
		azure = await startEmulatedAzure({...fast, faults: 'lro-fail:times=1:code=QuotaExceeded'});
		const id = registryId();
		const failure = await azure.gateway.setRegistryAdminUser(id, false).then(
			() => undefined,
			(error: unknown) => toAzureFailure(error),
		);
		expect(failure?.code).toBe('QuotaExceeded');
		expect((await azure.gateway.findRegistry(id))?.provisioningState).toBe('Failed');
		await azure.gateway.setRegistryAdminUser(id, false);
		expect((await azure.gateway.findRegistry(id))?.adminUserEnabled).toBe(false);
	});

	it('an operation that outlasts the client\'s patience stops with OperationStillRunning; Azure finishes it anyway', async () => {
		azure = await startEmulatedAzure({...fast, faults: 'lro-stuck:times=1:ms=400', connection: {...fast.connection, operationPatienceMs: 100}});
		const id = registryId();
		const failure = await azure.gateway.setRegistryAdminUser(id, false).then(
			() => undefined,
			(error: unknown) => toAzureFailure(error),
		);
		expect(failure?.code).toBe('OperationStillRunning');
		const operation = Object.values(azure.emulator.state.operations).at(-1)!;
		while (operation.status === 'InProgress') await new Promise((resolve) => setTimeout(resolve, 20));
		expect(operation.status).toBe('Succeeded');
	});

	it.each([
		['409', 'Conflict', 409],
		['403', 'AuthorizationFailed', 403],
	])('%s on a write answers %s and writes nothing; reads pass', async (fault, code, status) => {
		azure = await startEmulatedAzure({...fast, faults: `${fault}:times=1`});
		const id = registryId();
		expect(await azure.gateway.findRegistry(id)).toBeDefined();
		const failure = await azure.gateway.setRegistryAdminUser(id, false).then(
			() => undefined,
			(error: unknown) => toAzureFailure(error),
		);
		expect(failure).toMatchObject({code, statusCode: status});
		expect((await azure.gateway.findRegistry(id))?.adminUserEnabled).toBe(true);
	});

	it('PrincipalNotFound for the next role assignments, and then a replication window for new principals', async () => {
		azure = await startEmulatedAzure({...fast, faults: 'pnf:times=1;pnf:ms=60000'});
		const scope = SEED.registries.contosoBase.id;
		const roleDefinitionId = `/subscriptions/${SEED.subscriptions.production.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`;
		const assign = (principalId: string, name: string, principalType: 'User' | 'ServicePrincipal') =>
			azure!.gateway.createRoleAssignment(scope, name, {roleDefinitionId, principalId, principalType}).then(
				() => 'created',
				(error: unknown) => toAzureFailure(error).code,
			);
		const seeded = SEED.user.objectId;
		expect(await assign(seeded, '11111111-1111-4111-8111-111111111111', 'User')).toBe('PrincipalNotFound');
		expect(await assign(seeded, '11111111-1111-4111-8111-111111111111', 'User')).toBe('created');
		const identity = await azure.gateway.createIdentity(`/subscriptions/${SEED.subscriptions.production.subscriptionId}/resourceGroups/rg-ml-fraud-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new`, 'eastus');
		// principalType sent or not: the window holds.
		expect(await assign(identity.principalId!, '22222222-2222-4222-8222-222222222222', 'ServicePrincipal')).toBe('PrincipalNotFound');
	});

	it('propagation delay: a new role assignment is missing from reads until the delay has passed', async () => {
		azure = await startEmulatedAzure({...fast, faults: 'propagation:ms=300'});
		const scope = SEED.registries.contosoBase.id;
		const roleDefinitionId = `/subscriptions/${SEED.subscriptions.production.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`;
		await azure.gateway.createRoleAssignment(scope, '33333333-3333-4333-8333-333333333333', {roleDefinitionId, principalId: SEED.user.objectId, principalType: 'User'});
		const visible = async () => (await azure!.gateway.listRoleAssignments(scope, {principalId: SEED.user.objectId})).some((assignment) => assignment.roleDefinitionId.endsWith('7f951dda-4ed3-4680-a7ca-43fe172d538d') && assignment.scope.toLowerCase() === scope.toLowerCase());
		expect(await visible()).toBe(false);
		expect(azure.emulator.faults!.fired[0]).toBeGreaterThan(0);
		while (!(await visible())) await new Promise((resolve) => setTimeout(resolve, 50));
	});

	it('the same plan and seed fault the same calls', async () => {
		const runOnce = async () => {
			const emulated = await startEmulatedAzure({...fast, faults: '500:p=0.5', faultSeed: 3});
			try {
				for (let i = 0; i < 4; i++) await emulated.gateway.listSubscriptions().catch(() => undefined);
				return emulated.emulator.requests.filter((request) => request.path === '/subscriptions').map((request) => request.status);
			} finally {
				await emulated.close();
			}
		};
		const first = await runOnce();
		expect(first).toContain(500);
		expect(await runOnce()).toEqual(first);
	});
});
