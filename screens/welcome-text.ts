// What the Welcome screen says, with no ink or react: the Ink screen (Welcome.tsx) and the first
// frame drawn before Ink has loaded (first-frame.ts) both read it, so the two cannot drift apart.
import type {SignedInUser} from '../src/azure/credential.js';
import type {SessionRecord} from '../src/session/session-store.js';
import {keyHints} from './key-hints.js';

export const welcomeTitle = 'Set up managed identities for Azure Machine Learning';
export const welcomeSubtitle = 'Guided, verified, resumable steps from the Azure documentation.';
export const welcomeHints = [keyHints.move, keyHints.select, keyHints.quit] as const;

/** The scenario's title as the session saved it, else as the scenarios say (titleOf); undefined when neither knows. */
export function sessionScenarioTitle(session: SessionRecord, titleOf?: (scenarioId: string) => string | undefined): string | undefined {
	const {scenarioId, scenarioTitle} = session.choices;
	if (!scenarioId) return 'New setup';
	return scenarioTitle ?? titleOf?.(scenarioId);
}

export function describeSession(session: SessionRecord, scenarioTitle: string | undefined): string {
	const where = session.choices.workspace?.name ?? session.choices.subscription?.name ?? 'no workspace chosen yet';
	const stage = session.status === 'running' ? 'stopped during the run' : session.choices.planConfirmed ? 'plan confirmed' : session.choices.scenarioId ? 'at the plan' : 'choosing';
	return `${scenarioTitle ?? 'New setup'} · ${where} · ${stage}`;
}

export interface WelcomeMenu {
	/** The unfinished session and its description (describeSession), if there is one. */
	readonly unfinished?: {readonly session: SessionRecord; readonly description: string};
	readonly savedCount: number;
	readonly unreadableCount: number;
	readonly canShowSessions: boolean;
}

export function welcomeItems({unfinished, savedCount, unreadableCount, canShowSessions}: WelcomeMenu): {value: string; label: string}[] {
	return [
		...(unfinished ? [{value: 'resume', label: `Resume the unfinished session: ${unfinished.description}`}] : []),
		{value: 'start', label: 'Start a new setup'},
		...(canShowSessions && (savedCount > 0 || unreadableCount > 0) ? [{value: 'sessions', label: `Saved sessions (${savedCount})`}] : []),
		{value: 'quit', label: 'Quit'},
	];
}

/** "Signed in as NAME (account) via WAY · LABEL", as [before the name, the name, after it]. */
export function signedInParts(user: SignedInUser, connectionLabel: string, signedInVia?: string): [string, string, string] {
	return ['Signed in as ', user.name, `${user.account ? ` (${user.account})` : ''}${signedInVia ? ` via ${signedInVia}` : ''} · ${connectionLabel}`];
}
