import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {keys, startTerminal, type Terminal} from '../helpers/terminal.js';
import {BIN, ROOT} from '../helpers/wizard-terminal.js';

let term: Terminal | undefined;
afterEach(async () => {
	await term?.close();
	term = undefined;
});

function demo(options: {columns: number; rows: number; env?: Record<string, string>}) {
	return startTerminal({
		command: [process.execPath, BIN, 'demo'],
		env: {AML_IDENTITY_HOME: mkdtempSync(join(tmpdir(), 'aml-e2e-home-')), ...options.env},
		cwd: ROOT,
		columns: options.columns,
		rows: options.rows,
	});
}

describe('terminals that are not what the wizard would like', () => {
	it('a 40×12 terminal shows the Welcome screen, takes keys and quits cleanly', {timeout: 30_000}, async () => {
		term = await demo({columns: 40, rows: 12});
		await term.waitFor('Start a new setup', {timeoutMs: 20_000});
		await term.press(keys.enter);
		await term.waitFor('Contoso ML', {timeoutMs: 20_000});
		await term.type('q');
		expect(await term.exitCode()).toBe(0);
	});

	it('NO_COLOR: the screens carry no colour, only the text', {timeout: 30_000}, async () => {
		term = await demo({columns: 100, rows: 30, env: {NO_COLOR: '1'}});
		await term.waitFor('Start a new setup', {timeoutMs: 20_000});
		const styled = await term.styledScreen();
		// SGR colour codes: 30–37, 90–97 (foreground), 38;5/38;2 (256 and true colour).
		expect(styled).not.toMatch(/\u001B\[[0-9;]*(3[0-7]|9[0-7]|38;[25])[;m]/);
		await term.type('q');
		expect(await term.exitCode()).toBe(0);
	});
});
