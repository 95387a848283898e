import type {AzureGateway} from '../azure/gateway.js';
import {toAzureFailure} from '../azure/errors.js';
import {nextStepForCommand} from '../azure/next-steps.js';
import type {StepEvent} from '../plan/plan.js';
import {runPlan, type StepJournalEntry} from '../plan/runner.js';
import {findScenario} from '../scenarios/index.js';
import {SessionInUseError, type SessionRecord, type SessionStore} from '../session/session-store.js';
import {buildUndoPlan, type UndoPlan} from './undo-plan.js';

export interface UndoIo {
	readonly log: (line: string) => void;
	readonly event?: (event: Record<string, unknown>) => void;
	/** Asks the user to go ahead (a terminal prompt); absent when there is no one to ask. */
	readonly confirm?: (question: string) => Promise<boolean>;
}

/**
 * Every journal entry of the session, including those set aside when it was re-planned (their
 * writes happened too); keys stay unique across journals.
 */
export function sessionChanges(record: SessionRecord): Record<string, StepJournalEntry> {
	const changes: Record<string, StepJournalEntry> = {};
	(record.replacedJournals ?? []).forEach((journal, index) => {
		for (const [stepId, entry] of Object.entries(journal.steps)) changes[`earlier-${index + 1}-${stepId}`] = entry;
	});
	return {...changes, ...record.steps};
}

/** "Undo session 20261123-ab12cd34 (compute-acr-pull in mlw-fraud-prod)". */
export function undoTitle(record: SessionRecord): string {
	const scenario = record.choices.scenarioId ? (findScenario(record.choices.scenarioId)?.title ?? record.choices.scenarioId) : 'no scenario';
	return `Undo session ${record.id} (${scenario}${record.choices.workspace ? ` in ${record.choices.workspace.name}` : ''})`;
}

/** The lines that say what undo will do, what it cannot, and what it keeps. */
export function describeUndo(undo: UndoPlan): string[] {
	const lines = [undo.plan.title];
	if (undo.plan.steps.length === 0) lines.push('  Nothing to undo: the session changed nothing that undo can take back.');
	undo.plan.steps.forEach((step, index) => {
		lines.push(`  ${index + 1}. ${step.title}`);
		if (step.azCommand) lines.push(`     $ ${step.azCommand}`);
	});
	for (const change of undo.irreversible) lines.push(`  ⚠ Cannot be undone: ${change.label}: ${change.reason}.`);
	for (const kept of undo.kept) lines.push(`  ⚠ Kept: ${kept}.`);
	return lines;
}

/**
 * Undoes a saved session without a screen: prints what it will reverse, asks (or needs --yes), then
 * runs the reversal plan with the same runner, journaled apart from the session's own steps.
 * Returns the exit code (0 done or nothing to do, 1 a step failed, 2 bad input).
 */
export async function undoSession(
	sessionId: string,
	context: {readonly gateway: AzureGateway; readonly store: SessionStore},
	options: {readonly confirmed: boolean},
	io: UndoIo,
): Promise<number> {
	const record = context.store.find(sessionId);
	if (!record) {
		io.log(`There is no saved session "${sessionId}" in ${context.store.directory}. See the saved sessions with: aml-identity --resume (or aml-identity demo --resume)`);
		return 2;
	}
	const undo = buildUndoPlan(context.gateway, sessionChanges(record), undoTitle(record));
	for (const line of describeUndo(undo)) io.log(line);
	io.event?.({
		type: 'undo-plan',
		sessionId,
		steps: undo.plan.steps.map((step) => ({id: step.id, title: step.title, azCommand: step.azCommand})),
		irreversible: undo.irreversible,
		kept: undo.kept,
	});
	if (undo.plan.steps.length === 0) return 0;

	let confirmed = options.confirmed;
	if (!confirmed && io.confirm) confirmed = await io.confirm(`Undo these ${undo.plan.steps.length} changes?`);
	if (!confirmed) {
		io.log(io.confirm ? 'Nothing was changed.' : 'Nothing was changed. Run again with --yes to carry out the undo.');
		return 0;
	}

	try {
		context.store.claim(sessionId);
	} catch (error) {
		if (!(error instanceof SessionInUseError)) throw error;
		io.log(error.message);
		return 2;
	}
	const session = context.store.open(sessionId);
	const onEvent = (event: StepEvent) => {
		if (event.state !== 'running' || event.phase === 'apply') io.event?.({type: 'step', ...event});
		const title = undo.plan.steps.find((step) => step.id === event.stepId)?.title ?? event.stepId;
		if (event.state === 'done') io.log(`✔ ${title}`);
		else if (event.state === 'skipped') io.log(`↷ ${title}: ${event.detail ?? 'already done'}`);
		else if (event.state === 'failed' && event.error) io.log(`✖ ${title}: ${event.error.code}: ${event.error.message}\n  → ${nextStepForCommand(event.error)}`);
	};
	try {
		const result = await runPlan(undo.plan, {journal: session.undoJournal(), onEvent});
		if (result.outcome === 'completed') session.setStatus('undone');
		io.event?.({type: 'summary', outcome: result.outcome, sessionId});
		io.log(
			result.outcome === 'completed'
				? `Session ${sessionId} is undone.`
				: `The undo stopped at a failed step; run aml-identity undo ${sessionId} again to carry on.`,
		);
		return result.outcome === 'completed' ? 0 : 1;
	} catch (error) {
		const failure = toAzureFailure(error);
		io.log(`The undo could not run (${failure.code}): ${failure.message}\n→ ${nextStepForCommand(failure)}`);
		return 1;
	}
}
