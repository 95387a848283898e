import {describe, expect, it} from 'vitest';
import {initialTextField, textFieldReducer} from '../../../screens/components/text-field-state.js';

describe('text field state', () => {
	it('applies a chunk character by character: DEL and backspace erase, control characters never land', () => {
		const state = textFieldReducer(initialTextField('cpu-cluster-mi'), {type: 'input', text: '\u007F\u007F\u007F1\b2\u0001'});
		expect(state).toEqual({value: 'cpu-cluster2', cursor: 12});
	});

	it('inserts at the cursor and erases before it', () => {
		let state = initialTextField('ac');
		state = textFieldReducer(state, {type: 'left'});
		state = textFieldReducer(state, {type: 'input', text: 'b'});
		expect(state).toEqual({value: 'abc', cursor: 2});
		state = textFieldReducer(textFieldReducer(state, {type: 'right'}), {type: 'erase'});
		expect(state).toEqual({value: 'ab', cursor: 2});
		expect(textFieldReducer(initialTextField(''), {type: 'erase'})).toEqual({value: '', cursor: 0});
	});
});
