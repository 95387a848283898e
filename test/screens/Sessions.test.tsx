import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App, type WizardOutcome} from '../../screens/App.js';
import {Sessions} from '../../screens/Sessions.js';
import {SEED} from '../../src/emulator/index.js';
import {SessionStore, type SessionRecord} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

const fraud = SEED.workspaces.fraudProd;
const production = {id: SEED.subscriptions.production.subscriptionId, name: SEED.subscriptions.production.displayName};

function record(fields: Partial<SessionRecord> & {id: string}): SessionRecord {
	return {mode: 'demo', createdAt: '2026-11-10T09:00:00Z', updatedAt: '2026-11-10T11:55:00Z', status: 'choosing', choices: {}, steps: {}, ...fields};
}

const flat = (frame: string) => frame.replace(/\s+/g, ' ');

describe('Sessions screen', () => {
	const now = new Date('2026-11-10T12:00:00Z');
	const interrupted = record({
		id: '20261110-aaaa1111',
		status: 'running',
		choices: {subscription: production, workspace: {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup}, scenarioId: 'compute-acr-pull', planConfirmed: true},
	});
	const old = record({id: '20261101-bbbb2222', updatedAt: '2026-11-01T08:00:00Z', status: 'completed', choices: {subscription: production}});

	function renderSessions(sessions: SessionRecord[], extra: Partial<Parameters<typeof Sessions>[0]> = {}) {
		const calls: string[] = [];
		const rendered = render(
			<Sessions
				sessions={sessions}
				unreadable={[]}
				now={now}
				onOpen={(session) => calls.push(`open ${session.id}`)}
				onDelete={(session) => calls.push(`delete ${session.id}`)}
				onBack={() => calls.push('back')}
				onQuit={(reason) => calls.push(reason)}
				{...extra}
			/>,
		);
		const press = async (key: string, then: string | RegExp) => {
			await settle();
			rendered.stdin.write(key);
			return waitForFrame(rendered.lastFrame, then);
		};
		return {...rendered, calls, press};
	}

	it('lists each session with its scenario, workspace, state, when and ID, and files set aside by path', async () => {
		const screen = renderSessions([interrupted, old], {unreadable: [{path: '/home/u/sessions/session-x.json.unreadable', reason: 'Unexpected end of JSON input'}]});
		const frame = flat(await waitForFrame(screen.lastFrame, '20261101-bbbb2222'));
		expect(frame).toContain(
			`❯ Compute cluster with a managed identity that pulls from the workspace ACR ${fraud.name} (${fraud.resourceGroup}) · interrupted during the run · 5 min ago · 20261110-aaaa1111`,
		);
		expect(frame).toContain(`no scenario yet ${production.name}, no workspace yet · completed · on 2026-11-01 · 20261101-bbbb2222`);
		expect(frame).toContain('⚠ Set aside, could not be read: /home/u/sessions/session-x.json.unreadable (Unexpected end of JSON input)');
		expect(frame).toContain('↑↓ move · Enter open · d delete · Esc back · q quit');
		expect(frame).not.toContain('u undo');
		await screen.press(keys.down, '❯ no scenario yet');
		await screen.press(keys.enter, /./);
		await waitForFrame(() => screen.calls.join(','), 'open 20261101-bbbb2222');
	});

	it('says how to start when there are none; Esc goes back, q quits', async () => {
		const screen = renderSessions([]);
		const frame = await waitForFrame(screen.lastFrame, 'No saved sessions.');
		expect(flat(frame)).toContain('choose "Start a new setup"');
		await settle();
		screen.stdin.write(keys.escape);
		await waitForFrame(() => screen.calls.join(','), 'back');
		screen.stdin.write('q');
		await waitForFrame(() => screen.calls.join(','), 'back,quit');
	});

	it('offers u (undo) for finished or stopped sessions only when the screen is given onUndo', async () => {
		const undone: string[] = [];
		const screen = renderSessions([old, record({id: '20261110-cccc3333', choices: {subscription: production}})], {onUndo: (session) => undone.push(session.id)});
		let frame = await waitForFrame(screen.lastFrame, 'u undo');
		expect(frame).toContain('Enter open · d delete · u undo · Esc back');
		await screen.press(keys.down, /❯ no scenario yet\s+Contoso ML Production, no workspace yet · choosing a workspace/);
		// The footer follows the highlight a frame later.
		await waitForFrame(() => (screen.lastFrame()?.includes('u undo') ? 'offered' : 'not offered'), 'not offered');
		await screen.press(keys.up, 'u undo');
		screen.stdin.write('u');
		await waitForFrame(() => undone.join(','), '20261101-bbbb2222');
	});
});

