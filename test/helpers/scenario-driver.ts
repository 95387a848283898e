import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DEMO_TENANT} from '../../src/emulator/index.js';
import type {Plan} from '../../src/plan/plan.js';
import {runPlan, type RunResult, type StepJournal} from '../../src/plan/runner.js';
import {isAnswerKey, nextQuestion, type Answers, type Scenario, type ScenarioContext} from '../../src/scenarios/scenario.js';
import type {EmulatedAzure} from './emulated-azure.js';

export interface ScenarioRun {
	readonly context: ScenarioContext;
	/** Question IDs in the order the scenario asked them. */
	readonly asked: string[];
	readonly findings: readonly string[];
	readonly plan: Plan;
	readonly result: RunResult;
	readonly summary: ReturnType<Scenario['summarize']>;
}

/**
 * Drives a scenario headless as the screens would: prepare, answer each question it asks (and only
 * those: an unexpected question fails), plan, run. Text answers go through the question's checks.
 */
export async function runScenario(
	azure: EmulatedAzure,
	scenario: Scenario<any>,
	workspaceId: string,
	given: Answers,
	outputDirectory = mkdtempSync(join(tmpdir(), 'aml-identity-output-')),
	journal?: StepJournal,
): Promise<ScenarioRun> {
	const planned = await planScenario(azure, scenario, workspaceId, given, outputDirectory);
	const result = await runPlan(planned.plan, journal ? {journal} : {});
	return {...planned, result, summary: scenario.summarize(planned.facts, planned.answers, result)};
}

/** The same as runScenario up to the plan, which it does not run. */
export async function planScenario(
	azure: EmulatedAzure,
	scenario: Scenario<any>,
	workspaceId: string,
	given: Answers,
	outputDirectory = mkdtempSync(join(tmpdir(), 'aml-identity-output-')),
): Promise<Omit<ScenarioRun, 'result' | 'summary'> & {facts: unknown; answers: Answers}> {
	const workspace = await azure.gateway.getWorkspace(workspaceId);
	const context: ScenarioContext = {
		gateway: azure.gateway,
		workspace,
		outputDirectory,
		signedInUser: {name: DEMO_TENANT.user.name, objectId: DEMO_TENANT.user.objectId},
		replicationTiming: {waitMs: 3000, firstRetryMs: 50},
	};
	const preparation = await scenario.prepare(context);
	if (preparation.kind !== 'ready') throw new Error(`${scenario.id} is blocked: ${preparation.reason}`);
	const answers: Record<string, boolean | string> = {};
	const asked: string[] = [];
	for (let question = nextQuestion(preparation.questions(answers), answers); question; question = nextQuestion(preparation.questions(answers), answers)) {
		const value = given[question.id];
		if (value === undefined) throw new Error(`${scenario.id} asked "${question.id}" (${question.prompt}), which the test does not answer`);
		if (question.kind === 'text') {
			const problem = question.validate?.(String(value)) ?? (await question.check?.(String(value)));
			if (problem) throw new Error(`${scenario.id} refused ${question.id}=${String(value)}: ${problem}`);
		}
		if (question.kind === 'select' && !question.choices.some((choice) => choice.value === value)) {
			throw new Error(`${scenario.id} offers no "${String(value)}" for ${question.id}: ${question.choices.map((choice) => choice.value).join(', ')}`);
		}
		if (!isAnswerKey(scenario, question.id)) throw new Error(`${scenario.id} asked "${question.id}", which its answerKeys do not list`);
		answers[question.id] = value;
		asked.push(question.id);
	}
	const plan = scenario.buildPlan(context, preparation.facts, answers);
	return {context, asked, findings: preparation.findings, plan, facts: preparation.facts, answers};
}

export function states(result: RunResult): Record<string, string> {
	return Object.fromEntries(result.steps.map((step) => [step.stepId, step.error ? `${step.state}: ${step.error.code} ${step.error.message}` : step.state]));
}

/** A journal in memory, as a session keeps it on disk. */
export function memoryJournal(): StepJournal & {entries: Record<string, import('../../src/plan/runner.js').StepJournalEntry>} {
	const entries: Record<string, import('../../src/plan/runner.js').StepJournalEntry> = {};
	return {
		entries,
		read: () => ({...entries}),
		write: (stepId, entry) => {
			entries[stepId] = entry;
		},
	};
}
