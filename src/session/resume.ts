import type {AzureGateway, WorkspaceSummary} from '../azure/gateway.js';
import {isNotFound, toAzureFailure, type AzureFailure} from '../azure/errors.js';
import {withFreshReads} from '../azure/fresh-reads.js';
import type {Plan} from '../plan/plan.js';
import type {StepJournalEntry} from '../plan/runner.js';
import {nextQuestion, type Answers, type Preparation, type Question, type ScenarioContext} from '../scenarios/scenario.js';
import {findScenario} from '../scenarios/index.js';
import type {SessionRecord} from './session-store.js';

/** A step of a resumed plan, by what the journal says of it. */
export type ResumeStepState = 'done' | 'in-place' | 'failed' | 'interrupted' | 'to-do';

export interface ResumeStepRow {
	readonly stepId: string;
	readonly title: string;
	readonly state: ResumeStepState;
	readonly detail?: string;
	readonly error?: AzureFailure;
}

function rowState(entry: StepJournalEntry | undefined): ResumeStepState {
	switch (entry?.state) {
		case 'done':
			return 'done';
		case 'skipped':
			return 'in-place';
		case 'failed':
			return 'failed';
		case 'running':
			return 'interrupted';
		default:
			return 'to-do';
	}
}

function row(stepId: string, title: string, entry: StepJournalEntry | undefined): ResumeStepRow {
	return {
		stepId,
		title,
		state: rowState(entry),
		...(entry?.detail ? {detail: entry.detail} : {}),
		...(entry?.error ? {error: entry.error} : {}),
	};
}

/**
 * The plan's steps with what the journal says of each, and the journal's entries for steps the
 * plan no longer has (kept, never "to do": the runner would not run them).
 */
export function resumeRows(
	steps: readonly {readonly id: string; readonly title: string}[],
	journal: Readonly<Record<string, StepJournalEntry>>,
	earlierTitles: readonly {readonly id: string; readonly title: string}[] = [],
): {rows: ResumeStepRow[]; notInPlan: ResumeStepRow[]} {
	const rows = steps.map((step) => row(step.id, step.title, journal[step.id]));
	const planned = new Set(steps.map((step) => step.id));
	const notInPlan = Object.entries(journal)
		.filter(([stepId]) => !planned.has(stepId))
		.map(([stepId, entry]) => row(stepId, earlierTitles.find((step) => step.id === stepId)?.title ?? stepId, entry));
	return {rows, notInPlan};
}

export interface AnswerChange {
	readonly questionId: string;
	/** "The compute cpu-cluster you chose no longer exists." */
	readonly sentence: string;
}

const resourceKinds: Readonly<Record<string, string>> = {
	computes: 'compute',
	userassignedidentities: 'identity',
	registries: 'registry',
	workspaces: 'workspace',
	storageaccounts: 'storage account',
	containers: 'container',
	vaults: 'key vault',
	managedclusters: 'AKS cluster',
	connections: 'connection',
	datastores: 'datastore',
};

/** "compute cpu-cluster" for a resource ID (its type segment and last segment); undefined for other values. */
export function describeResource(value: string): string | undefined {
	if (!value.startsWith('/subscriptions/')) return undefined;
	const segments = value.split('/').filter(Boolean);
	const name = segments.at(-1);
	const type = segments.at(-2)?.toLowerCase();
	if (!name || !type) return undefined;
	return `${resourceKinds[type] ?? 'resource'} ${name}`;
}

function problemWith(question: Question, saved: boolean | string): string | undefined {
	switch (question.kind) {
		case 'select': {
			if (question.choices.some((choice) => choice.value === saved)) return undefined;
			const resource = typeof saved === 'string' ? describeResource(saved) : undefined;
			return resource
				? `The ${resource} you chose no longer exists.`
				: `Your answer "${String(saved)}" to "${question.prompt}" is no longer offered.`;
		}
		case 'confirm':
			return typeof saved === 'boolean' ? undefined : `Your answer to "${question.prompt}" was not a yes or a no.`;
		case 'text': {
			const problem = typeof saved === 'string' ? question.validate?.(saved) : `it is not text`;
			return problem ? `Your answer "${String(saved)}" to "${question.prompt}" no longer holds: ${problem}` : undefined;
		}
	}
}

export interface RevalidateOptions {
	/**
	 * Keep typed answers as they are. Once a run has begun, a name the user typed ("cpu-cluster-mi")
	 * names what the run created, and a validator that refuses names already taken would refuse it.
	 */
	readonly keepTextAnswers?: boolean;
}

/**
 * The saved answers checked against the questions a scenario asks now, in the order it asks them:
 * a choice no longer offered (the compute was deleted) or text its validator now refuses is dropped
 * and said. When something was dropped, answers to questions no longer asked are dropped too (they
 * may have followed from it); when nothing was, the answers come back as saved.
 */
export function revalidateAnswers(
	questionsFor: (answers: Answers) => readonly Question[],
	answers: Answers,
	options: RevalidateOptions = {},
): {answers: Answers; changes: AnswerChange[]} {
	const kept: Record<string, boolean | string> = {};
	const changes: AnswerChange[] = [];
	const seen = new Set<string>();
	for (;;) {
		const question = questionsFor(kept).find((candidate) => !seen.has(candidate.id));
		if (!question) break;
		seen.add(question.id);
		const saved = answers[question.id];
		if (saved === undefined) continue;
		const problem = question.kind === 'text' && options.keepTextAnswers ? undefined : problemWith(question, saved);
		if (problem) changes.push({questionId: question.id, sentence: problem});
		else kept[question.id] = saved;
	}
	return changes.length > 0 ? {answers: kept, changes} : {answers, changes};
}

