import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Run} from '../../screens/Run.js';
import type {Plan} from '../../src/plan/plan.js';
import type {RunResult} from '../../src/plan/runner.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {waitForFrame} from '../helpers/ink.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

describe('the run screen while Azure throttles', () => {
	it('says "throttled, retrying in 2 s" on the step instead of freezing, and the step then finishes', async () => {
		azure = await startEmulatedAzure({lroDurationMs: 30, connection: {retry: {maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 10}}, faults: '429:times=1:retryAfterMs=2000'});
		const gateway = azure.gateway;
		let listed = 0;
		const plan: Plan = {
			scenarioId: 'test',
			title: 'Read the subscriptions',
			steps: [
				{
					id: 'read',
					title: 'Read the subscriptions',
					target: {kind: 'Subscription', name: 'all'},
					azCommand: 'az account list',
					check: async () => ({satisfied: false, detail: 'not read yet'}),
					apply: async () => {
						listed = (await gateway.listSubscriptions()).length;
					},
					verify: async () => ({ok: listed > 0, detail: `${listed} subscriptions`}),
				},
			],
		};
		const finished: RunResult[] = [];
		const {lastFrame} = render(<Run plan={plan} onFinished={(result) => finished.push(result)} onQuit={() => {}} />);
		const waiting = await waitForFrame(lastFrame, /throttled by Azure[\s\S]*retrying[\s]+in[\s]+2[\s]+s/);
		expect(waiting).toContain('Read the subscriptions');
		await waitForFrame(() => String(finished.length), '1');
		expect(finished[0]?.outcome).toBe('completed');
	});
});
