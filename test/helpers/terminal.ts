/**
 * A real pseudo-terminal for end-to-end tests, driven through tmux.
 *
 * Each terminal gets its own tmux server (a private socket, `tmux -L <unique>`) with a
 * private config file, so tests never see each other's sessions nor the user's tmux.
 * The program runs under a small `sh` wrapper that writes its exit status (`$?`) to a file and
 * then keeps the pane open (`sleep`), so the program's last screen stays exactly as it left it.
 * Not tmux's remain-on-exit alone: tmux 3.3's `#{pane_dead_status}` is sometimes still empty long
 * after the pane died (the child left unreaped), and its "Pane is dead" line scrolls the screen.
 * remain-on-exit stays on only as a fallback, should the wrapper itself be killed.
 *
 * Tests never sleep blindly: `waitFor` polls the screen until it shows what the test
 * expects, and keys are only pressed once the frame they act on is on screen. On top of that,
 * `press`/`type` wait until the program has put the terminal in raw mode (`stty -a` shows
 * `-icanon`): Ink draws its first frame before it enables raw mode, and a key that arrives in
 * between is echoed and cooked (Enter becomes a newline Ink does not treat as Enter).
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

const execFileAsync = promisify(execFile);

/** tmux key names for `term.press(...)`. */
export const keys = {
	enter: 'Enter',
	escape: 'Escape',
	down: 'Down',
	up: 'Up',
	ctrlC: 'C-c',
} as const;

export type KeyName = (typeof keys)[keyof typeof keys];

export interface StartTerminalOptions {
	/** argv of the program; run directly (no shell). */
	readonly command: readonly string[];
	/** Variables added to (or, when undefined, removed from) the test process's environment. */
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly cwd?: string;
	readonly columns?: number;
	readonly rows?: number;
}

export interface WaitOptions {
	readonly timeoutMs?: number;
}

export interface Terminal {
	/** The tmux socket name (`tmux -L <socket>`), for debugging. */
	readonly socket: string;
	/** The visible screen, as plain text (trailing blank lines removed). */
	screen(): Promise<string>;
	/** The visible screen with its colours and attributes as escape sequences (capture-pane -e). */
	styledScreen(): Promise<string>;
	/** Polls the screen every 50 ms until it contains `expected`; returns that screen. Throws with the last screen on timeout. */
	waitFor(expected: string | RegExp, options?: WaitOptions): Promise<string>;
	/** Sends named keys (see `keys`), one tmux key per argument, once the program reads keys (raw mode). */
	press(...keyNames: readonly KeyName[]): Promise<void>;
	/** Types text literally (`send-keys -l`), once the program reads keys (raw mode). */
	type(text: string): Promise<void>;
	/** Waits until the terminal is in raw mode (the program is reading single keys). */
	waitForRawMode(options?: WaitOptions): Promise<void>;
	/** Waits for the program to exit and returns its exit status (128 + n if killed by signal n). */
	exitCode(options?: WaitOptions): Promise<number>;
	/** Kills this terminal's tmux server (and so the program, if still running). Safe to call twice. */
	close(): Promise<void>;
}

/** True for the variables that make Ink (is-in-ci) render only the final frame. */
export function isCiVariable(name: string): boolean {
	return name === 'CI' || name.startsWith('CI_') || name === 'CONTINUOUS_INTEGRATION';
}

/** Set by vitest in its workers (NODE_ENV=test, TEST, VITEST*): the program should run as it does for a user. */
function isTestRunnerVariable(name: string): boolean {
	return name === 'NODE_ENV' || name === 'TEST' || name === 'VITEST' || name.startsWith('VITEST_');
}

/**
 * The environment the program runs with: the test's own, minus CI markers, the test runner's
 * and tmux's variables, with TERM=xterm-256color and FORCE_COLOR=0, plus `extra`
 * (an undefined value removes a variable). CI markers are removed even from `extra`.
 */
export function terminalEnvironment(extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (value === undefined || isCiVariable(name) || isTestRunnerVariable(name) || name === 'TMUX' || name === 'TMUX_PANE') continue;
		env[name] = value;
	}
	env['TERM'] = 'xterm-256color';
	env['FORCE_COLOR'] = '0';
	for (const [name, value] of Object.entries(extra)) {
		if (value === undefined) delete env[name];
		else env[name] = value;
	}
	for (const name of Object.keys(env)) if (isCiVariable(name)) delete env[name];
	return env;
}

let counter = 0;

