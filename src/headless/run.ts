import type {AzureGateway, SubscriptionSummary, WorkspaceSummary} from '../azure/gateway.js';
import {toAzureFailure} from '../azure/errors.js';
import {nextStepForCommand} from '../azure/next-steps.js';
import {ExportFileExistsError, writeExport} from '../export/export-plan.js';
import {commandLines, describeStepOrder, stepDependencies, type Plan, type StepEvent} from '../plan/plan.js';
import {preflight} from '../plan/preflight.js';
import {runPlan, type RunResult, type RunTiming} from '../plan/runner.js';
import {findScenario, scenarios} from '../scenarios/index.js';
import {filesOf, isAnswerKey, nextQuestion, type Answers, type Question, type Scenario, type ScenarioContext} from '../scenarios/scenario.js';
import {SessionInUseError, type Session, type SessionStore} from '../session/session-store.js';
import {createNew} from '../scenarios/shared.js';
import {nearMiss} from './near-miss.js';

/** Exit codes of a run without a screen (documented in --help). */
export const exitCodes = {done: 0, stepFailed: 1, badInput: 2, stoppedResumably: 3, interrupted: 130} as const;

export interface HeadlessRequest {
	readonly scenarioId?: string;
	/** Subscription ID or display name. */
	readonly subscription?: string;
	/** Workspace name or resource ID. */
	readonly workspace?: string;
	readonly answers: Readonly<Record<string, unknown>>;
	/** Run the plan; without it the plan and the preflight are printed and nothing is written. */
	readonly confirmed: boolean;
	readonly outputDirectory: string;
	/**
	 * Carry on a saved session (made here or in the wizard): its scenario, place and answers are the
	 * defaults, its journal is the run's, so finished steps are not redone and undo sees one session.
	 */
	readonly resumeSessionId?: string;
}

/** What a plan is built from: the same keys as a run, without --yes. */
export type PlanRequest = Omit<HeadlessRequest, 'confirmed'>;

export interface ExportRequest extends PlanRequest {
	/** Replace files of an earlier export that differ (--force). */
	readonly overwrite?: boolean;
	/** For the script's header. */
	readonly generatedAt?: Date;
}

export interface HeadlessIo {
	/** Human progress and messages. */
	readonly log: (line: string) => void;
	/** Machine-readable events (--json), one object per call. */
	readonly event?: (event: Record<string, unknown>) => void;
}

export interface HeadlessContext {
	readonly gateway: AzureGateway;
	readonly store: SessionStore;
	readonly mode: 'demo' | 'azure';
	readonly signedInUser?: ScenarioContext['signedInUser'];
	readonly replicationTiming?: ScenarioContext['replicationTiming'];
	/** How long to look again after conflicts and for changes Azure's reads do not show yet. */
	readonly runTiming?: Partial<RunTiming>;
}

class InputProblem extends Error {}

/** A saved session to carry on: it must exist, be of this mode, and have got as far as a scenario and workspace. */
function savedSession(sessionId: string, context: HeadlessContext): Session {
	const record = context.store.find(sessionId);
	if (!record) throw new InputProblem(`--resume: there is no saved session "${sessionId}" in ${context.store.directory}.`);
	if (record.mode !== context.mode) {
		throw new InputProblem(`--resume: session ${sessionId} was made ${record.mode === 'demo' ? 'in demo mode: add --demo' : 'against Azure: leave out --demo'}.`);
	}
	if (record.status === 'undone') throw new InputProblem(`--resume: session ${sessionId} was undone. Start a new run instead (leave out --resume).`);
	try {
		context.store.claim(sessionId);
	} catch (error) {
		if (error instanceof SessionInUseError) throw new InputProblem(`--resume: ${error.message}`);
		throw error;
	}
	const {scenarioId, subscription, workspace} = record.choices;
	if (!scenarioId || !subscription || !workspace) {
		throw new InputProblem(
			`--resume: session ${sessionId} stopped before a scenario and workspace were chosen. Carry on in the wizard: aml-identity${record.mode === 'demo' ? ' demo' : ''} --resume ${sessionId}`,
		);
	}
	return context.store.open(sessionId);
}

