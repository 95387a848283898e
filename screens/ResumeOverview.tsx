import {Box, Text} from 'ink';
import type {Question} from '../src/scenarios/scenario.js';
import {findScenario} from '../src/scenarios/index.js';
import type {ResumeStepRow, SessionReview} from '../src/session/resume.js';
import {describeSessionState, describeWhen} from '../src/session/session-list.js';
import {Footer} from './components/Footer.js';
import {keyHints, useNavigationKeys} from './keys.js';

export interface ResumeOverviewProps {
	readonly review: SessionReview;
	readonly now?: Date;
	/** Enter: carry on (the run, the questions, another workspace); not offered for a completed session. */
	readonly onContinue: () => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

const marks: Record<ResumeStepRow['state'], {readonly mark: string; readonly color?: string}> = {
	done: {mark: '✔', color: 'green'},
	'in-place': {mark: '↷', color: 'green'},
	failed: {mark: '✖', color: 'red'},
	interrupted: {mark: '◌', color: 'yellow'},
	'to-do': {mark: '·'},
};

function rowNote(row: ResumeStepRow): string {
	switch (row.state) {
		case 'done':
			return `done earlier${row.detail ? `: ${row.detail}` : ''}`;
		case 'in-place':
			return `already in place${row.detail ? `: ${row.detail}` : ''}`;
		case 'failed':
			return `failed (${row.error?.code ?? 'unknown error'}): will be retried`;
		case 'interrupted':
			return 'was running when the session stopped: it is checked first, so nothing is done twice';
		case 'to-do':
			return 'to do';
	}
}

function StepRow({row}: {readonly row: ResumeStepRow}) {
	const {mark, color} = marks[row.state];
	return (
		<Box>
			<Box marginRight={1} flexShrink={0}>
				<Text color={color}>{mark}</Text>
			</Box>
			<Text>
				{row.title} <Text dimColor={row.state !== 'failed' && row.state !== 'interrupted'} color={row.state === 'failed' ? 'red' : row.state === 'interrupted' ? 'yellow' : undefined}>{rowNote(row)}</Text>
			</Text>
		</Box>
	);
}

function Bullet({mark = '•', color, text}: {readonly mark?: string; readonly color?: string; readonly text: string}) {
	return (
		<Box>
			<Box marginRight={1} flexShrink={0}>
				<Text color={color}>{mark}</Text>
			</Box>
			<Text>{text}</Text>
		</Box>
	);
}

function answerText(question: Question, value: boolean | string): string {
	if (question.kind === 'select') return question.choices.find((choice) => choice.value === value)?.label ?? String(value);
	if (question.kind === 'confirm') return value === true ? 'yes' : 'no';
	return String(value);
}

/** What a resumed session did and what is left, or what changed since, before it carries on. */
export function ResumeOverview({review, now = new Date(), onContinue, onBack, onQuit}: ResumeOverviewProps) {
	const {record} = review;
	const canContinue = review.kind !== 'finished';
	useNavigationKeys({onBack, onQuit, onKey: (_input, key) => key.return && canContinue && onContinue()});

	const scenario = record.choices.scenarioId ? findScenario(record.choices.scenarioId) : undefined;
	const {subscription, workspace} = record.choices;
	const left = review.kind === 'plan' ? review.rows.filter((row) => row.state !== 'done' && row.state !== 'in-place').length : 0;

	let body;
	let continueHint: string = keyHints.continue;
	switch (review.kind) {
		case 'plan':
		case 'finished':
			body = (
				<Box flexDirection="column">
					<Text bold>{review.kind === 'plan' ? `Plan: ${review.plan.title}` : review.title ? `Plan: ${review.title}` : 'Steps'}</Text>
					{review.rows.map((row) => (
						<StepRow key={row.stepId} row={row} />
					))}
					{review.kind === 'plan' && review.notInPlan.length > 0 ? (
						<Box flexDirection="column" marginTop={1}>
							<Text dimColor>From the plan as it was, no longer in it (kept in the session, not run again):</Text>
							{review.notInPlan.map((row) => (
								<StepRow key={row.stepId} row={row} />
							))}
						</Box>
					) : null}
					<Box marginTop={1}>
						{review.kind === 'finished' ? (
							<Text color="green">Completed: nothing is left to do.</Text>
						) : left === 0 ? (
							<Text>Every step is done: Enter finishes the run (nothing is written again).</Text>
						) : (
							<Text>
								{review.rows.length - left} of {review.rows.length} done; Enter carries on with the {left} left, each checked before it writes.
							</Text>
						)}
					</Box>
				</Box>
			);
			break;
		case 'answers-changed':
			continueHint = 'Enter answer again';
			body = (
				<Box flexDirection="column">
					<Text bold>What changed since the session was saved:</Text>
					{review.changes.map((change) => (
						<Bullet key={change.questionId} mark="✖" color="yellow" text={change.sentence} />
					))}
					<Box marginTop={1}>
						<Text>Rather than run a plan that would fail midway, the wizard asks again: the answers that still hold are kept, and the plan is made afresh for you to confirm.</Text>
					</Box>
				</Box>
			);
			break;
		case 'workspace-gone':
			continueHint = 'Enter choose another workspace';
			body = (
				<Box flexDirection="column">
					<Bullet mark="✖" color="yellow" text={`Workspace ${workspace?.name ?? '?'} (${workspace?.resourceGroup ?? '?'}) no longer exists (${review.failure.code}).`} />
					<Box marginTop={1}>
						<Text>
							Choose another workspace in {subscription?.name ?? 'the subscription'}
							{scenario ? `: the scenario (${scenario.title}) is kept, its questions are asked again.` : '.'}
						</Text>
					</Box>
				</Box>
			);
			break;
		case 'blocked':
			body = (
				<Box flexDirection="column">
					<Text bold>{scenario?.title ?? 'The scenario'} cannot go on in {review.workspace.name} as it is now:</Text>
					<Bullet mark="⚠" color="yellow" text={review.preparation.reason} />
					{review.preparation.nextSteps.map((step) => (
						<Bullet key={step} mark="→" text={step} />
					))}
					<Box marginTop={1}>
						<Text>Enter goes back to the scenario's questions; Esc there chooses another scenario.</Text>
					</Box>
				</Box>
			);
			break;
		case 'questions': {
			const questions = review.preparation.questions(review.answers).filter((question) => review.answers[question.id] !== undefined);
			body = (
				<Box flexDirection="column">
					<Text bold>Answered so far{questions.length === 0 ? ': nothing yet' : ''}</Text>
					{questions.map((question) => (
						<Bullet key={question.id} mark="✔" color="green" text={`${question.prompt} ${answerText(question, review.answers[question.id]!)}`} />
					))}
					<Box marginTop={1}>
						<Text>The plan was not confirmed yet: Enter carries on with the questions.</Text>
					</Box>
				</Box>
			);
			break;
		}
		case 'choosing':
			body = <Text>Enter carries on where the session stopped: {scenario ? 'the questions' : workspace ? 'choosing a scenario' : subscription ? 'choosing a workspace' : 'choosing a subscription'}.</Text>;
			break;
	}

	return (
		<Box flexDirection="column">
			<Text bold>
				Session {record.id} · {scenario?.title ?? 'no scenario yet'}
			</Text>
			<Text dimColor>
				{[subscription?.name, workspace ? `${workspace.name} (${workspace.resourceGroup})` : undefined, describeSessionState(record), `saved ${describeWhen(record.updatedAt, now)}`]
					.filter(Boolean)
					.join(' · ')}
			</Text>
			<Box marginTop={1} flexDirection="column">
				{body}
			</Box>
			<Footer hints={[...(canContinue ? [continueHint] : []), keyHints.back, keyHints.quit]} />
		</Box>
	);
}
