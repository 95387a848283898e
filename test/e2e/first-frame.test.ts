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

describe('the first frame (drawn before Ink has loaded)', () => {
	it('keeps the keys typed on it: they act once the screens are ready, and nothing is echoed', {timeout: 30_000}, async () => {
		term = await startTerminal({
			command: [process.execPath, BIN, 'demo'],
			env: {AML_IDENTITY_HOME: mkdtempSync(join(tmpdir(), 'aml-e2e-home-'))},
			cwd: ROOT,
			columns: 80,
			rows: 24,
		});
		await term.waitFor('Start a new setup', {timeoutMs: 20_000});
		// At once, as a user who knows the menu would: down to Quit, Enter.
		await term.type('j');
		await term.press(keys.enter);
		expect(await term.exitCode()).toBe(0);
		const screen = await term.screen();
		expect(screen).toContain('Nothing was chosen yet, so there is nothing to resume. Bye.');
		// One Welcome screen (Ink drew over the first frame), and no stray "j" echoed into it.
		expect(screen.match(/Set up managed identities for Azure Machine Learning/g)).toHaveLength(1);
		expect(screen).not.toMatch(/^j/m);
	});
});
