/**
 * Microsoft.Storage 2025-06-01 (what `@azure/arm-storage` 19.1.0 sends): storage accounts (list by
 * subscription, list by resource group, getProperties) and blob containers (list, get), served from
 * `state.genericResources` (the accounts) and `state.blobContainers`. The older generic reads of
 * generic-resources.ts (2023-05-01, 2024-01-01) keep working beside it.
 */
import {ArmError, errors, page, requireResourceGroup, requireSubscription, resourcesOfTypeUnder, type ProviderModule, type RequestContext} from './arm.js';
import type {JsonObject, TrackedResource} from './state.js';

export const STORAGE_API_VERSIONS = ['2025-06-01'] as const;
const TYPE = 'Microsoft.Storage/storageAccounts';
const RG_PREFIX = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts';

function requireAccount(ctx: RequestContext): TrackedResource {
	const {subscriptionId, resourceGroupName, accountName} = ctx.params as {subscriptionId: string; resourceGroupName: string; accountName: string};
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const account = ctx.state.genericResources[`${group.id}/providers/${TYPE}/${accountName}`.toLowerCase()];
	if (!account) throw errors.resourceNotFound(TYPE, accountName, resourceGroupName);
	return account;
}

function containersOf(ctx: RequestContext, account: TrackedResource): JsonObject[] {
	const prefix = `${account.id}/blobServices/default/containers/`.toLowerCase();
	return Object.entries(ctx.state.blobContainers)
		.filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
		.map(([, value]) => value)
		.sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

export const storageProvider: ProviderModule = {
	namespaces: ['Microsoft.Storage'],
	routes: [
		{
			pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts',
			apiVersions: STORAGE_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.genericResources, sub.id, TYPE))};
				},
			},
		},
		{
			pattern: RG_PREFIX,
			apiVersions: STORAGE_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const group = requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.genericResources, group.id, TYPE))};
				},
			},
		},
		{
			pattern: `${RG_PREFIX}/{accountName}`,
			apiVersions: STORAGE_API_VERSIONS,
			methods: {GET: (ctx) => ({status: 200, body: requireAccount(ctx)})},
		},
		{
			pattern: `${RG_PREFIX}/{accountName}/blobServices/default/containers`,
			apiVersions: STORAGE_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const items = containersOf(ctx, requireAccount(ctx));
					const max = Object.entries(ctx.query).find(([k]) => k.toLowerCase() === '$maxpagesize')?.[1];
					if (max === undefined) return {status: 200, body: page(ctx, items)};
					const size = Number.parseInt(max, 10);
					if (!/^\d+$/.test(max) || size < 1) throw errors.invalidRequestContent(`'$maxpagesize' must be a positive integer`);
					return {status: 200, body: page({...ctx, options: {...ctx.options, pageSize: size}}, items)};
				},
			},
		},
		{
			pattern: `${RG_PREFIX}/{accountName}/blobServices/default/containers/{containerName}`,
			apiVersions: STORAGE_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const account = requireAccount(ctx);
					const container = ctx.state.blobContainers[`${account.id}/blobServices/default/containers/${ctx.params.containerName!}`.toLowerCase()];
					if (!container) throw new ArmError(404, 'ContainerNotFound', 'The specified container does not exist.');
					return {status: 200, body: container};
				},
			},
		},
	],
};
