import {describe, expect, it} from 'vitest';
import type {Plan, PlanStep, StepEvent} from '../../src/plan/plan.js';
import {runPlan, type StepJournal, type StepJournalEntry} from '../../src/plan/runner.js';

interface FakeResource {
	applied: boolean;
	applyCalls: number;
}

function idempotentStep(id: string, resource: FakeResource, options: {failApply?: Error; verifyFails?: boolean} = {}): PlanStep {
	return {
		id,
		title: `Step ${id}`,
		target: {kind: 'Thing', name: id},
		azCommand: `az thing update --name ${id}`,
		async check() {
			return resource.applied ? {satisfied: true, detail: `${id} already there`} : {satisfied: false, detail: 'missing'};
		},
		async apply(report) {
			resource.applyCalls += 1;
			report({operationStatus: 'InProgress'});
			if (options.failApply) throw options.failApply;
			resource.applied = true;
		},
		async verify() {
			return options.verifyFails ? {ok: false, detail: 'still missing'} : {ok: resource.applied, detail: `${id} in place`};
		},
	};
}

function memoryJournal(initial: Record<string, StepJournalEntry> = {}): StepJournal & {entries: Record<string, StepJournalEntry>} {
	const entries = {...initial};
	return {
		entries,
		read: () => entries,
		write: (stepId, entry) => {
			entries[stepId] = entry;
		},
	};
}

