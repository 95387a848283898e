import {describe, expect, it} from 'vitest';
import type {Plan} from '../../src/plan/plan.js';
import {describeProgress, formatElapsed, initialRunView, runViewReducer} from '../../screens/run-state.js';

const plan = {
	scenarioId: 's',
	title: 't',
	steps: [{id: 'a', title: 'Grant AcrPull', target: {kind: 'Role assignment', name: 'x'}, azCommand: '', check: async () => ({satisfied: false, detail: ''}), apply: async () => {}, verify: async () => ({ok: true, detail: ''})}],
} satisfies Plan;

describe('run view', () => {
	it('shows what a step waits for, and forgets it when the phase moves on', () => {
		let view = initialRunView(plan);
		view = runViewReducer(view, {stepId: 'a', state: 'running', phase: 'apply', startedAt: 0});
		view = runViewReducer(view, {stepId: 'a', state: 'running', phase: 'apply', startedAt: 0, message: 'waiting for Microsoft Entra ID to replicate the identity · retry 1 in 5 s'});
		expect(describeProgress(view[0]!)).toBe('applying · waiting for Microsoft Entra ID to replicate the identity · retry 1 in 5 s');
		view = runViewReducer(view, {stepId: 'a', state: 'running', phase: 'verify', startedAt: 0});
		expect(describeProgress(view[0]!)).toBe('verifying');
	});

	it('shows a long-running operation status while applying', () => {
		const view = runViewReducer(initialRunView(plan), {stepId: 'a', state: 'running', phase: 'apply', operationStatus: 'InProgress', startedAt: 0});
		expect(describeProgress(view[0]!)).toBe('applying · operation InProgress');
	});

	it('formats elapsed time in seconds, then minutes', () => {
		expect(formatElapsed(1234)).toBe('1.2s');
		expect(formatElapsed(125_000)).toBe('2m 5s');
	});
});