/** A plan built from a request, with what it was built from. */
export interface BuiltPlan {
	readonly scenario: Scenario;
	readonly subscription: SubscriptionSummary;
	readonly workspace: WorkspaceSummary;
	readonly facts: unknown;
	readonly answers: Answers;
	readonly plan: Plan;
	/** What the answers file said that was read differently or not used, for the user to see. */
	readonly notes: readonly string[];
}

/**
 * Failures that time cures: the session is saved, and resuming it later carries on (exit code 3).
 * The rest stop with exit code 1, saved as well, for the user to fix first.
 */
export const resumableCodes: ReadonlySet<string> = new Set([
	'PrincipalNotFound',
	'OperationStillRunning',
	'VerificationFailed',
	// Not 'Conflict': the scenarios also use it for a name taken by something else, which time does not cure.
	'AnotherOperationInProgress',
	'SubscriptionRequestsThrottled',
	'TooManyRequests',
	'ServiceUnavailable',
]);

/**
 * A select answer may name the choice by value (a resource ID), by its label (a name), or "new"
 * for the create-a-new-one choice: the value the scenario expects, or undefined.
 */
export function choiceValue(question: Extract<Question, {kind: 'select'}>, given: unknown): string | undefined {
	if (typeof given !== 'string') return undefined;
	const wanted = given.trim().toLowerCase();
	const byValue = question.choices.find((choice) => choice.value.toLowerCase() === wanted);
	if (byValue) return byValue.value;
	if (wanted === 'new') return question.choices.find((choice) => choice.value === '__new__')?.value;
	const byLabel = question.choices.filter((choice) => choice.label.toLowerCase() === wanted);
	return byLabel.length === 1 ? byLabel[0]!.value : undefined;
}

/** Checks one answer from the file against the question it answers; a message naming the fix when wrong. */
async function answerProblem(question: Question, value: unknown): Promise<string | undefined> {
	const key = `"${question.id}"`;
	switch (question.kind) {
		case 'confirm':
			if (typeof value !== 'boolean') return `${key} must be true or false (${question.prompt}).`;
			if (question.requiredYes && value !== true) return `${key} must be true to go on: ${question.warning ?? question.prompt}`;
			return undefined;
		case 'select':
			if (choiceValue(question, value) === undefined) {
				const offered = question.choices.map((choice) => (choice.value === '__new__' ? `new (${choice.label})` : choice.label)).join('; ');
				return `${key} is ${JSON.stringify(value)}, which is not offered. ${question.prompt} Choose one of: ${offered}.`;
			}
			return undefined;
		case 'text': {
			if (typeof value !== 'string' && typeof value !== 'number') return `${key} must be a string (${question.prompt}).`;
			const text = String(value).trim();
			return question.validate?.(text) ?? (await question.check?.(text));
		}
	}
}

function describePlan(plan: Plan, log: HeadlessIo['log']): void {
	log(`Plan: ${plan.title}`);
	for (const caveat of plan.caveats ?? []) log(`  ⚠ ${caveat}`);
	const order = describeStepOrder(plan);
	plan.steps.forEach((step, index) => {
		const when = order.get(step.id);
		log(`  ${index + 1}. ${step.title}${when ? ` (${when})` : ''}`);
		for (const line of commandLines(step)) log(`     $ ${line}`);
	});
}

/**
 * Resolves the subscription, workspace and scenario a request names, walks the scenario's questions
 * with its answers and builds the plan, without running it. Throws InputProblem naming every
 * missing or wrong flag or answer.
 */
