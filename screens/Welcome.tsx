import {Box, Text} from 'ink';
import type {SignedInUser} from '../src/azure/credential.js';
import type {SessionRecord, UnreadableSession} from '../src/session/session-store.js';
import {findScenario} from '../src/scenarios/index.js';
import {Footer} from './components/Footer.js';
import {SelectList} from './components/SelectList.js';
import {useNavigationKeys} from './keys.js';
import {describeSession, sessionScenarioTitle, signedInParts, welcomeHints, welcomeItems, welcomeSubtitle, welcomeTitle} from './welcome-text.js';

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

export function Welcome({user, connectionLabel, signedInVia, unfinished, savedCount = 0, unreadable = [], onStart, onResume, onShowSessions, onQuit}: WelcomeProps) {
	useNavigationKeys({onQuit});
	const items = welcomeItems({
		...(unfinished ? {unfinished: {session: unfinished, description: describeSession(unfinished, sessionScenarioTitle(unfinished, (id) => findScenario(id)?.title))}} : {}),
		savedCount,
		unreadableCount: unreadable.length,
		canShowSessions: onShowSessions !== undefined,
	});
	const [signedInBefore, name, signedInAfter] = signedInParts(user, connectionLabel, signedInVia);
	return (
		<Box flexDirection="column">
			<Text bold>{welcomeTitle}</Text>
			<Text dimColor>{welcomeSubtitle}</Text>
			<Box marginY={1}>
				<Text>
					{signedInBefore}
					<Text bold>{name}</Text>
					{signedInAfter}
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
			<Footer hints={welcomeHints} />
		</Box>
	);
}
