/**
 * Walking the built wizard (`dist/bin/aml-identity.js demo`) through a scenario in a real terminal
 * (tmux, see terminal.ts), for the end-to-end scenario tests.
 *
 * The terminal is wide (500 columns): plans show `az` commands with full resource IDs, and at 120
 * columns Ink wraps them mid-word, which would make the tests assert on line breaks. Every list
 * row, command and summary line fits on one line at this width.
 *
 * Keys are only sent once the frame they act on is on screen, and keys that must reach the program
 * as separate reads (Backspace, Enter after typed text) are sent one at a time, each after the
 * screen shows the effect of the previous one: Ink treats a chunk of several key bytes read at once
 * as typed text (several Backspaces in one read become DEL characters in the value).
 */
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {readEmulatorState, SEED, type EmulatorState} from '../../src/emulator/index.js';
import {keys, startTerminal, type KeyName, type Terminal} from './terminal.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'bin', 'aml-identity.js');

/** The first frame comes after Node starts, the emulator starts (and, in a fresh home, makes its certificate). */
export const STARTUP_TIMEOUT_MS = 20_000;
/** A plan's run, long-running operations included (AML_IDENTITY_DEMO_LRO_MS=300). */
export const RUN_TIMEOUT_MS = 20_000;

export const ROLE_GUIDS = {
	acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
	managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830',
} as const;

/** tmux's name for Backspace (terminal.ts's `keys` has none). */
const BACKSPACE = 'BSpace' as string as KeyName;