describe('Sessions screen in the wizard', () => {
	let azure: EmulatedAzure | undefined;
	afterEach(async () => {
		await azure?.close();
		azure = undefined;
	});

	it('aml-identity --resume opens the list; d then y deletes the session file and touches nothing in Azure; Esc goes to Welcome', async () => {
		azure = await startEmulatedAzure();
		const directory = mkdtempSync(join(tmpdir(), 'aml-identity-sessions-screen-'));
		const store = new SessionStore(directory);
		const kept = store.create('demo', new Date(Date.now() - 3 * 3_600_000));
		kept.saveChoices({subscription: production});
		const doomed = store.create('demo');
		doomed.saveChoices({subscription: production, workspace: {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup}, scenarioId: 'acr-disable-admin-user'});
		store.create('azure').saveChoices({subscription: production});
		writeFileSync(join(directory, 'session-20260101-deadbeef.json'), '{"id": "20260101-dead');
		const outcomes: WizardOutcome[] = [];
		const wizard = render(
			<App
				connection={{gateway: azure.gateway, user: {name: 'Ada Lovelace'}, label: 'demo tenant', mode: 'demo'}}
				store={store}
				resume
				outputDirectory={mkdtempSync(join(tmpdir(), 'aml-identity-output-'))}
				onExit={(outcome) => outcomes.push(outcome)}
			/>,
		);
		const press = async (key: string, then: string | RegExp) => {
			await settle();
			wizard.stdin.write(key);
			return waitForFrame(wizard.lastFrame, then);
		};

		let frame = flat(await waitForFrame(wizard.lastFrame, kept.id));
		expect(frame).toContain('Saved sessions');
		expect(frame).toMatch(new RegExp(`❯ Disable the admin user on the workspace's auto-created ACR ${fraud.name} .* ${doomed.id}`));
		expect(frame).toContain(`session-20260101-deadbeef.json.unreadable`);
		expect(frame).not.toContain('azure'); // the Azure-mode session is not listed in demo mode

		frame = flat(await press('d', 'nothing in Azure is touched'));
		expect(frame).toContain(`Delete session ${doomed.id} (Disable the admin user on the workspace's auto-created ACR · ${fraud.name} (${fraud.resourceGroup}))?`);
		expect(frame).toContain('y delete · n keep it');
		expect(existsSync(join(directory, `session-${doomed.id}.json`))).toBe(true);
		frame = await press('y', /❯ no scenario yet/);
		expect(frame).not.toContain(doomed.id);
		expect(existsSync(join(directory, `session-${doomed.id}.json`))).toBe(false);
		expect(store.find(kept.id)).toBeDefined();
		expect(azure.writes()).toEqual([]);

		frame = await press(keys.escape, 'Start a new setup');
		expect(frame).toContain('Saved sessions (1)');
		expect(outcomes).toEqual([]);
	});

	it('a session open in another aml-identity is not opened twice: the screen names the process', async () => {
		azure = await startEmulatedAzure();
		const directory = mkdtempSync(join(tmpdir(), 'aml-identity-sessions-screen-'));
		const store = new SessionStore(directory);
		const busy = store.create('demo');
		busy.saveChoices({subscription: production, workspace: {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup}, scenarioId: 'acr-disable-admin-user'});
		writeFileSync(join(directory, `session-${busy.id}.lock`), String(process.ppid));
		const wizard = render(
			<App
				connection={{gateway: azure.gateway, user: {name: 'Ada Lovelace'}, label: 'demo tenant', mode: 'demo'}}
				store={store}
				resume
				outputDirectory={mkdtempSync(join(tmpdir(), 'aml-identity-output-'))}
				onExit={() => {}}
			/>,
		);
		await waitForFrame(wizard.lastFrame, busy.id);
		await settle();
		wizard.stdin.write(keys.enter);
		const frame = flat(await waitForFrame(wizard.lastFrame, 'open in another aml-identity'));
		expect(frame).toContain(`Session ${busy.id} is open in another aml-identity (process ${process.ppid}). Finish or quit that one first, then try again.`);
		expect(azure.writes()).toEqual([]);
	});
});
