import {describe, expect, it} from 'vitest';
import {filterListReducer, initialFilterListState, matchesFilter} from '../../../screens/components/filter-list-state.js';

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
