import type {AzureGateway} from '../src/azure/gateway.js';
import {ResourcePicker} from './components/ResourcePicker.js';

export interface SubscriptionProps {
	readonly gateway: AzureGateway;
	readonly onChosen: (subscription: {id: string; name: string}) => void;
	/** The subscription to start on and where that came from (--subscription, AZURE_SUBSCRIPTION_ID, the Azure CLI's default, last used). */
	readonly preselection?: {readonly subscriptionId: string; readonly describedAs: string};
	/** The subscription chosen before (back from the workspaces): the list starts on it. */
	readonly chosenBefore?: string;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function Subscription({gateway, onChosen, preselection, chosenBefore, onBack, onQuit}: SubscriptionProps) {
	return (
		<ResourcePicker
			title="Choose a subscription"
			load={async function* () {
				yield await gateway.listSubscriptions();
			}}
			loadKey="subscriptions"
			loadingLabel="Loading your subscriptions…"
			failureTitle="Could not list subscriptions"
			emptyMessage="Your account sees no subscriptions. Ask for access to one (Reader at least), or try the demo: aml-identity demo."
			{...(chosenBefore ? {initialValue: chosenBefore} : preselection ? {preselect: {value: preselection.subscriptionId, reason: preselection.describedAs}} : {})}
			toItem={(subscription) => ({
				value: subscription.subscriptionId,
				label: subscription.name,
				detail: `${subscription.subscriptionId}${subscription.state === 'Enabled' ? '' : ` · ${subscription.state}`}`,
			})}
			onChosen={(subscription) => onChosen({id: subscription.subscriptionId, name: subscription.name})}
			onBack={onBack}
			onQuit={onQuit}
		/>
	);
}
