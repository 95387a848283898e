import {Box, Text} from 'ink';
import type {SignedInUser} from '../src/azure/credential.js';
import type {SessionRecord, UnreadableSession} from '../src/session/session-store.js';
import {findScenario} from '../src/scenarios/index.js';
import {Footer} from './components/Footer.js';
import {SelectList} from './components/SelectList.js';
import {keyHints, useNavigationKeys} from './keys.js';

export interface WelcomeProps {
	readonly user: SignedInUser;
	readonly connectionLabel: string;
	/** "Azure CLI", "managed identity", …: how the user signed in. */
	readonly signedInVia?: string;
	readonly unfinished?: SessionRecord;
	/** Saved sessions of this mode: the Sessions screen is offered when there are any. */
	readonly savedCount?: number;
	/** Session files that could not be read and were set aside. */
	readonly unreadable?: readonly UnreadableSession[];
	readonly onStart: () => void;
	readonly onResume: (session: SessionRecord) => void;
	readonly onShowSessions?: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function describeSession(session: SessionRecord): string {
	const scenario = session.choices.scenarioId ? findScenario(session.choices.scenarioId)?.title : undefined;
	const where = session.choices.workspace?.name ?? session.choices.subscription?.name ?? 'no workspace chosen yet';
	const stage = session.status === 'running' ? 'stopped during the run' : session.choices.planConfirmed ? 'plan confirmed' : session.choices.scenarioId ? 'at the plan' : 'choosing';
	return `${scenario ?? 'New setup'} · ${where} · ${stage}`;
}

export function Welcome({user, connectionLabel, signedInVia, unfinished, savedCount = 0, unreadable = [], onStart, onResume, onShowSessions, onQuit}: WelcomeProps) {
	useNavigationKeys({onQuit});
	const items = [
		...(unfinished ? [{value: 'resume', label: `Resume the unfinished session: ${describeSession(unfinished)}`}] : []),
		{value: 'start', label: 'Start a new setup'},
		...(onShowSessions && (savedCount > 0 || unreadable.length > 0) ? [{value: 'sessions', label: `Saved sessions (${savedCount})`}] : []),
		{value: 'quit', label: 'Quit'},
	];
	return (
		<Box flexDirection="column">
			<Text bold>Set up managed identities for Azure Machine Learning</Text>
			<Text dimColor>Guided, verified, resumable steps from the Azure documentation.</Text>
			<Box marginY={1}>
				<Text>
					Signed in as <Text bold>{user.name}</Text>
					{user.account ? ` (${user.account})` : ''}
					{signedInVia ? ` via ${signedInVia}` : ''} · {connectionLabel}
				</Text>
			</Box>
			{unreadable.map((file) => (
				<Text key={file.path} color="yellow">
					⚠ A saved session could not be read and was set aside: {file.path} ({file.reason})
				</Text>
			))}
			<SelectList
				items={items}
				wrapRows
				onSelect={(value) => {
					if (value === 'resume' && unfinished) onResume(unfinished);
					else if (value === 'start') onStart();
					else if (value === 'sessions') onShowSessions?.();
					else onQuit('quit');
				}}
			/>
			<Footer hints={[keyHints.move, keyHints.select, keyHints.quit]} />
		</Box>
	);
}
