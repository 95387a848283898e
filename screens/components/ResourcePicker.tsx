import {useMemo, useRef, useState, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {keyHints, useNavigationKeys} from '../keys.js';
import {usePagedLoad} from '../use-async.js';
import {FailureMessage} from './FailureMessage.js';
import {FilterableSelect, type ListItem} from './FilterableSelect.js';
import {Footer} from './Footer.js';
import {Loading} from './Loading.js';

export interface ResourcePickerProps<T> {
	readonly title: ReactNode;
	/** Loads the choices, a page at a time; runs again when `loadKey` changes or the user retries. */
	readonly load: () => AsyncIterable<readonly T[]>;
	readonly loadKey: string;
	readonly loadingLabel: string;
	readonly failureTitle: string;
	/** Said when there is nothing to choose, with what to do about it. */
	readonly emptyMessage: string;
	readonly toItem: (value: T) => ListItem;
	/** A choice to start on, and why it is preselected ("the Azure CLI's default subscription"). */
	readonly preselect?: {readonly value: string; readonly reason: string};
	/** The choice to start on without a word about it (the one chosen before, after Esc). */
	readonly initialValue?: string;
	readonly onChosen: (value: T) => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

/** Any "choose one Azure resource" screen: loading, failure with retry, empty, filterable list. */
export function ResourcePicker<T>({
	title,
	load,
	loadKey,
	loadingLabel,
	failureTitle,
	emptyMessage,
	toItem,
	preselect,
	initialValue,
	onChosen,
	onBack,
	onQuit,
}: ResourcePickerProps<T>) {
	const [choices, retry] = usePagedLoad(load, loadKey);
	const [isFiltering, setFiltering] = useState(false);
	// Whether the filter has the keyboard as of the last key (a render may not have happened yet).
	const filtering = useRef(false);
	const onFilteringChange = (value: boolean) => {
		filtering.current = value;
		setFiltering(value);
	};
	useNavigationKeys({
		onBack: () => !filtering.current && onBack(),
		onQuit: (reason) => (reason === 'interrupt' || !filtering.current) && onQuit(reason),
		isActive: !isFiltering,
		onKey: (input) => input === 'r' && choices.status === 'failed' && retry(),
	});
	const hasChoices = choices.status === 'ready' && choices.value.length > 0;
	// The rows are made once per list (a page arriving makes a new one), not on every render:
	// FilterableSelect filters again only when its items change. toItem is read when the list
	// changes (callers pass a new function on every render that does the same thing).
	const toItemNow = useRef(toItem);
	toItemNow.current = toItem;
	const loaded = choices.status === 'ready' ? choices.value : undefined;
	const items = useMemo(() => (loaded ?? []).map((value) => toItemNow.current(value)), [loaded]);
	const isLoadingMore = choices.status === 'ready' && !choices.complete;

	return (
		<Box flexDirection="column">
			<Text bold>{title}</Text>
			{choices.status === 'loading' ? <Loading label={loadingLabel} /> : null}
			{choices.status === 'failed' ? <FailureMessage title={failureTitle} failure={choices.failure} /> : null}
			{choices.status === 'ready' && choices.complete && choices.value.length === 0 ? <Text color="yellow">{emptyMessage}</Text> : null}
			{/* Mounted while the first page loads (drawing nothing) so that it hears a "/" typed as the list appears. */}
			{choices.status === 'loading' || (choices.status === 'ready' && (hasChoices || !choices.complete)) ? (
				<FilterableSelect
					items={items}
					{...(initialValue ?? preselect ? {initialValue: initialValue ?? preselect!.value} : {})}
					onFilteringChange={onFilteringChange}
					onSelect={(key) => {
						const index = items.findIndex((item) => item.value === key);
						if (index >= 0 && loaded) onChosen(loaded[index]!);
					}}
				/>
			) : null}
			{preselect && hasChoices && items.some((item) => item.value === preselect.value) ? (
				<Text dimColor>Preselected: {preselect.reason}.</Text>
			) : null}
			{isLoadingMore ? <Loading label={`${choices.value.length} so far; loading more…`} /> : null}
			<Footer
				hints={[
					...(hasChoices ? [keyHints.move, keyHints.filter, keyHints.select] : []),
					...(choices.status === 'failed' ? [keyHints.retry] : []),
					keyHints.back,
					keyHints.quit,
				]}
			/>
		</Box>
	);
}
