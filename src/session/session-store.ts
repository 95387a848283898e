import {randomUUID} from 'node:crypto';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Conf from 'conf';
import type {StepJournal, StepJournalEntry} from '../plan/runner.js';
import {latestUnfinished, listSessionFiles, type SessionListing} from './session-files.js';

export type {SessionListing, UnreadableSession} from './session-files.js';

export type SessionMode = 'demo' | 'azure';
export type SessionStatus = 'choosing' | 'running' | 'completed' | 'failed' | 'undone';

/** What the user chose, saved the moment each choice is made. Never a token or a secret. */
export interface SessionChoices {
	readonly subscription?: {readonly id: string; readonly name: string};
	readonly workspace?: {readonly id: string; readonly name: string; readonly resourceGroup: string};
	readonly scenarioId?: string;
	/** The scenario's title, saved with its ID: the first frame names it without loading the scenarios. */
	readonly scenarioTitle?: string;
	readonly answers?: Readonly<Record<string, boolean | string>>;
	/** Set when the user confirmed the plan: a resumed session goes straight to the run. */
	readonly planConfirmed?: boolean;
	/** The Microsoft Entra tenant signed in to (Azure mode): resuming signs in to the same one. */
	readonly tenantId?: string;
}

/** The plan as the user confirmed it: what the Sessions screen shows for a session without asking Azure. */
export interface PlanOutline {
	readonly title: string;
	readonly steps: readonly {readonly id: string; readonly title: string}[];
}

/** A journal set aside when the session was planned again: its step IDs may name other things now. */
export interface ReplacedJournal {
	readonly replacedAt: string;
	readonly reason: string;
	readonly steps: Readonly<Record<string, StepJournalEntry>>;
}

export interface SessionRecord {
	readonly id: string;
	readonly mode: SessionMode;
	readonly createdAt: string;
	readonly updatedAt: string;
	readonly status: SessionStatus;
	readonly choices: SessionChoices;
	readonly steps: Readonly<Record<string, StepJournalEntry>>;
	/** The journal of undoing this session, kept apart so the record of what it changed stays intact. */
	readonly undoSteps?: Readonly<Record<string, StepJournalEntry>>;
	readonly plan?: PlanOutline;
	readonly replacedJournals?: readonly ReplacedJournal[];
}


/**
 * One file per session (conf writes atomically), so a damaged file costs one session, never all.
 */
export class SessionStore {
	readonly directory: string;

	constructor(directory: string) {
		this.directory = directory;
	}