async function buildPlanFromRequest(request: PlanRequest, context: Pick<HeadlessContext, 'gateway' | 'signedInUser' | 'replicationTiming'>): Promise<BuiltPlan> {
	const {gateway} = context;
	const missing: string[] = [];
	if (!request.scenarioId) missing.push(`--scenario: one of ${scenarios.map((scenario) => scenario.id).join(', ')}`);
	if (!request.subscription) missing.push('--subscription: a subscription ID or name');
	if (!request.workspace) missing.push('--workspace: a workspace name or resource ID');
	if (missing.length) throw new InputProblem(`Missing:\n${missing.map((line) => `  ${line}`).join('\n')}`);

	const scenario = findScenario(request.scenarioId!);
	if (!scenario) throw new InputProblem(`--scenario "${request.scenarioId}" is not a scenario. Choose one of: ${scenarios.map((candidate) => candidate.id).join(', ')}.`);

	const subscriptions = await gateway.listSubscriptions();
	const wanted = request.subscription!.toLowerCase();
	const subscription = subscriptions.find((candidate) => candidate.subscriptionId.toLowerCase() === wanted || candidate.name.toLowerCase() === wanted);
	if (!subscription) {
		throw new InputProblem(`--subscription "${request.subscription}" is not one you can see. Yours: ${subscriptions.map((candidate) => `${candidate.name} (${candidate.subscriptionId})`).join('; ')}.`);
	}
	const workspaces = await gateway.listWorkspaces(subscription.subscriptionId);
	const wantedWorkspace = request.workspace!.toLowerCase();
	const workspace: WorkspaceSummary | undefined = workspaces.find(
		(candidate) => candidate.name.toLowerCase() === wantedWorkspace || candidate.id.toLowerCase() === wantedWorkspace,
	);
	if (!workspace) {
		throw new InputProblem(`--workspace "${request.workspace}" is not in ${subscription.name}. Workspaces there: ${workspaces.map((candidate) => candidate.name).join(', ') || 'none'}.`);
	}

	const scenarioContext: ScenarioContext = {
		gateway,
		workspace,
		outputDirectory: `${request.outputDirectory}/${workspace.name}`,
		...(context.signedInUser ? {signedInUser: context.signedInUser} : {}),
		...(context.replicationTiming ? {replicationTiming: context.replicationTiming} : {}),
	};
	const preparation = await scenario.prepare(scenarioContext);
	if (preparation.kind === 'blocked') {
		throw new InputProblem(`${scenario.title}: ${preparation.reason}\n${preparation.nextSteps.map((step) => `  → ${step}`).join('\n')}`);
	}

	// Walk the questions as the screens would, in order; each answer may open further questions.
	const answers: Record<string, boolean | string> = {};
	const asked = new Set<string>();
	const problems: string[] = [];
	const notes: string[] = [];
	for (let question = nextQuestion(preparation.questions(answers), answers); question; question = nextQuestion(preparation.questions(answers), answers)) {
		asked.add(question.id);
		let value = request.answers[question.id];
		// "new" with a name that exists now (this file ran before, or someone made it): use it, as a rerun should.
		const nameKey = `${question.id}Name`;
		const name = request.answers[nameKey];
		if (question.kind === 'select' && choiceValue(question, value) === createNew && typeof name === 'string') {
			const existing = question.choices.find((choice) => choice.value !== createNew && choice.label.toLowerCase() === name.trim().toLowerCase());
			if (existing) {
				value = existing.value;
				asked.add(nameKey);
				notes.push(`"${question.id}": ${existing.label} exists already, so it is used rather than created.`);
			}
		}
		if (value === undefined) {
			problems.push(
				`"${question.id}": ${question.prompt}${question.kind === 'select' ? ` One of: ${question.choices.map((choice) => (choice.value === '__new__' ? 'new' : choice.label)).join(', ')}.` : ''}`,
			);
			break; // later questions depend on this answer
		}
		const problem = await answerProblem(question, value);
		if (problem) {
			problems.push(problem);
			break;
		}
		answers[question.id] =
			question.kind === 'text' ? String(value).trim() : question.kind === 'select' ? choiceValue(question, value)! : (value as boolean);
	}
	const notAsked = Object.keys(request.answers).filter((key) => !asked.has(key));
	const unknown = notAsked.filter((key) => !isAnswerKey(scenario, key));
	if (problems.length === 0 && unknown.length > 0) {
		const hints = unknown.map((key) => {
			const meant = nearMiss(key, [...asked, ...scenario.answerKeys.filter((pattern) => !pattern.includes('#'))]);
			return meant ? `${key} (did you mean ${meant}?)` : key;
		});
		problems.push(`The answers file has keys ${scenario.id} never asks for: ${hints.join(', ')}. Remove them, or check the spelling.`);
	}
	const settled = notAsked.filter((key) => isAnswerKey(scenario, key));
	if (settled.length) notes.push(`Not asked this time, so not used: ${settled.join(', ')} (what they answer is already in place, or does not apply).`);
	if (problems.length) throw new InputProblem(`The answers for ${scenario.id} are not complete:\n${problems.map((line) => `  ${line}`).join('\n')}`);

	const plan = scenario.buildPlan(scenarioContext, preparation.facts, answers);
	return {scenario: scenario as Scenario, subscription, workspace, facts: preparation.facts, answers, plan, notes};
}

