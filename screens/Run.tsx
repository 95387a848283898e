import {useEffect, useReducer, useState} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {Plan} from '../src/plan/plan.js';
import {runPlan, type RunResult, type StepJournal} from '../src/plan/runner.js';
import {Footer} from './components/Footer.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {describeProgress, formatElapsed, initialRunView, runViewReducer, type StepView} from './run-state.js';

export interface RunProps {
	readonly plan: Plan;
	readonly journal?: StepJournal;
	readonly onFinished: (result: RunResult) => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
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

/** Shows any plan's run, live. The run keeps going on Azure's side if the user quits. */
export function Run({plan, journal, onFinished, onQuit}: RunProps) {
	const [steps, dispatch] = useReducer(runViewReducer, plan, initialRunView);
	const [now, setNow] = useState(Date.now());
	useNavigationKeys({onQuit});

	useEffect(() => {
		let mounted = true;
		void runPlan(plan, {...(journal ? {journal} : {}), onEvent: (event) => mounted && dispatch(event)}).then(
			(result) => mounted && onFinished(result),
		);
		return () => {
			mounted = false;
		};
	}, [plan, journal, onFinished]);

	const isRunning = steps.some((step) => step.state === 'running');
	useEffect(() => {
		if (!isRunning) return;
		const timer = setInterval(() => setNow(Date.now()), 100);
		return () => clearInterval(timer);
	}, [isRunning]);

	return (
		<Box flexDirection="column">
			<Text bold>Running: {plan.title}</Text>
			{steps.map((step) => (
				<StepRow key={step.id} step={step} now={now} />
			))}
			<Footer hints={['q quit (the session is saved; resume later)']} />
		</Box>
	);
}
