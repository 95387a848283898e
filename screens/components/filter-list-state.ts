/** A list that filters as the user types after pressing "/". Pure state, tested without rendering. */
export interface FilterListState {
	readonly isFiltering: boolean;
	readonly filter: string;
}

export type FilterListAction =
	| {readonly type: 'start-filter'}
	| {readonly type: 'type'; readonly text: string}
	| {readonly type: 'erase'}
	| {readonly type: 'accept'}
	| {readonly type: 'cancel'};

export const initialFilterListState: FilterListState = {isFiltering: false, filter: ''};

export function filterListReducer(state: FilterListState, action: FilterListAction): FilterListState {
	switch (action.type) {
		case 'start-filter':
			return {...state, isFiltering: true};
		case 'type':
			return {...state, filter: state.filter + action.text};
		case 'erase':
			return {...state, filter: state.filter.slice(0, -1)};
		case 'accept':
			return {...state, isFiltering: false};
		case 'cancel':
			return initialFilterListState;
	}
}

export function matchesFilter(filter: string, ...texts: readonly (string | undefined)[]): boolean {
	const needle = filter.trim().toLowerCase();
	return needle === '' || texts.some((text) => text?.toLowerCase().includes(needle));
}

/** The parts of Ink's Key a filterable list reads. */
export interface FilterKey {
	readonly escape?: boolean;
	readonly return?: boolean;
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly backspace?: boolean;
	readonly delete?: boolean;
	readonly ctrl?: boolean;
	readonly meta?: boolean;
}

/**
 * One key read by the list, applied to the latest state (not to the state of the last render):
 * "/" and the letters typed right after it in the same moment all reach the filter.
 */
export function filterListKey(state: FilterListState, input: string, key: FilterKey): FilterListState {
	const typed = (current: FilterListState, text: string, printableOnly: boolean) => {
		let next = current;
		for (const character of text) {
			if (character === '\u007F' || character === '\b') next = filterListReducer(next, {type: 'erase'});
			else if (!printableOnly || character >= ' ') next = filterListReducer(next, {type: 'type', text: character});
		}
		return next;
	};
	if (!state.isFiltering) {
		// "/" starts the filter; anything typed with it in the same read is the filter's start.
		return input.startsWith('/') && !key.ctrl && !key.meta ? typed(filterListReducer(state, {type: 'start-filter'}), input.slice(1), false) : state;
	}
	if (key.escape) return filterListReducer(state, {type: 'cancel'});
	if (key.return || key.downArrow || key.upArrow) return filterListReducer(state, {type: 'accept'});
	if (key.backspace || key.delete) return filterListReducer(state, {type: 'erase'});
	if (input && !key.ctrl && !key.meta) return typed(state, input, true);
	return state;
}

const lowered = new WeakMap<object, readonly [string, string | undefined]>();

/**
 * The items that match the filter, in order; the same array when the filter is empty. Each item's
 * text is lowered once and kept (a page of 2,000 rows is not lowered again for every key).
 */
export function filterItems<T extends {readonly label: string; readonly detail?: string}>(items: readonly T[], filter: string): readonly T[] {
	const needle = filter.trim().toLowerCase();
	if (needle === '') return items;
	return items.filter((item) => {
		let texts = lowered.get(item);
		if (texts === undefined) {
			texts = [item.label.toLowerCase(), item.detail?.toLowerCase()];
			lowered.set(item, texts);
		}
		return texts[0].includes(needle) || (texts[1]?.includes(needle) ?? false);
	});
}
