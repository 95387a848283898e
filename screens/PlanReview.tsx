import {Box, Text} from 'ink';
import type {Plan} from '../src/plan/plan.js';
import {Footer} from './components/Footer.js';
import {keyHints, useNavigationKeys} from './keys.js';

export interface PlanReviewProps {
	readonly plan: Plan;
	readonly onConfirm: () => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function PlanReview({plan, onConfirm, onBack, onQuit}: PlanReviewProps) {
	useNavigationKeys({onBack, onQuit, onKey: (_input, key) => key.return && onConfirm()});
	return (
		<Box flexDirection="column">
			<Text bold>Plan: {plan.title}</Text>
			<Text dimColor>Each step checks first and writes only what is missing, then verifies.</Text>
			{(plan.caveats ?? []).map((caveat) => (
				<Box key={caveat} marginTop={1}>
					<Text color="yellow">⚠ </Text>
					<Text color="yellow">{caveat}</Text>
				</Box>
			))}
			{plan.steps.map((step, index) => (
				<Box key={step.id} flexDirection="column" marginTop={1}>
					<Text>
						{index + 1}. {step.title}
					</Text>
					<Box flexDirection="column" paddingLeft={3}>
						<Text dimColor>
							{step.target.kind}: {step.target.name}
						</Text>
						{step.azCommand ? <Text color="gray">$ {step.azCommand}</Text> : null}
						{step.note ? <Text dimColor>{step.note}</Text> : null}
					</Box>
				</Box>
			))}
			<Footer hints={['Enter run the plan', keyHints.back, keyHints.quit]} />
		</Box>
	);
}
