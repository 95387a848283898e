import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {Options} from '../../screens/Options.js';
import type {WorkspaceSummary} from '../../src/azure/gateway.js';
import {registryNameProblem} from '../../src/scenarios/names.js';
import type {Answers, Preparation, Scenario} from '../../src/scenarios/scenario.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

const workspace: WorkspaceSummary = {
	id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
	name: 'w',
	resourceGroup: 'rg',
	subscriptionId: 's',
	location: 'eastus',
	identity: {type: 'SystemAssigned', userAssigned: []},
};
const scenario = {id: 'x', title: 'Bring your own ACR', description: '', source: {document: '004', section: 's'}} as unknown as Scenario;

function renderOptions(preparation: Preparation, answers: Answers = {}) {
	const answered: [string, boolean | string][] = [];
	const rendered = render(
		<Options
			workspace={workspace}
			scenario={scenario}
			preparation={preparation}
			answers={answers}
			onAnswer={(id, value) => answered.push([id, value])}
			onComplete={() => {}}
			onRetry={() => {}}
			onBack={() => answered.push(['back', true])}
			onQuit={() => answered.push(['quit', true])}
		/>,
	);
	return {...rendered, answered};
}

describe('Options', () => {
	const nameQuestion: Preparation = {
		kind: 'ready',
		facts: {},
		findings: ['w has no registry yet.'],
		questions: () => [
			{
				kind: 'text',
				id: 'registryName',
				prompt: 'Name of the new registry:',
				validate: registryNameProblem,
				check: async (name) => (name === 'crtaken01' ? `"${name}" cannot be used: the name is taken. Choose another name.` : undefined),
			},
		],
	};

	it('refuses a bad name with the value and the rule, and accepts a good one', async () => {
		const options = renderOptions(nameQuestion);
		await waitForFrame(options.lastFrame, 'Name of the new registry:');
		await settle();
		options.stdin.write('cr-bad');
		await waitForFrame(options.lastFrame, 'cr-bad');
		await settle();
		options.stdin.write(keys.enter);
		const frame = await waitForFrame(options.lastFrame, 'is not a valid registry name');
		expect(frame).toContain('"cr-bad" is not a valid registry name: use 5 to 50 letters and digits only');
		expect(options.answered).toEqual([]);
	});

	it('asks Azure whether the name is free before accepting it; q is a letter in a text field', async () => {
		const options = renderOptions(nameQuestion);
		await waitForFrame(options.lastFrame, 'Name of the new registry:');
		await settle();
		options.stdin.write('crtaken01');
		await waitForFrame(options.lastFrame, 'crtaken01');
		await settle();
		options.stdin.write(keys.enter);
		await waitForFrame(options.lastFrame, 'the name is taken');
		for (let i = 0; i < 9; i++) options.stdin.write('\u007F');
		await settle();
		options.stdin.write('crq1234');
		await waitForFrame(options.lastFrame, 'crq1234');
		await settle();
		options.stdin.write(keys.enter);
		await waitForFrame(() => JSON.stringify(options.answered), 'crq1234');
		expect(options.answered).toEqual([['registryName', 'crq1234']]);
	});

	it('Esc in a text field goes back', async () => {
		const options = renderOptions(nameQuestion);
		await waitForFrame(options.lastFrame, 'Name of the new registry:');
		await settle();
		options.stdin.write(keys.escape);
		await waitForFrame(() => JSON.stringify(options.answered), 'back');
	});

	it('keeps up with keys that arrive in one read: held Backspace, a paste ending in Enter', async () => {
		const options = renderOptions(nameQuestion);
		await waitForFrame(options.lastFrame, 'Name of the new registry:');
		await settle();
		options.stdin.write('crwrong99\u007F\u007F\u007F\u007F\u007F\u007F\u007Fright01');
		await waitForFrame(options.lastFrame, 'crright01');
		await settle();
		options.stdin.write('\u007F2\r');
		await waitForFrame(() => JSON.stringify(options.answered), 'crright02');
		expect(options.answered).toEqual([['registryName', 'crright02']]);
	});
});
