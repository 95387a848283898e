import {setTimeout as delay} from 'node:timers/promises';
import {describe, expect, it} from 'vitest';
import {describeStepOrder, stepDependencies, type Plan, type PlanStep, type StepEvent} from '../../src/plan/plan.js';
import {defaultConcurrency, runPlan, type StepJournal, type StepJournalEntry} from '../../src/plan/runner.js';
import {currentStep} from '../../src/plan/step-context.js';

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

/** Steps that take a while and record when each ran, and how many ran at once. */
function tracker() {
	const spans = new Map<string, {start: number; end?: number}>();
	let running = 0;
	let most = 0;
	const step = (id: string, options: {after?: readonly string[]; ms?: number; fail?: boolean} = {}): PlanStep => ({
		id,
		title: `Step ${id}`,
		target: {kind: 'Thing', name: id},
		azCommand: '',
		...(options.after ? {after: options.after} : {}),
		async check() {
			spans.set(id, {start: performance.now()});
			running += 1;
			most = Math.max(most, running);
			return {satisfied: false, detail: 'missing'};
		},
		async apply() {
			await delay(options.ms ?? 40);
			if (options.fail) {
				running -= 1;
				spans.get(id)!.end = performance.now();
				throw Object.assign(new Error(`${id} broke`), {code: 'BadRequest'});
			}
		},
		async verify() {
			running -= 1;
			spans.get(id)!.end = performance.now();
			return {ok: true, detail: `${id} in place`};
		},
	});
	const overlap = (a: string, b: string) => {
		const x = spans.get(a)!;
		const y = spans.get(b)!;
		return x.start < y.end! && y.start < x.end!;
	};
	const before = (a: string, b: string) => spans.get(a)!.end! <= spans.get(b)!.start;
	return {spans, step, overlap, before, most: () => most};
}

describe('runPlan with dependencies', () => {
	const plan = (steps: PlanStep[]): Plan => ({scenarioId: 's', title: 'T', steps});

	it('runs independent steps at the same time and makes dependent ones wait', async () => {
		const t = tracker();
		const result = await runPlan(
			plan([t.step('root'), t.step('a', {after: ['root']}), t.step('b', {after: ['root']}), t.step('c', {after: ['root']}), t.step('last', {after: ['a', 'b', 'c']}), t.step('file', {after: []})]),
		);
		expect(result.outcome).toBe('completed');
		expect(t.overlap('a', 'b') && t.overlap('b', 'c') && t.overlap('a', 'c')).toBe(true);
		expect(t.overlap('root', 'file')).toBe(true);
		for (const id of ['a', 'b', 'c']) {
			expect(t.before('root', id)).toBe(true);
			expect(t.before(id, 'last')).toBe(true);
		}
		// In plan order, whatever order they finished in.
		expect(result.steps.map((step) => step.stepId)).toEqual(['root', 'a', 'b', 'c', 'last', 'file']);
	});

	it('keeps to one step after another when the plan says nothing', async () => {
		const t = tracker();
		await runPlan(plan([t.step('a', {ms: 10}), t.step('b', {ms: 10}), t.step('c', {ms: 10})]));
		expect(t.before('a', 'b') && t.before('b', 'c')).toBe(true);
		expect(t.most()).toBe(1);
	});

	it('runs no more steps at once than the cap', async () => {
		const t = tracker();
		const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
		await runPlan(plan(ids.map((id) => t.step(id, {after: [], ms: 20}))), {concurrency: 3});
		expect(t.most()).toBe(3);
		const t4 = tracker();
		await runPlan(plan(ids.map((id) => t4.step(id, {after: [], ms: 20}))));
		expect(t4.most()).toBe(defaultConcurrency);
	});

	it('after a failure starts nothing new, lets running steps finish, and leaves the rest pending and unjournaled', async () => {
		const t = tracker();
		const journal = memoryJournal();
		const events: StepEvent[] = [];
		const result = await runPlan(
			plan([
				t.step('broken', {after: [], ms: 10, fail: true}),
				t.step('slow', {after: [], ms: 80}),
				t.step('after-broken', {after: ['broken']}),
				t.step('queued', {after: []}),
			]),
			{journal, concurrency: 2, onEvent: (event) => events.push(event)},
		);
		expect(result.outcome).toBe('failed');
		// The slow step was writing when the other failed: it finished, and is reported.
		expect(result.steps.map((step) => [step.stepId, step.state])).toEqual([
			['broken', 'failed'],
			['slow', 'done'],
		]);
		expect(t.spans.has('after-broken') || t.spans.has('queued')).toBe(false);
		expect(Object.keys(journal.entries).sort()).toEqual(['broken', 'slow']);
		expect(journal.entries['broken']).toMatchObject({state: 'failed', error: {code: 'BadRequest'}});
		expect(journal.entries['slow']).toMatchObject({state: 'done'});
		expect(events.filter((event) => event.stepId === 'queued').map((event) => event.state)).toEqual(['pending']);
	});

	it('counts steps the journal has as done or skipped as finished, and runs the rest', async () => {
		const t = tracker();
		const at = '2026-01-01T00:00:00.000Z';
		const journal = memoryJournal({root: {state: 'done', at}, a: {state: 'skipped', detail: 'there', at}, b: {state: 'failed', error: {code: 'X', message: 'x'}, at}});
		const result = await runPlan(plan([t.step('root'), t.step('a', {after: ['root']}), t.step('b', {after: ['root']}), t.step('last', {after: ['a', 'b']})]), {journal});
		expect([...t.spans.keys()]).toEqual(['b', 'last']);
		expect(result.steps.map((step) => [step.stepId, step.state, step.fromJournal ?? false])).toEqual([
			['root', 'done', true],
			['a', 'skipped', true],
			['b', 'done', false],
			['last', 'done', false],
		]);
		expect(journal.entries['last']?.state).toBe('done');
	});

	it('tells which step is running to whatever the step calls, each step its own', async () => {
		const seen: Record<string, string | undefined> = {};
		const asking = (id: string): PlanStep => ({
			...idempotentStep(id, {applied: false, applyCalls: 0}),
			after: [],
			async apply() {
				await delay(id === 'a' ? 20 : 5);
				seen[id] = currentStep();
			},
			async verify() {
				return {ok: true, detail: 'ok'};
			},
		});
		await runPlan(plan([asking('a'), asking('b')]));
		expect(seen).toEqual({a: 'a', b: 'b'});
		expect(currentStep()).toBeUndefined();
	});
});

