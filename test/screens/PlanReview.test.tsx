import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {PlanReview} from '../../screens/PlanReview.js';
import type {AzureGateway} from '../../src/azure/gateway.js';
import type {Plan, PlanStep} from '../../src/plan/plan.js';
import {waitForFrame} from '../helpers/ink.js';

function step(id: string, title: string, after?: readonly string[]): PlanStep {
	return {
		id,
		title,
		target: {kind: 'Thing', name: id},
		azCommand: '',
		...(after ? {after} : {}),
		check: async () => ({satisfied: false, detail: ''}),
		apply: async () => {},
		verify: async () => ({ok: true, detail: ''}),
	};
}

// No step requires a permission: the preflight asks the gateway nothing.
const gateway = {} as AzureGateway;

function review(plan: Plan) {
	return render(<PlanReview plan={plan} gateway={gateway} onConfirm={() => {}} onBack={() => {}} onQuit={() => {}} />);
}

describe('the plan review', () => {
	it('says which steps wait for which, and which run at the same time', async () => {
		const {lastFrame} = review({
			scenarioId: 's',
			title: 'Make a workspace',
			steps: [
				step('identity', 'Create the identity'),
				step('grant-a', 'Grant A', ['identity']),
				step('grant-b', 'Grant B', ['identity']),
				step('file', 'Write the file', []),
				step('workspace', 'Create the workspace', ['grant-a', 'grant-b', 'file']),
			],
		});
		const frame = await waitForFrame(lastFrame, 'Create the workspace');
		expect(frame).toContain('"after": the steps it waits for · "with": the steps that may run at the same time.');
		expect(frame).toContain('1. Create the identity (with 4)');
		expect(frame).toContain('2. Grant A (after 1 · with 3, 4)');
		expect(frame).toContain('3. Grant B (after 1 · with 2, 4)');
		expect(frame).toContain('4. Write the file (from the start · with 1–3)');
		expect(frame).toContain('5. Create the workspace (after 2–4)');
	});

	it('says nothing of order for a plan run one step after another', async () => {
		const {lastFrame} = review({scenarioId: 's', title: 'Two steps', steps: [step('a', 'First'), step('b', 'Second')]});
		const frame = await waitForFrame(lastFrame, '2. Second');
		expect(frame).not.toMatch(/\((after|with|from the start)/);
		expect(frame).not.toContain('"with"');
	});
});
