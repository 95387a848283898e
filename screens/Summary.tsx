import {useState} from 'react';
import {Box, Text} from 'ink';
import type {RunResult} from '../src/plan/runner.js';
import type {Summary as ScenarioSummary} from '../src/scenarios/scenario.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {keyHints, useNavigationKeys} from './keys.js';

export interface SummaryProps {
	readonly title: string;
	readonly result: RunResult;
	readonly summary: ScenarioSummary;
	/** Generated files, by path. */
	readonly files: readonly string[];
	/** When a step was refused by Azure RBAC: what it needed and who grants it. */
	readonly missingPermissions?: readonly string[];
	readonly onFinish: () => void;
	readonly onRetry: () => void;
	/** Saves the answers as a file for `aml-identity run`; resolves to its path. */
	readonly onSaveAnswers?: () => Promise<string>;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

function Section({title, lines, color}: {readonly title: string; readonly lines: readonly string[]; readonly color?: string}) {
	if (lines.length === 0) return null;
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold color={color}>
				{title}
			</Text>
			{lines.map((line) => (
				<Box key={line} paddingLeft={2}>
					<Text>{line}</Text>
				</Box>
			))}
		</Box>
	);
}

export function Summary({title, result, summary, files, missingPermissions = [], onFinish, onRetry, onSaveAnswers, onQuit}: SummaryProps) {
	const [saved, setSaved] = useState<string | undefined>();
	const failed = result.steps.find((step) => step.state === 'failed');
	useNavigationKeys({
		onQuit,
		onKey: (input, key) => {
			if (key.return) onFinish();
			else if (input === 'r' && failed) onRetry();
			else if (input === 's' && onSaveAnswers) {
				onSaveAnswers().then(
					(path) => setSaved(`Saved the answers to ${path}: aml-identity run --answers ${path} --yes repeats this setup (change workspace: to run it elsewhere).`),
					(error: unknown) => setSaved(`Could not save the answers: ${error instanceof Error ? error.message : String(error)}`),
				);
			}
		},
	});
	return (
		<Box flexDirection="column">
			<Text bold color={failed ? 'red' : 'green'}>
				{failed ? '✖' : '✔'} {title}: {failed ? 'stopped at a failed step' : 'complete and verified'}
			</Text>
			{failed?.error ? (
				<Box marginTop={1}>
					<FailureMessage title={failed.title} failure={failed.error} />
				</Box>
			) : null}
			<Section title="The step needs" lines={missingPermissions} color="yellow" />
			<Section title="Changed" lines={summary.changed} color="green" />
			<Section title="Already in place" lines={summary.alreadyInPlace} />
			<Section title="Files written" lines={files} />
			<Section title="Next steps" lines={failed ? [] : summary.nextSteps} />
			{saved ? (
				<Box marginTop={1}>
					<Text color="cyan">{saved}</Text>
				</Box>
			) : null}
			<Footer hints={[keyHints.finish, ...(failed ? [keyHints.retry] : []), ...(onSaveAnswers ? ['s save answers'] : []), keyHints.quit]} />
		</Box>
	);
}
