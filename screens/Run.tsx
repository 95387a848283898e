import {useEffect, useReducer, useState} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {RequestLog} from '../src/azure/request-log.js';
import {narrationForOutcome, narrationForStep} from '../src/narration/narration.js';
import type {Plan} from '../src/plan/plan.js';
import {runPlan, type RunResult, type StepJournal} from '../src/plan/runner.js';
import {behindStepReducer, initialBehindStep} from './behind-step-state.js';
import {BehindTheStep} from './components/BehindTheStep.js';
import {Footer} from './components/Footer.js';
import {NarrationText} from './components/NarrationText.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {describeProgress, focusedStepIndex, formatElapsed, initialRunView, runViewReducer, type StepView} from './run-state.js';

export interface RunProps {
	readonly plan: Plan;
	readonly journal?: StepJournal;
	readonly onFinished: (result: RunResult) => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	/** Show what Azure does at the step under way (demo mode, --explain). */
	readonly isExplaining?: boolean;
	readonly onToggleExplaining?: () => void;
	/** b: the requests behind a step. */
	readonly requestLog?: RequestLog;
}

function StepRow({step, now}: {readonly step: StepView; readonly now: number}) {
	switch (step.state) {
		case 'pending':
			return <Text dimColor>· {step.title}</Text>;
		case 'running':
			return (
				<Text>
					<Text color="cyan">
						<Spinner type="dots" />
					</Text>{' '}
					{step.title} <Text dimColor>{`${describeProgress(step)} · ${formatElapsed(Math.max(0, now - (step.startedAt ?? now)))}`}</Text>
				</Text>
			);
		case 'done':
			return (
				<Text>
					<Text color="green">✔</Text> {step.title}{' '}
					<Text dimColor>{`done${step.elapsedMs === undefined ? ' earlier' : ` in ${formatElapsed(step.elapsedMs)}`}`}</Text>
				</Text>
			);
		case 'skipped':
			return (
				<Text>
					<Text color="green">↷</Text> {step.title} <Text dimColor>{`already done: ${step.detail ?? ''}`}</Text>
				</Text>
			);
		case 'failed':
			return (
				<Text>
					<Text color="red">✖</Text> {step.title} <Text color="red">{step.error?.code}</Text>
				</Text>
			);
	}
}

/** What the focused step does, or once it finished, what its outcome means. */
function StepNarration({scenarioId, step}: {readonly scenarioId: string; readonly step: StepView}) {
	const narration = narrationForStep(scenarioId, step);
	if (!narration) return null;
	const outcome = narrationForOutcome(scenarioId, {stepId: step.id, state: step.state});
	return (
		<Box paddingLeft={2}>
			<NarrationText narration={narration} {...(outcome ? {text: outcome} : {})} />
		</Box>
	);
}

/** Shows any plan's run, live. The run keeps going on Azure's side if the user quits. */
export function Run({plan, journal, onFinished, onQuit, isExplaining = false, onToggleExplaining, requestLog}: RunProps) {
	const [steps, dispatch] = useReducer(runViewReducer, plan, initialRunView);
	const [now, setNow] = useState(Date.now());
	const [behind, dispatchBehind] = useReducer(behindStepReducer, initialBehindStep);
	const focused = focusedStepIndex(steps);
	useNavigationKeys({
		onQuit,
		onKey: (input, key) => {
			if (input === '?' && onToggleExplaining) onToggleExplaining();
			else if (input === 'b' && requestLog) dispatchBehind({type: 'toggle', defaultIndex: focused});
			else if (key.upArrow || input === 'k') dispatchBehind({type: 'move', delta: -1, count: steps.length});
			else if (key.downArrow || input === 'j') dispatchBehind({type: 'move', delta: 1, count: steps.length});
		},
	});

	useEffect(() => {
		let mounted = true;
		void runPlan(plan, {
			...(journal ? {journal} : {}),
			onEvent: (event) => {
				requestLog?.observe(event);
				if (mounted) dispatch(event);
			},
		}).then(
			(result) => mounted && onFinished(result),
		);
		return () => {
			mounted = false;
		};
	}, [plan, journal, onFinished, requestLog]);

	const isRunning = steps.some((step) => step.state === 'running');
	useEffect(() => {
		if (!isRunning) return;
		const timer = setInterval(() => setNow(Date.now()), 100);
		return () => clearInterval(timer);
	}, [isRunning]);

	return (
		<Box flexDirection="column">
			<Text bold>Running: {plan.title}</Text>
			{steps.map((step, index) => (
				<Box key={step.id} flexDirection="column">
					<StepRow step={step} now={now} />
					{isExplaining && index === focused ? <StepNarration scenarioId={plan.scenarioId} step={step} /> : null}
				</Box>
			))}
			{behind.isOpen && requestLog && steps[behind.index] ? (
				<BehindTheStep step={steps[behind.index]!} position={{index: behind.index, count: steps.length}} requestLog={requestLog} />
			) : null}
			<Footer
				hints={[
					...(behind.isOpen ? ['↑↓ step', 'b hide requests'] : requestLog ? ['b requests behind the step'] : []),
					...(onToggleExplaining ? [isExplaining ? '? hide explanations' : '? explain'] : []),
					'q quit (the session is saved; resume later)',
				]}
			/>
		</Box>
	);
}
