import {describe, expect, it} from 'vitest';
import {
	filterItems,
	filterListKey,
	filterListReducer,
	initialFilterListState,
	matchesFilter,
	type FilterListState,
} from '../../../screens/components/filter-list-state.js';

describe('filter list', () => {
	it('collects typed text after "/" and erases with backspace', () => {
		const state = [
			{type: 'start-filter'},
			{type: 'type', text: 'p'},
			{type: 'type', text: 'rx'},
			{type: 'erase'},
		].reduce((current, action) => filterListReducer(current, action as Parameters<typeof filterListReducer>[1]), initialFilterListState);
		expect(state).toEqual({isFiltering: true, filter: 'pr'});
		expect(filterListReducer(state, {type: 'accept'})).toEqual({isFiltering: false, filter: 'pr'});
		expect(filterListReducer(state, {type: 'cancel'})).toEqual(initialFilterListState);
	});

	it('matches case-insensitively on any of the texts', () => {
		expect(matchesFilter('PROD', 'Contoso ML Production')).toBe(true);
		expect(matchesFilter('eastus', 'mlw-fraud-prod', 'rg · eastus')).toBe(true);
		expect(matchesFilter('west', 'mlw-fraud-prod', 'rg · eastus')).toBe(false);
		expect(matchesFilter('  ', 'anything')).toBe(true);
	});
});

describe('filter list keys, each applied to the state the key before left', () => {
	const none = {};
	const type = (state: FilterListState, ...inputs: string[]) => inputs.reduce((current, input) => filterListKey(current, input, none), state);

	it('starts on "/" (with anything read with it), types, erases, accepts and cancels', () => {
		expect(type(initialFilterListState, '/', 'S', 'c')).toEqual({isFiltering: true, filter: 'Sc'});
		expect(type(initialFilterListState, '/fr')).toEqual({isFiltering: true, filter: 'fr'});
		expect(type(initialFilterListState, 'S')).toBe(initialFilterListState); // not filtering: the list's key
		const typed = type(initialFilterListState, '/', 'fra');
		expect(filterListKey(typed, '', {backspace: true})).toEqual({isFiltering: true, filter: 'fr'});
		expect(filterListKey(typed, '', {return: true})).toEqual({isFiltering: false, filter: 'fra'});
		expect(filterListKey(typed, '', {downArrow: true})).toEqual({isFiltering: false, filter: 'fra'});
		expect(filterListKey(typed, '', {escape: true})).toEqual(initialFilterListState);
		expect(filterListKey(typed, 'u', {ctrl: true})).toBe(typed);
		expect(filterListKey(typed, 'u\u007F\u0001d', none)).toEqual({isFiltering: true, filter: 'frad'});
	});
});

describe('filterItems over 2,000 rows', () => {
	const items = Array.from({length: 2000}, (_, index) => ({
		value: `/subscriptions/s/resourceGroups/rg-${index % 7}/workspaces/mlw-${index}`,
		label: `mlw-${['Fraud', 'churn', 'vision'][index % 3]}-${index}`,
		...(index % 2 ? {detail: `rg-${index % 7} · EastUS`} : {}),
	}));

	it('keeps what matchesFilter keeps, in order, and returns the same array for an empty filter', () => {
		for (const filter of ['fraud', 'FRAUD-1', 'eastus', 'rg-3', ' churn ', 'nothing']) {
			expect(filterItems(items, filter)).toEqual(items.filter((item) => matchesFilter(filter, item.label, item.detail)));
		}
		expect(filterItems(items, '')).toBe(items);
		expect(filterItems(items, '   ')).toBe(items);
	});
});
