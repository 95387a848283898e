import {useEffect} from 'react';
import {Box, Text} from 'ink';
import type {WorkspaceSummary} from '../src/azure/gateway.js';
import type {AzureFailure} from '../src/azure/errors.js';
import type {Answers, Preparation, Scenario} from '../src/scenarios/scenario.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {SelectList} from './components/SelectList.js';
import {Loading} from './components/Loading.js';
import {keyHints, useNavigationKeys} from './keys.js';

export interface OptionsProps {
	readonly workspace: WorkspaceSummary;
	readonly scenario: Scenario;
	readonly preparation?: Preparation;
	readonly preparationFailure?: AzureFailure;
	readonly answers: Answers;
	readonly onAnswer: (questionId: string, value: boolean) => void;
	readonly onComplete: () => void;
	readonly onRetry: () => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function Options({workspace, scenario, preparation, preparationFailure, answers, onAnswer, onComplete, onRetry, onBack, onQuit}: OptionsProps) {
	const question =
		preparation?.kind === 'ready' ? preparation.questions.find((candidate) => answers[candidate.id] === undefined) : undefined;
	const isComplete = preparation?.kind === 'ready' && !question;

	useEffect(() => {
		if (isComplete) onComplete();
	}, [isComplete, onComplete]);

	useNavigationKeys({onBack, onQuit, onKey: (input) => input === 'r' && preparationFailure && onRetry()});

	return (
		<Box flexDirection="column">
			<Text bold>{scenario.title}</Text>
			{!preparation && !preparationFailure ? <Loading label={`Reading ${workspace.name} to see what is in place…`} /> : null}
			{preparationFailure ? <FailureMessage title={`Could not read ${workspace.name}`} failure={preparationFailure} /> : null}
			{preparation?.kind === 'blocked' ? (
				<Box flexDirection="column">
					<Box>
						<Text color="yellow">⚠ </Text>
						<Text color="yellow">{preparation.reason}</Text>
					</Box>
					{preparation.nextSteps.map((step) => (
						<Box key={step}>
							<Text>→ </Text>
							<Text>{step}</Text>
						</Box>
					))}
				</Box>
			) : null}
			{preparation?.kind === 'ready' ? (
				<Box flexDirection="column">
					{preparation.findings.map((finding) => (
						<Box key={finding}>
							<Text>• </Text>
							<Text>{finding}</Text>
						</Box>
					))}
					{question ? (
						<Box flexDirection="column" marginTop={1}>
							{question.warning ? (
								<Box>
									<Text color="yellow">⚠ </Text>
									<Text color="yellow">{question.warning}</Text>
								</Box>
							) : null}
							<Text bold>{question.prompt}</Text>
							<SelectList
								key={question.id}
								wrapRows
								items={[
									{value: 'no', label: question.noLabel},
									{value: 'yes', label: question.yesLabel},
								]}
								onSelect={(value) => {
									if (value === 'yes') onAnswer(question.id, true);
									else if (question.requiredYes) onBack();
									else onAnswer(question.id, false);
								}}
							/>
						</Box>
					) : null}
				</Box>
			) : null}
			<Footer
				hints={[
					...(question ? [keyHints.move, keyHints.select] : []),
					...(preparationFailure ? [keyHints.retry] : []),
					keyHints.back,
					keyHints.quit,
				]}
			/>
		</Box>
	);
}
