import {useRef, useState} from 'react';
import {Text, useInput} from 'ink';
import {isCtrlC} from '../keys.js';
import {initialTextField, textFieldReducer, type TextFieldAction} from './text-field-state.js';

export interface TextFieldProps {
	readonly defaultValue?: string;
	readonly onChange?: (value: string) => void;
	readonly onSubmit: (value: string) => void;
	readonly isDisabled?: boolean;
}

/** A text field whose edits and Enter always act on the latest value, however keys arrive. */
export function TextField({defaultValue = '', onChange, onSubmit, isDisabled = false}: TextFieldProps) {
	const [state, setState] = useState(() => initialTextField(defaultValue));
	// The state as of the last key, not the last render: several keys can arrive before a render.
	const latest = useRef(state);
	const apply = (action: TextFieldAction) => {
		const next = textFieldReducer(latest.current, action);
		if (next === latest.current) return;
		latest.current = next;
		setState(next);
		onChange?.(next.value);
	};

	useInput(
		(input, key) => {
			if (isCtrlC(input, key) || key.escape || key.tab || key.upArrow || key.downArrow) return;
			if (key.return) onSubmit(latest.current.value);
			else if (key.backspace || key.delete) apply({type: 'erase'});
			else if (key.leftArrow) apply({type: 'left'});
			else if (key.rightArrow) apply({type: 'right'});
			else if (input && !key.ctrl && !key.meta) {
				// A paste or a fast typist can bring Enter in the same read as the text before it.
				const [text = '', ...rest] = input.split(/\r\n?|\n/);
				apply({type: 'input', text});
				if (rest.length > 0) onSubmit(latest.current.value);
			}
		},
		{isActive: !isDisabled},
	);

	const before = state.value.slice(0, state.cursor);
	const atCursor = state.value[state.cursor] ?? ' ';
	const after = state.value.slice(state.cursor + 1);
	return (
		<Text>
			{before}
			{isDisabled ? atCursor : <Text inverse>{atCursor}</Text>}
			{after}
		</Text>
	);
}
