import {setTimeout as delay} from 'node:timers/promises';
import {toAzureFailure, type AzureFailure} from '../azure/errors.js';
import {withFreshReads} from '../azure/fresh-reads.js';
import {describeRetry, withRetryNotices} from '../azure/retry-notices.js';
import {stepDependencies, type Plan, type PlanStep, type Reversal, type StepEvent, type StepPhase, type StepState} from './plan.js';
import {withStep} from './step-context.js';

/** What the runner remembers of a step between processes. */
export interface StepJournalEntry {
	readonly state: StepState;
	/** The step's title when it ran: undo and the sessions screen show it without rebuilding the plan. */
	readonly title?: string;
	/** For a step still running: how far it got ('apply' means a write may have reached Azure). */
	readonly phase?: StepPhase;
	readonly detail?: string;
	readonly error?: AzureFailure;
	/** How to take the step back, saved before it writes; kept only for steps this session changed. */
	readonly reversal?: Reversal;
	readonly at: string;
}

export interface StepJournal {
	read(): Readonly<Record<string, StepJournalEntry>>;
	write(stepId: string, entry: StepJournalEntry): void;
}

export interface StepOutcome {
	readonly stepId: string;
	readonly title: string;
	readonly state: StepState;
	readonly detail?: string;
	readonly error?: AzureFailure;
	/** True when the outcome comes from an earlier run of this session, not from this one. */
	readonly fromJournal?: boolean;
}

export interface RunResult {
	readonly outcome: 'completed' | 'failed';
	readonly steps: readonly StepOutcome[];
}

/** How patient the runner is with Azure's own pace. */
export interface RunTiming {
	/** A write refused because another operation runs on the resource: look again this many times. */
	readonly conflictRetries: number;
	/** First wait before looking again after a conflict; doubles up to 30 s. */
	readonly conflictFirstDelayMs: number;
	/** Azure accepted a change that its reads do not show yet: keep looking this long. */
	readonly verifyWaitMs: number;
	/** First wait before verifying again; doubles up to 30 s. */
	readonly verifyFirstDelayMs: number;
}

export const defaultRunTiming: RunTiming = {conflictRetries: 5, conflictFirstDelayMs: 5000, verifyWaitMs: 60_000, verifyFirstDelayMs: 2000};

export interface RunOptions {
	readonly onEvent?: (event: StepEvent) => void;
	readonly journal?: StepJournal;
	readonly now?: () => number;
	readonly timing?: Partial<RunTiming>;
	/** How many steps may run at once (their dependencies allowing); 1 runs the plan one step after another. */
	readonly concurrency?: number;
}

/**
 * Steps running at once by default: the widest fan-out of any scenario (a new workspace's role
 * assignments, access policy and file, 7) in one wave, and few enough requests at a time that
 * Resource Manager's limits (per hour, per principal) never notice.
 */
export const defaultConcurrency = 8;

class VerificationFailedError extends Error {
	readonly code = 'VerificationFailed';
}

/** Codes by which Azure says another operation is running on the resource: wait, then look again. */
const CONFLICT_CODES = new Set(['Conflict', 'AnotherOperationInProgress', 'OperationNotAllowed']);

function seconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * Runs any plan: every step whose dependencies (PlanStep.after) are done or skipped starts at once,
 * up to options.concurrency at a time. Each step checks, then applies and verifies only when the
 * check says the work is not already done. After a failure nothing new starts; steps already
 * running finish (a write is never abandoned half-way), and those never started stay pending.
 * Journals every state change. The result lists the steps that finished, in plan order.
 */
export async function runPlan(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
	const dependencies = stepDependencies(plan);
	const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency));
	const now = options.now ?? Date.now;
	const timing = {...defaultRunTiming, ...options.timing};
	const emit = options.onEvent ?? (() => {});
	const previous = options.journal?.read() ?? {};
	const outcomes = new Map<string, StepOutcome>();

	for (const step of plan.steps) emit({stepId: step.id, state: 'pending'});

	// Done or skipped, in an earlier run or in this one: what later steps wait for.
	const finished = new Set<string>();
	for (const step of plan.steps) {
		const earlier = previous[step.id];
		if (earlier && (earlier.state === 'done' || earlier.state === 'skipped')) {
			emit({stepId: step.id, state: earlier.state, ...(earlier.detail ? {detail: earlier.detail} : {})});
			outcomes.set(step.id, {stepId: step.id, title: step.title, state: earlier.state, ...(earlier.detail ? {detail: earlier.detail} : {}), fromJournal: true});
			finished.add(step.id);
		}
	}

	const context: StepRunContext = {options, timing, now, emit, previous};
	const started = new Set<string>();
	const running = new Set<Promise<void>>();
	let failed = false;
	// A listener that threw (not a step's failure): raised once every running step has finished.
	let trouble: {error: unknown} | undefined;
	await new Promise<void>((resolve) => {
		const startReady = () => {
			for (const step of plan.steps) {
				if (failed || trouble || running.size >= concurrency) break;
				if (started.has(step.id) || finished.has(step.id)) continue;
				if (!dependencies.get(step.id)!.every((id) => finished.has(id))) continue;
				started.add(step.id);
				const work: Promise<void> = runStep(step, context)
					.then(
						(outcome) => {
							outcomes.set(step.id, outcome);
							if (outcome.state === 'failed') failed = true;
							else finished.add(step.id);
						},
						(error: unknown) => {
							trouble ??= {error};
						},
					)
					.finally(() => {
						running.delete(work);
						startReady();
					});
				running.add(work);
			}
			if (running.size === 0) resolve();
		};
		startReady();
	});
	if (trouble) throw trouble.error;
	const steps = plan.steps.flatMap((step) => outcomes.get(step.id) ?? []);
	return {outcome: failed ? 'failed' : 'completed', steps};
}

