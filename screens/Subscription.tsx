import {useState} from 'react';
import {Box, Text} from 'ink';
import type {AzureGateway} from '../src/azure/gateway.js';
import {FilterableSelect} from './components/FilterableSelect.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {useAsync} from './use-async.js';

export interface SubscriptionProps {
	readonly gateway: AzureGateway;
	readonly onChosen: (subscription: {id: string; name: string}) => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function Subscription({gateway, onChosen, onBack, onQuit}: SubscriptionProps) {
	const [subscriptions, retry] = useAsync(() => gateway.listSubscriptions(), 'subscriptions');
	const [isFiltering, setFiltering] = useState(false);
	useNavigationKeys({
		onBack,
		onQuit,
		isActive: !isFiltering,
		onKey: (input) => input === 'r' && subscriptions.status === 'failed' && retry(),
	});

	return (
		<Box flexDirection="column">
			<Text bold>Choose a subscription</Text>
			{subscriptions.status === 'loading' ? <Loading label="Loading your subscriptions…" /> : null}
			{subscriptions.status === 'failed' ? <FailureMessage title="Could not list subscriptions" failure={subscriptions.failure} /> : null}
			{subscriptions.status === 'ready' && subscriptions.value.length === 0 ? (
				<Text color="yellow">
					Your account sees no subscriptions. Ask for access to one (Reader at least), or try the demo: aml-identity demo.
				</Text>
			) : null}
			{subscriptions.status === 'ready' && subscriptions.value.length > 0 ? (
				<FilterableSelect
					items={subscriptions.value.map((subscription) => ({
						value: subscription.subscriptionId,
						label: subscription.name,
						detail: `${subscription.subscriptionId}${subscription.state === 'Enabled' ? '' : ` · ${subscription.state}`}`,
					}))}
					onFilteringChange={setFiltering}
					onSelect={(id) => {
						const chosen = subscriptions.value.find((subscription) => subscription.subscriptionId === id);
						if (chosen) onChosen({id: chosen.subscriptionId, name: chosen.name});
					}}
				/>
			) : null}
			<Footer
				hints={[
					keyHints.move,
					keyHints.filter,
					keyHints.select,
					...(subscriptions.status === 'failed' ? [keyHints.retry] : []),
					keyHints.back,
					keyHints.quit,
				]}
			/>
		</Box>
	);
}
