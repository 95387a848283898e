import {describe, expect, it} from 'vitest';
import type {WorkspaceSummary} from '../../src/azure/gateway.js';
import {initialWizardState, sessionsWizardState, wizardReducer, type WizardState} from '../../screens/wizard-state.js';
import type {SessionReview} from '../../src/session/resume.js';

const workspace: WorkspaceSummary = {
	id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
	name: 'w',
	resourceGroup: 'rg',
	subscriptionId: 's',
	location: 'eastus',
	identity: {type: 'SystemAssigned', principalId: 'p', userAssigned: []},
};
const subscription = {id: 's', name: 'Contoso'};

function walk(...actions: Parameters<typeof wizardReducer>[1][]): WizardState {
	return actions.reduce(wizardReducer, initialWizardState);
}

describe('wizardReducer', () => {
	it('walks welcome → subscription → workspace → scenario → options → plan → run → summary', () => {
		const screens = [
			{type: 'start'},
			{type: 'subscription-chosen', subscription},
			{type: 'workspace-chosen', workspace},
			{type: 'scenario-chosen', scenarioId: 'x'},
			{type: 'questions-complete'},
			{type: 'plan-confirmed'},
			{type: 'run-finished', result: {outcome: 'completed', steps: []}},
		].map((_, index, all) => walk(...(all.slice(0, index + 1) as Parameters<typeof wizardReducer>[1][])).screen);
		expect(screens).toEqual(['subscription', 'workspace', 'scenario', 'options', 'plan', 'run', 'summary']);
	});

	it('goes back one screen at a time with Esc, forgetting the answers it leaves', () => {
		let state = walk(
			{type: 'start'},
			{type: 'subscription-chosen', subscription},
			{type: 'workspace-chosen', workspace},
			{type: 'scenario-chosen', scenarioId: 'x'},
			{type: 'prepared', preparation: {kind: 'ready', facts: {}, findings: [], questions: () => [{kind: 'confirm', id: 'q', prompt: 'p', yesLabel: 'y', noLabel: 'n', requiredYes: true}]}},
			{type: 'answered', questionId: 'q', value: true},
			{type: 'questions-complete'},
		);
		expect(state.screen).toBe('plan');
		state = wizardReducer(state, {type: 'back'});
		expect(state).toMatchObject({screen: 'options', answers: {}});
		state = wizardReducer(state, {type: 'back'});
		expect(state.screen).toBe('scenario');
		state = wizardReducer(state, {type: 'back'});
		expect(state.screen).toBe('workspace');
		state = wizardReducer(state, {type: 'back'});
		expect(state.screen).toBe('subscription');
		state = wizardReducer(state, {type: 'back'});
		expect(state.screen).toBe('welcome');
	});

	it('from a plan without questions, goes back to the scenario list', () => {
		const state = walk(
			{type: 'start'},
			{type: 'subscription-chosen', subscription},
			{type: 'workspace-chosen', workspace},
			{type: 'scenario-chosen', scenarioId: 'x'},
			{type: 'prepared', preparation: {kind: 'ready', facts: {}, findings: [], questions: () => []}},
			{type: 'questions-complete'},
			{type: 'back'},
		);
		expect(state.screen).toBe('scenario');
	});

	it('cannot go back from a running plan or a summary', () => {
		const running = walk({type: 'start'}, {type: 'subscription-chosen', subscription}, {type: 'workspace-chosen', workspace}, {type: 'scenario-chosen', scenarioId: 'x'}, {type: 'plan-confirmed'});
		expect(wizardReducer(running, {type: 'back'})).toBe(running);
	});

	it('resumes a session at its plan, or straight into the run once the plan was confirmed', () => {
		const base = {type: 'resumed', subscription, workspace, scenarioId: 'x', answers: {q: true}} as const;
		expect(walk({...base, planConfirmed: false})).toMatchObject({screen: 'options', answers: {q: true}});
		expect(walk({...base, planConfirmed: true}).screen).toBe('run');
		expect(walk({type: 'resumed', subscription, workspace, answers: {}, planConfirmed: false}).screen).toBe('scenario');
	});

	it('choosing another workspace forgets the scenario and its answers', () => {
		const state = walk(
			{type: 'start'},
			{type: 'subscription-chosen', subscription},
			{type: 'workspace-chosen', workspace},
			{type: 'scenario-chosen', scenarioId: 'x'},
			{type: 'answered', questionId: 'q', value: true},
			{type: 'back'},
			{type: 'back'},
			{type: 'workspace-chosen', workspace: {...workspace, name: 'other'}},
		);
		expect(state).toMatchObject({screen: 'scenario', answers: {}, scenarioId: undefined});
	});

	it('with several questions, Esc takes back one answer at a time', () => {
		const questions = () => [
			{kind: 'select', id: 'compute', prompt: 'Which compute?', choices: []},
			{kind: 'text', id: 'name', prompt: 'Name?'},
		] as const;
		let state = walk(
			{type: 'start'},
			{type: 'subscription-chosen', subscription},
			{type: 'workspace-chosen', workspace},
			{type: 'scenario-chosen', scenarioId: 'x'},
			{type: 'prepared', preparation: {kind: 'ready', facts: {}, findings: [], questions}},
			{type: 'answered', questionId: 'compute', value: 'new'},
			{type: 'answered', questionId: 'name', value: 'gpu'},
			{type: 'questions-complete'},
		);
		state = wizardReducer(state, {type: 'back'});
		expect(state).toMatchObject({screen: 'options', answers: {compute: 'new'}});
		state = wizardReducer(state, {type: 'back'});
		expect(state).toMatchObject({screen: 'options', answers: {}});
		state = wizardReducer(state, {type: 'back'});
		expect(state.screen).toBe('scenario');
	});
});

describe('wizardReducer, saved sessions', () => {
	const record = {id: 'r', mode: 'demo', createdAt: 't', updatedAt: 't', status: 'running', choices: {}, steps: {}} as const;
	const review: SessionReview = {kind: 'finished', record, rows: []};

	it('Sessions → overview; Esc from the overview is the list, Esc from the list is Welcome', () => {
		const opened = [{type: 'show-sessions'}, {type: 'session-opened', review}] as const;
		expect(walk(...opened)).toMatchObject({screen: 'resume', review});
		expect(wizardReducer(walk(...opened), {type: 'back'})).toEqual(sessionsWizardState);
		expect(wizardReducer(sessionsWizardState, {type: 'back'})).toEqual(initialWizardState);
	});

	it('a session whose workspace is gone keeps its scenario for the workspace chosen instead, without its answers', () => {
		const state = walk({type: 'choose-another-workspace', subscription, scenarioId: 'compute-acr-pull'}, {type: 'workspace-chosen', workspace});
		expect(state).toMatchObject({screen: 'options', subscription, workspace, scenarioId: 'compute-acr-pull', answers: {}});
		expect(state.keptScenarioId).toBeUndefined();
	});

	it('a resumed confirmed plan runs with the preparation the overview showed', () => {
		const preparation = {kind: 'ready', facts: {}, findings: [], questions: () => []} as const;
		const state = walk({type: 'resumed', subscription, workspace, scenarioId: 'x', answers: {a: true}, planConfirmed: true, preparation});
		expect(state).toMatchObject({screen: 'run', preparation, answers: {a: true}});
	});
});
