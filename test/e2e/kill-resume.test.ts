import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {readEmulatorState, SEED} from '../../src/emulator/index.js';
import {SessionStore} from '../../src/session/session-store.js';

const bin = fileURLToPath(new URL('../../dist/bundle/aml-identity.js', import.meta.url));
const acrPullGuid = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

// A new cluster with a new user-assigned identity: three steps, the middle one a long-running operation.
const answers = `scenario: compute-acr-pull
subscription: Contoso ML Production
workspace: mlw-fraud-prod
compute: new
computeName: train-kill
vmSize: Standard_DS3_v2
minNodes: "0"
maxNodes: "2"
identityType: UserAssigned
userIdentity: new
userIdentityName: id-train-kill
`;
const stepIds = ['create-identity-id-train-kill', 'create-compute-train-kill', 'acr-pull'];

type StepEvent = {type: string; stepId?: string; state?: string; phase?: string};

function environment(home: string) {
	return {...process.env, AML_IDENTITY_HOME: home, AML_IDENTITY_DEMO_LRO_MS: '1500'};
}

/** Runs the real binary and kills it with SIGKILL (no chance to clean up) the moment `killWhen` says so. */
function runUntilKilled(home: string, file: string, killWhen: (event: StepEvent) => boolean): Promise<{killed: boolean; events: StepEvent[]}> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [bin, 'run', '--demo', '--answers', file, '--yes', '--json'], {env: environment(home), cwd: home});
		const events: StepEvent[] = [];
		let killed = false;
		createInterface({input: child.stdout}).on('line', (line) => {
			const event = JSON.parse(line) as StepEvent;
			events.push(event);
			if (!killed && killWhen(event)) {
				killed = true;
				child.kill('SIGKILL');
			}
		});
		child.on('error', reject);
		child.on('close', () => resolve({killed, events}));
	});
}

function resume(home: string, sessionId: string) {
	const result = spawnSync(process.execPath, [bin, 'run', '--resume', sessionId, '--yes', '--json'], {env: environment(home), cwd: home, encoding: 'utf8'});
	const events = result.stdout
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as StepEvent);
	return {code: result.status, events, stderr: result.stderr};
}

/** How many of each thing the persisted demo tenant holds: each must be exactly one. */
function counts(home: string) {
	const state = readEmulatorState(join(home, 'demo-tenant'))!;
	const identities = Object.values(state.identities).filter((identity) => identity.name === 'id-train-kill');
	const principalId = String(identities[0]?.properties['principalId']);
	return {
		identities: identities.length,
		computes: Object.values(state.computes).filter((compute) => compute.name === 'train-kill').length,
		acrPulls: Object.values(state.roleAssignments).filter((assignment) => {
			const properties = assignment['properties'] as {principalId: string; roleDefinitionId: string; scope: string};
			return properties.principalId === principalId && properties.roleDefinitionId.endsWith(acrPullGuid) && properties.scope.toLowerCase() === SEED.registries.fraudProd.id.toLowerCase();
		}).length,
	};
}

const killPoints: {name: string; when: (event: StepEvent) => boolean; finishedBefore: string[]}[] = [
	{name: 'after the identity is created', when: (event) => event.stepId === stepIds[0] && event.state === 'done', finishedBefore: [stepIds[0]!]},
	{
		name: 'while the cluster is being created (a long-running operation in flight)',
		when: (event) => event.stepId === stepIds[1] && event.phase === 'apply',
		finishedBefore: [stepIds[0]!],
	},
	{name: 'after the cluster is created', when: (event) => event.stepId === stepIds[1] && event.state === 'done', finishedBefore: stepIds.slice(0, 2)},
];

describe('a run killed with SIGKILL at each step boundary resumes in a new process and creates everything exactly once', () => {
	it.each(killPoints)('killed $name', {timeout: 60_000}, async ({when, finishedBefore}) => {
		const home = mkdtempSync(join(tmpdir(), 'aml-identity-kill-'));
		const file = join(home, 'answers.yaml');
		writeFileSync(file, answers);

		const first = await runUntilKilled(home, file, when);
		expect(first.killed).toBe(true);
		const [session] = new SessionStore(join(home, 'sessions')).list().sessions;
		expect(session?.status).toBe('running');
		for (const stepId of finishedBefore) expect(session?.steps[stepId]?.state).toBe('done');

		const second = resume(home, session!.id);
		expect(second.code, second.stderr).toBe(0);
		// What finished before the kill comes from the journal: not started again.
		const started = new Set(second.events.filter((event) => event.type === 'step' && event.state === 'running').map((event) => event.stepId));
		for (const stepId of finishedBefore) expect(started.has(stepId)).toBe(false);
		expect(second.events.find((event) => event.type === 'summary')).toMatchObject({outcome: 'completed', sessionId: session!.id});

		expect(counts(home)).toEqual({identities: 1, computes: 1, acrPulls: 1});
		const after = new SessionStore(join(home, 'sessions')).find(session!.id)!;
		expect(after.status).toBe('completed');
		// Each change the session made is journaled with its reversal, so undo can take it back. Azure
		// itself granted the new cluster's identity AcrPull on the workspace registry: found in place.
		expect(stepIds.map((stepId) => after.steps[stepId]?.state)).toEqual(['done', 'done', 'skipped']);
		expect(stepIds.map((stepId) => Boolean(after.steps[stepId]?.reversal))).toEqual([true, true, false]);
	});
});
