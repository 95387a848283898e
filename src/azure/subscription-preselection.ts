import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import type {AzureFailure} from './errors.js';
import type {SubscriptionSummary} from './gateway.js';

export type PreselectionSource = 'flag' | 'environment' | 'azure-cli' | 'last-used';

/** The subscription to preselect and where that choice came from (the screen says so). */
export interface SubscriptionPreselection {
	readonly subscriptionId: string;
	readonly source: PreselectionSource;
	/** "given with --subscription", "from AZURE_SUBSCRIPTION_ID", "the Azure CLI's default (/home/ada/.azure/azureProfile.json)", "the one you used last". */
	readonly describedAs: string;
}

export interface PreselectionInputs {
	/** --subscription */
	readonly flag?: string;
	/** Environment to read AZURE_SUBSCRIPTION_ID and AZURE_CONFIG_DIR from; default process.env. */
	readonly env?: NodeJS.ProcessEnv;
	/** The cloud whose Azure CLI default counts (azureProfile.json holds every cloud's subscriptions). */
	readonly cloudName?: string;
	/** The subscription the last session used (the session store knows). */
	readonly lastUsedSubscriptionId?: string;
}

/** The Azure CLI's configuration directory: AZURE_CONFIG_DIR, else ~/.azure. */
export function azureConfigDir(env: NodeJS.ProcessEnv = process.env): string {
	const configured = env['AZURE_CONFIG_DIR'];
	return configured && configured.trim() !== '' ? configured : path.join(homedir(), '.azure');
}

interface CliProfileSubscription {
	id?: unknown;
	isDefault?: unknown;
	environmentName?: unknown;
}

/**
 * The Azure CLI's default subscription (the one with isDefault in azureProfile.json, which the CLI
 * writes with a UTF-8 byte order mark); undefined when there is no profile or no default.
 */
export function azureCliDefaultSubscription(env: NodeJS.ProcessEnv = process.env, cloudName?: string): {subscriptionId: string; file: string} | undefined {
	const file = path.join(azureConfigDir(env), 'azureProfile.json');
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
	try {
		const profile = JSON.parse(text.replace(/^\uFEFF/, '')) as {subscriptions?: unknown};
		const subscriptions = Array.isArray(profile.subscriptions) ? (profile.subscriptions as CliProfileSubscription[]) : [];
		const found = subscriptions.find(
			(s) => s.isDefault === true && typeof s.id === 'string' && (cloudName === undefined || s.environmentName === undefined || s.environmentName === cloudName),
		);
		return found ? {subscriptionId: found.id as string, file} : undefined;
	} catch {
		return undefined;
	}
}

/** --subscription, then AZURE_SUBSCRIPTION_ID, then the Azure CLI's default, then the last one used. */
export function preselectSubscription(inputs: PreselectionInputs): SubscriptionPreselection | undefined {
	const env = inputs.env ?? process.env;
	const flag = inputs.flag?.trim();
	if (flag) return {subscriptionId: flag, source: 'flag', describedAs: 'given with --subscription'};
	const fromEnv = env['AZURE_SUBSCRIPTION_ID']?.trim();
	if (fromEnv) return {subscriptionId: fromEnv, source: 'environment', describedAs: 'from AZURE_SUBSCRIPTION_ID'};
	const cli = azureCliDefaultSubscription(env, inputs.cloudName);
	if (cli) return {subscriptionId: cli.subscriptionId, source: 'azure-cli', describedAs: `the Azure CLI's default (${cli.file})`};
	const last = inputs.lastUsedSubscriptionId?.trim();
	if (last) return {subscriptionId: last, source: 'last-used', describedAs: 'the one you used last'};
	return undefined;
}

export type PreselectionCheck =
	| {readonly kind: 'preselected'; readonly subscription: SubscriptionSummary; readonly preselection: SubscriptionPreselection}
	| {readonly kind: 'none'}
	| {readonly kind: 'failed'; readonly failure: AzureFailure};

/**
 * Checks a preselection against the subscriptions the principal sees: NoSubscriptions when there are
 * none; SubscriptionNotFound when one named by --subscription or AZURE_SUBSCRIPTION_ID is not among them
 * (a stale CLI default or last-used one is dropped quietly); SubscriptionDisabled when it is not usable.
 */
export function checkPreselection(preselection: SubscriptionPreselection | undefined, subscriptions: readonly SubscriptionSummary[], tenantId?: string): PreselectionCheck {
	if (subscriptions.length === 0) return {kind: 'failed', failure: noSubscriptionsFailure(tenantId)};
	if (!preselection) return {kind: 'none'};
	const subscription = subscriptions.find((s) => s.subscriptionId.toLowerCase() === preselection.subscriptionId.toLowerCase());
	if (!subscription) {
		if (preselection.source === 'flag' || preselection.source === 'environment') {
			return {
				kind: 'failed',
				failure: {
					code: 'SubscriptionNotFound',
					message: `The subscription '${preselection.subscriptionId}' (from ${preselection.describedAs}) is not one this account can see${tenantId ? ` in tenant ${tenantId}` : ''}.`,
				},
			};
		}
		return {kind: 'none'};
	}
	if (subscription.state === 'Disabled' || subscription.state === 'Deleted') {
		return {kind: 'failed', failure: subscriptionDisabledFailure(subscription)};
	}
	return {kind: 'preselected', subscription, preselection};
}

export function noSubscriptionsFailure(tenantId?: string): AzureFailure {
	return {code: 'NoSubscriptions', message: `This account sees no subscriptions${tenantId ? ` in tenant ${tenantId}` : ''}.`};
}

export function subscriptionDisabledFailure(subscription: SubscriptionSummary): AzureFailure {
	return {code: 'SubscriptionDisabled', message: `The subscription '${subscription.name}' is ${subscription.state}: Azure allows no changes in it.`};
}
