import {useInput, type Key} from 'ink';

/** The one table of keys every screen shares; hints in each footer come from here. */
export const keyHints = {
	move: '↑↓ move',
	select: 'Enter select',
	confirm: 'Enter confirm',
	filter: '/ filter',
	back: 'Esc back',
	quit: 'q quit',
	retry: 'r retry',
	finish: 'Enter finish',
	open: 'Enter open',
	continue: 'Enter continue',
	delete: 'd delete',
	undo: 'u undo',
} as const;

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
	useInput((input, key) => {
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
