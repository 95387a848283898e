import {describe, expect, it} from 'vitest';
import {behindStepReducer, initialBehindStep} from '../../screens/behind-step-state.js';

describe('the behind-the-step panel state', () => {
	it('opens on the step the screen is about, moves within the plan, and closes', () => {
		let state = behindStepReducer(initialBehindStep, {type: 'move', delta: 1, count: 3});
		expect(state).toEqual(initialBehindStep);
		state = behindStepReducer(state, {type: 'toggle', defaultIndex: 2});
		expect(state).toEqual({isOpen: true, index: 2});
		state = behindStepReducer(state, {type: 'move', delta: 1, count: 3});
		expect(state.index).toBe(2);
		state = behindStepReducer(state, {type: 'move', delta: -1, count: 3});
		state = behindStepReducer(state, {type: 'move', delta: -1, count: 3});
		state = behindStepReducer(state, {type: 'move', delta: -1, count: 3});
		expect(state.index).toBe(0);
		state = behindStepReducer(state, {type: 'toggle', defaultIndex: 2});
		expect(state.isOpen).toBe(false);
	});
});
