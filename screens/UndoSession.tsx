import {useCallback, useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {AzureGateway} from '../src/azure/gateway.js';
import {nextStepFor} from '../src/azure/next-steps.js';
import type {RunResult, StepJournal} from '../src/plan/runner.js';
import type {SessionRecord} from '../src/session/session-store.js';
import {sessionChanges, undoTitle} from '../src/undo/run-undo.js';
import {buildUndoPlan} from '../src/undo/undo-plan.js';
import {Footer} from './components/Footer.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {PlanReview} from './PlanReview.js';
import {Run} from './Run.js';

export interface UndoSessionProps {
	readonly record: SessionRecord;
	readonly gateway: AzureGateway;
	/** Where the undo journals its steps (apart from the session's own), so a stopped undo resumes; opened once. */
	readonly openJournal: () => StepJournal;
	readonly onFinished: (result: RunResult) => void;
	/** Back to the saved sessions. */
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

/**
 * Undo of a saved session with the wizard's own screens: the reversal plan on the plan review
 * (what cannot be undone and what is kept shown as its caveats), then the run screen, then the outcome.
 */
export function UndoSession({record, gateway, openJournal, onFinished, onBack, onQuit}: UndoSessionProps) {
	const undo = useMemo(() => buildUndoPlan(gateway, sessionChanges(record), undoTitle(record)), [gateway, record]);
	const [phase, setPhase] = useState<'review' | 'run' | 'done'>('review');
	const [result, setResult] = useState<RunResult | undefined>();
	// The run starts once: what it depends on must not change from one render to the next.
	const [journal] = useState(openJournal);
	const finishedCallback = useRef(onFinished);
	finishedCallback.current = onFinished;
	const finished = useCallback((outcome: RunResult) => {
		setResult(outcome);
		setPhase('done');
		finishedCallback.current(outcome);
	}, []);
	const caveats = [
		...undo.irreversible.map((change) => `Cannot be undone: ${change.label}: ${change.reason}.`),
		...undo.kept.map((kept) => `Kept: ${kept}.`),
	];

	if (undo.plan.steps.length === 0) return <NothingToUndo caveats={caveats} onBack={onBack} onQuit={onQuit} />;
	if (phase === 'review') {
		return <PlanReview plan={{...undo.plan, caveats}} gateway={gateway} onConfirm={() => setPhase('run')} onBack={onBack} onQuit={onQuit} />;
	}
	if (phase === 'run' || !result) {
		return (
			<Run plan={undo.plan} journal={journal} onFinished={finished} onQuit={onQuit} />
		);
	}
	return <UndoOutcome sessionId={record.id} result={result} onBack={onBack} onQuit={onQuit} />;
}

function NothingToUndo({caveats, onBack, onQuit}: {readonly caveats: readonly string[]; readonly onBack: () => void; readonly onQuit: UndoSessionProps['onQuit']}) {
	useNavigationKeys({onBack, onQuit, onKey: (_input, key) => key.return && onBack()});
	return (
		<Box flexDirection="column">
			<Text>Nothing to undo: this session changed nothing that undo can take back (what was already in place is never touched).</Text>
			{caveats.map((caveat) => (
				<Text key={caveat} color="yellow">
					⚠ {caveat}
				</Text>
			))}
			<Footer hints={[keyHints.back, keyHints.quit]} />
		</Box>
	);
}

function changesTakenBack(result: RunResult): string {
	const count = result.steps.filter((step) => step.state === 'done').length;
	return `${count} change${count === 1 ? '' : 's'}`;
}

function UndoOutcome({sessionId, result, onBack, onQuit}: {readonly sessionId: string; readonly result: RunResult; readonly onBack: () => void; readonly onQuit: UndoSessionProps['onQuit']}) {
	useNavigationKeys({onBack, onQuit, onKey: (_input, key) => key.return && onBack()});
	const failed = result.steps.find((step) => step.state === 'failed');
	return (
		<Box flexDirection="column">
			{failed?.error ? (
				<Box flexDirection="column">
					<Text color="red">
						✖ The undo stopped at “{failed.title}”: {failed.error.code}
					</Text>
					<Text>{failed.error.message}</Text>
					<Text>→ {nextStepFor(failed.error)} Then undo the session again: what is already reversed is skipped.</Text>
				</Box>
			) : (
				<Text color="green">✔ Session {sessionId} is undone: {changesTakenBack(result)} taken back.</Text>
			)}
			<Footer hints={['Enter back to the sessions', keyHints.quit]} />
		</Box>
	);
}
