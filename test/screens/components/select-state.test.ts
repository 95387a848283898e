import {describe, expect, it} from 'vitest';
import {initialSelectState, selectReducer, type SelectAction} from '../../../screens/components/select-state.js';

function apply(count: number, limit: number, ...actions: SelectAction[]) {
	return actions.reduce(selectReducer, initialSelectState(count, limit));
}

describe('select state', () => {
	it('moves focus down and up, wrapping at both ends', () => {
		expect(apply(3, 8, {type: 'next'}, {type: 'next'}).focusIndex).toBe(2);
		expect(apply(3, 8, {type: 'next'}, {type: 'next'}, {type: 'next'}).focusIndex).toBe(0);
		expect(apply(3, 8, {type: 'previous'}).focusIndex).toBe(2);
	});

	it('scrolls the window of visible rows with the focus', () => {
		const down = apply(10, 3, {type: 'next'}, {type: 'next'}, {type: 'next'});
		expect(down).toMatchObject({focusIndex: 3, windowStart: 1});
		expect(selectReducer(down, {type: 'first'})).toMatchObject({focusIndex: 0, windowStart: 0});
		expect(selectReducer(down, {type: 'last'})).toMatchObject({focusIndex: 9, windowStart: 7});
	});

	it('records each selection with a new sequence number, so choosing the same row twice counts', () => {
		const once = apply(3, 8, {type: 'next'}, {type: 'select'});
		expect(once.selection).toEqual({index: 1, sequence: 1});
		expect(selectReducer(once, {type: 'select'}).selection).toEqual({index: 1, sequence: 2});
	});

	it('selects nothing in an empty list, and a reset starts a new list at its first row', () => {
		expect(apply(0, 8, {type: 'next'}, {type: 'select'}).selection).toBeUndefined();
		expect(selectReducer(apply(5, 2, {type: 'last'}), {type: 'reset', count: 2})).toMatchObject({focusIndex: 0, windowStart: 0, count: 2});
	});
});

describe('a list that grows (its next page arrived)', () => {
	it('keeps the focus and the window where they were', () => {
		let state = initialSelectState(3, 2);
		state = selectReducer(state, {type: 'next'});
		state = selectReducer(state, {type: 'next'});
		const grown = selectReducer(state, {type: 'grow', count: 10});
		expect(grown).toMatchObject({count: 10, focusIndex: 2, windowStart: 1});
		expect(selectReducer(grown, {type: 'next'}).focusIndex).toBe(3);
	});
});
