import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {SEED} from '../../src/emulator/index.js';
import type {EmulatorState} from '../../src/emulator/state.js';
import {splitAnswersFile} from '../../src/headless/answers-file.js';
import {exitCodes, runHeadless} from '../../src/headless/run.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

/**
 * Every scenario (examples/answers) under every fault the emulator can inject, a seed each: the run
 * completes, or stops resumably and completes on resume; Azure then holds what a run without faults
 * leaves, each role assignment once; the session store holds the one session, completed.
 */
const examples = fileURLToPath(new URL('../../examples/answers/', import.meta.url));
const files = readdirSync(examples).filter((name) => name.endsWith('.yaml'));

interface FaultCase {
	readonly name: string;
	readonly spec: string;
	/** When the fault fires, the first run stops with this code (else it completes). */
	readonly stopsWith?: {readonly code: string; readonly exit: number};
}

const faults: readonly FaultCase[] = [
	{name: 'latency with jitter', spec: 'latency:ms=2:jitter=10'},
	{name: '429 with Retry-After', spec: '429:times=2:retryAfterMs=5'},
	{name: '500', spec: '500:times=2'},
	{name: '503', spec: '503:times=2'},
	{name: 'random 500s and 503s', spec: '500:p=0.15;503:p=0.1:retryAfterMs=5'},
	{name: 'dropped connection on a write', spec: 'drop:method=PUT|PATCH:times=1'},
	{name: 'dropped connection on a read', spec: 'drop:method=GET:times=3:when=before'},
	{name: 'long-running operation ends Failed', spec: 'lro-fail:times=1:code=InternalServerError', stopsWith: {code: 'InternalServerError', exit: exitCodes.stepFailed}},
	{name: 'long-running operation outlasts the client', spec: 'lro-stuck:times=1:ms=4000', stopsWith: {code: 'OperationStillRunning', exit: exitCodes.stoppedResumably}},
	{name: '409 Conflict on a write', spec: '409:times=2'},
	{name: 'PrincipalNotFound while a new identity replicates', spec: 'pnf:times=2'},
	{name: '403 AuthorizationFailed on a write', spec: '403:times=1', stopsWith: {code: 'AuthorizationFailed', exit: exitCodes.stepFailed}},
	{name: 'role assignment propagation delay', spec: 'propagation:ms=150'},
];

/** Fast Azure: short operations, short SDK backoff, little patience. */
const emulatorTiming = {lroDurationMs: 50, retryAfterSeconds: 0};
const connection = {retry: {maxRetries: 5, retryDelayInMs: 5, maxRetryDelayInMs: 20}, operationPatienceMs: 2000, pollIntervalMs: 10};
const runTiming = {conflictRetries: 6, conflictFirstDelayMs: 20, verifyWaitMs: 3000, verifyFirstDelayMs: 20};

function answersOf(file: string) {
	return splitAnswersFile(YAML.parse(readFileSync(join(examples, file), 'utf8')) as Record<string, unknown>);
}

async function run(azure: EmulatedAzure, file: string, store: SessionStore, resumeSessionId?: string) {
	const {place, answers} = answersOf(file);
	const events: Record<string, unknown>[] = [];
	const lines: string[] = [];
	const code = await runHeadless(
		{
			...(resumeSessionId ? {resumeSessionId} : {scenarioId: place.scenario!, subscription: place.subscription!, workspace: place.workspace!}),
			// A resumed run is given the same answers file: questions the new state raises are answered too.
			answers,
			confirmed: true,
			outputDirectory: mkdtempSync(join(tmpdir(), 'aml-identity-faults-out-')),
		},
		{
			gateway: azure.gateway,
			store,
			mode: 'demo',
			signedInUser: {name: SEED.user.name, objectId: SEED.user.objectId},
			replicationTiming: {waitMs: 3000, firstRetryMs: 20},
			runTiming,
		},
		{log: (line) => lines.push(line), event: (event) => events.push(event)},
	);
	const failed = events.find((event) => event['type'] === 'step' && event['state'] === 'failed') as {error?: {code?: string}} | undefined;
	return {code, output: lines.join('\n'), failedCode: failed?.error?.code};
}