export async function startTerminal(options: StartTerminalOptions): Promise<Terminal> {
	const {command, cwd = process.cwd(), columns = 120, rows = 40} = options;
	if (command.length === 0) throw new Error('startTerminal: empty command');

	const socket = `aml-e2e-${process.pid}-${++counter}-${randomBytes(4).toString('hex')}`;
	const sessionName = socket;
	const target = `${sessionName}:0.0`;
	const configDir = mkdtempSync(join(tmpdir(), 'aml-e2e-tmux-'));
	const configFile = join(configDir, 'tmux.conf');
	const exitFile = join(configDir, 'exit-status');
	writeFileSync(
		configFile,
		[
			// Only a fallback: the sh wrapper below normally keeps the pane open itself.
			'set -g remain-on-exit on',
			// The whole window is the program's: no status line.
			'set -g status off',
			'set -g default-terminal xterm-256color',
			'set -g history-limit 2000',
			'set -g escape-time 0',
			'',
		].join('\n'),
	);

	// The server is started by this client, so it inherits this (CI-free) environment; the
	// program itself gets exactly `env` (env -i), whatever tmux would add (TMUX, TERM...).
	const env = terminalEnvironment(options.env);
	const tmuxEnv = terminalEnvironment({});

	const tmux = async (...args: string[]): Promise<string> => {
		const {stdout} = await execFileAsync('tmux', ['-L', socket, ...args], {env: tmuxEnv, maxBuffer: 4 * 1024 * 1024});
		return stdout;
	};

	const envArgs = Object.entries(env).map(([name, value]) => `${name}=${value}`);
	let closed = false;
	try {
		await tmux(
			'-f',
			configFile,
			'new-session',
			'-d',
			'-s',
			sessionName,
			'-x',
			String(columns),
			'-y',
			String(rows),
			'-c',
			cwd,
			'--',
			'sh',
			'-c',
			// $0 is the exit-status file, written atomically so a reader never sees it half-written;
			// then the pane stays open, screen untouched, until close() kills the server.
			'"$@"; status=$?; printf "%s\\n" "$status" > "$0.tmp" && mv "$0.tmp" "$0"; exec sleep 3600',
			exitFile,
			'env',
			'-i',
			...envArgs,
			...command,
		);
	} catch (error) {
		await tmux('kill-server').catch(() => undefined);
		rmSync(configDir, {recursive: true, force: true});
		throw new Error(`could not start tmux (${socket}): ${(error as Error).message}`);
	}

	// tmux leaves its socket file behind after kill-server: remember it to remove it on close.
	let socketPath: string | undefined;
	try {
		socketPath = (await tmux('display-message', '-p', '#{socket_path}')).trim() || undefined;
	} catch {
		socketPath = undefined;
	}

	const screen = async (): Promise<string> => {
		const text = await tmux('capture-pane', '-p', '-t', target);
		return text.replace(/\s+$/, '');
	};

	let paneTty: string | undefined;
	const isRawMode = async (): Promise<boolean> => {
		paneTty ??= (await tmux('display-message', '-p', '-t', target, '#{pane_tty}')).trim();
		try {
			const {stdout} = await execFileAsync('stty', ['-F', paneTty, '-a']);
			return /(^|\s)-icanon(\s|$)/.test(stdout);
		} catch {
			return false;
		}
	};

	const matches = (text: string, expected: string | RegExp) =>
		typeof expected === 'string' ? text.includes(expected) : expected.test(text);

	const poll = async <T>(
		description: string,
		timeoutMs: number,
		attempt: () => Promise<T | undefined>,
	): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await attempt();
			if (value !== undefined) return value;
			if (Date.now() >= deadline) {
				let last = '(could not capture the screen)';
				try {
					last = await screen();
				} catch {
					// keep the placeholder
				}
				throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}. Last screen:\n${'-'.repeat(40)}\n${last}\n${'-'.repeat(40)}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	};

	/**
	 * Ink attaches a new screen's key listeners in effects that run just after its frame is drawn;
	 * on a loaded machine a key sent the moment the frame appears can beat them. A short pause is
	 * not a wait for a result (tests still wait for the frame that proves a key took effect).
	 */
	const settleAfterFrame = () => new Promise((resolve) => setTimeout(resolve, 120));

	const waitForRawMode = async ({timeoutMs = 5_000}: WaitOptions = {}): Promise<void> => {
		await poll('the program to read keys (terminal in raw mode)', timeoutMs, async () => ((await isRawMode()) ? true : undefined));
	};

	return {
		socket,
		screen,
		styledScreen: () => tmux('capture-pane', '-p', '-e', '-t', target),
		async waitFor(expected, {timeoutMs = 10_000} = {}) {
			return poll(typeof expected === 'string' ? JSON.stringify(expected) : String(expected), timeoutMs, async () => {
				const text = await screen();
				return matches(text, expected) ? text : undefined;
			});
		},
		waitForRawMode,
		async press(...keyNames) {
			await waitForRawMode();
			await settleAfterFrame();
			for (const key of keyNames) await tmux('send-keys', '-t', target, key);
		},
		async type(text) {
			await waitForRawMode();
			await settleAfterFrame();
			await tmux('send-keys', '-t', target, '-l', text);
		},
		async exitCode({timeoutMs = 10_000} = {}) {
			return poll('the program to exit', timeoutMs, async () => {
				if (existsSync(exitFile)) {
					const text = readFileSync(exitFile, 'utf8').trim();
					if (!/^\d+$/.test(text)) throw new Error(`unexpected exit status ${JSON.stringify(text)} from ${socket}`);
					return Number(text);
				}
				// The wrapper itself died (e.g. a SIGINT to the whole foreground group): its status, if tmux has it.
				const [dead = '', status = '', signal = ''] = (
					await tmux('display-message', '-p', '-t', target, '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}')
				)
					.trim()
					.split(':');
				if (dead !== '1') return undefined;
				if (signal !== '') return 128 + Number(signal);
				return status === '' ? undefined : Number(status);
			});
		},
		async close() {
			if (closed) return;
			closed = true;
			try {
				await tmux('kill-server');
			} catch {
				// already gone
			} finally {
				rmSync(configDir, {recursive: true, force: true});
				if (socketPath) rmSync(socketPath, {force: true});
			}
		},
	};
}