	#file(id: string): Conf<SessionRecord> {
		mkdirSync(this.directory, {recursive: true});
		return new Conf<SessionRecord>({
			cwd: this.directory,
			configName: `session-${id}`,
			accessPropertiesByDotNotation: false,
			configFileMode: 0o600,
		});
	}

	create(mode: SessionMode, now = new Date()): Session {
		const id = `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
		const record: SessionRecord = {
			id,
			mode,
			createdAt: now.toISOString(),
			updatedAt: now.toISOString(),
			status: 'choosing',
			choices: {},
			steps: {},
		};
		const file = this.#file(id);
		file.store = record;
		return new Session(file);
	}

	open(id: string): Session {
		const file = this.#file(id);
		if (file.get('id') !== id) throw new Error(`No saved session ${id} in ${this.directory}.`);
		return new Session(file);
	}

	list(): SessionListing {
		return listSessionFiles(this.directory);
	}

	/**
	 * The most recent session worth resuming in this mode (demo sessions resume in demo mode):
	 * not completed, and with at least a subscription chosen.
	 */
	latestUnfinished(mode: SessionMode, sessions: readonly SessionRecord[] = this.list().sessions): SessionRecord | undefined {
		return latestUnfinished(mode, sessions);
	}

	/** Forgets a session (one the user quit before choosing anything). */
	/**
	 * Claims a session for this process until it exits: a second aml-identity on the same session
	 * (a wizard resumed twice, run --resume beside the wizard, an undo) refuses instead of racing.
	 * A claim left by a process that is gone (killed) is taken over.
	 */
	claim(id: string): void {
		mkdirSync(this.directory, {recursive: true});
		const path = join(this.directory, `session-${id}.lock`);
		try {
			writeFileSync(path, String(process.pid), {flag: 'wx', mode: 0o600});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = Number(readFileSync(path, 'utf8').trim());
			if (holder !== process.pid && isRunning(holder)) throw new SessionInUseError(id, holder);
			writeFileSync(path, String(process.pid), {mode: 0o600});
		}
		heldClaims.add(path);
		releaseClaimsOnExit();
	}

	/** Gives a claimed session back (the claim also ends when the process exits). */
	release(id: string): void {
		const path = join(this.directory, `session-${id}.lock`);
		if (!heldClaims.delete(path)) return;
		rmSync(path, {force: true});
	}

	delete(id: string): void {
		rmSync(join(this.directory, `session-${id}.json`), {force: true});
	}

	/** A saved session by ID, or undefined when there is none or it cannot be read. */
	find(id: string): SessionRecord | undefined {
		try {
			const record = this.#file(id).store;
			return record.id === id ? record : undefined;
		} catch {
			return undefined;
		}
	}
}

/** Another aml-identity process has the session open. */
export class SessionInUseError extends Error {
	readonly code = 'SessionInUse';
	constructor(
		readonly sessionId: string,
		readonly pid: number,
	) {
		super(`Session ${sessionId} is open in another aml-identity (process ${pid}). Finish or quit that one first, then try again.`);
	}
}

const heldClaims = new Set<string>();

let releasesOnExit = false;

/** One exit hook for the whole process, however many sessions it claims and gives back. */
function releaseClaimsOnExit(): void {
	if (releasesOnExit) return;
	releasesOnExit = true;
	process.once('exit', () => {
		for (const path of heldClaims) rmSync(path, {force: true});
		heldClaims.clear();
	});
}

function isRunning(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it runs, as another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export class Session implements StepJournal {
	readonly #file: Conf<SessionRecord>;

	constructor(file: Conf<SessionRecord>) {
		this.#file = file;
	}

	get record(): SessionRecord {
		return this.#file.store;
	}

	get id(): string {
		return this.record.id;
	}

	#update(change: Partial<SessionRecord>): void {
		this.#file.store = {...this.record, ...change, updatedAt: new Date().toISOString()};
	}

	/** Merges choices; a key given as undefined is forgotten (the user went back and chose again). */
	saveChoices(choices: Partial<SessionChoices>): void {
		const merged: Record<string, unknown> = {...this.record.choices};
		for (const [key, value] of Object.entries(choices)) {
			if (value === undefined) delete merged[key];
			else merged[key] = value;
		}
		this.#update({choices: merged as SessionChoices});
	}

	setStatus(status: SessionStatus): void {
		this.#update({status});
	}

	clearSteps(): void {
		this.#update({steps: {}});
	}

	savePlan(plan: PlanOutline): void {
		this.#update({plan: {title: plan.title, steps: plan.steps.map(({id, title}) => ({id, title}))}});
	}

	/**
	 * Planned again (an answer no longer held, the workspace is gone): the runner trusts the journal
	 * by step ID, and a generic ID ("acr-pull") may now mean another resource, so the old journal is
	 * kept aside rather than trusted. Every step of the new plan is checked before it writes anyway.
	 */
	replaceJournal(reason: string): void {
		const {steps, replacedJournals = []} = this.record;
		const {plan: _plan, ...rest} = this.record;
		const kept = Object.keys(steps).length > 0 ? [...replacedJournals, {replacedAt: new Date().toISOString(), reason, steps}] : replacedJournals;
		this.#file.store = {...rest, steps: {}, replacedJournals: kept, updatedAt: new Date().toISOString()};
	}

	read(): Readonly<Record<string, StepJournalEntry>> {
		return this.record.steps;
	}

	write(stepId: string, entry: StepJournalEntry): void {
		this.#update({steps: {...this.record.steps, [stepId]: entry}});
	}

	/** Where undoing the session journals its own steps (so an interrupted undo resumes too). */
	undoJournal(): StepJournal {
		return {
			read: () => this.record.undoSteps ?? {},
			write: (stepId, entry) => this.#update({undoSteps: {...this.record.undoSteps, [stepId]: entry}}),
		};
	}
}
