/**
 * Walking the built wizard (`dist/bundle/aml-identity.js demo`) through a scenario in a real terminal
 * (tmux, see terminal.ts), for the end-to-end scenario tests.
 *
 * The terminal is wide (500 columns): plans show `az` commands with full resource IDs, and at 120
 * columns Ink wraps them mid-word, which would make the tests assert on line breaks. Every list
 * row, command and summary line fits on one line at this width.
 *
 * Keys are only sent once the frame they act on is on screen, one at a time, each after the screen
 * shows the effect of the previous one: Ink treats a chunk of several key bytes read at once as
 * typed text (several Backspaces in one read become DEL characters in the value). A key that
 * changes nothing on screen is sent again (see sendUntil).
 */
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {readEmulatorState, SEED, type EmulatorState} from '../../src/emulator/index.js';
import {keys, startTerminal, terminalEnvironment, type KeyName, type Terminal} from './terminal.js';

const execFileAsync = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'bundle', 'aml-identity.js');

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
		throw new Error(`${BIN} does not exist: the end-to-end tests run the built CLI. Build it first with \`npm run build\` (\`npm test\` does).`);
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

/** Where the list pointer is: its line number and the row it points at. */
function pointerLine(lines: readonly string[]): string {
	const index = lines.findIndex((line) => line.startsWith('❯ '));
	return `${index}:${lines[index] ?? ''}`;
}

type Expectation = string | RegExp | ((screen: string) => boolean);

function satisfies(screen: string, expected: Expectation): boolean {
	if (typeof expected === 'string') return screen.includes(expected);
	if (expected instanceof RegExp) return expected.test(screen);
	return expected(screen);
}

function describeExpectation(expected: Expectation): string {
	return typeof expected === 'string' ? JSON.stringify(expected) : expected instanceof RegExp ? String(expected) : 'the expected screen';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a key (or, with `literal`, text) to the program straight away, without terminal.ts's wait
 * for raw mode and pause for a new frame's listeners: only for an element that has just read a key
 * (the next Backspace in a field, the next arrow in a list), which is listening. The terminal's
 * private tmux server has one pane, so no target is needed. Saves a quarter of a second a key.
 */
async function sendToListening(term: Terminal, key: string, {literal = false} = {}): Promise<void> {
	await execFileAsync('tmux', ['-L', term.socket, 'send-keys', ...(literal ? ['-l'] : []), key], {env: terminalEnvironment({})});
}

/** How long the screen may show no sign of a key before the key counts as dropped. */
const RESEND_AFTER_MS = 1_500;

/**
 * Sends a key (or text) and waits for the screen to show `expected`. Ink attaches the key listener
 * of a list or field that has just appeared in an effect that runs after its frame is drawn, so a
 * key sent as soon as the frame is on screen can arrive before anything listens and be dropped (seen
 * on 2 busy cores; terminal.ts now pauses briefly before each key, this is the safety net). A key the
 * program reads changes the screen: if RESEND_AFTER_MS after sending the screen still shows no sign
 * of it (`progressed`, by default: any change from `before`, the screen the key acts on), the key was
 * dropped and is sent again. Once the screen has moved, the key is never sent again.
 */
export async function sendUntil(
	term: Terminal,
	send: () => Promise<void>,
	expected: Expectation,
	{timeoutMs = 10_000, before, progressed}: {timeoutMs?: number; before?: string; progressed?: (screen: string) => boolean} = {},
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	const start = before ?? (await term.screen());
	const hasProgressed = progressed ?? ((screen: string) => screen !== start);
	let moved = false;
	let sentAt = Date.now();
	await send();
	for (;;) {
		const screen = await term.screen();
		if (satisfies(screen, expected)) return screen;
		const now = Date.now();
		if (now >= deadline) {
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describeExpectation(expected)}. Last screen:\n${'-'.repeat(40)}\n${screen}\n${'-'.repeat(40)}`);
		}
		moved ||= hasProgressed(screen);
		if (!moved && now - sentAt >= RESEND_AFTER_MS) {
			await send();
			sentAt = Date.now();
		}
		await sleep(50);
	}
}

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
	const remaining = () => Math.max(1, deadline - Date.now());
	let screen = await term.screen();
	let listening = false; // once an arrow has moved the pointer, the list is known to read keys
	// One arrow at a time, each once the previous one has moved the pointer, each time from what the
	// screen shows: a dropped arrow is sent again, and an arrow too many is taken back.
	while (!highlightedRow.test(screen)) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms choosing "${label}". Last screen:\n${screen}`);
		const lines = screen.split('\n');
		const target = lines.findIndex((line) => row.test(line));
		const current = lines.findIndex((line) => line.startsWith('❯ '));
		if (current !== -1 && (target !== -1 || SCROLL_HINT.test(screen))) {
			// Below the visible window when not on screen: the list scrolls as the pointer moves down.
			// Waits for the pointer itself to move: a screen may draw other frames in between (the
			// scenario list describes the highlighted row a frame later).
			const pointer = pointerLine(lines);
			const key = target === -1 || target > current ? keys.down : keys.up;
			const moved = (now: string) => pointerLine(now.split('\n')) !== pointer;
			const send = listening ? () => sendToListening(term, key) : () => term.press(key);
			screen = await sendUntil(term, send, moved, {timeoutMs: remaining(), before: screen, progressed: moved});
			listening = true;
		} else {
			// The list is not on screen yet.
			await sleep(50);
			screen = await term.screen();
		}
	}
	if (shows !== undefined) screen = await term.waitFor(shows, {timeoutMs: remaining()});
	const selected = (now: string) => !highlightedRow.test(now);
	const enter = listening ? () => sendToListening(term, keys.enter) : () => term.press(keys.enter);
	await sendUntil(term, enter, selected, {timeoutMs: remaining(), before: screen, progressed: selected});
	return screen;
}

