import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {SessionStore} from '../../src/session/session-store.js';
import {App, type WizardOutcome} from '../../screens/App.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

function renderWizard(store: SessionStore, gateway: EmulatedAzure['gateway']) {
	const outcomes: WizardOutcome[] = [];
	const outputDirectory = mkdtempSync(join(tmpdir(), 'aml-identity-output-'));
	const rendered = render(
		<App
			connection={{gateway, user: {name: 'Ada Lovelace', account: 'ada@contoso.com'}, label: 'demo tenant', mode: 'demo'}}
			store={store}
			outputDirectory={outputDirectory}
			onExit={(outcome) => outcomes.push(outcome)}
		/>,
	);
	const press = async (key: string, then: string | RegExp) => {
		await settle();
		rendered.stdin.write(key);
		return waitForFrame(rendered.lastFrame, then);
	};
	return {...rendered, outcomes, press, outputDirectory};
}

describe('the wizard', () => {
	it('walks from sign-in to a verified summary and saves every choice', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-app-')));
		const wizard = renderWizard(store, azure.gateway);

		await waitForFrame(wizard.lastFrame, 'Start a new setup');
		expect(wizard.lastFrame()).toContain('Signed in as Ada Lovelace (ada@contoso.com) · demo tenant');
		await wizard.press(keys.enter, 'Contoso ML Production');
		// Sorted by name: Analytics Sandbox, ML Dev/Test, ML Production.
		await wizard.press(keys.down, '❯ Contoso ML Dev/Test');
		await wizard.press(keys.down, '❯ Contoso ML Production');
		let frame = await wizard.press(keys.enter, 'mlw-fraud-prod');
		expect(frame).toContain('no ACR yet');
		expect(frame).toMatch(/mlw-fraud-prod.*admin user enabled/);
		expect(store.list().sessions[0]?.choices.subscription?.name).toBe('Contoso ML Production');

		await wizard.press(keys.down, '❯ mlw-fraud-prod');
		frame = await wizard.press(keys.enter, 'What do you want to set up on mlw-fraud-prod?');
		expect(frame).toContain('From document 004, “Azure Machine Learning with auto-created ACR instance”');
		frame = await wizard.press(keys.enter, 'Yes, I do not deploy to ACI');
		expect(frame).toContain('needs the ACR admin user');
		await wizard.press(keys.down, '❯ Yes');
		frame = await wizard.press(keys.enter, 'Plan:');
		// Long lines wrap at the test terminal's 100 columns.
		expect(frame.replace(/\s+/g, ' ')).toContain(`$ az acr update --name ${SEED.registries.fraudProd.name} --resource-group rg-ml-fraud-prod --admin-enabled false`);
		expect(store.list().sessions[0]?.choices).toMatchObject({scenarioId: 'acr-disable-admin-user', answers: {noAciDeployments: true}});

		// e writes the plan as the az script a user would otherwise type, and changes nothing in Azure.
		frame = await wizard.press('e', 'Exported:');
		const script = join(wizard.outputDirectory, 'mlw-fraud-prod', 'export', 'acr-disable-admin-user.sh');
		expect(frame.replace(/\s+/g, '')).toContain(`✔Exported:${script}`.replace(/\s+/g, ''));
		expect(readFileSync(script, 'utf8')).toContain(`az acr update --name ${SEED.registries.fraudProd.name} --resource-group rg-ml-fraud-prod --admin-enabled false`);
		expect(azure.writes()).toEqual([]);

		frame = await wizard.press(keys.enter, 'complete and verified');
		expect(frame).toContain(`Admin user disabled on ${SEED.registries.fraudProd.name}.`);
		expect(store.list().sessions[0]).toMatchObject({status: 'completed', steps: {[`disable-admin-user-${SEED.registries.fraudProd.name}`]: {state: 'done'}}});
		expect(azure.writes()).toEqual([`PATCH ${SEED.registries.fraudProd.id}`]);

		frame = await wizard.press('s', 'Saved the answers to');
		expect(frame.replace(/\s+/g, ' ')).toMatch(/answers-acr-disable-admin-user\.yaml: aml-identity run --answers .* --yes repeats this setup/);

		await settle();
		wizard.stdin.write(keys.enter);
		await waitForFrame(() => String(wizard.outcomes.length), '1');
		expect(wizard.outcomes[0]).toMatchObject({kind: 'completed'});
	});

	it('tells the user when the workspace has no registry, and Esc goes back to the scenarios', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-app-')));
		const wizard = renderWizard(store, azure.gateway);
		await waitForFrame(wizard.lastFrame, 'Start a new setup');
		await wizard.press(keys.enter, 'Contoso ML Production');
		await wizard.press(keys.down, '❯ Contoso ML Dev/Test');
		await wizard.press(keys.down, '❯ Contoso ML Production');
		await wizard.press(keys.enter, '❯ mlw-demand-forecast');
		await wizard.press(keys.enter, 'What do you want to set up on mlw-demand-forecast?');
		const frame = await wizard.press(keys.enter, 'has no container registry yet');
		expect(frame).toContain('Bring your own ACR');
		await wizard.press(keys.escape, 'What do you want to set up on mlw-demand-forecast?');
		expect(azure.writes()).toEqual([]);
	});

	it('in Azure mode, a new session remembers the tenant signed in to, so resuming signs in to the same one', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-app-')));
		const rendered = render(
			<App
				connection={{gateway: azure.gateway, user: {name: 'Ada Lovelace', tenantId: SEED.tenantId}, label: 'Azure Resource Manager', mode: 'azure', signedInVia: 'Azure CLI'}}
				store={store}
				outputDirectory={mkdtempSync(join(tmpdir(), 'aml-identity-output-'))}
				onExit={() => {}}
			/>,
		);
		await waitForFrame(rendered.lastFrame, 'Signed in as Ada Lovelace via Azure CLI');
		await settle();
		rendered.stdin.write(keys.enter);
		await waitForFrame(rendered.lastFrame, 'Choose a subscription');
		expect(store.list().sessions[0]?.choices.tenantId).toBe(SEED.tenantId);
	});

	it('Esc goes back to the list it came from, on the row chosen before', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-app-')));
		const wizard = renderWizard(store, azure.gateway);
		await waitForFrame(wizard.lastFrame, 'Start a new setup');
		await wizard.press(keys.enter, 'Contoso ML Production');
		await wizard.press(keys.down, '❯ Contoso ML Dev/Test');
		await wizard.press(keys.down, '❯ Contoso ML Production');
		await wizard.press(keys.enter, 'mlw-fraud-prod');
		const back = await wizard.press(keys.escape, /Choose a subscription[\s\S]*❯/);
		expect(back).toContain('❯ Contoso ML Production');
	});

	it('q quits and keeps the session', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-app-')));
		const wizard = renderWizard(store, azure.gateway);
		await waitForFrame(wizard.lastFrame, 'Start a new setup');
		await wizard.press(keys.enter, 'Contoso ML Production');
		await settle();
		wizard.stdin.write('q');
		await waitForFrame(() => String(wizard.outcomes.length), '1');
		const sessionId = store.list().sessions[0]?.id;
		expect(wizard.outcomes[0]).toEqual({kind: 'quit', reason: 'quit', sessionId});
	});

	it('typing after "/" filters the list, and q in the filter is a letter, not quit', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-app-')));
		const wizard = renderWizard(store, azure.gateway);
		await waitForFrame(wizard.lastFrame, 'Start a new setup');
		await wizard.press(keys.enter, 'Contoso ML Production');
		await wizard.press('/', 'Filter:');
		const frame = await wizard.press('q', 'Nothing matches "q"');
		expect(wizard.outcomes).toEqual([]);
		expect(frame).not.toContain('Contoso ML Production');
		await wizard.press(keys.escape, 'Contoso ML Production');
		expect(wizard.lastFrame()).toContain('Choose a subscription');
	});
});

describe('saved sessions', () => {
	it('a corrupt session file is set aside and reported on the Welcome screen, never a crash', async () => {
		azure = await startEmulatedAzure();
		const directory = mkdtempSync(join(tmpdir(), 'aml-identity-app-'));
		writeFileSync(join(directory, 'session-20260101-deadbeef.json'), '{"id": "20260101-dead');
		const wizard = renderWizard(new SessionStore(directory), azure.gateway);
		const frame = await waitForFrame(wizard.lastFrame, 'Start a new setup');
		expect(frame.replace(/\s+/g, ' ')).toContain(`A saved session could not be read and was set aside: ${join(directory, 'session-20260101-deadbeef.json')}.unreadable`);
	});
});