/**
 * The wizard without a screen: the same scenario, questions, plan, runner and session journal as the
 * screens, with answers from a file. Every missing or wrong answer is reported before anything is
 * written. Returns the exit code.
 */
export async function runHeadless(given: HeadlessRequest, context: HeadlessContext, io: HeadlessIo): Promise<number> {
	const {gateway} = context;
	try {
		const resumed = given.resumeSessionId ? savedSession(given.resumeSessionId, context) : undefined;
		const request: HeadlessRequest = resumed
			? {
					...given,
					scenarioId: given.scenarioId ?? resumed.record.choices.scenarioId!,
					subscription: given.subscription ?? resumed.record.choices.subscription!.id,
					workspace: given.workspace ?? resumed.record.choices.workspace!.id,
					answers: {...resumed.record.choices.answers, ...given.answers},
				}
			: given;
		const {scenario, subscription, workspace, facts, answers, plan, notes} = await buildPlanFromRequest(request, context);
		for (const note of notes) io.log(`Note: ${note}`);
		describePlan(plan, io.log);
		const checks = await preflight(plan, gateway);
		for (const [stepId, result] of Object.entries(checks)) {
			if (result.status === 'denied') {
				for (const missingPermission of result.missing) {
					io.log(`  ✖ ${stepId}: you lack ${missingPermission.action} on ${missingPermission.scope}; granted by ${missingPermission.grantedBy.join(', ')}`);
				}
			}
		}
		const dependencies = stepDependencies(plan);
		io.event?.({
			type: 'plan',
			scenario: scenario.id,
			title: plan.title,
			// after: the steps each one waits for (resolved), so a trace and the plan give the critical path.
			steps: plan.steps.map((step) => ({id: step.id, title: step.title, azCommand: step.azCommand, after: dependencies.get(step.id)})),
			preflight: checks,
		});
		if (!request.confirmed) {
			io.log('Nothing was written. Run with --yes (and without --dry-run) to carry out the plan.');
			return exitCodes.done;
		}

		const session = resumed ?? context.store.create(context.mode);
		if (resumed) io.log(`Resuming session ${session.id}: steps it finished are not done again; the rest start with their check.`);
		session.saveChoices({
			subscription: {id: subscription.subscriptionId, name: subscription.name},
			workspace: {id: workspace.id, name: workspace.name, resourceGroup: workspace.resourceGroup},
			scenarioId: scenario.id,
			scenarioTitle: scenario.title,
			answers,
			planConfirmed: true,
		});
		session.setStatus('running');
		const onEvent = (event: StepEvent) => {
			if (event.state !== 'running' || event.phase === 'apply') io.event?.({type: 'step', ...event});
			const title = plan.steps.find((step) => step.id === event.stepId)?.title ?? event.stepId;
			if (event.state === 'done') io.log(`✔ ${title}`);
			else if (event.state === 'skipped') io.log(`↷ ${title}: already done (${event.detail ?? ''})`);
			else if (event.state === 'failed') io.log(`✖ ${title}: ${event.error?.code}: ${event.error?.message}`);
			else if (event.state === 'running' && event.message) io.log(`… ${title}: ${event.message}`);
		};
		const result: RunResult = await runPlan(plan, {journal: session, onEvent, ...(context.runTiming ? {timing: context.runTiming} : {})});
		session.setStatus(result.outcome === 'completed' ? 'completed' : 'failed');
		const summary = scenario.summarize(facts, answers, result);
		const files = filesOf(plan, result);
		io.event?.({type: 'summary', outcome: result.outcome, sessionId: session.id, ...summary, files});
		// What to do next once it worked; after a failure, only how to get past it (below).
		if (result.outcome === 'completed') for (const line of summary.nextSteps) io.log(`→ ${line}`);
		for (const file of files) io.log(`file: ${file}`);
		const failed = result.steps.find((step) => step.state === 'failed');
		if (!failed) return exitCodes.done;
		io.log(`→ ${nextStepForCommand(failed.error!)}`);
		io.log(
			`Session ${session.id} is saved: resume with aml-identity run --resume ${session.id} --yes, or in the wizard with aml-identity${context.mode === 'demo' ? ' demo' : ''} --resume ${session.id}`,
		);
		return resumableCodes.has(failed.error?.code ?? '') ? exitCodes.stoppedResumably : exitCodes.stepFailed;
	} catch (error) {
		if (error instanceof InputProblem) {
			io.log(error.message);
			io.event?.({type: 'error', code: 'BadInput', message: error.message});
			return exitCodes.badInput;
		}
		const failure = toAzureFailure(error);
		io.log(`${failure.code}: ${failure.message}\n→ ${nextStepForCommand(failure)}`);
		io.event?.({type: 'error', ...failure});
		return exitCodes.stepFailed;
	}
}

