/**
 * End-to-end, sessions that survive anything: the built binary in a real terminal (tmux) against
 * the demo tenant. A run killed (SIGKILL) in the middle of a long-running operation is resumed by
 * a new process through `aml-identity demo --resume` (the Sessions screen, the overview, the run),
 * and a session whose chosen compute was deleted between runs says so and asks again.
 * Run alone with `npm run build && npx vitest run test/e2e/session-resume.test.ts`.
 */
import {execFile} from 'node:child_process';
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import type {SessionRecord} from '../../src/session/session-store.js';
import {keys, startTerminal, terminalEnvironment, type Terminal} from '../helpers/terminal.js';
import {
	answerText,
	assertBuilt,
	BIN,
	choose,
	DemoWorld,
	finish,
	grant,
	grantsOf,
	quit,
	ROLE_GUIDS,
	ROOT,
	sendUntil,
	STARTUP_TIMEOUT_MS,
	walkToScenarioList,
} from '../helpers/wizard-terminal.js';

const execFileAsync = promisify(execFile);
const TEST_TIMEOUT_MS = 90_000;

const FRAUD = SEED.workspaces.fraudProd;
const REGISTRY = SEED.registries.fraudProd;
const COMPUTE_SCENARIO = 'Compute cluster with a managed identity that pulls from the workspace ACR';

let world: DemoWorld;
let terminals: Terminal[] = [];

beforeAll(() => assertBuilt());
beforeEach(() => {
	world = new DemoWorld();
});
afterEach(async () => {
	await Promise.all(terminals.splice(0).map((term) => term.close()));
	await world.dispose();
});

/** The demo wizard on the world's home, with a long-running operation as slow as `lroMs`. */
async function startDemo(args: readonly string[], lroMs: number): Promise<Terminal> {
	const term = await startTerminal({
		command: [process.execPath, BIN, 'demo', '--output', world.output, ...args],
		env: {AML_IDENTITY_HOME: world.home, AML_IDENTITY_DEMO_LRO_MS: String(lroMs)},
		cwd: ROOT,
		columns: 500,
		rows: 80,
	});
	terminals.push(term);
	return term;
}

/** SIGKILL to the wizard's node process (the pane's shell wrapper runs it as its child): no cleanup at all. */
async function killWizard(term: Terminal): Promise<void> {
	const tmux = (...args: string[]) => execFileAsync('tmux', ['-L', term.socket, ...args], {env: terminalEnvironment({})});
	const panePid = (await tmux('list-panes', '-F', '#{pane_pid}')).stdout.trim();
	const children = (await execFileAsync('pgrep', ['-P', panePid])).stdout.trim().split('\n');
	const commands = children.map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
	// The program names itself "aml-identity" (process.title), which replaces its command line.
	const wizard = children.find((pid, index) => commands[index]!.includes('aml-identity'));
	expect(wizard, `no aml-identity process under pane ${panePid}: ${commands.join('; ')}`).toBeDefined();
	process.kill(Number(wizard), 'SIGKILL');
}

function sessions(): SessionRecord[] {
	const directory = join(world.home, 'sessions');
	if (!existsSync(directory)) return [];
	return readdirSync(directory)
		.filter((name) => name.endsWith('.json'))
		.map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as SessionRecord);
}

/** `aml-identity demo --resume`: the Sessions screen, with the one session highlighted; Enter opens it. */
async function openFromSessions(term: Terminal, sessionId: string, opened: string | RegExp): Promise<string> {
	const list = await term.waitFor(sessionId, {timeoutMs: STARTUP_TIMEOUT_MS});
	expect(list).toContain('Saved sessions');
	expect(list).toMatch(new RegExp(`^❯ ${COMPUTE_SCENARIO} .*${sessionId}$`, 'm'));
	return sendUntil(term, () => term.press(keys.enter), opened, {timeoutMs: 20_000});
}

