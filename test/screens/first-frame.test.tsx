import {EventEmitter} from 'node:events';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {render} from 'ink';
import {describe, expect, it} from 'vitest';
import {App} from '../../screens/App.js';
import {welcomeFrameLines} from '../../screens/first-frame.js';
import type {AzureGateway} from '../../src/azure/gateway.js';
import {listSessionFiles} from '../../src/session/session-files.js';
import {SessionStore} from '../../src/session/session-store.js';
import {waitForFrame} from '../helpers/ink.js';

const user = {name: 'Ada Lovelace', account: 'ada@contoso.com'};
const label = 'demo tenant (built-in Azure emulator, no Azure account needed)';

/** A terminal of any width for Ink (ink-testing-library's is always 100 columns). */
class Terminal extends EventEmitter {
	constructor(readonly columns: number) {
		super();
	}
	readonly rows = 50;
	last = '';
	write = (frame: string) => {
		this.last = frame;
		return true;
	};
}
class Keyboard extends EventEmitter {
	readonly isTTY = true;
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read = () => null;
}

/** The App's first frame as Ink draws it, lines' ends trimmed, no styles. */
async function inkFrame(store: SessionStore, columns: number, initialListing = listSessionFiles(store.directory)): Promise<string> {
	const terminal = new Terminal(columns);
	// The first frame never reaches the gateway (the Welcome screen asks Azure nothing).
	const gateway = new Proxy({}, {get: () => () => new Promise(() => {})}) as AzureGateway;
	const instance = render(
		<App connection={{gateway, user, label, mode: 'demo'}} store={store} initialListing={initialListing} outputDirectory={tmpdir()} onExit={() => {}} />,
		{stdout: terminal as never, stdin: new Keyboard() as never, debug: true, exitOnCtrlC: false, patchConsole: false},
	);
	try {
		return await waitForFrame(() => stripVTControlCharacters(terminal.last), 'q quit');
	} finally {
		instance.unmount();
	}
}

function firstFrame(store: SessionStore, columns: number, listing = listSessionFiles(store.directory)): string | undefined {
	return welcomeFrameLines({mode: 'demo', user, connectionLabel: label, listing, columns})
		?.map((line) => stripVTControlCharacters(line))
		.join('\n');
}

const widths = [24, 41, 60, 80, 99, 100, 120, 200];

describe('the first frame, drawn before Ink loads', () => {
	it('is line for line the Welcome screen Ink draws next, at any width', async () => {
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-first-frame-')));
		for (const columns of widths) expect(firstFrame(store, columns), `${columns} columns`).toBe((await inkFrame(store, columns)).trimEnd());
	});

	it('offers the unfinished session and the saved ones, as the Welcome screen does', async () => {
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-first-frame-')));
		store.create('demo').saveChoices({subscription: {id: '/subscriptions/s', name: 'Contoso ML Production'}});
		const session = store.create('demo');
		session.saveChoices({
			subscription: {id: '/subscriptions/s', name: 'Contoso ML Production'},
			workspace: {id: '/w', name: 'mlw-fraud-prod', resourceGroup: 'rg'},
			scenarioId: 'compute-acr-pull',
			scenarioTitle: 'Give compute clusters AcrPull on the workspace registry',
		});
		writeFileSync(join(store.directory, 'session-broken.json'), '{"id": "broken", ');
		// Listing sets the damaged file aside; bin hands Ink the same listing, so it is reported once.
		const listing = listSessionFiles(store.directory);
		const frame = firstFrame(store, 80, listing);
		expect(frame).toContain('Resume the unfinished session: Give compute clusters AcrPull');
		expect(frame).toContain('Saved sessions (2)');
		expect(frame).toContain('could not be read and was set aside');
		for (const columns of widths) expect(firstFrame(store, columns, listing), `${columns} columns`).toBe((await inkFrame(store, columns, listing)).trimEnd());
	});

	it('is not drawn for a session saved before scenario titles were (Ink alone draws then)', () => {
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-first-frame-')));
		store.create('demo').saveChoices({subscription: {id: '/subscriptions/s', name: 'S'}, scenarioId: 'compute-acr-pull'});
		expect(firstFrame(store, 80)).toBeUndefined();
	});
});
