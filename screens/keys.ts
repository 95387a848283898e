import {useInput, type Key} from 'ink';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** One character as Ink's useInput would have handed it alone (see ink/build/parse-keypress.js). */
function keyOf(character: string): [string, Key] {
	if (character === '\r') return ['', {...noKey, return: true}];
	if (character === '\t') return ['', {...noKey, tab: true}];
	if (character === '\b') return ['', {...noKey, backspace: true}];
	if (character === '\u007F') return ['', {...noKey, delete: true}];
	if (character === '\n') return ['', noKey];
	if (character <= '\u001A') return [String.fromCharCode(character.charCodeAt(0) + 96), {...noKey, ctrl: true}];
	return [character, {...noKey, shift: /^[A-Z]$/.test(character)}];
}

/**
 * Ink hands plain characters that arrived in one read as one input ("j\r"): keys typed while the
 * screens were loading (the first frame keeps them), or typed faster than a frame. Screens that act
 * on single keys get them one at a time, in order; escape sequences are Ink's already.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
	if (input.length <= 1 || input.includes('\u001B') || key.ctrl || key.meta) return [[input, key]];
	return [...input].map(keyOf);
}

/** useInput, with a run of typed-ahead characters split into keys (splitKeys). */
export function useKeys(handler: (input: string, key: Key) => void, options?: {readonly isActive?: boolean}): void {
	useInput((input, key) => {
		for (const [one, itsKey] of splitKeys(input, key)) handler(one, itsKey);
	}, options);
}

export {keyHints} from './key-hints.js';

export interface NavigationHandlers {
	readonly onBack?: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	/** false while a text field has the keyboard, so q types a letter instead of quitting. */
	readonly isActive?: boolean;
	readonly onKey?: (input: string, key: Key) => void;
}

export function isCtrlC(input: string, key: Key): boolean {
	return key.ctrl && input === 'c';
}

/** Esc goes back, q quits; Ctrl+C always quits (in raw mode it never raises SIGINT). */
export function useNavigationKeys({onBack, onQuit, isActive = true, onKey}: NavigationHandlers): void {
	useKeys((input, key) => {
		if (isCtrlC(input, key)) {
			onQuit('interrupt');
			return;
		}
		if (!isActive) return;
		if (key.escape && onBack) {
			onBack();
			return;
		}
		if (input === 'q' && !key.ctrl && !key.meta) {
			onQuit('quit');
			return;
		}
		onKey?.(input, key);
	});
}
