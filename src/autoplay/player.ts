/**
 * Plays a tour on the wizard's own screens: reads each frame as text, moves the list pointer one
 * key at a time to the row it wants (so the audience sees the choice before it is made), dwells,
 * and presses Enter. Space pauses, an arrow skips the current dwell, q stops (see AutoplayControl).
 */
import type {Dwell, Tour, TourAction} from './tour.js';

/** What the player sees and types into: the wizard's frame as plain text, and its stdin. */
export interface AutoplayScreen {
	text(): string;
	/** Resolves at the next frame (or after timeoutMs). */
	nextFrame(timeoutMs: number): Promise<void>;
	send(keys: string): void;
	/** True once the wizard has exited (its last Enter finished the session). */
	isClosed(): boolean;
}

export class AutoplayStopped extends Error {
	readonly code = 'AutoplayStopped';
}

/** Pause, step and stop, from the presenter's keys; dwells wait on it. */
export class AutoplayControl {
	#paused = false;
	#stopped = false;
	#wake: (() => void) | undefined;
	readonly #listeners = new Set<() => void>();

	get isPaused(): boolean {
		return this.#paused;
	}

	get isStopped(): boolean {
		return this.#stopped;
	}

	togglePause(): void {
		this.#paused = !this.#paused;
		if (!this.#paused) this.#wake?.();
		this.#changed();
	}

	/** Ends the current dwell now, paused or not. */
	step(): void {
		this.#wake?.();
	}

	stop(): void {
		this.#stopped = true;
		this.#wake?.();
		this.#changed();
	}

	onChange(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Waits `ms`, longer while paused; a step ends it early. */
	async dwell(ms: number): Promise<void> {
		this.#throwIfStopped();
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				if (!this.#paused) finish();
			}, ms);
			const finish = () => {
				clearTimeout(timer);
				this.#wake = undefined;
				resolve();
			};
			this.#wake = finish;
		});
		this.#throwIfStopped();
	}

	#throwIfStopped(): void {
		if (this.#stopped) throw new AutoplayStopped('Autoplay was stopped.');
	}

	#changed(): void {
		for (const listener of this.#listeners) listener();
	}
}

export const autoplayKeys = {enter: '\r', up: '\u001B[A', down: '\u001B[B', erase: '\u007F'} as const;

/** How many paces each kind of dwell lasts. */
const dwellPaces: Record<Dwell, number> = {choice: 1, plan: 3, result: 4};
const scrollHint = /\d+ of \d+ · ↑↓ to scroll/;
const screenTimeoutMs = 60_000;

/** Whether a list line shows the row labelled `label` ("❯ label  detail"; a long label may wrap). */
export function isRow(line: string, label: string): boolean {
	if (!/^[❯ ] \S/.test(line)) return false;
	const row = line.slice(2).trimEnd();
	return row === label || row.startsWith(`${label}  `) || (row.length >= 30 && label.startsWith(row));
}

export interface PlayOptions {
	/** Seconds a choice is shown before it is made. */
	readonly pace: number;
	readonly control: AutoplayControl;
}

export async function playTour(tour: Tour, screen: AutoplayScreen, {pace, control}: PlayOptions): Promise<void> {
	const paceMs = pace * 1000;
	const until = async (accept: (text: string) => boolean, what: string): Promise<string> => {
		const deadline = Date.now() + screenTimeoutMs;
		for (;;) {
			if (control.isStopped) throw new AutoplayStopped('Autoplay was stopped.');
			const text = screen.text();
			if (accept(text)) return text;
			if (Date.now() > deadline) throw new Error(`Autoplay waited for ${what}, which did not appear. The screen shows:\n${text}`);
			await screen.nextFrame(250);
		}
	};
	/** Sends a key and waits for the screen to change; sends it again if a frame passes unchanged (a key before the listener is lost). */
	const press = async (key: string, changed: (text: string) => boolean, what: string) => {
		const deadline = Date.now() + screenTimeoutMs;
		for (;;) {
			screen.send(key);
			for (let frames = 0; frames < 8; frames++) {
				if (changed(screen.text()) || screen.isClosed()) return;
				await screen.nextFrame(250);
			}
			if (control.isStopped) throw new AutoplayStopped('Autoplay was stopped.');
			if (Date.now() > deadline) throw new Error(`Autoplay pressed a key for ${what} and the screen did not change:\n${screen.text()}`);
		}
	};

	for (const action of tour.actions) await play(action);

	async function play(action: TourAction): Promise<void> {
		if (action.kind === 'confirm') {
			const before = await until((text) => action.shows.test(text), String(action.shows));
			await control.dwell(paceMs * dwellPaces[action.dwell]);
			await press(autoplayKeys.enter, (text) => text !== before && !action.shows.test(text), 'Enter');
			return;
		}
		if (action.kind === 'type') {
			const field = (text: string) => text.split('\n').find((line) => line.startsWith('›'));
			const shown = await until((text) => field(text) !== undefined, 'a text field');
			const current = field(shown)!.replace(/^› ?/, '').trimEnd();
			await control.dwell(paceMs / 2);
			if (current !== action.text) {
				if (current) await press(autoplayKeys.erase.repeat(current.length), (text) => field(text)?.trimEnd() === '›', 'erasing the field');
				await press(action.text, (text) => field(text)?.includes(action.text) ?? false, `typing ${action.text}`);
			}
			await control.dwell(paceMs);
			const typed = screen.text();
			await press(autoplayKeys.enter, (text) => text !== typed, 'Enter');
			return;
		}
		const highlighted = (text: string) => text.split('\n').some((line) => line.startsWith('❯ ') && isRow(line, action.label));
		await until((text) => text.split('\n').some((line) => isRow(line, action.label)) || (scrollHint.test(text) && text.includes('❯ ')), `the row "${action.label}"`);
		while (!highlighted(screen.text())) {
			const lines = screen.text().split('\n');
			const pointer = lines.findIndex((line) => line.startsWith('❯ '));
			const target = lines.findIndex((line) => isRow(line, action.label));
			const key = target === -1 || target > pointer ? autoplayKeys.down : autoplayKeys.up;
			const from = `${pointer}:${lines[pointer]}`;
			await press(key, (text) => {
				const now = text.split('\n');
				const at = now.findIndex((line) => line.startsWith('❯ '));
				return `${at}:${now[at]}` !== from;
			}, `moving to "${action.label}"`);
			await control.dwell(paceMs / 4);
		}
		await control.dwell(paceMs * dwellPaces.choice);
		await press(autoplayKeys.enter, (text) => !highlighted(text), `choosing "${action.label}"`);
	}
}
