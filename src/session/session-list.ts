import type {SessionRecord} from './session-store.js';

/** Where a session stands, in the words the Sessions screen uses. */
export type SessionState = 'choosing' | 'planned' | 'interrupted' | 'failed' | 'completed' | 'undone';

export function sessionState(record: SessionRecord): SessionState {
	switch (record.status) {
		case 'completed':
			return 'completed';
		case 'undone':
			return 'undone';
		case 'failed':
			return 'failed';
		case 'running':
			// A session that says "running" but is being listed was stopped mid-run (quit, killed, crashed).
			return 'interrupted';
		case 'choosing':
			return record.choices.planConfirmed ? 'planned' : 'choosing';
	}
}

export function describeSessionState(record: SessionRecord): string {
	const state = sessionState(record);
	switch (state) {
		case 'completed':
			return 'completed';
		case 'undone':
			return 'undone: its changes were taken back';
		case 'failed': {
			const failed = Object.entries(record.steps).find(([, entry]) => entry.state === 'failed');
			return failed?.[1].error ? `stopped at a failed step (${failed[1].error.code})` : 'stopped at a failed step';
		}
		case 'interrupted':
			return 'interrupted during the run';
		case 'planned':
			return 'plan confirmed, not run yet';
		case 'choosing':
			if (!record.choices.subscription) return 'choosing: nothing chosen yet';
			if (!record.choices.workspace) return 'choosing a workspace';
			if (!record.choices.scenarioId) return 'choosing a scenario';
			return 'answering the questions';
	}
}

/** "just now", "5 min ago", "3 h ago"; older than a day, the date (UTC): "on 2026-01-05". */
export function describeWhen(iso: string, now: Date): string {
	const then = new Date(iso);
	const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
	if (Number.isNaN(minutes)) return 'at an unknown time';
	if (minutes < 1) return 'just now';
	if (minutes < 60) return `${minutes} min ago`;
	if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
	return `on ${then.toISOString().slice(0, 10)}`;
}

/** Sessions shown in this mode (demo sessions resume in demo mode), newest first. */
export function sessionsOfMode(sessions: readonly SessionRecord[], mode: SessionRecord['mode']): SessionRecord[] {
	return sessions.filter((session) => session.mode === mode).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