/** What Azure holds, as it matters here: each map's resource IDs, role assignments as (scope, principal, role). */
function holdings(state: EmulatorState) {
	const maps: Record<string, string[]> = {};
	for (const [name, map] of Object.entries(state)) {
		if (name === 'operations' || name === 'roleAssignments' || name === 'principals' || !map || typeof map !== 'object' || Array.isArray(map)) continue;
		// A new workspace's default containers have random names: count them, by what they are.
		maps[name] = Object.keys(map)
			.map((key) => key.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<guid>'))
			.sort();
	}
	// A new system-assigned principal has a new random ID every run: name it by what holds it.
	const owners = new Map<string, string>();
	for (const [name, map] of Object.entries(state)) {
		if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
		for (const [key, resource] of Object.entries(map as Record<string, {identity?: {principalId?: string}; properties?: {principalId?: unknown}}>)) {
			if (typeof resource?.identity?.principalId === 'string') owners.set(resource.identity.principalId.toLowerCase(), `${name}:${key}`);
			if (name === 'identities' && typeof resource?.properties?.principalId === 'string') owners.set(resource.properties.principalId.toLowerCase(), `${name}:${key}`);
		}
	}
	const grants = Object.values(state.roleAssignments).map((assignment) => {
		const properties = (assignment as {properties: Record<string, string>}).properties;
		const principal = properties['principalId']!.toLowerCase();
		return `${properties['scope']!.toLowerCase()} | ${owners.get(principal) ?? principal} | ${properties['roleDefinitionId']!.split('/').pop()!.toLowerCase()}`;
	});
	return {maps, grants: grants.sort()};
}

/** A user who resumes "later": once Azure finished what it was doing. */
async function untilOperationsSettle(state: EmulatorState) {
	while (Object.values(state.operations).some((operation) => operation.status === 'InProgress')) await delay(25);
}

const baselines = new Map<string, Promise<ReturnType<typeof holdings>>>();

/** What a run without faults leaves in Azure. */
function baseline(file: string) {
	let found = baselines.get(file);
	if (!found) {
		found = (async () => {
			const azure = await startEmulatedAzure({...emulatorTiming, connection});
			try {
				const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-faults-')));
				const result = await run(azure, file, store);
				expect(result.code, result.output).toBe(exitCodes.done);
				return holdings(azure.emulator.state);
			} finally {
				await azure.close();
			}
		})();
		baselines.set(file, found);
	}
	return found;
}

/**
 * The matrix, or a share of its faults: split over two test files so that the two cores share it.
 * How often each fault fired is counted over the scenarios run (all, or those a -t filter picked).
 */
export function describeFaultMatrix(share: (index: number) => boolean): void {
	const fired = new Map<string, number>();
	describe.concurrent('the fault matrix: every scenario survives every fault', () => {
		for (const fault of faults.filter((_fault, index) => share(index))) {
			describe(fault.name, () => {
				it.each(files)(`%s (${fault.spec})`, async (file) => {
					const expected = await baseline(file);
					const seed = files.indexOf(file) * 100 + faults.indexOf(fault) + 1;
					const azure = await startEmulatedAzure({...emulatorTiming, connection, faults: fault.spec, faultSeed: seed});
					try {
						const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-faults-')));
						const first = await run(azure, file, store);
						const firedNow = azure.emulator.faults!.fired.reduce((sum, count) => sum + count, 0);
						fired.set(fault.name, (fired.get(fault.name) ?? 0) + firedNow);

						if (fault.stopsWith && firedNow > 0) {
							expect(first.failedCode, first.output).toBe(fault.stopsWith.code);
							expect(first.code, first.output).toBe(fault.stopsWith.exit);
						} else {
							expect(first.code, first.output).toBe(exitCodes.done);
						}

						const sessionId = store.list().sessions[0]!.id;
						if (first.code !== exitCodes.done) {
							expect(first.output).toContain(`Session ${sessionId} is saved`);
							expect(store.list().sessions[0]!.status).toBe('failed');
							await untilOperationsSettle(azure.emulator.state);
							const resumed = await run(azure, file, store, sessionId);
							expect(resumed.code, resumed.output).toBe(exitCodes.done);
						}

						const {sessions, unreadable} = store.list();
						expect(unreadable).toEqual([]);
						expect(sessions.map((session) => [session.id, session.status])).toEqual([[sessionId, 'completed']]);
						// No step is left mid-write. (A step that failed may stay failed in the journal when the resumed
						// plan no longer has it: the compute already has the identity it was to give.)
						expect(Object.values(sessions[0]!.steps).filter((step) => step.state === 'running')).toEqual([]);

						const held = holdings(azure.emulator.state);
						expect(held.maps).toEqual(expected.maps);
						expect(held.grants).toEqual(expected.grants);
						expect(new Set(held.grants).size).toBe(held.grants.length);
					} finally {
						await azure.close();
					}
				});
			});
		}
	});

	afterAll(() => {
		// Each fault reached at least one scenario: a fault that never fires proves nothing.
		for (const [name, count] of fired) expect(count, `${name} never fired`).toBeGreaterThan(0);
	});
}
