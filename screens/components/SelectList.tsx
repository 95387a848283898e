import {useEffect, useMemo, useReducer, useRef} from 'react';
import {Box, Text} from 'ink';
import {isCtrlC, useKeys} from '../keys.js';
import {Indicator} from './Indicator.js';
import {initialSelectState, selectReducer} from './select-state.js';

export interface SelectItem {
	/** A resource ID or other stable key, never a display name. */
	readonly value: string;
	readonly label: string;
	/** Shown dimmed after the label; the row is cut at the terminal's width rather than wrapped. */
	readonly detail?: string;
}

export interface SelectListProps {
	readonly items: readonly SelectItem[];
	readonly onSelect: (value: string) => void;
	readonly onHighlight?: (value: string) => void;
	/** Only a focused list reads keys (every mounted useInput hears every key). */
	readonly isFocused?: boolean;
	/** Rows shown at once: a live area taller than the terminal flickers. */
	readonly limit?: number;
	/** Menus with a few long rows wrap them; long lists cut rows at the terminal's width. */
	readonly wrapRows?: boolean;
	/** The row to start on (a preselection), by value; the first row when absent or not in the list. */
	readonly initialValue?: string;
}

export function SelectList({items, onSelect, onHighlight, isFocused = true, limit = 8, wrapRows = false, initialValue}: SelectListProps) {
	const [state, dispatch] = useReducer(selectReducer, undefined, () =>
		initialSelectState(items.length, limit, Math.max(0, items.findIndex((item) => item.value === initialValue))),
	);
	// Once per list, not per render (a list of 2,000 rows makes a long key).
	const itemsKey = useMemo(() => items.map((item) => item.value).join('\n'), [items]);

	// A new list (filtered, reloaded) starts at its first row; a list that only grew (its next
	// page arrived) keeps the row the user is on.
	const previousKey = useRef(itemsKey);
	useEffect(() => {
		const before = previousKey.current;
		previousKey.current = itemsKey;
		if (before === itemsKey) return;
		const grew = before !== '' && itemsKey.startsWith(`${before}\n`);
		dispatch(grew ? {type: 'grow', count: items.length} : {type: 'reset', count: items.length});
	}, [itemsKey, items.length]);

	const focused = items[state.focusIndex];
	useEffect(() => {
		if (focused) onHighlight?.(focused.value);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [focused?.value]);

	const selectionSequence = state.selection?.sequence;
	useEffect(() => {
		const chosen = state.selection ? items[state.selection.index] : undefined;
		if (chosen) onSelect(chosen.value);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [selectionSequence]);

	// Focus is read at key time from a ref set while rendering, not from the listener's activation
	// (an effect): a key that arrives right after focus returns is not lost.
	const isFocusedNow = useRef(isFocused);
	isFocusedNow.current = isFocused;
	useKeys(
		(input, key) => {
			if (!isFocusedNow.current || isCtrlC(input, key)) return;
			if (key.downArrow || input === 'j') dispatch({type: 'next'});
			else if (key.upArrow || input === 'k') dispatch({type: 'previous'});
			else if (key.home) dispatch({type: 'first'});
			else if (key.end) dispatch({type: 'last'});
			else if (key.return) dispatch({type: 'select'});
		},
	);

	const visible = items.slice(state.windowStart, state.windowStart + limit);
	return (
		<Box flexDirection="column">
			{visible.map((item, offset) => {
				const isSelected = state.windowStart + offset === state.focusIndex;
				return (
					<Box key={item.value}>
						<Indicator isSelected={isSelected} />
						<Text wrap={wrapRows ? 'wrap' : 'truncate-end'}>
							<Text color={isSelected ? 'cyan' : undefined} bold={isSelected}>
								{item.label}
							</Text>
							{item.detail ? <Text dimColor>{`  ${item.detail}`}</Text> : null}
						</Text>
					</Box>
				);
			})}
			{items.length > limit ? (
				<Text dimColor>{`  ${state.focusIndex + 1} of ${items.length} · ↑↓ to scroll`}</Text>
			) : null}
		</Box>
	);
}
