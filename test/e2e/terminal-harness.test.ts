/** The tmux harness itself: environment, exit status, raw-mode wait, clean-up. No app involved. */
import {existsSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {keys, startTerminal, terminalEnvironment, type Terminal} from '../helpers/terminal.js';

let terminals: Terminal[] = [];

afterEach(async () => {
	const open = terminals;
	terminals = [];
	await Promise.all(open.map((term) => term.close()));
});

async function start(command: string[], env: Record<string, string | undefined> = {}): Promise<Terminal> {
	const term = await startTerminal({command, env});
	terminals.push(term);
	return term;
}

describe('test/helpers/terminal', () => {
	it('strips CI markers and test-runner variables, and sets TERM', () => {
		const saved = {...process.env};
		try {
			process.env['CI'] = 'true';
			process.env['CI_JOB_ID'] = '42';
			process.env['CONTINUOUS_INTEGRATION'] = '1';
			const env = terminalEnvironment({CI_FROM_CALLER: 'x', KEPT: 'yes'});
			expect(Object.keys(env).filter((name) => name === 'CI' || name.startsWith('CI_') || name === 'CONTINUOUS_INTEGRATION')).toEqual([]);
			expect(env['VITEST']).toBeUndefined();
			expect(env['NODE_ENV']).toBeUndefined();
			expect(env['TERM']).toBe('xterm-256color');
			expect(env['KEPT']).toBe('yes');
			expect(env['PATH']).toBe(process.env['PATH']);
		} finally {
			for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
			Object.assign(process.env, saved);
		}
	});

	it('runs the command with exactly that environment and reports its real exit status', async () => {
		const term = await start(['sh', '-c', 'echo "ci=[${CI-unset}] term=[$TERM] tmux=[${TMUX-unset}] x=[$X]"; exit 7'], {X: 'hello world'});
		expect(await term.exitCode()).toBe(7);
		await term.waitFor('ci=[unset] term=[xterm-256color] tmux=[unset] x=[hello world]');
	});

	it('waits for raw mode before sending keys, and reports death by signal as 128+n', async () => {
		// Switches to raw mode only after a moment, like Ink after its first frame; then echoes one key's bytes.
		const script = 'echo ready; sleep 0.3; stty raw -echo; echo raw; key=$(dd bs=1 count=1 2>/dev/null | od -An -tx1); stty sane; echo "got[$key ]"; kill -TERM $$';
		const term = await start(['sh', '-c', script]);
		await term.waitFor('ready');
		await term.press(keys.enter); // must not be sent (and cooked into \n) before raw mode
		await term.waitFor('got[ 0d ]');
		expect(await term.exitCode()).toBe(128 + 15);
	});

	it('close() kills the program and removes its tmux server', async () => {
		const term = await start(['sh', '-c', 'echo running; sleep 30']);
		await term.waitFor('running');
		await term.close();
		await expect(term.screen()).rejects.toThrow();
		await term.close(); // twice is fine
		expect(existsSync(`${process.env["TMUX_TMPDIR"] ?? "/tmp"}/tmux-${process.getuid?.()}/${term.socket}`)).toBe(false);
	});

	it('waitFor times out with the last screen in the message', async () => {
		const term = await start(['sh', '-c', 'echo something else; sleep 30']);
		await term.waitFor('something else');
		await expect(term.waitFor('never shown', {timeoutMs: 200})).rejects.toThrow(/waiting for "never shown"[\s\S]*something else/);
	});
});
