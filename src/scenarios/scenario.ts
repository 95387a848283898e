import type {AzureGateway, WorkspaceSummary} from '../azure/gateway.js';
import type {Plan} from '../plan/plan.js';
import type {RunResult} from '../plan/runner.js';

/** Where in the source documents (../shared/seeds/) a scenario's procedure comes from. */
export interface DocumentSource {
	readonly document: string;
	readonly section: string;
}

/** A question a scenario asks before it can plan; screens render any of them. */
export interface ConfirmQuestion {
	readonly kind: 'confirm';
	readonly id: string;
	readonly prompt: string;
	readonly warning?: string;
	readonly yesLabel: string;
	readonly noLabel: string;
	/** When true, answering no means the scenario cannot go on: the user goes back. */
	readonly requiredYes: boolean;
}

export type Question = ConfirmQuestion;
export type Answers = Readonly<Record<string, boolean | string>>;

export interface ScenarioContext {
	readonly gateway: AzureGateway;
	readonly workspace: WorkspaceSummary;
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
			readonly questions: readonly Question[];
	  };

export interface Summary {
	readonly changed: readonly string[];
	readonly alreadyInPlace: readonly string[];
	readonly nextSteps: readonly string[];
}

export interface Scenario<Facts = unknown> {
	readonly id: string;
	readonly title: string;
	readonly description: string;
	readonly source: DocumentSource;
	prepare(context: ScenarioContext): Promise<Preparation<Facts>>;
	buildPlan(context: ScenarioContext, facts: Facts, answers: Answers): Plan;
	summarize(facts: Facts, result: RunResult): Summary;
}
