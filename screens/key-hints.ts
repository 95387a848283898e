// No ink here: the first frame (screens/first-frame.ts) is drawn before Ink is loaded.

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