describe('runPlan', () => {
	it('checks, applies and verifies a step that is not yet in place', async () => {
		const resource = {applied: false, applyCalls: 0};
		const events: StepEvent[] = [];
		const plan: Plan = {scenarioId: 's', title: 'T', steps: [idempotentStep('a', resource)]};

		const result = await runPlan(plan, {onEvent: (event) => events.push(event)});

		expect(result.outcome).toBe('completed');
		expect(result.steps).toMatchObject([{stepId: 'a', state: 'done', detail: 'a in place'}]);
		expect(resource.applyCalls).toBe(1);
		expect(events.map((event) => [event.state, event.phase])).toEqual([
			['pending', undefined],
			['running', 'check'],
			['running', 'apply'],
			['running', 'apply'],
			['running', 'verify'],
			['done', undefined],
		]);
		expect(events.find((event) => event.operationStatus)?.operationStatus).toBe('InProgress');
	});

	it('skips a step whose check finds it already done, without applying', async () => {
		const resource = {applied: true, applyCalls: 0};
		const result = await runPlan({scenarioId: 's', title: 'T', steps: [idempotentStep('a', resource)]});
		expect(result.steps).toMatchObject([{state: 'skipped', detail: 'a already there'}]);
		expect(resource.applyCalls).toBe(0);
	});

	it('stops at the first failure with the Azure error code, leaving later steps pending', async () => {
		const first = {applied: false, applyCalls: 0};
		const second = {applied: false, applyCalls: 0};
		const throttled = Object.assign(new Error('Too many requests'), {code: 'TooManyRequests', statusCode: 429});
		const events: StepEvent[] = [];
		const result = await runPlan(
			{scenarioId: 's', title: 'T', steps: [idempotentStep('a', first, {failApply: throttled}), idempotentStep('b', second)]},
			{onEvent: (event) => events.push(event)},
		);
		expect(result.outcome).toBe('failed');
		expect(result.steps).toEqual([
			{stepId: 'a', title: 'Step a', state: 'failed', error: {code: 'TooManyRequests', message: 'Too many requests', statusCode: 429}},
		]);
		expect(second.applyCalls).toBe(0);
		expect(events.filter((event) => event.stepId === 'b').map((event) => event.state)).toEqual(['pending']);
	});

	it('fails a step whose verification does not hold within the bound, with code VerificationFailed, saying it gave up', async () => {
		const events: StepEvent[] = [];
		const result = await runPlan(
			{scenarioId: 's', title: 'T', steps: [idempotentStep('a', {applied: false, applyCalls: 0}, {verifyFails: true})]},
			{onEvent: (event) => events.push(event), timing: {verifyWaitMs: 30, verifyFirstDelayMs: 5}},
		);
		expect(result.steps[0]).toMatchObject({state: 'failed', error: {code: 'VerificationFailed'}});
		expect(result.steps[0]!.error!.message).toMatch(/^still missing; gave up looking after 30 ms \(\d+ looks\)$/);
		expect(events.some((event) => event.message?.startsWith('Azure does not show it yet (still missing) · looking again in 5 ms'))).toBe(true);
	});

	it('verifies again while Azure does not show a change yet, and is done once it does', async () => {
		const resource = {applied: false, applyCalls: 0};
		let looks = 0;
		const step: PlanStep = {
			...idempotentStep('a', resource),
			async verify() {
				looks += 1;
				return looks < 3 ? {ok: false, detail: 'not visible yet'} : {ok: true, detail: 'a in place'};
			},
		};
		const result = await runPlan({scenarioId: 's', title: 'T', steps: [step]}, {timing: {verifyWaitMs: 5000, verifyFirstDelayMs: 1}});
		expect(result.outcome).toBe('completed');
		expect(looks).toBe(3);
		expect(resource.applyCalls).toBe(1);
	});

	it('reads a conflict on apply as "look again": waits, checks, and does not write twice when the check finds it done', async () => {
		const resource = {applied: false, applyCalls: 0};
		const events: StepEvent[] = [];
		const step: PlanStep = {
			...idempotentStep('a', resource),
			async apply() {
				resource.applyCalls += 1;
				// The write lands, but the answer says another operation is in progress.
				resource.applied = true;
				throw Object.assign(new Error('busy'), {code: 'Conflict'});
			},
		};
		const result = await runPlan({scenarioId: 's', title: 'T', steps: [step]}, {onEvent: (event) => events.push(event), timing: {conflictFirstDelayMs: 1}});
		expect(result.outcome).toBe('completed');
		expect(resource.applyCalls).toBe(1);
		expect(events.some((event) => event.message === 'another operation is running on a (Conflict) · looking again in 1 ms')).toBe(true);
	});

	it('applies again after a conflict while the work is still not done, a bounded number of times', async () => {
		const resource = {applied: false, applyCalls: 0};
		const busy = Object.assign(new Error('busy'), {code: 'AnotherOperationInProgress'});
		const result = await runPlan(
			{scenarioId: 's', title: 'T', steps: [idempotentStep('a', resource, {failApply: busy})]},
			{timing: {conflictRetries: 2, conflictFirstDelayMs: 1}},
		);
		expect(result.steps[0]).toMatchObject({state: 'failed', error: {code: 'AnotherOperationInProgress'}});
		expect(resource.applyCalls).toBe(3);
	});

	it('journals every state as it goes and does not redo steps the journal has as done', async () => {
		const a = {applied: false, applyCalls: 0};
		const b = {applied: false, applyCalls: 0};
		const journal = memoryJournal({a: {state: 'done', detail: 'earlier', at: '2026-01-01T00:00:00.000Z'}});
		const result = await runPlan({scenarioId: 's', title: 'T', steps: [idempotentStep('a', a), idempotentStep('b', b)]}, {journal});
		expect(a.applyCalls).toBe(0);
		expect(b.applyCalls).toBe(1);
		expect(result.steps.map((step) => [step.stepId, step.state, step.fromJournal ?? false])).toEqual([
			['a', 'done', true],
			['b', 'done', false],
		]);
		expect(journal.entries['b']?.state).toBe('done');
	});

	it('starts a step the journal left running with its check, so a write that reached Azure is not repeated', async () => {
		const resource = {applied: true, applyCalls: 0};
		const journal = memoryJournal({a: {state: 'running', at: '2026-01-01T00:00:00.000Z'}});
		const result = await runPlan({scenarioId: 's', title: 'T', steps: [idempotentStep('a', resource)]}, {journal});
		expect(result.steps[0]?.state).toBe('skipped');
		expect(resource.applyCalls).toBe(0);
	});

	describe('what undo needs', () => {
		const reversal = {kind: 'delete', resourceType: 'identity', id: '/x/id-a', label: 'identity a'} as const;
		const reversible = (resource: FakeResource): PlanStep => ({...idempotentStep('a', resource), reversal: async () => reversal});

		it('journals the reversal before the write, and keeps it with a done step', async () => {
			const resource = {applied: false, applyCalls: 0};
			const seen: (StepJournalEntry | undefined)[] = [];
			const journal = memoryJournal();
			const step = reversible(resource);
			const watched: PlanStep = {...step, apply: async (report) => {
				seen.push(journal.entries['a']);
				await step.apply(report);
			}};
			await runPlan({scenarioId: 's', title: 'T', steps: [watched]}, {journal});
			expect(seen[0]).toMatchObject({state: 'running', phase: 'apply', reversal});
			expect(journal.entries['a']).toMatchObject({state: 'done', title: 'Step a', reversal});
		});

		it('keeps no reversal for a step that was already in place: undo never touches it', async () => {
			const journal = memoryJournal();
			await runPlan({scenarioId: 's', title: 'T', steps: [reversible({applied: true, applyCalls: 0})]}, {journal});
			expect(journal.entries['a']?.state).toBe('skipped');
			expect(journal.entries['a']?.reversal).toBeUndefined();
		});

		it("counts a write that landed before the process died as the session's own, with its reversal", async () => {
			const journal = memoryJournal({a: {state: 'running', phase: 'apply', reversal, at: '2026-01-01T00:00:00.000Z'}});
			const resource = {applied: true, applyCalls: 0};
			const result = await runPlan({scenarioId: 's', title: 'T', steps: [reversible(resource)]}, {journal});
			expect(resource.applyCalls).toBe(0);
			expect(result.steps[0]?.state).toBe('done');
			expect(journal.entries['a']).toMatchObject({state: 'done', reversal});
			expect(journal.entries['a']?.detail).toContain('written by an earlier attempt of this session');
		});

		it('keeps the first attempt\'s reversal when a failed step is retried', async () => {
			const first = {kind: 'set-admin-user', registryId: '/r', enabled: true, label: 'first'} as const;
			const journal = memoryJournal({a: {state: 'failed', reversal: first, at: '2026-01-01T00:00:00.000Z'}});
			await runPlan({scenarioId: 's', title: 'T', steps: [reversible({applied: false, applyCalls: 0})]}, {journal});
			expect(journal.entries['a']).toMatchObject({state: 'done', reversal: first});
		});
	});
});
