/**
 * An autoplay tour of one scenario as data: what a person would do on each screen, in order,
 * worked out from an answers file (examples/answers/<scenario>.yaml) by walking the scenario's
 * questions as the screens will ask them.
 */
import type {AzureGateway} from '../azure/gateway.js';
import {choiceValue} from '../headless/run.js';
import {splitAnswersFile} from '../headless/answers-file.js';
import {findScenario} from '../scenarios/index.js';
import {nextQuestion, type ScenarioContext} from '../scenarios/scenario.js';
import {createNew} from '../scenarios/shared.js';

/** How long to dwell, in units of the pace: a choice, the plan, a result. */
export type Dwell = 'choice' | 'plan' | 'result';

export type TourAction =
	/** Highlight the list row with this label, dwell, then Enter. */
	| {readonly kind: 'choose'; readonly label: string}
	/** Replace the text field's value with this text, dwell, then Enter. */
	| {readonly kind: 'type'; readonly text: string}
	/** Wait for the screen to show this, dwell, then Enter. */
	| {readonly kind: 'confirm'; readonly shows: RegExp; readonly dwell: Dwell};

export interface Tour {
	readonly scenarioId: string;
	readonly title: string;
	readonly actions: readonly TourAction[];
}

/** The screens' way through a scenario with an answers file's answers; throws naming what the file lacks. */
export async function buildTour(answersFile: Readonly<Record<string, unknown>>, gateway: AzureGateway, context: Omit<ScenarioContext, 'gateway' | 'workspace'>): Promise<Tour> {
	const {place, answers: given} = splitAnswersFile(answersFile);
	const scenario = place.scenario ? findScenario(place.scenario) : undefined;
	if (!scenario || !place.subscription || !place.workspace) throw new Error('The answers file needs scenario, subscription and workspace keys.');
	const subscription = (await gateway.listSubscriptions()).find((candidate) => candidate.name === place.subscription || candidate.subscriptionId === place.subscription);
	if (!subscription) throw new Error(`No subscription "${place.subscription}".`);
	const workspace = (await gateway.listWorkspaces(subscription.subscriptionId)).find((candidate) => candidate.name === place.workspace);
	if (!workspace) throw new Error(`No workspace "${place.workspace}" in ${subscription.name}.`);

	const actions: TourAction[] = [
		{kind: 'choose', label: 'Start a new setup'},
		{kind: 'choose', label: subscription.name},
		{kind: 'choose', label: workspace.name},
		{kind: 'choose', label: scenario.title},
	];
	const preparation = await scenario.prepare({...context, gateway, workspace});
	if (preparation.kind === 'blocked') throw new Error(`${scenario.title}: ${preparation.reason}`);
	const answers: Record<string, boolean | string> = {};
	for (let question = nextQuestion(preparation.questions(answers), answers); question; question = nextQuestion(preparation.questions(answers), answers)) {
		const value = given[question.id];
		if (value === undefined) throw new Error(`The answers file does not answer "${question.id}" (${question.prompt}).`);
		if (question.kind === 'select') {
			// "new" with a name that exists now (an earlier tour made it): pick it, as a rerun would.
			const name = given[`${question.id}Name`];
			const existing = typeof name === 'string' ? question.choices.find((choice) => choice.value !== createNew && choice.label === name) : undefined;
			const chosen = existing?.value ?? choiceValue(question, value);
			const choice = question.choices.find((candidate) => candidate.value === chosen);
			if (!choice) throw new Error(`"${question.id}": ${String(value)} is not offered.`);
			actions.push({kind: 'choose', label: choice.label});
			answers[question.id] = choice.value;
		} else if (question.kind === 'confirm') {
			actions.push({kind: 'choose', label: value === true ? question.yesLabel : question.noLabel});
			answers[question.id] = value === true;
		} else {
			actions.push({kind: 'type', text: String(value)});
			answers[question.id] = String(value);
		}
	}
	actions.push({kind: 'confirm', shows: /Enter run the plan/, dwell: 'plan'}, {kind: 'confirm', shows: /Enter finish/, dwell: 'result'});
	return {scenarioId: scenario.id, title: scenario.title, actions};
}
