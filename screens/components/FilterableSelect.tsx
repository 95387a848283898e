import {useMemo, useRef, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {filterItems, filterListKey, initialFilterListState} from './filter-list-state.js';
import {isCtrlC} from '../keys.js';
import {SelectList, type SelectItem} from './SelectList.js';

export type ListItem = SelectItem;

export interface FilterableSelectProps {
	/** Stable between renders unless the list changed (memoized): filtering runs again only then. */
	readonly items: readonly ListItem[];
	readonly onSelect: (value: string) => void;
	readonly onHighlight?: (value: string) => void;
	/** Tells the screen whether the filter has the keyboard (then q and Esc belong to it). */
	readonly onFilteringChange?: (isFiltering: boolean) => void;
	readonly limit?: number;
	/** The row to start on, by value. */
	readonly initialValue?: string;
}

/**
 * A list the user filters by typing after "/". With no items (the first page still loading) it
 * draws nothing but is already listening, so a "/" typed the moment the list appears is not lost.
 */
export function FilterableSelect({items, onSelect, onHighlight, onFilteringChange, limit = 8, initialValue}: FilterableSelectProps) {
	const [state, setState] = useState(initialFilterListState);
	// The state as of the last key, not the last render: a key that arrives before React has run
	// the effects of the last render meets the previous render's listener, which reads this.
	const latest = useRef(state);
	const hasItems = useRef(items.length > 0);
	hasItems.current = items.length > 0;
	// Filtering 2,000 rows is done once per filter text or list, not on every render.
	const visible = useMemo(() => filterItems(items, state.filter), [items, state.filter]);

	useInput((input, key) => {
		if (isCtrlC(input, key)) return;
		const before = latest.current;
		if (!before.isFiltering && !hasItems.current) return;
		const after = filterListKey(before, input, key);
		if (after === before) return;
		latest.current = after;
		setState(after);
		if (after.isFiltering !== before.isFiltering) onFilteringChange?.(after.isFiltering);
	});

	if (items.length === 0 && !state.isFiltering && !state.filter) return null;
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
