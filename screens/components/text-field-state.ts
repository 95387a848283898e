/**
 * A one-line text field as a pure reducer. Input that arrives in one chunk is applied character
 * by character, so "abc" pasted, or three Backspaces (DEL) read at once, edit as typed; control
 * characters never end up in the value.
 */
export interface TextFieldState {
	readonly value: string;
	readonly cursor: number;
}

export type TextFieldAction =
	| {readonly type: 'input'; readonly text: string}
	| {readonly type: 'erase'}
	| {readonly type: 'left'}
	| {readonly type: 'right'};

export function initialTextField(value = ''): TextFieldState {
	return {value, cursor: value.length};
}

function eraseBefore(state: TextFieldState): TextFieldState {
	if (state.cursor === 0) return state;
	return {value: state.value.slice(0, state.cursor - 1) + state.value.slice(state.cursor), cursor: state.cursor - 1};
}

export function textFieldReducer(state: TextFieldState, action: TextFieldAction): TextFieldState {
	switch (action.type) {
		case 'erase':
			return eraseBefore(state);
		case 'left':
			return {...state, cursor: Math.max(0, state.cursor - 1)};
		case 'right':
			return {...state, cursor: Math.min(state.value.length, state.cursor + 1)};
		case 'input': {
			let next = state;
			for (const character of action.text) {
				if (character === '\u007F' || character === '\b') next = eraseBefore(next);
				else if (character >= ' ') next = {value: next.value.slice(0, next.cursor) + character + next.value.slice(next.cursor), cursor: next.cursor + 1};
			}
			return next;
		}
	}
}
