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
