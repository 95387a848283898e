import {useState} from 'react';
import {Box, Text} from 'ink';
import {toAzureFailure, type AzureFailure} from '../src/azure/errors.js';
import type {AzureGateway} from '../src/azure/gateway.js';
import {narrationForStep} from '../src/narration/narration.js';
import {commandLines, describeStepOrder, type Plan} from '../src/plan/plan.js';
import {preflight, type StepPreflight} from '../src/plan/preflight.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {NarrationText} from './components/NarrationText.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {useAsync} from './use-async.js';

export interface PlanReviewProps {
	readonly plan: Plan;
	readonly gateway: AzureGateway;
	readonly onConfirm: () => void;
	/** e: write the plan as an az script and its YAML files; returns the paths written (script first). */
	readonly onExport?: (overwrite: boolean) => Promise<readonly string[]>;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	/** Say under each step what Azure does and why (demo mode, --explain). */
	readonly isExplaining?: boolean;
	readonly onToggleExplaining?: () => void;
}

/** Plans longer than this get one cut line of explanation per step, so the review fits a terminal. */
const fullNarrationSteps = 4;

function lastSegments(scope: string): string {
	return scope.split('/').slice(-2).join('/');
}

function PreflightLine({result}: {readonly result?: StepPreflight}) {
	if (!result) return null;
	if (result.status === 'allowed') return <Text color="green">✔ you are allowed to do this</Text>;
	if (result.status === 'in-place') return <Text color="green">↷ already in place, so your permissions do not matter here: {result.detail}</Text>;
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

type ExportView = {readonly status: 'writing'} | {readonly status: 'written'; readonly paths: readonly string[]} | {readonly status: 'failed'; readonly failure: AzureFailure};

export function PlanReview({plan, gateway, onConfirm, onExport, onBack, onQuit, isExplaining = false, onToggleExplaining}: PlanReviewProps) {
	const [exported, setExported] = useState<ExportView | undefined>();
	const startExport = (overwrite: boolean) => {
		if (!onExport || exported?.status === 'writing') return;
		setExported({status: 'writing'});
		onExport(overwrite).then(
			(paths) => setExported({status: 'written', paths}),
			(error: unknown) => setExported({status: 'failed', failure: toAzureFailure(error)}),
		);
	};
	useNavigationKeys({
		onBack,
		onQuit,
		onKey: (input, key) => {
			if (key.return) onConfirm();
			else if (input === '?' && onToggleExplaining) onToggleExplaining();
			else if (input === 'e') startExport(false);
			else if (input === 'E' && exported?.status === 'failed' && exported.failure.code === 'ExportFileExists') startExport(true);
		},
	});
	const [checked] = useAsync(() => preflight(plan, gateway), `preflight:${plan.title}:${plan.steps.map((step) => step.id).join(',')}`);
	const results = checked.status === 'ready' ? checked.value : {};
	const denied = Object.values(results).filter((result) => result.status === 'denied').length;
	const order = describeStepOrder(plan);
	const isConcurrent = [...order.values()].some((when) => when !== '');
	return (
		<Box flexDirection="column">
			<Text bold>Plan: {plan.title}</Text>
			<Text dimColor>Each step checks first and writes only what is missing, then verifies.</Text>
			{isConcurrent ? <Text dimColor>"after": the steps it waits for · "with": the steps that may run at the same time.</Text> : null}
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
						{order.get(step.id) ? <Text dimColor>{` (${order.get(step.id)})`}</Text> : null}
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
						{isExplaining && narrationForStep(plan.scenarioId, step) ? (
							<NarrationText narration={narrationForStep(plan.scenarioId, step)!} isCompact={plan.steps.length > fullNarrationSteps} />
						) : null}
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
			{exported?.status === 'writing' ? <Loading label="Writing the az script and its files…" /> : null}
			{exported?.status === 'written' ? (
				<Text color="green">
					✔ Exported: {exported.paths[0]}
					{exported.paths.length > 1 ? ` and ${exported.paths.length - 1} file${exported.paths.length === 2 ? '' : 's'} beside it` : ''}
				</Text>
			) : null}
			{exported?.status === 'failed' ? (
				<Text color="red">
					✖ {exported.failure.message}
					{exported.failure.code === 'ExportFileExists' ? ' Press E to replace it.' : ''}
				</Text>
			) : null}
			<Footer
				hints={[
					'Enter run the plan',
					...(onExport ? ['e export as az script'] : []),
					...(onToggleExplaining ? [isExplaining ? '? hide explanations' : '? explain'] : []),
					keyHints.back,
					keyHints.quit,
				]}
			/>
		</Box>
	);
}
