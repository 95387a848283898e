import {useReducer, useState} from 'react';
import {Box, Text} from 'ink';
import type {RequestLog} from '../src/azure/request-log.js';
import {narrationFor, narrationForOutcome, narrationForStep} from '../src/narration/narration.js';
import type {RunResult} from '../src/plan/runner.js';
import type {Summary as ScenarioSummary} from '../src/scenarios/scenario.js';
import {behindStepReducer, initialBehindStep} from './behind-step-state.js';
import {BehindTheStep} from './components/BehindTheStep.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {NarrationText} from './components/NarrationText.js';
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
	/** For the explanations: what the outcome means and what to remember (demo mode, --explain). */
	readonly scenarioId?: string;
	readonly isExplaining?: boolean;
	readonly onToggleExplaining?: () => void;
	/** b: the requests behind each step. */
	readonly requestLog?: RequestLog;
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

/** Why each step went as it did (Azure had done it, or had not), and what to remember. */
function Explanations({scenarioId, result}: {readonly scenarioId: string; readonly result: RunResult}) {
	const scenario = narrationFor(scenarioId);
	const outcomes = result.steps.flatMap((step) => {
		const narration = narrationForStep(scenarioId, {id: step.stepId});
		const text = narrationForOutcome(scenarioId, step);
		return narration && text ? [{key: step.stepId, narration, text}] : [];
	});
	if (!scenario && outcomes.length === 0) return null;
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold color="magenta">
				What happened in Azure
			</Text>
			{outcomes.map(({key, narration, text}) => (
				<Box key={key} paddingLeft={2}>
					<NarrationText narration={narration} text={text} />
				</Box>
			))}
			{scenario ? (
				<Box paddingLeft={2}>
					<NarrationText narration={scenario.takeaway} />
				</Box>
			) : null}
		</Box>
	);
}

export function Summary({
	title,
	result,
	summary,
	files,
	missingPermissions = [],
	onFinish,
	onRetry,
	onSaveAnswers,
	onQuit,
	scenarioId,
	isExplaining = false,
	onToggleExplaining,
	requestLog,
}: SummaryProps) {
	const [saved, setSaved] = useState<string | undefined>();
	const [behind, dispatchBehind] = useReducer(behindStepReducer, initialBehindStep);
	const failed = result.steps.find((step) => step.state === 'failed');
	// b opens on the failed step (steps ran at the same time: it need not be the last), else on the last.
	const lastRan = failed ? result.steps.indexOf(failed) : Math.max(0, result.steps.length - 1);
	useNavigationKeys({
		onQuit,
		onKey: (input, key) => {
			if (input === '?' && onToggleExplaining) onToggleExplaining();
			else if (input === 'b' && requestLog) dispatchBehind({type: 'toggle', defaultIndex: lastRan});
			else if (behind.isOpen && (key.upArrow || input === 'k')) dispatchBehind({type: 'move', delta: -1, count: result.steps.length});
			else if (behind.isOpen && (key.downArrow || input === 'j')) dispatchBehind({type: 'move', delta: 1, count: result.steps.length});
			else if (key.return) onFinish();
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
			{isExplaining && scenarioId ? <Explanations scenarioId={scenarioId} result={result} /> : null}
			{behind.isOpen && requestLog && result.steps[behind.index] ? (
				<BehindTheStep
					step={{id: result.steps[behind.index]!.stepId, title: result.steps[behind.index]!.title}}
					position={{index: behind.index, count: result.steps.length}}
					requestLog={requestLog}
				/>
			) : null}
			{saved ? (
				<Box marginTop={1}>
					<Text color="cyan">{saved}</Text>
				</Box>
			) : null}
			<Footer
				hints={[
					keyHints.finish,
					...(failed ? [keyHints.retry] : []),
					...(onSaveAnswers ? ['s save answers'] : []),
					...(behind.isOpen ? ['↑↓ step', 'b hide requests'] : requestLog ? ['b requests behind the steps'] : []),
					...(onToggleExplaining ? [isExplaining ? '? hide explanations' : '? explain'] : []),
					keyHints.quit,
				]}
			/>
		</Box>
	);
}
