import {useState, type ReactNode} from 'react';
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
	useNavigationKeys({
		onBack,
		onQuit,
		isActive: !isFiltering,
		onKey: (input) => input === 'r' && choices.status === 'failed' && retry(),
	});
	const hasChoices = choices.status === 'ready' && choices.value.length > 0;
	const isLoadingMore = choices.status === 'ready' && !choices.complete;

	return (
		<Box flexDirection="column">
			<Text bold>{title}</Text>
			{choices.status === 'loading' ? <Loading label={loadingLabel} /> : null}
			{choices.status === 'failed' ? <FailureMessage title={failureTitle} failure={choices.failure} /> : null}
			{choices.status === 'ready' && choices.complete && choices.value.length === 0 ? <Text color="yellow">{emptyMessage}</Text> : null}
			{hasChoices ? (
				<FilterableSelect
					items={choices.value.map(toItem)}
					{...(initialValue ?? preselect ? {initialValue: initialValue ?? preselect!.value} : {})}
					onFilteringChange={setFiltering}
					onSelect={(key) => {
						const chosen = choices.value.find((value) => toItem(value).value === key);
						if (chosen !== undefined) onChosen(chosen);
					}}
				/>
			) : null}
			{preselect && hasChoices && choices.value.some((value) => toItem(value).value === preselect.value) ? (
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
