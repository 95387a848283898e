import {useReducer} from 'react';
import {Box, Text, useInput} from 'ink';
import {filterListReducer, initialFilterListState, matchesFilter} from './filter-list-state.js';
import {isCtrlC} from '../keys.js';
import {SelectList, type SelectItem} from './SelectList.js';

export type ListItem = SelectItem;

export interface FilterableSelectProps {
	readonly items: readonly ListItem[];
	readonly onSelect: (value: string) => void;
	readonly onHighlight?: (value: string) => void;
	/** Tells the screen whether the filter has the keyboard (then q and Esc belong to it). */
	readonly onFilteringChange?: (isFiltering: boolean) => void;
	readonly limit?: number;
	/** The row to start on, by value. */
	readonly initialValue?: string;
}

export function FilterableSelect({items, onSelect, onHighlight, onFilteringChange, limit = 8, initialValue}: FilterableSelectProps) {
	const [state, dispatch] = useReducer(filterListReducer, initialFilterListState);
	const visible = items.filter((item) => matchesFilter(state.filter, item.label, item.detail));

	useInput((input, key) => {
		if (isCtrlC(input, key)) return;
		if (!state.isFiltering) {
			// "/" starts the filter; anything typed with it in the same read is the filter's start.
			if (input.startsWith('/') && !key.ctrl && !key.meta) {
				dispatch({type: 'start-filter'});
				onFilteringChange?.(true);
				for (const character of input.slice(1)) dispatch(character === '\u007F' || character === '\b' ? {type: 'erase'} : {type: 'type', text: character});
			}
			return;
		}
		if (key.escape) {
			dispatch({type: 'cancel'});
			onFilteringChange?.(false);
		} else if (key.return || key.downArrow || key.upArrow) {
			dispatch({type: 'accept'});
			onFilteringChange?.(false);
		} else if (key.backspace || key.delete) {
			dispatch({type: 'erase'});
		} else if (input && !key.ctrl && !key.meta) {
			for (const character of input) {
				if (character === '\u007F' || character === '\b') dispatch({type: 'erase'});
				else if (character >= ' ') dispatch({type: 'type', text: character});
			}
		}
	});

	return (
		<Box flexDirection="column">
			{state.isFiltering || state.filter ? (
				<Text>
					<Text color="cyan">Filter: </Text>
					{state.filter}
					{state.isFiltering ? <Text inverse> </Text> : null}
					<Text dimColor>{`  ${visible.length} of ${items.length}`}</Text>
				</Text>
			) : null}
			{visible.length === 0 ? (
				<Text color="yellow">Nothing matches "{state.filter}". Esc clears the filter.</Text>
			) : (
				<SelectList
					items={visible}
					isFocused={!state.isFiltering}
					limit={limit}
					{...(initialValue ? {initialValue} : {})}
					onSelect={onSelect}
					{...(onHighlight ? {onHighlight} : {})}
				/>
			)}
		</Box>
	);
}
