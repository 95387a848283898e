import {useEffect, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {TextField} from './components/TextField.js';
import type {WorkspaceSummary} from '../src/azure/gateway.js';
import type {AzureFailure} from '../src/azure/errors.js';
import {nextQuestion, type Answers, type Preparation, type Question, type Scenario, type TextQuestion} from '../src/scenarios/scenario.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {SelectList} from './components/SelectList.js';
import {isCtrlC, keyHints, useNavigationKeys} from './keys.js';

export interface OptionsProps {
	readonly workspace: WorkspaceSummary;
	readonly scenario: Scenario;
	readonly preparation?: Preparation;
	readonly preparationFailure?: AzureFailure;
	readonly answers: Answers;
	readonly onAnswer: (questionId: string, value: boolean | string) => void;
	readonly onComplete: () => void;
	readonly onRetry: () => void;
	/** Esc: back to the previous question, or out of the scenario from the first one. */
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

function Warning({text}: {readonly text: string}) {
	return (
		<Box>
			<Box marginRight={1} flexShrink={0}>
				<Text color="yellow">⚠</Text>
			</Box>
			<Text color="yellow">{text}</Text>
		</Box>
	);
}

function TextAnswer({
	question,
	onAnswer,
	onBack,
	onQuit,
}: {
	readonly question: TextQuestion;
	readonly onAnswer: (value: string) => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}) {
	const [value, setValue] = useState(question.defaultValue ?? '');
	const [problem, setProblem] = useState<string | undefined>();
	const [isChecking, setChecking] = useState(false);

	// The text field owns letters: q is a letter here. Esc and Ctrl+C still navigate.
	useInput((input, key) => {
		if (isCtrlC(input, key)) onQuit('interrupt');
		else if (key.escape) onBack();
	});

	const submit = async (submitted: string) => {
		const trimmed = submitted.trim();
		const invalid = question.validate?.(trimmed);
		if (invalid) {
			setProblem(invalid);
			return;
		}
		if (question.check) {
			setChecking(true);
			setProblem(undefined);
			try {
				const refused = await question.check(trimmed);
				if (refused) {
					setProblem(refused);
					return;
				}
			} catch (error) {
				setProblem(`Could not check "${trimmed}": ${error instanceof Error ? error.message : String(error)}. Press Enter to try again.`);
				return;
			} finally {
				setChecking(false);
			}
		}
		onAnswer(trimmed);
	};

	return (
		<Box flexDirection="column">
			<Box>
				<Text color="cyan">› </Text>
				<TextField
					defaultValue={question.defaultValue ?? ''}
					onChange={setValue}
					onSubmit={(submitted) => void submit(submitted)}
					isDisabled={isChecking}
				/>
			</Box>
			{isChecking ? <Loading label={`Checking "${value.trim()}" with Azure…`} /> : null}
			{problem ? <Text color="red">✖ {problem}</Text> : null}
			<Footer hints={['Enter confirm', keyHints.back, 'Ctrl+C quit']} />
		</Box>
	);
}

function QuestionView(props: {
	readonly question: Question;
	readonly onAnswer: (value: boolean | string) => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}) {
	const {question, onAnswer, onBack} = props;
	return (
		<Box flexDirection="column" marginTop={1}>
			{question.warning ? <Warning text={question.warning} /> : null}
			<Text bold>{question.prompt}</Text>
			{question.kind === 'text' ? <TextAnswer key={question.id} question={question} onAnswer={onAnswer} onBack={onBack} onQuit={props.onQuit} /> : null}
			{question.kind === 'select' ? (
				<SelectList key={question.id} items={question.choices} onSelect={onAnswer} limit={10} />
			) : null}
			{question.kind === 'confirm' ? (
				<SelectList
					key={question.id}
					wrapRows
					items={[
						{value: 'no', label: question.noLabel},
						{value: 'yes', label: question.yesLabel},
					]}
					onSelect={(value) => {
						if (value === 'yes') onAnswer(true);
						else if (question.requiredYes) onBack();
						else onAnswer(false);
					}}
				/>
			) : null}
		</Box>
	);
}

/** How an answer reads: the chosen item's label, the typed text, or yes/no. */
function answerLabel(question: Question, value: boolean | string): string {
	if (question.kind === 'select') return question.choices.find((choice) => choice.value === value)?.label ?? String(value);
	if (question.kind === 'confirm') return value === true ? 'yes' : 'no';
	return String(value);
}

export function Options({workspace, scenario, preparation, preparationFailure, answers, onAnswer, onComplete, onRetry, onBack, onQuit}: OptionsProps) {
	const questions = preparation?.kind === 'ready' ? preparation.questions(answers) : [];
	const question = nextQuestion(questions, answers);
	const isComplete = preparation?.kind === 'ready' && !question;

	useEffect(() => {
		if (isComplete) onComplete();
	}, [isComplete, onComplete]);

	// A text question reads its own keys; everything else navigates here.
	useNavigationKeys({
		onBack,
		onQuit,
		isActive: question?.kind !== 'text',
		onKey: (input) => input === 'r' && preparationFailure && onRetry(),
	});

	return (
		<Box flexDirection="column">
			<Text bold>{scenario.title}</Text>
			{scenario.caveat ? <Warning text={scenario.caveat} /> : null}
			{!preparation && !preparationFailure ? <Loading label={`Reading ${workspace.name} to see what is in place…`} /> : null}
			{preparationFailure ? <FailureMessage title={`Could not read ${workspace.name}`} failure={preparationFailure} /> : null}
			{preparation?.kind === 'blocked' ? (
				<Box flexDirection="column">
					<Warning text={preparation.reason} />
					{preparation.nextSteps.map((step) => (
						<Box key={step}>
							<Box marginRight={1} flexShrink={0}>
								<Text>→</Text>
							</Box>
							<Text>{step}</Text>
						</Box>
					))}
				</Box>
			) : null}
			{preparation?.kind === 'ready' ? (
				<Box flexDirection="column">
					{preparation.findings.map((finding) => (
						<Box key={finding}>
							<Box marginRight={1} flexShrink={0}>
								<Text>•</Text>
							</Box>
							<Text>{finding}</Text>
						</Box>
					))}
					{questions
						.filter((asked) => answers[asked.id] !== undefined)
						.map((asked) => (
							<Text key={asked.id}>
								<Text color="green">✔ </Text>
								<Text dimColor>{asked.prompt} </Text>
								{answerLabel(asked, answers[asked.id]!)}
							</Text>
						))}
					{question ? (
						<QuestionView question={question} onAnswer={(value) => onAnswer(question.id, value)} onBack={onBack} onQuit={onQuit} />
					) : null}
				</Box>
			) : null}
			{question?.kind === 'text' ? null : (
				<Footer
					hints={[
						...(question ? [keyHints.move, keyHints.select] : []),
						...(preparationFailure ? [keyHints.retry] : []),
						keyHints.back,
						keyHints.quit,
					]}
				/>
			)}
		</Box>
	);
}
