/**
 * Resources the wizard only reads (what `@azure/arm-resources` `resources.getById(id, apiVersion)`
 * sends: `GET {id}?api-version=X`): AKS managed clusters, storage accounts, key vaults and
 * Application Insights components, served from `state.genericResources`; plus the lists by
 * subscription and by resource group of each type (e.g. `microsoft.insights/components`, 2020-02-02).
 */
import {errors, page, requireResourceGroup, requireSubscription, resourcesOfTypeUnder, type ProviderModule, type Route} from './arm.js';

/** Generic resource types served, with exactly the api-versions each accepts. */
export const GENERIC_RESOURCE_TYPES = [
	{namespace: 'Microsoft.ContainerService', type: 'managedClusters', apiVersions: ['2024-09-01', '2025-01-01']},
	{namespace: 'Microsoft.Storage', type: 'storageAccounts', apiVersions: ['2023-05-01', '2024-01-01']},
	{namespace: 'Microsoft.KeyVault', type: 'vaults', apiVersions: ['2023-07-01', '2024-11-01']},
	{namespace: 'microsoft.insights', type: 'components', apiVersions: ['2020-02-02']},
] as const;

const listRoutes: Route[] = GENERIC_RESOURCE_TYPES.flatMap(({namespace, type, apiVersions}) => [
	{
		pattern: `/subscriptions/{subscriptionId}/providers/${namespace}/${type}`,
		apiVersions,
		methods: {
			GET: (ctx) => {
				const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
				return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.genericResources, sub.id, `${namespace}/${type}`))};
			},
		},
	},
	{
		pattern: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${namespace}/${type}`,
		apiVersions,
		methods: {
			GET: (ctx) => {
				const group = requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
				return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.genericResources, group.id, `${namespace}/${type}`))};
			},
		},
	},
]);

const routes: Route[] = GENERIC_RESOURCE_TYPES.map(({namespace, type, apiVersions}) => ({
	pattern: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${namespace}/${type}/{resourceName}`,
	apiVersions,
	methods: {
		GET: (ctx) => {
			const {subscriptionId, resourceGroupName, resourceName} = ctx.params as {subscriptionId: string; resourceGroupName: string; resourceName: string};
			const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
			const found = ctx.state.genericResources[`${group.id}/providers/${namespace}/${type}/${resourceName}`.toLowerCase()];
			if (!found) throw errors.resourceNotFound(`${namespace}/${type}`, resourceName, resourceGroupName);
			return {status: 200, body: found};
		},
	},
}));

export const genericResourcesProvider: ProviderModule = {
	namespaces: GENERIC_RESOURCE_TYPES.map((t) => t.namespace),
	routes: [...listRoutes, ...routes],
};
