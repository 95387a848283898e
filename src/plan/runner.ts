import {toAzureFailure, type AzureFailure} from '../azure/errors.js';
import type {Plan, StepEvent, StepState} from './plan.js';

/** What the runner remembers of a step between processes. */
export interface StepJournalEntry {
	readonly state: StepState;
	readonly detail?: string;
	readonly error?: AzureFailure;
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

export interface RunOptions {
	readonly onEvent?: (event: StepEvent) => void;
	readonly journal?: StepJournal;
	readonly now?: () => number;
}

class VerificationFailedError extends Error {
	readonly code = 'VerificationFailed';
}

/**
 * Runs any plan, one step after another: check, then apply and verify only when the check
 * says the work is not already done. Stops at the first failure; journals every state change.
 */
export async function runPlan(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
	const now = options.now ?? Date.now;
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
		const finish = (state: StepState, fields: {detail?: string; error?: AzureFailure}) => {
			emit({stepId: step.id, state, startedAt, elapsedMs: now() - startedAt, ...fields});
			options.journal?.write(step.id, {state, ...fields, at: new Date(now()).toISOString()});
			outcomes.push({stepId: step.id, title: step.title, state, ...fields});
		};

		options.journal?.write(step.id, {state: 'running', at: new Date(startedAt).toISOString()});
		try {
			report({phase: 'check'});
			const check = await step.check(report);
			if (check.satisfied) {
				finish('skipped', {detail: check.detail});
				continue;
			}
			report({phase: 'apply'});
			await step.apply(report);
			report({phase: 'verify'});
			const verification = await step.verify(report);
			if (!verification.ok) throw new VerificationFailedError(verification.detail);
			finish('done', {detail: verification.detail});
		} catch (error) {
			finish('failed', {error: toAzureFailure(error)});
			return {outcome: 'failed', steps: outcomes};
		}
	}
	return {outcome: 'completed', steps: outcomes};
}

function stripPhase(update: {operationStatus?: string; message?: string}) {
	return {
		...(update.operationStatus ? {operationStatus: update.operationStatus} : {}),
		...(update.message ? {message: update.message} : {}),
	};
}
