// Reading the sessions directory without conf: the first frame lists the saved sessions before
// anything heavy is loaded. A session file is conf's JSON; conf reads it with JSON.parse too.
import {existsSync, readdirSync, readFileSync, renameSync} from 'node:fs';
import {join} from 'node:path';
import type {SessionMode, SessionRecord} from './session-store.js';

export interface UnreadableSession {
	/** Where the damaged file was moved, so it no longer gets in the way (and can be inspected). */
	readonly path: string;
	readonly reason: string;
}

export interface SessionListing {
	readonly sessions: SessionRecord[];
	readonly unreadable: UnreadableSession[];
}

/** Every readable session, newest first; damaged files are set aside (renamed *.unreadable) and reported. */
export function listSessionFiles(directory: string): SessionListing {
	let names: string[];
	try {
		names = readdirSync(directory);
	} catch {
		return {sessions: [], unreadable: []};
	}
	const sessions: SessionRecord[] = [];
	const unreadable: UnreadableSession[] = [];
	for (const name of names) {
		if (!/^session-(.+)\.json$/.test(name)) continue;
		const from = join(directory, name);
		try {
			const record = JSON.parse(readFileSync(from, 'utf8')) as SessionRecord;
			if (record.id) sessions.push(record);
		} catch (error) {
			// Set the damaged file aside: it never takes the other sessions with it, nor crashes a later listing.
			const to = `${from}.unreadable`;
			try {
				renameSync(from, to);
			} catch {
				// Left in place if it cannot be moved; it is reported either way.
			}
			unreadable.push({path: existsSync(to) ? to : from, reason: error instanceof Error ? error.message : String(error)});
		}
	}
	sessions.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
	return {sessions, unreadable};
}

/**
 * The most recent session worth resuming in this mode (demo sessions resume in demo mode):
 * not completed, and with at least a subscription chosen.
 */
export function latestUnfinished(mode: SessionMode, sessions: readonly SessionRecord[]): SessionRecord | undefined {
	return sessions.find((session) => session.mode === mode && session.status !== 'completed' && session.choices.subscription !== undefined);
}