/**
 * `aml-identity export`: builds the plan as a run would (same flags, same answers, same checks) and
 * writes it as an az CLI script with its YAML files into request.outputDirectory. Changes nothing in
 * Azure. Returns the exit code.
 */
export async function exportHeadless(request: ExportRequest, context: Pick<HeadlessContext, 'gateway' | 'signedInUser'>, io: HeadlessIo): Promise<number> {
	try {
		const {plan, subscription, workspace, notes} = await buildPlanFromRequest(request, context);
		for (const note of notes) io.log(`Note: ${note}`);
		const paths = await writeExport(plan, request.outputDirectory, {
			subscription: {id: subscription.subscriptionId, name: subscription.name},
			workspace: {name: workspace.name, resourceGroup: workspace.resourceGroup},
			...(request.generatedAt ? {generatedAt: request.generatedAt} : {}),
			...(request.overwrite ? {overwrite: true} : {}),
		});
		for (const path of paths) io.log(`file: ${path}`);
		io.log(`Read it, then run it: bash ${paths[0]}`);
		io.event?.({type: 'export', scenario: plan.scenarioId, files: paths});
		return exitCodes.done;
	} catch (error) {
		if (error instanceof InputProblem || error instanceof ExportFileExistsError) {
			const message = error instanceof ExportFileExistsError ? `${error.message} Use another --output directory, or --force.` : error.message;
			io.log(message);
			io.event?.({type: 'error', code: 'BadInput', message});
			return exitCodes.badInput;
		}
		const failure = toAzureFailure(error);
		io.log(`${failure.code}: ${failure.message}\n→ ${nextStepForCommand(failure)}`);
		io.event?.({type: 'error', ...failure});
		return exitCodes.stepFailed;
	}
}