/**
 * Narrows a filterable list with "/" + text and accepts the filter with Enter ("Filter: prod␣" while
 * typing, "Filter: prod  1 of 3" once accepted). "/" goes alone: typed together with the text, the
 * list would ignore it all.
 */
export async function filterList(term: Terminal, text: string, shown: number, total: number): Promise<string> {
	let screen = await sendUntil(term, () => term.type('/'), 'Filter:');
	// The list has read "/": it is listening.
	screen = await sendUntil(term, () => sendToListening(term, text, {literal: true}), new RegExp(`Filter: ${escapeRegExp(text)}\\s+${shown} of ${total}`), {before: screen});
	return sendUntil(term, () => sendToListening(term, keys.enter), new RegExp(`Filter: ${escapeRegExp(text)} {2}${shown} of ${total}`), {before: screen});
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
	let screen = await term.waitFor(fieldPattern(current));
	let listening = false; // once the field has taken a key, it is known to read keys
	const press = (key: KeyName) => (listening ? sendToListening(term, key) : term.press(key));
	for (let length = current.length; length > keep.length; length--) {
		screen = await sendUntil(term, () => press(BACKSPACE), fieldPattern(current.slice(0, length - 1)), {before: screen});
		listening = true;
	}
	if (text) {
		const type = listening ? () => sendToListening(term, text, {literal: true}) : () => term.type(text);
		screen = await sendUntil(term, type, fieldPattern(keep + text), {before: screen});
		listening = true;
	}
	return sendUntil(term, () => press(keys.enter), next, {before: screen});
}

/** Welcome → "Start a new setup" → the subscription (filtered) → the workspace (filtered) → the scenario list. */
export async function walkToScenarioList(term: Terminal, workspace: {name: string; filter: string}): Promise<void> {
	const production = SEED.subscriptions.production;
	await term.waitFor('Start a new setup', {timeoutMs: STARTUP_TIMEOUT_MS});
	await choose(term, 'Start a new setup');

	await term.waitFor('Choose a subscription');
	await term.waitFor(production.displayName); // the list has loaded
	const subscriptions = await filterList(term, 'prod', 1, 3);
	if (!rowPattern(production.displayName, true).test(subscriptions)) throw new Error(`the filter did not keep ${production.displayName}:\n${subscriptions}`);
	// The same list, just given the keyboard back by its filter.
	await sendUntil(term, () => sendToListening(term, keys.enter), `Choose a workspace in ${production.displayName}`, {before: subscriptions});

	await term.waitFor(workspace.name);
	const workspaces = await filterList(term, workspace.filter, 1, 2);
	if (!rowPattern(workspace.name, true).test(workspaces)) throw new Error(`the filter did not keep ${workspace.name}:\n${workspaces}`);
	await sendUntil(term, () => sendToListening(term, keys.enter), `What do you want to set up on ${workspace.name}?`, {before: workspaces});
}

/** From the plan: Enter, then the summary once the run has finished (the wizard is still open). */
export async function runPlan(term: Terminal): Promise<string> {
	// Resent only while the plan is still on screen: once the run starts, Enter would finish the summary.
	const started = (screen: string) => !screen.includes('Enter run the plan');
	await sendUntil(term, () => term.press(keys.enter), started, {progressed: started});
	const summary = await term.waitFor(/: complete and verified|: stopped at a failed step/, {timeoutMs: RUN_TIMEOUT_MS});
	if (!summary.includes(': complete and verified')) throw new Error(`the run stopped at a failed step:\n${summary}`);
	return summary;
}

/** Sends a key until the program exits (a key to a program that has exited is harmless); returns the exit status. */
async function sendUntilExit(term: Terminal, send: () => Promise<void>, {timeoutMs = 10_000} = {}): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	await send();
	for (;;) {
		try {
			return await term.exitCode({timeoutMs: Math.min(RESEND_AFTER_MS, Math.max(1, deadline - Date.now()))});
		} catch (error) {
			if (Date.now() >= deadline) throw error;
			await send();
		}
	}
}

/** From the summary: Enter finishes; returns the exit status. */
export async function finish(term: Terminal): Promise<number> {
	return sendUntilExit(term, () => term.press(keys.enter));
}

/** q (on a screen where it quits, not in a text field); returns the exit status. */
export async function quit(term: Terminal): Promise<number> {
	return sendUntilExit(term, () => term.type('q'));
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
