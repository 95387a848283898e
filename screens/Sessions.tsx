import {useEffect, useReducer} from 'react';
import {Box, Text, useInput} from 'ink';
import type {AzureFailure} from '../src/azure/errors.js';
import {findScenario} from '../src/scenarios/index.js';
import {describeSessionState, describeWhen} from '../src/session/session-list.js';
import type {SessionRecord, UnreadableSession} from '../src/session/session-store.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {SelectList} from './components/SelectList.js';
import {isCtrlC, keyHints} from './keys.js';
import {initialSessionsState, sessionsReducer} from './sessions-state.js';

export interface SessionsProps {
	/** This mode's sessions, newest first. */
	readonly sessions: readonly SessionRecord[];
	/** Session files that could not be read and were set aside. */
	readonly unreadable: readonly UnreadableSession[];
	readonly now?: Date;
	/** The session being opened (its workspace read, its scenario prepared): keys wait meanwhile. */
	readonly openingId?: string;
	readonly openFailure?: AzureFailure;
	readonly onOpen: (session: SessionRecord) => void;
	/** Deletes the saved file only. */
	readonly onDelete: (session: SessionRecord) => void;
	/** When given, u undoes a finished or stopped session. */
	readonly onUndo?: (session: SessionRecord) => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function sessionTitle(session: SessionRecord): string {
	const scenarioId = session.choices.scenarioId;
	return (scenarioId ? findScenario(scenarioId)?.title : undefined) ?? 'no scenario yet';
}

function where(session: SessionRecord): string {
	const {workspace, subscription} = session.choices;
	return workspace ? `${workspace.name} (${workspace.resourceGroup})` : subscription ? `${subscription.name}, no workspace yet` : 'no workspace yet';
}

/** Undo takes back what a run did: offered for sessions whose run finished or stopped. */
function isUndoable(session: SessionRecord): boolean {
	return session.status === 'completed' || session.status === 'failed' || session.status === 'running';
}

export function Sessions({sessions, unreadable, now = new Date(), openingId, openFailure, onOpen, onDelete, onUndo, onBack, onQuit}: SessionsProps) {
	const [state, dispatch] = useReducer(sessionsReducer, initialSessionsState);
	const isBusy = openingId !== undefined;
	const find = (id: string | undefined) => sessions.find((session) => session.id === id);

	useInput((input, key) => {
		if (isCtrlC(input, key)) {
			onQuit('interrupt');
			return;
		}
		// While a session opens only Esc counts (back, leaving it unopened).
		if ((isBusy && !key.escape) || key.return || key.upArrow || key.downArrow) return;
		dispatch({
			type: 'key',
			input,
			isEscape: key.escape,
			...(onUndo ? {canUndo: (id: string) => Boolean(find(id) && isUndoable(find(id)!))} : {}),
		});
	});

	const sequence = state.request?.sequence;
	useEffect(() => {
		const asked = state.request;
		if (!asked) return;
		const session = find(asked.sessionId);
		if (asked.kind === 'back') onBack();
		else if (asked.kind === 'quit') onQuit('quit');
		else if (asked.kind === 'delete' && session) onDelete(session);
		else if (asked.kind === 'undo' && session) onUndo?.(session);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [sequence]);

	// A deleted or vanished row: the highlight moves to what the list shows.
	const ids = sessions.map((session) => session.id).join('\n');
	useEffect(() => {
		if (!find(state.highlightedId)) dispatch({type: 'highlight', sessionId: sessions[0]?.id});
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ids]);

	const confirming = find(state.confirmingDeleteId);
	const highlighted = find(state.highlightedId);
	const items = sessions.map((session) => ({
		value: session.id,
		label: sessionTitle(session),
		detail: `${where(session)} · ${describeSessionState(session)} · ${describeWhen(session.updatedAt, now)} · ${session.id}`,
	}));

	return (
		<Box flexDirection="column">
			<Text bold>Saved sessions</Text>
			<Text dimColor>Open one to see what was done and what is left, and carry on from there.</Text>
			<Box marginTop={1} flexDirection="column">
				{sessions.length === 0 ? (
					<Text>No saved sessions. A session is saved from the moment you choose a subscription: press Esc and choose "Start a new setup".</Text>
				) : (
					<SelectList
						items={items}
						wrapRows
						isFocused={!isBusy && !confirming}
						onHighlight={(sessionId) => dispatch({type: 'highlight', sessionId})}
						onSelect={(sessionId) => {
							const session = find(sessionId);
							if (session) onOpen(session);
						}}
					/>
				)}
			</Box>
			{unreadable.map((file) => (
				<Text key={file.path} color="yellow">
					⚠ Set aside, could not be read: {file.path} ({file.reason})
				</Text>
			))}
			{confirming ? (
				<Box marginTop={1} flexDirection="column">
					<Text color="yellow">
						Delete session {confirming.id} ({sessionTitle(confirming)} · {where(confirming)})?
					</Text>
					<Text>Only its saved file is deleted: nothing in Azure is touched, and it can no longer be resumed.</Text>
				</Box>
			) : null}
			{openingId ? <Loading label={`Opening session ${openingId}: reading its workspace as it is now…`} /> : null}
			{openFailure ? <FailureMessage title="Could not open the session" failure={openFailure} /> : null}
			<Footer
				hints={
					confirming
						? ['y delete', 'n keep it']
						: [
								...(sessions.length > 0 ? [keyHints.move, keyHints.open, keyHints.delete] : []),
								...(onUndo && highlighted && isUndoable(highlighted) ? [keyHints.undo] : []),
								keyHints.back,
								keyHints.quit,
							]
				}
			/>
		</Box>
	);
}
