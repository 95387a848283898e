import {useReducer} from 'react';
import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import {filterListReducer, initialFilterListState, matchesFilter} from './filter-list-state.js';
import {isCtrlC} from '../keys.js';
import {Indicator} from './Indicator.js';

export interface ListItem {
	/** A resource ID or other stable key: ink-select-input keys items by value. */
	readonly value: string;
	readonly label: string;
	readonly detail?: string;
}

export interface FilterableSelectProps {
	readonly items: readonly ListItem[];
	readonly onSelect: (value: string) => void;
	readonly onHighlight?: (value: string) => void;
	/** Tells the screen whether the filter has the keyboard (then q and Esc belong to it). */
	readonly onFilteringChange?: (isFiltering: boolean) => void;
	readonly limit?: number;
}

function Item({isSelected = false, label}: {readonly isSelected?: boolean; readonly label: string}) {
	const [name, detail] = label.split('\t');
	return (
		<Text wrap="truncate-end">
			<Text color={isSelected ? 'cyan' : undefined} bold={isSelected}>
				{name}
			</Text>
			{detail ? <Text dimColor>{`  ${detail}`}</Text> : null}
		</Text>
	);
}

export function FilterableSelect({items, onSelect, onHighlight, onFilteringChange, limit = 8}: FilterableSelectProps) {
	const [state, dispatch] = useReducer(filterListReducer, initialFilterListState);
	const visible = items.filter((item) => matchesFilter(state.filter, item.label, item.detail));

	useInput((input, key) => {
		if (isCtrlC(input, key)) return;
		if (!state.isFiltering) {
			if (input === '/') {
				dispatch({type: 'start-filter'});
				onFilteringChange?.(true);
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
			dispatch({type: 'type', text: input});
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
				<SelectInput
					key={state.filter}
					items={visible.map((item) => ({
						key: item.value,
						value: item.value,
						label: item.detail ? `${item.label}\t${item.detail}` : item.label,
					}))}
					isFocused={!state.isFiltering}
					limit={limit}
					itemComponent={Item}
					indicatorComponent={Indicator}
					onSelect={(item) => onSelect(item.value)}
					onHighlight={(item) => onHighlight?.(item.value)}
				/>
			)}
			{visible.length > limit ? <Text dimColor>{`  … ${visible.length - limit} more: scroll with ↑↓ or press / to filter`}</Text> : null}
		</Box>
	);
}
