import type {AzureGateway, WorkspaceSummary} from '../azure/gateway.js';
import type {Plan} from '../plan/plan.js';
import type {RunResult} from '../plan/runner.js';
import type {ReplicationTiming} from '../steps/role-assignment.js';

/** Where in the source documents (../shared/seeds/) a scenario's procedure comes from. */
export interface DocumentSource {
	readonly document: string;
	/** The heading as the document has it (word for word, so it can be found there). */
	readonly section: string;
	/** The heading in English, for a document in another language. */
	readonly inEnglish?: string;
}

interface QuestionBase {
	readonly id: string;
	readonly prompt: string;
	/** A caveat shown above the question. */
	readonly warning?: string;
}

export interface ConfirmQuestion extends QuestionBase {
	readonly kind: 'confirm';
	readonly yesLabel: string;
	readonly noLabel: string;
	/** When true, answering no means the scenario cannot go on: the user goes back. */
	readonly requiredYes: boolean;
}

export interface Choice {
	readonly value: string;
	readonly label: string;
	readonly detail?: string;
}

export interface SelectQuestion extends QuestionBase {
	readonly kind: 'select';
	readonly choices: readonly Choice[];
}

export interface TextQuestion extends QuestionBase {
	readonly kind: 'text';
	readonly defaultValue?: string;
	/** A problem with the value, naming it and the fix; undefined when it is fine. */
	validate?(value: string): string | undefined;
	/** The same, asking Azure (is a name free?); runs after validate passes. */
	check?(value: string): Promise<string | undefined>;
}

export type Question = ConfirmQuestion | SelectQuestion | TextQuestion;
export type Answers = Readonly<Record<string, boolean | string>>;

export interface ScenarioContext {
	readonly gateway: AzureGateway;
	readonly workspace: WorkspaceSummary;
	/** Where generated files (environment definitions) go. */
	readonly outputDirectory: string;
	/** Who is signed in (for scenarios that grant the user's own identity access). */
	readonly signedInUser?: {readonly name: string; readonly objectId?: string};
	/** How long to wait out identity replication; tests shorten it. */
	readonly replicationTiming?: ReplicationTiming;
}

/** What a scenario found when it read the workspace before planning. */
export type Preparation<Facts = unknown> =
	| {
			readonly kind: 'blocked';
			readonly reason: string;
			readonly nextSteps: readonly string[];
	  }
	| {
			readonly kind: 'ready';
			readonly facts: Facts;
			/** Plain sentences on what is there now, shown before the questions. */
			readonly findings: readonly string[];
			/** The questions to ask given the answers so far; the first unanswered one is asked next. */
			readonly questions: (answers: Answers) => readonly Question[];
	  };

export interface Summary {
	readonly changed: readonly string[];
	readonly alreadyInPlace: readonly string[];
	readonly nextSteps: readonly string[];
}

/** The files a run wrote or found already written: its file steps that did not fail. */
export function filesOf(plan: Plan, result: RunResult): string[] {
	return plan.steps
		.filter((step) => step.target.kind === 'File')
		.filter((step) => result.steps.some((outcome) => outcome.stepId === step.id && (outcome.state === 'done' || outcome.state === 'skipped')))
		.map((step) => step.target.name);
}

export interface Scenario<Facts = unknown> {
	readonly id: string;
	readonly title: string;
	readonly description: string;
	readonly source: DocumentSource;
	/** Where the documents disagree or warn: shown on the scenario and plan screens. */
	readonly caveat?: string;
	/**
	 * Every question ID it may ask ("#" stands for a number), asked or not: an answers file may
	 * carry a key that is not asked this time (what it answers is already settled), but not a typo.
	 */
	readonly answerKeys: readonly string[];
	prepare(context: ScenarioContext): Promise<Preparation<Facts>>;
	buildPlan(context: ScenarioContext, facts: Facts, answers: Answers): Plan;
	summarize(facts: Facts, answers: Answers, result: RunResult): Summary;
}

/** Whether a key is one of the scenario's question IDs. */
export function isAnswerKey(scenario: Pick<Scenario, 'answerKeys'>, key: string): boolean {
	return scenario.answerKeys.some((pattern) => new RegExp(`^${pattern.replace('#', '\\d+')}$`).test(key));
}

/** The first question still to answer, or undefined when all are answered. */
export function nextQuestion(questions: readonly Question[], answers: Answers): Question | undefined {
	return questions.find((question) => answers[question.id] === undefined);
}

/** Summary lines from step outcomes: what changed now, and what was already in place. */
export function outcomesSummary(result: RunResult): {changed: string[]; alreadyInPlace: string[]} {
	return {
		changed: result.steps.filter((step) => step.state === 'done' && !step.fromJournal).map((step) => `${step.title}.`),
		alreadyInPlace: result.steps
			.filter((step) => step.state === 'skipped' || (step.state === 'done' && step.fromJournal))
			.map((step) => `${step.title}: ${step.detail ?? 'already done'}.`),
	};
}