/** What opening a saved session found, and so what the resume overview offers. */
export type SessionReview =
	/** No scenario chosen yet: it continues where it stopped. */
	| {readonly kind: 'choosing'; readonly record: SessionRecord; readonly workspace?: WorkspaceSummary}
	| {readonly kind: 'workspace-gone'; readonly record: SessionRecord; readonly failure: AzureFailure}
	/** The scenario cannot go on in the workspace as it is now. */
	| {readonly kind: 'blocked'; readonly record: SessionRecord; readonly workspace: WorkspaceSummary; readonly preparation: Preparation & {kind: 'blocked'}}
	/** Some answers no longer hold: they are asked again. */
	| {
			readonly kind: 'answers-changed';
			readonly record: SessionRecord;
			readonly workspace: WorkspaceSummary;
			readonly preparation: Preparation & {kind: 'ready'};
			readonly answers: Answers;
			readonly changes: readonly AnswerChange[];
	  }
	/** A scenario chosen but its plan not confirmed: back to the questions. */
	| {
			readonly kind: 'questions';
			readonly record: SessionRecord;
			readonly workspace: WorkspaceSummary;
			readonly preparation: Preparation & {kind: 'ready'};
			readonly answers: Answers;
	  }
	/** A confirmed plan with steps left: the run continues. */
	| {
			readonly kind: 'plan';
			readonly record: SessionRecord;
			readonly workspace: WorkspaceSummary;
			readonly preparation: Preparation & {kind: 'ready'};
			readonly answers: Answers;
			readonly plan: Plan;
			readonly rows: readonly ResumeStepRow[];
			readonly notInPlan: readonly ResumeStepRow[];
	  }
	/** A completed session: what it did, from the plan saved when it was confirmed (no Azure call). */
	| {readonly kind: 'finished'; readonly record: SessionRecord; readonly title?: string; readonly rows: readonly ResumeStepRow[]};

export interface ReviewDependencies {
	readonly gateway: AzureGateway;
	readonly contextFor: (workspace: WorkspaceSummary) => ScenarioContext;
}

/**
 * Opens a saved session against Azure as it is now: the workspace read afresh, the scenario
 * prepared again, the saved answers checked, the plan rebuilt. Failures other than a workspace that
 * is gone are thrown (the screen shows them with their next step).
 */
export async function reviewSession(record: SessionRecord, {gateway, contextFor}: ReviewDependencies): Promise<SessionReview> {
	const {workspace: saved, scenarioId, planConfirmed} = record.choices;
	if (record.status === 'completed') {
		const steps = record.plan?.steps ?? Object.keys(record.steps).map((id) => ({id, title: id}));
		const {rows, notInPlan} = resumeRows(steps, record.steps);
		return {kind: 'finished', record, ...(record.plan ? {title: record.plan.title} : {}), rows: [...rows, ...notInPlan]};
	}
	if (!saved) return {kind: 'choosing', record};
	// Nothing read before (the last run, moments ago) stands in for Azure now.
	return withFreshReads(() => reviewAgainstAzure(record, saved, {gateway, contextFor}));
}

async function reviewAgainstAzure(
	record: SessionRecord,
	saved: NonNullable<SessionRecord['choices']['workspace']>,
	{gateway, contextFor}: ReviewDependencies,
): Promise<SessionReview> {
	const {scenarioId, planConfirmed} = record.choices;
	let workspace: WorkspaceSummary;
	try {
		workspace = await gateway.getWorkspace(saved.id);
	} catch (error) {
		const failure = toAzureFailure(error);
		if (isNotFound(failure)) return {kind: 'workspace-gone', record, failure};
		throw error;
	}
	const scenario = scenarioId ? findScenario(scenarioId) : undefined;
	if (!scenario) return {kind: 'choosing', record, workspace};

	const context = contextFor(workspace);
	const preparation = await scenario.prepare(context);
	if (preparation.kind === 'blocked') return {kind: 'blocked', record, workspace, preparation};

	const hasRun = Object.keys(record.steps).length > 0 || (record.replacedJournals?.length ?? 0) > 0;
	const checked = revalidateAnswers(preparation.questions, record.choices.answers ?? {}, {keepTextAnswers: hasRun});
	if (checked.changes.length > 0) return {kind: 'answers-changed', record, workspace, preparation, ...checked};
	if (!planConfirmed) return {kind: 'questions', record, workspace, preparation, answers: checked.answers};
	// The workspace changed so that the scenario asks something new: a plan without that answer would be a guess.
	const unanswered = nextQuestion(preparation.questions(checked.answers), checked.answers);
	if (unanswered) {
		const changes = [{questionId: unanswered.id, sentence: `"${unanswered.prompt}" needs an answer now: the workspace changed since the plan was made.`}];
		return {kind: 'answers-changed', record, workspace, preparation, answers: checked.answers, changes};
	}

	const plan = scenario.buildPlan(context, preparation.facts, checked.answers);
	const {rows, notInPlan} = resumeRows(plan.steps, record.steps, record.plan?.steps);
	return {kind: 'plan', record, workspace, preparation, answers: checked.answers, plan, rows, notInPlan};
}
