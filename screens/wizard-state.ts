import type {WorkspaceSummary} from '../src/azure/gateway.js';
import type {RunResult} from '../src/plan/runner.js';
import type {Answers, Preparation} from '../src/scenarios/scenario.js';
import type {SessionReview} from '../src/session/resume.js';
import type {SessionRecord} from '../src/session/session-store.js';

export type ScreenName = 'welcome' | 'sessions' | 'resume' | 'undo' | 'subscription' | 'workspace' | 'scenario' | 'options' | 'plan' | 'run' | 'summary';

export interface WizardState {
	readonly screen: ScreenName;
	readonly subscription?: {readonly id: string; readonly name: string};
	readonly workspace?: WorkspaceSummary;
	readonly scenarioId?: string;
	readonly preparation?: Preparation;
	readonly answers: Answers;
	readonly runResult?: RunResult;
	/** Bumped to start a fresh run of the same plan (retry). */
	readonly runAttempt: number;
	/** The saved session opened on the Sessions screen, as it stands now. */
	readonly review?: SessionReview;
	/** A resumed session whose workspace is gone keeps its scenario for the workspace chosen instead. */
	readonly keptScenarioId?: string;
	/** The saved session being undone (from the Sessions screen). */
	readonly undoing?: SessionRecord;
}

export type WizardAction =
	| {readonly type: 'start'}
	| {readonly type: 'show-sessions'}
	| {readonly type: 'undo'; readonly record: SessionRecord}
	| {readonly type: 'session-opened'; readonly review: SessionReview}
	| {
			readonly type: 'choose-another-workspace';
			readonly subscription: {readonly id: string; readonly name: string};
			readonly scenarioId?: string;
	  }
	| {
			readonly type: 'resumed';
			readonly subscription: {readonly id: string; readonly name: string};
			readonly workspace: WorkspaceSummary;
			readonly scenarioId?: string;
			readonly answers: Answers;
			readonly planConfirmed: boolean;
			/** The scenario as prepared when the session was opened: the plan shown there is the plan run. */
			readonly preparation?: Preparation;
	  }
	| {readonly type: 'subscription-chosen'; readonly subscription: {readonly id: string; readonly name: string}}
	| {readonly type: 'workspace-chosen'; readonly workspace: WorkspaceSummary}
	| {readonly type: 'scenario-chosen'; readonly scenarioId: string}
	| {readonly type: 'prepared'; readonly preparation: Preparation}
	| {readonly type: 'answered'; readonly questionId: string; readonly value: boolean | string}
	| {readonly type: 'questions-complete'}
	| {readonly type: 'plan-confirmed'}
	| {readonly type: 'run-finished'; readonly result: RunResult}
	| {readonly type: 'retry'}
	| {readonly type: 'back'};

export const initialWizardState: WizardState = {screen: 'welcome', answers: {}, runAttempt: 0};
/** Launched with --resume: the saved sessions first. */
export const sessionsWizardState: WizardState = {...initialWizardState, screen: 'sessions'};

/** The wizard's whole navigation: pure, so it is tested without rendering anything. */
export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
	switch (action.type) {
		case 'start':
			return {...initialWizardState, screen: 'subscription'};
		case 'show-sessions':
			return sessionsWizardState;
		case 'undo':
			return {...initialWizardState, undoing: action.record, screen: 'undo'};
		case 'session-opened':
			return {...initialWizardState, review: action.review, screen: 'resume'};
		case 'choose-another-workspace':
			return {
				...initialWizardState,
				subscription: action.subscription,
				...(action.scenarioId ? {keptScenarioId: action.scenarioId} : {}),
				screen: 'workspace',
			};
		case 'resumed': {
			const {subscription, workspace, answers} = action;
			if (!action.scenarioId) return {...initialWizardState, subscription, workspace, screen: 'scenario'};
			return {
				...initialWizardState,
				subscription,
				workspace,
				scenarioId: action.scenarioId,
				answers,
				...(action.preparation ? {preparation: action.preparation} : {}),
				screen: action.planConfirmed ? 'run' : 'options',
			};
		}
		case 'subscription-chosen':
			return {...initialWizardState, subscription: action.subscription, screen: 'workspace'};
		case 'workspace-chosen':
			// The scenario of a session whose workspace is gone carries over to the workspace chosen instead.
			if (state.keptScenarioId) {
				const {keptScenarioId: scenarioId, ...rest} = state;
				return {...rest, workspace: action.workspace, scenarioId, preparation: undefined, answers: {}, screen: 'options'};
			}
			return {...state, workspace: action.workspace, scenarioId: undefined, preparation: undefined, answers: {}, screen: 'scenario'};
		case 'scenario-chosen':
			return {...state, scenarioId: action.scenarioId, preparation: undefined, answers: {}, screen: 'options'};
		case 'prepared':
			return {...state, preparation: action.preparation};
		case 'answered':
			return {...state, answers: {...state.answers, [action.questionId]: action.value}};
		case 'questions-complete':
			return {...state, screen: 'plan'};
		case 'plan-confirmed':
			return {...state, screen: 'run', runResult: undefined};
		case 'run-finished':
			return {...state, runResult: action.result, screen: 'summary'};
		case 'retry':
			return {...state, runResult: undefined, runAttempt: state.runAttempt + 1, screen: 'run'};
		case 'back':
			return back(state);
	}
}

function back(state: WizardState): WizardState {
	switch (state.screen) {
		case 'sessions':
			return initialWizardState;
		case 'resume':
		case 'undo':
			return sessionsWizardState;
		case 'subscription':
			return {...state, screen: 'welcome'};
		case 'workspace':
			return {...state, screen: 'subscription'};
		case 'scenario':
			return {...state, screen: 'workspace'};
		case 'options': {
			// One question back at a time; from the first, out of the scenario.
			const last = lastAnswered(state);
			return last ? {...state, answers: withoutAnswer(state.answers, last)} : {...state, answers: {}, screen: 'scenario'};
		}
		case 'plan': {
			// Back to the last question, asked again; with none, back to the scenario list.
			const last = lastAnswered(state);
			return last
				? {...state, answers: withoutAnswer(state.answers, last), screen: 'options'}
				: {...state, answers: {}, screen: 'scenario'};
		}
		default:
			// Welcome has nowhere to go back to; a run cannot be backed out of; a summary is final.
			return state;
	}
}

function lastAnswered(state: WizardState): string | undefined {
	if (state.preparation?.kind !== 'ready') return undefined;
	const asked = state.preparation.questions(state.answers).filter((question) => state.answers[question.id] !== undefined);
	return asked.at(-1)?.id;
}

function withoutAnswer(answers: Answers, questionId: string): Answers {
	const {[questionId]: _removed, ...rest} = answers;
	return rest;
}
