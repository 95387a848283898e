/**
 * End-to-end: the built binary (`dist/bundle/`, the bundle that package.json publishes) in a real
 * terminal (tmux), against the demo tenant.
 * Every test has its own AML_IDENTITY_HOME, so its own emulator state and sessions.
 * `npm test` builds first; run alone with `npm run build && npx vitest run test/e2e`.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {readEmulatorState, SEED} from '../../src/emulator/index.js';
import {keys, startTerminal, terminalEnvironment, type Terminal} from '../helpers/terminal.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist', 'bundle', 'aml-identity.js');

const PRODUCTION = SEED.subscriptions.production;
const WORKSPACE = SEED.workspaces.fraudProd;
const REGISTRY = SEED.registries.fraudProd;
const RESUME_HINT = 'Resume it with: aml-identity demo --resume';
const TEST_TIMEOUT_MS = 60_000;
/** The first frame comes after Node starts, the emulator starts (and, in a fresh home, makes its certificate). */
const STARTUP_TIMEOUT_MS = 20_000;

let home: string;
let terminals: Terminal[] = [];

beforeAll(() => {
	if (!existsSync(BIN)) {
		throw new Error(`${BIN} does not exist: the end-to-end tests run the built CLI. Build it first with \`npm run build\` (\`npm test\` does).`);
	}
	// The seed these tests walk through: the production subscription's fraud workspace, whose
	// auto-created registry has its admin user enabled.
	expect(WORKSPACE.subscriptionId).toBe(PRODUCTION.subscriptionId);
	expect(WORKSPACE.registryId).toBe(REGISTRY.id);
	expect(REGISTRY.adminUserEnabled).toBe(true);
});

beforeEach(() => {
	home = mkdtempSync(join(tmpdir(), 'aml-e2e-home-'));
});

afterEach(async () => {
	const open = terminals;
	terminals = [];
	await Promise.all(open.map((term) => term.close()));
	rmSync(home, {recursive: true, force: true});
});

function demoEnvironment(): Record<string, string> {
	return {AML_IDENTITY_HOME: home, AML_IDENTITY_DEMO_LRO_MS: '300'};
}

async function startDemo(): Promise<Terminal> {
	const term = await startTerminal({command: [process.execPath, BIN, 'demo'], env: demoEnvironment(), cwd: ROOT});
	terminals.push(term);
	return term;
}

/** The registry as the emulator persisted it (read after the binary has exited). */
function persistedRegistry() {
	const state = readEmulatorState(join(home, 'demo-tenant'));
	expect(state, 'the emulator wrote no state.json').toBeDefined();
	const registry = state?.registries[REGISTRY.id.toLowerCase()];
	expect(registry, `no registry ${REGISTRY.id} in the emulator state`).toBeDefined();
	return registry!;
}

function sessionFiles(): string[] {
	const directory = join(home, 'sessions');
	return existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.json')) : [];
}

/**
 * Narrows a filterable list with "/" + text, accepts the filter with Enter and returns once the
 * list has the keyboard again. While filtering, the filter line ends with an inverse-space cursor
 * ("Filter: prod␣  1 of 3"); once accepted the cursor is gone ("Filter: prod  1 of 3").
 */
async function filterList(term: Terminal, text: string, shown: number, total: number): Promise<string> {
	await term.type('/');
	await term.waitFor('Filter:');
	await term.type(text);
	await term.waitFor(new RegExp(`Filter: ${text}\\s+${shown} of ${total}`));
	await term.press(keys.enter);
	return term.waitFor(new RegExp(`Filter: ${text} {2}${shown} of ${total}`));
}