describe('stepDependencies', () => {
	const bare = (id: string, after?: readonly string[]) => ({id, ...(after ? {after} : {})}) as unknown as PlanStep;

	it('reads an absent after as the previous step, and [] as none', () => {
		const dependencies = stepDependencies({steps: [bare('a'), bare('b'), bare('c', []), bare('d', ['a', 'c'])]});
		expect(Object.fromEntries(dependencies)).toEqual({a: [], b: ['a'], c: [], d: ['a', 'c']});
	});

	it('throws on an unknown step, a step after itself, and a cycle', () => {
		expect(() => stepDependencies({steps: [bare('a'), bare('b', ['nope'])]})).toThrow('Step "b" is after "nope", which is not a step of the plan.');
		expect(() => stepDependencies({steps: [bare('a', ['a'])]})).toThrow('Step "a" is after itself.');
		expect(() => stepDependencies({steps: [bare('a', ['c']), bare('b'), bare('c')]})).toThrow('Plan steps depend on each other in a cycle: a → c → b → a.');
	});

	it('makes the runner refuse such a plan before running anything', async () => {
		const resource = {applied: false, applyCalls: 0};
		await expect(runPlan({scenarioId: 's', title: 'T', steps: [{...idempotentStep('a', resource), after: ['b']}, idempotentStep('b', resource)]})).rejects.toThrow(/cycle/);
		expect(resource.applyCalls).toBe(0);
	});
});

describe('describeStepOrder', () => {
	const bare = (id: string, after?: readonly string[]) => ({id, ...(after ? {after} : {})}) as unknown as PlanStep;

	it('says nothing for a plan run one step after another', () => {
		expect([...describeStepOrder({steps: [bare('a'), bare('b'), bare('c')]}).values()]).toEqual(['', '', '']);
	});

	it('names what each step waits for and what may run beside it, by position', () => {
		const order = describeStepOrder({
			steps: [bare('identity'), bare('g1', ['identity']), bare('g2', ['identity']), bare('g3', ['identity']), bare('file', []), bare('workspace', ['g1', 'g2', 'g3', 'file']), bare('last')],
		});
		expect(Object.fromEntries(order)).toEqual({
			identity: 'with 5',
			g1: 'after 1 · with 3–5',
			g2: 'after 1 · with 2, 4, 5',
			g3: 'after 1 · with 2, 3, 5',
			file: 'from the start · with 1–4',
			workspace: 'after 2–5',
			last: 'after 6',
		});
	});
});
