import {setTimeout as delay} from 'node:timers/promises';
import {toAzureFailure, type AzureFailure} from '../azure/errors.js';
import {withFreshReads} from '../azure/fresh-reads.js';
import {describeRetry, withRetryNotices} from '../azure/retry-notices.js';
import type {Plan, Reversal, StepEvent, StepPhase, StepState} from './plan.js';

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
}

class VerificationFailedError extends Error {
	readonly code = 'VerificationFailed';
}

/** Codes by which Azure says another operation is running on the resource: wait, then look again. */
const CONFLICT_CODES = new Set(['Conflict', 'AnotherOperationInProgress', 'OperationNotAllowed']);

function seconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * Runs any plan, one step after another: check, then apply and verify only when the check
 * says the work is not already done. Stops at the first failure; journals every state change.
 */
export async function runPlan(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
	const now = options.now ?? Date.now;
	const timing = {...defaultRunTiming, ...options.timing};
	const emit = options.onEvent ?? (() => {});
	const previous = options.journal?.read() ?? {};
	const outcomes: StepOutcome[] = [];

	for (const step of plan.steps) emit({stepId: step.id, state: 'pending'});

	for (const step of plan.steps) {
		const earlier = previous[step.id];
		if (earlier && (earlier.state === 'done' || earlier.state === 'skipped')) {
			emit({stepId: step.id, state: earlier.state, ...(earlier.detail ? {detail: earlier.detail} : {})});
			outcomes.push({stepId: step.id, title: step.title, state: earlier.state, ...(earlier.detail ? {detail: earlier.detail} : {}), fromJournal: true});
			continue;
		}

		const startedAt = now();
		let phase: StepEvent['phase'] = 'check';
		const report = (update: {phase?: StepEvent['phase']; operationStatus?: string; message?: string}) => {
			if (update.phase) phase = update.phase;
			emit({stepId: step.id, state: 'running', startedAt, phase, ...stripPhase(update)});
		};
		// Set once this session may have changed something: from then on undo must know how to take it back.
		let reversal: Reversal | undefined;
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
			outcomes.push({stepId: step.id, title: step.title, state, ...fields});
		};

		// A step that was writing when an earlier run stopped or failed: its write may have reached Azure.
		// (The reversal is journaled only once apply starts, so its presence says exactly that.)
		const earlierReversal = earlier?.state === 'running' || earlier?.state === 'failed' ? earlier.reversal : undefined;
		options.journal?.write(step.id, {state: 'running', title: step.title, phase: 'check', at: new Date(startedAt).toISOString()});
		// Retries the SDK makes while the step runs (throttling, 5xx, dropped connections) show on it.
		const noticeRetries = (work: () => Promise<void>) => withRetryNotices((notice) => report({message: describeRetry(notice)}), work);
		try {
			await noticeRetries(async () => {
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
			return {outcome: 'failed', steps: outcomes};
		}
	}
	return {outcome: 'completed', steps: outcomes};
}

type Report = (update: {phase?: StepPhase; operationStatus?: string; message?: string}) => void;

/**
 * Apply; when Azure refuses because another operation runs on the resource (a conflict), wait and
 * look again: the check may find the work done (an earlier attempt's write landed), else apply again.
 */
async function applyLookingAgainOnConflict(step: Plan['steps'][number], report: Report, timing: RunTiming): Promise<void> {
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
async function verifyWithPatience(step: Plan['steps'][number], report: Report, timing: RunTiming) {
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
