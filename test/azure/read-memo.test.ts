import {afterEach, describe, expect, it} from 'vitest';
import type {TraceEntry} from '../../src/azure/pipeline.js';
import {DEFAULT_READ_MEMO_MAX_AGE_MS, withFreshReads} from '../../src/azure/read-memo.js';
import {SEED} from '../../src/emulator/index.js';
import {createNew} from '../../src/scenarios/shared.js';
import {workspaceWithUserAssignedIdentityScenario} from '../../src/scenarios/workspace-with-user-assigned-identity.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {runScenario, states} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

const registry = SEED.registries.fraudProd;
const production = SEED.subscriptions.production.subscriptionId;
const identityId = (name: string) => `/subscriptions/${production}/resourceGroups/rg-ml-fraud-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

/** The requests that reached the emulator for a resource ID, as "METHOD status". */
function sent(id: string): string[] {
	return azure!.emulator.requests.filter((request) => request.path.toLowerCase() === id.toLowerCase()).map((request) => `${request.method} ${request.status}`);
}

describe('the read memo: one memory of reads for every ARM client of a gateway', () => {
	it('answers a second read within the max age from memory: it never reaches Azure', async () => {
		azure = await startEmulatedAzure();
		const first = await azure.gateway.findRegistry(registry.id);
		const second = await azure.gateway.findRegistry(registry.id);
		expect(second).toEqual(first);
		expect(sent(registry.id)).toEqual(['GET 200']);
	});

	it('reads again after a write through any client of the gateway', async () => {
		azure = await startEmulatedAzure();
		await azure.gateway.findRegistry(registry.id);
		await azure.gateway.createIdentity(identityId('id-memo-write'), 'eastus');
		await azure.gateway.findRegistry(registry.id);
		expect(sent(registry.id)).toEqual(['GET 200', 'GET 200']);
	});

	it('a role assignment makes Authorization reads go again, not reads of resources', async () => {
		azure = await startEmulatedAzure();
		const scope = SEED.registries.contosoBase.id;
		const assignments = () => azure!.emulator.requests.filter((request) => request.method === 'GET' && request.path.toLowerCase() === `${scope}/providers/Microsoft.Authorization/roleAssignments`.toLowerCase());
		await azure.gateway.findRegistry(registry.id);
		await azure.gateway.listRoleAssignments(scope, {principalId: SEED.user.objectId});
		const roleDefinitionId = `/subscriptions/${production}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`;
		await azure.gateway.createRoleAssignment(scope, '44444444-4444-4444-8444-444444444444', {roleDefinitionId, principalId: SEED.user.objectId, principalType: 'User'});
		await azure.gateway.findRegistry(registry.id);
		const after = await azure.gateway.listRoleAssignments(scope, {principalId: SEED.user.objectId});
		expect(after.map((assignment) => assignment.name)).toContain('44444444-4444-4444-8444-444444444444');
		expect(sent(registry.id)).toEqual(['GET 200']);
		expect(assignments()).toHaveLength(2);
	});

	it('reads again once the answer is older than the max age', async () => {
		let now = 1_000_000;
		azure = await startEmulatedAzure({connection: {readMemo: {now: () => now}}});
		await azure.gateway.findRegistry(registry.id);
		now += DEFAULT_READ_MEMO_MAX_AGE_MS;
		await azure.gateway.findRegistry(registry.id);
		expect(sent(registry.id)).toEqual(['GET 200']);
		now += 1;
		await azure.gateway.findRegistry(registry.id);
		expect(sent(registry.id)).toEqual(['GET 200', 'GET 200']);
	});

	it('never answers a long-running operation\'s poll from memory, and serves the read after it from the operation\'s final GET', async () => {
		azure = await startEmulatedAzure({lroDurationMs: 600, connection: {pollIntervalMs: 100}});
		const updated = await azure.gateway.setRegistryAdminUser(registry.id, false);
		expect(updated.adminUserEnabled).toBe(false);
		const polls = azure.emulator.requests.filter((request) => request.method === 'GET' && /operation/i.test(request.path));
		// Every poll reached Azure (each asks anew): a remembered "InProgress" would have polled forever.
		expect(polls.length).toBeGreaterThan(1);
		expect(new Set(polls.map((poll) => poll.path)).size).toBe(1);
		const reads = sent(registry.id);
		await expect(azure.gateway.findRegistry(registry.id)).resolves.toMatchObject({adminUserEnabled: false});
		expect(sent(registry.id)).toEqual(reads);
	});

	it('reads again inside withFreshReads, and remembers that answer for what follows', async () => {
		azure = await startEmulatedAzure();
		await azure.gateway.findRegistry(registry.id);
		await withFreshReads(async () => {
			await azure!.gateway.findRegistry(registry.id);
			// Within the scope, reads share what the scope read.
			await azure!.gateway.findRegistry(registry.id);
		});
		await azure.gateway.findRegistry(registry.id);
		expect(sent(registry.id)).toEqual(['GET 200', 'GET 200']);
	});

	it('serves the read after a PUT 201 from its answer, and a 404 until a write', async () => {
		azure = await startEmulatedAzure();
		const id = identityId('id-memo-new');
		await expect(azure.gateway.findIdentity(id)).resolves.toBeUndefined();
		await expect(azure.gateway.findIdentity(id)).resolves.toBeUndefined();
		const created = await azure.gateway.createIdentity(id, 'eastus');
		await expect(azure.gateway.findIdentity(id)).resolves.toEqual(created);
		expect(created.principalId).not.toBe('');
		expect(sent(id)).toEqual(['GET 404', 'PUT 201']);
	});

	it('does not remember a read that overlapped a write', async () => {
		azure = await startEmulatedAzure({latencyMs: 30});
		await Promise.all([azure.gateway.findRegistry(registry.id), azure.gateway.createIdentity(identityId('id-memo-overlap'), 'eastus')]);
		await azure.gateway.findRegistry(registry.id);
		expect(sent(registry.id)).toEqual(['GET 200', 'GET 200']);
	});

	it('shares one request between reads of the same URL in flight at once', async () => {
		azure = await startEmulatedAzure({latencyMs: 30});
		const [a, b] = await Promise.all([azure.gateway.findRegistry(registry.id), azure.gateway.findRegistry(registry.id)]);
		expect(b).toEqual(a);
		expect(sent(registry.id)).toEqual(['GET 200']);
	});

	it('leaves remembered answers out of the trace: it shows only requests sent', async () => {
		const trace: TraceEntry[] = [];
		azure = await startEmulatedAzure({trace: (entry) => trace.push(entry)});
		await azure.gateway.findRegistry(registry.id);
		await azure.gateway.findRegistry(registry.id);
		expect(trace.map((entry) => `${entry.method} ${new URL(entry.url).pathname}`)).toEqual([`GET ${registry.id}`]);
	});

	it('sends every read with readMemo: false', async () => {
		azure = await startEmulatedAzure({connection: {readMemo: false}});
		await azure.gateway.findRegistry(registry.id);
		await azure.gateway.findRegistry(registry.id);
		expect(sent(registry.id)).toEqual(['GET 200', 'GET 200']);
	});
});

/** GETs of a URL already read with no write in between; polls (URLs an answer named as its operation) aside. */
/**
 * GETs sent when the same read had already been answered, with no write sent from when that read
 * was sent until this one (by time: steps run at once, and the trace is in order of answers).
 * Polls of long-running operations are asked anew on purpose.
 */
function repeatedReads(trace: readonly TraceEntry[]): string[] {
	const keyOf = (url: string) => {
		const parsed = new URL(url);
		return `${parsed.pathname.replace(/\/{2,}/g, '/')}${parsed.search}`.toLowerCase();
	};
	const operationOf = (url: string) => new URL(url).pathname.replace(/\/{2,}/g, '/').toLowerCase();
	const operations = new Set<string>();
	for (const entry of trace) {
		for (const [name, value] of Object.entries(entry.responseHeaders ?? {})) {
			if (['azure-asyncoperation', 'operation-location', 'location'].includes(name.toLowerCase())) operations.add(operationOf(new URL(value, entry.url).href));
		}
	}
	const timed = trace.map((entry) => ({entry, start: Date.parse(entry.time), end: Date.parse(entry.time) + entry.durationMs}));
	const writes = timed.filter(({entry}) => entry.method !== 'GET');
	return timed
		.filter(({entry}) => entry.method === 'GET' && !operations.has(operationOf(entry.url)))
		.filter((read) =>
			timed.some(
				(earlier) =>
					earlier !== read &&
					earlier.entry.method === 'GET' &&
					keyOf(earlier.entry.url) === keyOf(read.entry.url) &&
					earlier.end <= read.start &&
					!writes.some((write) => write.start < read.start && write.end > earlier.start),
			),
		)
		.map(({entry}) => `${entry.method} ${entry.url}`);
}

describe('a scenario run through the read memo', () => {
	it('run twice headless: no GET is sent again without a write in between, and the second run only reads', async () => {
		const trace: TraceEntry[] = [];
		azure = await startEmulatedAzure({trace: (entry) => trace.push(entry)});
		const fraud = SEED.workspaces.fraudProd;
		const answers = {
			resourceGroup: 'rg-ml-fraud-prod',
			workspaceName: 'mlw-memo-uai',
			location: 'eastus',
			storageAccount: fraud.storageAccountId,
			keyVault: fraud.keyVaultId,
			registry: SEED.registries.contosoBase.id,
			applicationInsights: fraud.applicationInsightsId,
			primaryIdentity: createNew,
			primaryIdentityName: 'id-mlw-memo-uai',
			moreIdentities1: false,
			cmk: false,
		};
		const first = await runScenario(azure, workspaceWithUserAssignedIdentityScenario, fraud.id, answers);
		expect(Object.values(states(first.result)).every((state) => state === 'done')).toBe(true);
		const firstRequests = trace.length;
		const made = Object.values(azure.emulator.state.identities).find((identity) => identity.name === 'id-mlw-memo-uai')!;
		// A moment later, the same setup again (the identity it made is now one to pick): every step finds its work done.
		const second = await runScenario(azure, workspaceWithUserAssignedIdentityScenario, fraud.id, {...answers, primaryIdentity: made.id});
		// Only the YAML file is written again (into a new output directory).
		expect(Object.entries(states(second.result)).filter(([, state]) => state !== 'skipped')).toEqual([['workspace-yaml', 'done']]);
		expect(trace.slice(firstRequests).filter((entry) => entry.method !== 'GET')).toEqual([]);
		expect(repeatedReads(trace)).toEqual([]);
		// What the trace shows is what Azure saw.
		expect(azure.emulator.requests.filter((request) => !request.path.includes('oauth2'))).toHaveLength(trace.length);
	});
});