interface StepRunContext {
	readonly options: RunOptions;
	readonly timing: RunTiming;
	readonly now: () => number;
	readonly emit: (event: StepEvent) => void;
	readonly previous: Readonly<Record<string, StepJournalEntry>>;
}

/** One step: check, then apply and verify when needed; journaled before every event it sends. */
async function runStep(step: PlanStep, {options, timing, now, emit, previous}: StepRunContext): Promise<StepOutcome> {
	const earlier = previous[step.id];
	const startedAt = now();
	let phase: StepEvent['phase'] = 'check';
	const report = (update: {phase?: StepEvent['phase']; operationStatus?: string; message?: string}) => {
		if (update.phase) phase = update.phase;
		emit({stepId: step.id, state: 'running', startedAt, phase, ...stripPhase(update)});
	};
	// Set once this session may have changed something: from then on undo must know how to take it back.
	let reversal: Reversal | undefined;
	let outcome: StepOutcome | undefined;
	// Journaled before it is told: whoever hears "done" can rely on the session saying so.
	const finish = (state: StepState, fields: {detail?: string; error?: AzureFailure}) => {
		options.journal?.write(step.id, {
			state,
			title: step.title,
			...fields,
			...(reversal && state !== 'skipped' ? {reversal} : {}),
			at: new Date(now()).toISOString(),
		});
		emit({stepId: step.id, state, startedAt, elapsedMs: now() - startedAt, ...fields});
		outcome = {stepId: step.id, title: step.title, state, ...fields};
	};

	// A step that was writing when an earlier run stopped or failed: its write may have reached Azure.
	// (The reversal is journaled only once apply starts, so its presence says exactly that.)
	const earlierReversal = earlier?.state === 'running' || earlier?.state === 'failed' ? earlier.reversal : undefined;
	options.journal?.write(step.id, {state: 'running', title: step.title, phase: 'check', at: new Date(startedAt).toISOString()});
	// Retries the SDK makes while the step runs (throttling, 5xx, dropped connections) show on it,
	// and every request it makes says which step made it.
	const asStep = (work: () => Promise<void>) => withStep(step.id, () => withRetryNotices((notice) => report({message: describeRetry(notice)}), work));
	try {
		await asStep(async () => {
			report({phase: 'check'});
			const check = await step.check(report);
			if (check.satisfied) {
				if (earlierReversal) {
					// The earlier write landed: it is this session's change, and undo takes it back.
					reversal = earlierReversal;
					finish('done', {detail: `${check.detail} (written by an earlier attempt of this session)`});
				} else {
					finish('skipped', {detail: check.detail});
				}
				return;
			}
			// The first attempt's reversal wins: it was read before anything was written.
			reversal = earlierReversal ?? (await step.reversal?.());
			options.journal?.write(step.id, {
				state: 'running',
				title: step.title,
				phase: 'apply',
				...(reversal ? {reversal} : {}),
				at: new Date(now()).toISOString(),
			});
			report({phase: 'apply'});
			await applyLookingAgainOnConflict(step, report, timing);
			report({phase: 'verify'});
			const verification = await verifyWithPatience(step, report, timing);
			if (!verification.ok) throw new VerificationFailedError(verification.detail);
			finish('done', {detail: verification.detail});
		});
	} catch (error) {
		finish('failed', {error: toAzureFailure(error)});
	}
	return outcome!;
}

type Report = (update: {phase?: StepPhase; operationStatus?: string; message?: string}) => void;

/**
 * Apply; when Azure refuses because another operation runs on the resource (a conflict), wait and
 * look again: the check may find the work done (an earlier attempt's write landed), else apply again.
 */
async function applyLookingAgainOnConflict(step: PlanStep, report: Report, timing: RunTiming): Promise<void> {
	let wait = timing.conflictFirstDelayMs;
	for (let attempt = 1; ; attempt++) {
		try {
			await step.apply(report);
			return;
		} catch (error) {
			const failure = toAzureFailure(error);
			if (!CONFLICT_CODES.has(failure.code) || attempt > timing.conflictRetries) throw error;
			report({message: `another operation is running on ${step.target.name} (${failure.code}) · looking again in ${seconds(wait)}`});
			await delay(wait);
			wait = Math.min(wait * 2, 30_000);
			const check = await withFreshReads(() => step.check(report));
			if (check.satisfied) return;
			report({phase: 'apply'});
		}
	}
}

/** Verify, and while Azure's reads lag behind its writes, look again within timing.verifyWaitMs; say when it gave up. */
async function verifyWithPatience(step: PlanStep, report: Report, timing: RunTiming) {
	const deadline = Date.now() + timing.verifyWaitMs;
	let wait = timing.verifyFirstDelayMs;
	let verification = await step.verify(report);
	for (let attempt = 1; !verification.ok; attempt++) {
		if (Date.now() + wait > deadline) {
			return {ok: false, detail: `${verification.detail}; gave up looking after ${seconds(timing.verifyWaitMs)} (${attempt} looks)`};
		}
		report({message: `Azure does not show it yet (${verification.detail}) · looking again in ${seconds(wait)}`});
		await delay(wait);
		wait = Math.min(wait * 2, 30_000);
		verification = await withFreshReads(() => step.verify(report));
	}
	return verification;
}

function stripPhase(update: {operationStatus?: string; message?: string}) {
	return {
		...(update.operationStatus ? {operationStatus: update.operationStatus} : {}),
		...(update.message ? {message: update.message} : {}),
	};
}