export function assertBuilt(): void {
	if (!existsSync(BIN)) {
		throw new Error(`${BIN} does not exist: the end-to-end tests run the built CLI. Build it first with \`npx tsc -p tsconfig.json\` (\`npm test\` does).`);
	}
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A fresh AML_IDENTITY_HOME and --output directory, and the demo wizard started on them (any number of times). */
export class DemoWorld {
	readonly home = mkdtempSync(join(tmpdir(), 'aml-e2e-home-'));
	readonly output = mkdtempSync(join(tmpdir(), 'aml-e2e-out-'));
	readonly #terminals: Terminal[] = [];

	/** Where a scenario writes files for a workspace. */
	workspaceOutput(workspaceName: string): string {
		return join(this.output, workspaceName);
	}

	async start(): Promise<Terminal> {
		const term = await startTerminal({
			command: [process.execPath, BIN, 'demo', '--output', this.output],
			env: {AML_IDENTITY_HOME: this.home, AML_IDENTITY_DEMO_LRO_MS: '300'},
			cwd: ROOT,
			columns: 500,
			rows: 80,
		});
		this.#terminals.push(term);
		return term;
	}

	/** The emulator's state as it persisted it (read once the binary has exited). */
	state(): EmulatorState {
		const state = readEmulatorState(join(this.home, 'demo-tenant'));
		if (!state) throw new Error(`the emulator wrote no state.json in ${this.home}/demo-tenant`);
		return state;
	}

	async dispose(): Promise<void> {
		await Promise.all(this.#terminals.splice(0).map((term) => term.close()));
		rmSync(this.home, {recursive: true, force: true});
		rmSync(this.output, {recursive: true, force: true});
	}
}

/** A list row for `label`: the pointer column, then the label, then its dimmed detail (two spaces) or nothing. */
function rowPattern(label: string, highlighted: boolean): RegExp {
	return new RegExp(`^${highlighted ? '❯' : '[❯ ]'} ${escapeRegExp(label)}( {2}.*)?$`, 'm');
}

/** "3 of 11 · ↑↓ to scroll": the list has more rows than it shows. */
const SCROLL_HINT = /\d+ of \d+ · ↑↓ to scroll/;

/**
 * Highlights the row labelled `label` in the list on screen (arrows from the highlighted row,
 * scrolling down if the list shows only part of its rows) and selects it with Enter. Returns the
 * screen on which it was highlighted (and, with `shows`, showed that too: what a screen renders for
 * the highlighted row comes a frame after the pointer).
 */
export async function choose(term: Terminal, label: string, {shows, timeoutMs = 10_000}: {shows?: string | RegExp; timeoutMs?: number} = {}): Promise<string> {
	const row = rowPattern(label, false);
	const highlightedRow = rowPattern(label, true);
	const deadline = Date.now() + timeoutMs;
	let screen = await term.screen();
	while (!highlightedRow.test(screen)) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms choosing "${label}". Last screen:\n${screen}`);
		const lines = screen.split('\n');
		const target = lines.findIndex((line) => row.test(line));
		const current = lines.findIndex((line) => line.startsWith('❯ '));
		if (current !== -1 && target !== -1) {
			const moves = target - current;
			for (let step = 0; step < Math.abs(moves); step++) await term.press(moves > 0 ? keys.down : keys.up);
			screen = await term.waitFor(highlightedRow, {timeoutMs: Math.max(1, deadline - Date.now())});
		} else if (current !== -1 && SCROLL_HINT.test(screen)) {
			// Not in the visible window: one row down, and look again once the list has moved.
			const before = screen;
			await term.press(keys.down);
			while (screen === before && Date.now() <= deadline) {
				await new Promise((resolve) => setTimeout(resolve, 50));
				screen = await term.screen();
			}
		} else {
			// The list is not on screen yet.
			await new Promise((resolve) => setTimeout(resolve, 50));
			screen = await term.screen();
		}
	}
	if (shows !== undefined) screen = await term.waitFor(shows);
	await term.press(keys.enter);
	return screen;
}

/**
 * Narrows a filterable list with "/" + text, accepts the filter with Enter and returns once the
 * list has the keyboard again ("Filter: prod␣" while typing, "Filter: prod  1 of 3" once accepted).
 * "/" goes alone: typed together with the text, the list would ignore it all.
 */
export async function filterList(term: Terminal, text: string, shown: number, total: number): Promise<string> {
	await term.type('/');
	await term.waitFor('Filter:');
	await term.type(text);
	await term.waitFor(new RegExp(`Filter: ${escapeRegExp(text)}\\s+${shown} of ${total}`));
	await term.press(keys.enter);
	return term.waitFor(new RegExp(`Filter: ${escapeRegExp(text)} {2}${shown} of ${total}`));
}

/** The text field's line: "› value", then the cursor (an inverse space, blank in a capture). */
function fieldPattern(value: string): RegExp {
	return new RegExp(`^›${value ? ` ${escapeRegExp(value)}` : ''} *$`, 'm');
}

/**
 * Answers the text question on screen: waits for its pre-filled `current` value, erases it (down to
 * `keep`, a prefix of it, when given) one Backspace at a time, types `text` and, once the field
 * shows the value, presses Enter. Returns the screen once `next` (what follows the answer) appears.
 */
export async function answerText(
	term: Terminal,
	{current, keep = '', text, next}: {current: string; keep?: string; text: string; next: string | RegExp},
): Promise<string> {
	if (!current.startsWith(keep)) throw new Error(`answerText: "${keep}" does not start "${current}"`);
	await term.waitFor(fieldPattern(current));
	for (let length = current.length; length > keep.length; length--) {
		await term.press(BACKSPACE);
		await term.waitFor(fieldPattern(current.slice(0, length - 1)));
	}
	if (text) {
		await term.type(text);
		await term.waitFor(fieldPattern(keep + text));
	}
	await term.press(keys.enter);
	return term.waitFor(next);
}

/** Welcome → "Start a new setup" → the subscription (filtered) → the workspace (filtered) → the scenario list. */
export async function walkToScenarioList(term: Terminal, workspace: {name: string; filter: string}): Promise<void> {
	const production = SEED.subscriptions.production;
	await term.waitFor('Start a new setup', {timeoutMs: STARTUP_TIMEOUT_MS});
	await choose(term, 'Start a new setup');

	await term.waitFor('Choose a subscription');
	await term.waitFor(production.displayName); // the list has loaded (and listens for keys)
	const subscriptions = await filterList(term, 'prod', 1, 3);
	if (!rowPattern(production.displayName, true).test(subscriptions)) throw new Error(`the filter did not keep ${production.displayName}:\n${subscriptions}`);
	await term.press(keys.enter);

	await term.waitFor(`Choose a workspace in ${production.displayName}`);
	await term.waitFor(workspace.name);
	const workspaces = await filterList(term, workspace.filter, 1, 2);
	if (!rowPattern(workspace.name, true).test(workspaces)) throw new Error(`the filter did not keep ${workspace.name}:\n${workspaces}`);
	await term.press(keys.enter);
	await term.waitFor(`What do you want to set up on ${workspace.name}?`);
}

/** From the plan: Enter, then the summary once the run has finished (the wizard is still open). */
export async function runPlan(term: Terminal): Promise<string> {
	await term.press(keys.enter);
	const summary = await term.waitFor(/: complete and verified|: stopped at a failed step/, {timeoutMs: RUN_TIMEOUT_MS});
	if (!summary.includes(': complete and verified')) throw new Error(`the run stopped at a failed step:\n${summary}`);
	return summary;
}

/** From the summary: Enter finishes; returns the exit status. */
export async function finish(term: Terminal): Promise<number> {
	await term.press(keys.enter);
	return term.exitCode();
}

/**
 * The lines of a summary section ("Changed", "Already in place", "Files written", "Next steps"),
 * without their indentation; undefined when the summary has no such section.
 */
export function summarySection(screen: string, title: string): string[] | undefined {
	const lines = screen.split('\n').map((line) => line.trimEnd());
	const start = lines.indexOf(title);
	if (start === -1) return undefined;
	const section: string[] = [];
	for (const line of lines.slice(start + 1)) {
		if (!line.startsWith('  ')) break;
		section.push(line.trim());
	}
	return section;
}

/** Role assignments in the emulator's state for a principal, as "role-guid@scope" (scope lower-cased). */
export function grantsOf(state: EmulatorState, principalId: string): string[] {
	return Object.values(state.roleAssignments)
		.map((assignment) => assignment['properties'] as {principalId: string; roleDefinitionId: string; scope: string})
		.filter((properties) => properties.principalId.toLowerCase() === principalId.toLowerCase())
		.map((properties) => `${properties.roleDefinitionId.split('/').pop()?.toLowerCase()}@${properties.scope.toLowerCase()}`);
}

export function grant(roleGuid: string, scope: string): string {
	return `${roleGuid}@${scope.toLowerCase()}`;
}
