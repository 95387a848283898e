import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Subscription} from '../../screens/Subscription.js';
import {SEED} from '../../src/emulator/index.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

describe('the subscription list', () => {
	it('starts on the preselected subscription and says where the preselection came from', async () => {
		azure = await startEmulatedAzure();
		const chosen: string[] = [];
		const production = SEED.subscriptions.production;
		const {stdin, lastFrame} = render(
			<Subscription
				gateway={azure.gateway}
				preselection={{subscriptionId: production.subscriptionId, describedAs: "the Azure CLI's default (/home/ada/.azure/azureProfile.json)"}}
				onChosen={(subscription) => chosen.push(subscription.name)}
				onBack={() => {}}
				onQuit={() => {}}
			/>,
		);
		const frame = await waitForFrame(lastFrame, `❯ ${production.displayName}`);
		expect(frame).toContain("Preselected: the Azure CLI's default (/home/ada/.azure/azureProfile.json).");
		await settle();
		stdin.write(keys.enter);
		await waitForFrame(() => chosen.join(','), production.displayName);
	});

	it('starts on the first one when the preselected subscription is not in the list, and says nothing about it', async () => {
		azure = await startEmulatedAzure();
		const {lastFrame} = render(
			<Subscription gateway={azure.gateway} preselection={{subscriptionId: 'not-mine', describedAs: 'from AZURE_SUBSCRIPTION_ID'}} onChosen={() => {}} onBack={() => {}} onQuit={() => {}} />,
		);
		const frame = await waitForFrame(lastFrame, '❯ Contoso Analytics Sandbox');
		expect(frame).not.toContain('Preselected');
	});
});