/** Welcome → subscription → workspace → scenario → (the ACI question) → the plan. Returns the plan screen. */
async function walkToPlan(term: Terminal, {expectQuestion}: {expectQuestion: boolean}): Promise<string> {
	await term.waitFor('Start a new setup', {timeoutMs: STARTUP_TIMEOUT_MS});
	await term.press(keys.enter);

	await term.waitFor('Choose a subscription');
	await term.waitFor(PRODUCTION.displayName); // the list has loaded (and listens for keys)
	const subscriptions = await filterList(term, 'prod', 1, 3);
	expect(subscriptions).toMatch(new RegExp(`❯\\s*${PRODUCTION.displayName}`));
	await term.press(keys.enter);

	await term.waitFor(`Choose a workspace in ${PRODUCTION.displayName}`);
	await term.waitFor(WORKSPACE.name);
	const workspaces = await filterList(term, 'fraud', 1, 2);
	expect(workspaces).toMatch(new RegExp(`❯\\s*${WORKSPACE.name}`));
	await term.press(keys.enter);

	const scenarios = await term.waitFor(`What do you want to set up on ${WORKSPACE.name}?`);
	expect(scenarios).toMatch(/❯\s*Disable the admin user on the workspace's auto-created ACR/);
	await term.press(keys.enter);

	if (expectQuestion) {
		const question = await term.waitFor(`Disable the admin user on ${REGISTRY.name}?`);
		expect(question).toContain(`Registry ${REGISTRY.name} (Basic, ${REGISTRY.resourceGroup}): admin user enabled.`);
		expect(question).toMatch(/❯\s*No, go back/); // the safe answer is highlighted first
		expect(question).toContain('Yes, I do not deploy to ACI');
		await term.press(keys.down);
		await term.waitFor(/❯\s*Yes, I do not deploy to ACI/);
		await term.press(keys.enter);
	}

	const plan = await term.waitFor(`Plan: Disable the admin user on ${REGISTRY.name}`);
	expect(plan).toContain(`$ az acr update --name ${REGISTRY.name} --resource-group ${REGISTRY.resourceGroup} --admin-enabled false`);
	expect(plan).toContain('Enter run the plan');
	return plan;
}

/** From the plan screen: run it, wait for the summary and return it (the wizard is still open). */
async function runPlan(term: Terminal): Promise<string> {
	await term.press(keys.enter);
	return term.waitFor(`Disable the admin user on ${REGISTRY.name}: complete and verified`, {timeoutMs: 20_000});
}

async function finish(term: Terminal): Promise<void> {
	await term.press(keys.enter);
	expect(await term.exitCode()).toBe(0);
}

/** A complete first run: disables the admin user. */
async function fullWalk(): Promise<string> {
	const term = await startDemo();
	await walkToPlan(term, {expectQuestion: true});
	const summary = await runPlan(term);
	await finish(term);
	await term.close();
	return summary;
}

describe('aml-identity demo, in a real terminal', () => {
	it(
		'walks from Welcome to a verified change and persists it in the emulator',
		async () => {
			const summary = await fullWalk();
			expect(summary).toContain('Changed');
			expect(summary).toContain(`Admin user disabled on ${REGISTRY.name}.`);
			expect(summary).not.toContain('Already in place');
			expect(persistedRegistry().properties['adminUserEnabled']).toBe(false);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'a second run finds the admin user already disabled and writes nothing',
		async () => {
			await fullWalk();
			const after = JSON.stringify(persistedRegistry());

			const term = await startDemo();
			// Nothing left to confirm: no ACI question, straight to the plan.
			await walkToPlan(term, {expectQuestion: false});
			await term.press(keys.enter);
			// The step row may flash by before the summary replaces it; if seen, it says "already done".
			const first = await term.waitFor(/↷|complete and verified/, {timeoutMs: 20_000});
			if (first.includes('↷')) expect(first).toMatch(/↷ .*already done: admin user on \S+ is already disabled/);
			const summary = await term.waitFor(`Disable the admin user on ${REGISTRY.name}: complete and verified`, {timeoutMs: 20_000});
			expect(summary).toContain('Already in place');
			// Wording has been "nothing was written." and "nothing to write.": either says no write happened.
			expect(summary).toMatch(new RegExp(`The admin user on ${REGISTRY.name} was already disabled: nothing (was written|to write)\\.`));
			expect(summary).not.toContain('Changed');
			await finish(term);

			// Not even a PATCH: the registry is byte-for-byte what the first run left.
			expect(JSON.stringify(persistedRegistry())).toBe(after);
			expect(persistedRegistry().properties['adminUserEnabled']).toBe(false);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'q at the plan saves the session; a new process resumes it at the plan and completes it',
		async () => {
			const first = await startDemo();
			await walkToPlan(first, {expectQuestion: true});
			await first.type('q');
			expect(await first.exitCode()).toBe(0);
			const quitScreen = await first.waitFor(RESUME_HINT);
			const sessionId = /Session (\S+) is saved/.exec(quitScreen)?.[1];
			expect(sessionId, quitScreen).toBeDefined();
			expect(sessionFiles()).toEqual([`session-${sessionId}.json`]);
			expect(persistedRegistry().properties['adminUserEnabled']).toBe(true);
			await first.close();

			const second = await startDemo();
			const welcome = await second.waitFor('Resume the unfinished session', {timeoutMs: STARTUP_TIMEOUT_MS});
			expect(welcome).toMatch(/❯\s*Resume the unfinished session/); // offered first, highlighted
			expect(welcome).toContain(WORKSPACE.name);
			expect(welcome).toContain('Start a new setup');
			await second.press(keys.enter);

			// First the overview: what was chosen so far; Enter carries on.
			const overview = await second.waitFor('Enter carries on with the questions');
			expect(overview).toContain(`Session ${sessionId}`);
			expect(overview).toMatch(/✔ Disable the admin user on \S+\? yes/);
			await second.press(keys.enter);

			// Back to the plan: the choices and the ACI answer were saved.
			const plan = await second.waitFor(`Plan: Disable the admin user on ${REGISTRY.name}`);
			expect(plan).toContain(`Subscription  ${PRODUCTION.displayName}`);
			expect(plan).toContain(`Workspace     ${WORKSPACE.name} (${WORKSPACE.resourceGroup})`);
			expect(plan).toContain('--admin-enabled false');
			const summary = await runPlan(second);
			expect(summary).toContain(`Admin user disabled on ${REGISTRY.name}.`);
			await finish(second);

			expect(persistedRegistry().properties['adminUserEnabled']).toBe(false);
			expect(sessionFiles()).toEqual([`session-${sessionId}.json`]); // resumed, not a new session
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'refuses to run without an interactive terminal: exit 2, a one-line reason, no stack trace',
		() => {
			const result = spawnSync(process.execPath, [BIN, 'demo'], {
				cwd: ROOT,
				env: terminalEnvironment(demoEnvironment()),
				stdio: ['ignore', 'pipe', 'pipe'], // stdin is /dev/null
				encoding: 'utf8',
				timeout: 30_000,
			});
			expect(result.error).toBeUndefined();
			expect(result.status, result.stderr).toBe(2);
			expect(result.stderr).toContain('interactive terminal');
			expect(result.stderr).not.toContain('    at ');
			expect(result.stdout).toBe('');
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'Ctrl+C on the workspace screen exits 130, keeps the session and a new process resumes it there',
		async () => {
			const term = await startDemo();
			await term.waitFor('Start a new setup', {timeoutMs: STARTUP_TIMEOUT_MS});
			await term.press(keys.enter);
			await term.waitFor(PRODUCTION.displayName);
			await filterList(term, 'prod', 1, 3);
			await term.press(keys.enter);
			await term.waitFor(WORKSPACE.name);
			await term.press(keys.ctrlC);
			expect(await term.exitCode()).toBe(130);
			const screen = await term.waitFor(RESUME_HINT);
			const sessionId = /Session (\S+) is saved/.exec(screen)?.[1];
			expect(sessionId, screen).toBeDefined();
			expect(sessionFiles()).toEqual([`session-${sessionId}.json`]);

			const resumed = await startDemo();
			await resumed.waitFor('❯ Resume the unfinished session', {timeoutMs: STARTUP_TIMEOUT_MS});
			await resumed.press(keys.enter);
			await resumed.waitFor('Enter carries on where the session stopped: choosing a workspace');
			await resumed.press(keys.enter);
			await resumed.waitFor(`Choose a workspace in ${PRODUCTION.displayName}`);
			const workspaces = await resumed.waitFor(WORKSPACE.name);
			expect(workspaces).toContain(`✔ Subscription  ${PRODUCTION.displayName}`);
			await resumed.press(keys.ctrlC);
			expect(await resumed.exitCode()).toBe(130);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'Ctrl+C before anything is chosen exits 130 and leaves no session to resume',
		async () => {
			const term = await startDemo();
			await term.waitFor('Start a new setup', {timeoutMs: STARTUP_TIMEOUT_MS});
			await term.press(keys.enter);
			await term.waitFor(PRODUCTION.displayName);
			await term.press(keys.ctrlC);
			expect(await term.exitCode()).toBe(130);
			const screen = await term.waitFor('nothing to resume');
			expect(screen).not.toContain(RESUME_HINT);
			expect(sessionFiles()).toEqual([]);
		},
		TEST_TIMEOUT_MS,
	);
});
