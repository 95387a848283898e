import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../screens/App.js';
import {SEED} from '../../src/emulator/index.js';
import {findScenario} from '../../src/scenarios/index.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';
import {runScenario} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

const fraud = SEED.workspaces.fraudProd;
const production = {id: SEED.subscriptions.production.subscriptionId, name: SEED.subscriptions.production.displayName};
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

function adminUserEnabled(): boolean {
	const registry = azure!.emulator.state.registries[SEED.registries.fraudProd.id.toLowerCase()];
	return (registry?.properties as {adminUserEnabled: boolean}).adminUserEnabled;
}

describe('undo on the Sessions screen', () => {
	it('u shows what the session changed as a plan, Enter reverses it, and the session is marked undone', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-undo-screen-')));
		const session = store.create('demo');
		session.saveChoices({subscription: production, workspace: {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup}, scenarioId: 'acr-disable-admin-user', answers: {noAciDeployments: true}, planConfirmed: true});
		const run = await runScenario(azure, findScenario('acr-disable-admin-user')!, fraud.id, {noAciDeployments: true}, undefined, session);
		session.setStatus(run.result.outcome === 'completed' ? 'completed' : 'failed');
		expect(adminUserEnabled()).toBe(false);

		const wizard = render(
			<App
				connection={{gateway: azure.gateway, user: {name: 'Ada Lovelace'}, label: 'demo tenant', mode: 'demo'}}
				store={store}
				resume
				outputDirectory={mkdtempSync(join(tmpdir(), 'aml-identity-output-'))}
				onExit={() => {}}
			/>,
		);
		const press = async (key: string, then: string | RegExp) => {
			await settle();
			wizard.stdin.write(key);
			return waitForFrame(wizard.lastFrame, then);
		};

		let frame = flat(await waitForFrame(wizard.lastFrame, 'u undo'));
		expect(frame).toContain(session.id);
		frame = flat(await press('u', 'Plan: Undo session'));
		expect(frame).toContain(`Plan: Undo session ${session.id} (Disable the admin user on the workspace's auto-created ACR in ${fraud.name})`);
		expect(frame).toContain(`1. Enable the admin user on registry ${SEED.registries.fraudProd.name} again`);
		expect(frame).toContain(`$ az acr update --name ${SEED.registries.fraudProd.name} --resource-group ${fraud.resourceGroup} --admin-enabled true`);
		expect(adminUserEnabled()).toBe(false);

		frame = flat(await press(keys.enter, `Session ${session.id} is undone`));
		expect(frame).toContain('1 change taken back');
		expect(adminUserEnabled()).toBe(true);
		expect(store.find(session.id)?.status).toBe('undone');

		frame = flat(await press(keys.enter, 'undone: its changes were taken back'));
		expect(frame).not.toContain('u undo'); // an undone session has nothing left to undo
	});
});
