import {Box, Text} from 'ink';
import type {AzureGateway} from '../src/azure/gateway.js';
import {commandLines, type Plan} from '../src/plan/plan.js';
import {preflight, type StepPreflight} from '../src/plan/preflight.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {useAsync} from './use-async.js';

export interface PlanReviewProps {
	readonly plan: Plan;
	readonly gateway: AzureGateway;
	readonly onConfirm: () => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

function lastSegments(scope: string): string {
	return scope.split('/').slice(-2).join('/');
}

function PreflightLine({result}: {readonly result?: StepPreflight}) {
	if (!result) return null;
	if (result.status === 'allowed') return <Text color="green">✔ you are allowed to do this</Text>;
	if (result.status === 'unknown') return <Text dimColor>? could not check your permissions: {result.reason}</Text>;
	return (
		<Box flexDirection="column">
			{result.missing.map((missing) => (
				<Box key={`${missing.scope}|${missing.action}`}>
					<Box marginRight={1} flexShrink={0}>
						<Text color="red">✖</Text>
					</Box>
					<Text color="red">
						you lack {missing.action} on {lastSegments(missing.scope)}; granted by {missing.grantedBy.join(', ')}
					</Text>
				</Box>
			))}
		</Box>
	);
}

export function PlanReview({plan, gateway, onConfirm, onBack, onQuit}: PlanReviewProps) {
	useNavigationKeys({onBack, onQuit, onKey: (_input, key) => key.return && onConfirm()});
	const [checked] = useAsync(() => preflight(plan, gateway), `preflight:${plan.title}:${plan.steps.map((step) => step.id).join(',')}`);
	const results = checked.status === 'ready' ? checked.value : {};
	const denied = Object.values(results).filter((result) => result.status === 'denied').length;
	return (
		<Box flexDirection="column">
			<Text bold>Plan: {plan.title}</Text>
			<Text dimColor>Each step checks first and writes only what is missing, then verifies.</Text>
			{(plan.caveats ?? []).map((caveat) => (
				<Box key={caveat} marginTop={1}>
					<Box marginRight={1} flexShrink={0}>
				<Text color="yellow">⚠</Text>
			</Box>
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
						{commandLines(step).map((line, lineIndex) => (
							<Text key={lineIndex} color="gray">
								$ {line}
							</Text>
						))}
						{step.note ? <Text dimColor>{step.note}</Text> : null}
						{step.requires?.length ? <PreflightLine {...(results[step.id] ? {result: results[step.id]} : {})} /> : null}
					</Box>
				</Box>
			))}
			<Box marginTop={1}>
				{checked.status === 'loading' ? <Loading label="Checking your permissions for each step…" /> : null}
				{denied > 0 ? (
					<Text color="yellow">
						⚠ {denied} step{denied === 1 ? '' : 's'} will likely fail with AuthorizationFailed: ask for the roles named above, or run the plan anyway.
					</Text>
				) : null}
			</Box>
			<Footer hints={['Enter run the plan', keyHints.back, keyHints.quit]} />
		</Box>
	);
}