describe('sessions that survive anything, in a real terminal', () => {
	it(
		'a run killed during a long-running operation resumes in a new process: the overview shows the interrupted step, the run finishes, and every resource and role assignment exists once',
		async () => {
			const identityName = 'id-resume-e2e';
			const computeName = 'cpu-cluster-mi';
			const computeId = `${FRAUD.id}/computes/${computeName}`;
			const identityId = `/subscriptions/${FRAUD.subscriptionId}/resourceGroups/${FRAUD.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}`;

			// Operations take 5 s: long enough to kill the process in the middle of one.
			const first = await startDemo([], 5_000);
			await walkToScenarioList(first, {name: FRAUD.name, filter: 'fraud'});
			await choose(first, COMPUTE_SCENARIO);
			await first.waitFor('Which compute cluster?');
			await choose(first, 'Create a new compute cluster');
			await answerText(first, {current: computeName, keep: computeName, text: '', next: 'Virtual machine size:'});
			await choose(first, 'Standard_DS3_v2');
			await first.waitFor('Minimum nodes');
			await answerText(first, {current: '0', keep: '0', text: '', next: 'Maximum nodes:'});
			await answerText(first, {current: '4', keep: '4', text: '', next: 'Which kind of managed identity?'});
			await choose(first, 'User-assigned');
			await first.waitFor('Which user-assigned identity?');
			await choose(first, 'Create a new user-assigned identity');
			await first.waitFor('Name of the new user-assigned identity');
			await answerText(first, {current: '', text: identityName, next: `Plan: AcrPull on ${REGISTRY.name} for compute ${computeName}`});

			const running = new RegExp(`Create compute cluster ${computeName} with a user-assigned identity .*operation InProgress`);
			const started = (screen: string) => !screen.includes('Enter run the plan');
			await sendUntil(first, () => first.press(keys.enter), started, {progressed: started});
			const mid = await first.waitFor(running, {timeoutMs: 20_000});
			expect(mid).toMatch(new RegExp(`✔ Create user-assigned identity ${identityName}`));
			await killWizard(first);
			expect(await first.exitCode()).toBe(128 + 9);

			const [killed] = sessions();
			expect(killed).toMatchObject({status: 'running', steps: {[`create-identity-${identityName}`]: {state: 'done'}, [`create-compute-${computeName}`]: {state: 'running'}}});
			await first.close();

			const second = await startDemo(['--resume'], 300);
			const overview = await openFromSessions(second, killed!.id, `Plan: AcrPull on ${REGISTRY.name} for compute ${computeName}`);
			expect(overview).toContain(`Session ${killed!.id} · ${COMPUTE_SCENARIO}`);
			expect(overview).toMatch(new RegExp(`✔ Create user-assigned identity ${identityName} done earlier`));
			expect(overview).toContain(
				`◌ Create compute cluster ${computeName} with a user-assigned identity was running when the session stopped: it is checked first, so nothing is done twice`,
			);
			expect(overview).toMatch(new RegExp(`· Grant AcrPull to ${computeName}'s identity on registry ${REGISTRY.name} to do`));
			expect(overview).toContain('1 of 3 done; Enter carries on with the 2 left');

			const started2 = (screen: string) => !screen.includes('Enter continue');
			await sendUntil(second, () => second.press(keys.enter), started2, {progressed: started2});
			const summary = await second.waitFor(/: complete and verified|: stopped at a failed step/, {timeoutMs: 40_000});
			expect(summary).toContain(`AcrPull on ${REGISTRY.name} for compute ${computeName}: complete and verified`);
			// The interrupted compute was found, not created again, and counts as this session's change (undo takes it back).
			expect(summary).toContain(`Create compute cluster ${computeName} with a user-assigned identity.`);
			expect(await finish(second)).toBe(0);

			const state = world.state();
			const identities = Object.keys(state.identities).filter((id) => id.endsWith(`/${identityName.toLowerCase()}`));
			expect(identities).toEqual([identityId.toLowerCase()]);
			const computes = Object.keys(state.computes).filter((id) => id.endsWith(`/${computeName}`));
			expect(computes).toEqual([computeId.toLowerCase()]);
			const principalId = (state.identities[identityId.toLowerCase()]!['properties'] as {principalId: string}).principalId;
			expect(grantsOf(state, principalId)).toEqual([grant(ROLE_GUIDS.acrPull, REGISTRY.id)]);
			expect(sessions()).toHaveLength(1); // resumed, not a new session
			expect(sessions()[0]).toMatchObject({id: killed!.id, status: 'completed'});
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'a compute deleted between runs: the resume says what changed and asks again instead of running',
		async () => {
			const legacy = SEED.computes.gpuLegacy;
			const first = await startDemo([], 300);
			await walkToScenarioList(first, {name: FRAUD.name, filter: 'fraud'});
			await choose(first, COMPUTE_SCENARIO);
			await first.waitFor('Which compute cluster?');
			await choose(first, legacy.name);
			await first.waitFor(`Plan: AcrPull on ${REGISTRY.name} for compute ${legacy.name}`);
			expect(await quit(first)).toBe(0);
			const [saved] = sessions();
			expect(saved?.choices.answers).toEqual({compute: legacy.id});
			await first.close();

			// Someone deletes gpu-legacy while no wizard runs (the demo tenant reads its state at start).
			const stateFile = join(world.home, 'demo-tenant', 'state.json');
			const state = world.state();
			expect(state.computes[legacy.id.toLowerCase()]).toBeDefined();
			delete state.computes[legacy.id.toLowerCase()];
			writeFileSync(stateFile, JSON.stringify(state, null, '\t'));

			const second = await startDemo(['--resume'], 300);
			const overview = await openFromSessions(second, saved!.id, 'What changed since the session was saved:');
			expect(overview).toContain(`✖ The compute ${legacy.name} you chose no longer exists.`);
			expect(overview).toContain('Enter answer again · Esc back · q quit');
			const asked = await sendUntil(second, () => second.press(keys.enter), 'Which compute cluster?');
			expect(asked).not.toMatch(new RegExp(`^. ${legacy.name} `, 'm'));
			expect(asked).toContain('Create a new compute cluster');
			expect(await quit(second)).toBe(0);
			expect(sessions()[0]?.choices).toMatchObject({answers: {}, scenarioId: 'compute-acr-pull'});
			expect(sessions()[0]?.choices.planConfirmed).toBeUndefined();
		},
		TEST_TIMEOUT_MS,
	);
});
