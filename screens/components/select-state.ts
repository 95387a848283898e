/**
 * A single-choice list as a pure reducer. Key presses that arrive in one chunk (a paste, key
 * repeat, a slow ssh link) are applied one after another to the latest state, so "↓ ↓ Enter"
 * always selects the third item. (ink-select-input reads its index from the last render's
 * closure, so the same keys there select the first item.)
 */
export interface SelectState {
	readonly count: number;
	readonly limit: number;
	readonly focusIndex: number;
	/** First visible row of the window of `limit` rows. */
	readonly windowStart: number;
	/** Set by "select"; bumped on every select so the same choice made twice is still seen. */
	readonly selection?: {readonly index: number; readonly sequence: number};
}

export type SelectAction =
	| {readonly type: 'next'}
	| {readonly type: 'previous'}
	| {readonly type: 'first'}
	| {readonly type: 'last'}
	| {readonly type: 'select'}
	| {readonly type: 'reset'; readonly count: number; readonly focusIndex?: number}
	/** More rows arrived after the last (the next page): the focus stays where it is. */
	| {readonly type: 'grow'; readonly count: number};

export function initialSelectState(count: number, limit: number, focusIndex = 0): SelectState {
	return withWindow({count, limit, focusIndex: clamp(focusIndex, count), windowStart: 0});
}

export function selectReducer(state: SelectState, action: SelectAction): SelectState {
	switch (action.type) {
		case 'next':
			return withWindow({...state, focusIndex: state.count === 0 ? 0 : (state.focusIndex + 1) % state.count});
		case 'previous':
			return withWindow({...state, focusIndex: state.count === 0 ? 0 : (state.focusIndex - 1 + state.count) % state.count});
		case 'first':
			return withWindow({...state, focusIndex: 0});
		case 'last':
			return withWindow({...state, focusIndex: Math.max(0, state.count - 1)});
		case 'select':
			return state.count === 0
				? state
				: {...state, selection: {index: state.focusIndex, sequence: (state.selection?.sequence ?? 0) + 1}};
		case 'reset':
			return initialSelectState(action.count, state.limit, action.focusIndex ?? 0);
		case 'grow':
			return withWindow({...state, count: action.count});
	}
}

function clamp(index: number, count: number): number {
	return Math.min(Math.max(0, index), Math.max(0, count - 1));
}

/** Keeps the focused row inside the visible window, moving the window as little as possible. */
function withWindow(state: SelectState): SelectState {
	const {focusIndex, limit, count} = state;
	let windowStart = Math.min(state.windowStart, Math.max(0, count - limit));
	if (focusIndex < windowStart) windowStart = focusIndex;
	if (focusIndex >= windowStart + limit) windowStart = focusIndex - limit + 1;
	return {...state, windowStart};
}
