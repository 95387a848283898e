/** Microsoft.Resources: subscriptions (2022-12-01) and resource groups (2021-04-01, 2022-09-01, 2024-03-01). */
import {ArmError, page, requireResourceGroup, requireSubscription, childrenOf, type ProviderModule} from './arm.js';

export const SUBSCRIPTIONS_API_VERSIONS = ['2022-12-01'] as const;
export const RESOURCE_GROUPS_API_VERSIONS = ['2021-04-01', '2022-09-01', '2024-03-01'] as const;

export const resourcesProvider: ProviderModule = {
	namespaces: ['Microsoft.Resources'],
	routes: [
		{
			pattern: '/subscriptions',
			apiVersions: SUBSCRIPTIONS_API_VERSIONS,
			methods: {
				// SubscriptionListResult declares nextLink required: the last page carries nextLink "".
				GET: (ctx) => ({status: 200, body: page(ctx, Object.values(ctx.state.subscriptions), {alwaysNextLink: true})}),
			},
		},
		{
			pattern: '/subscriptions/{subscriptionId}',
			apiVersions: SUBSCRIPTIONS_API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: requireSubscription(ctx, ctx.params.subscriptionId!)}),
			},
		},
		{
			pattern: '/subscriptions/{subscriptionId}/resourceGroups',
			apiVersions: RESOURCE_GROUPS_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
					return {status: 200, body: page(ctx, childrenOf(ctx.state.resourceGroups, `${sub.id}/resourceGroups`))};
				},
			},
		},
		{
			pattern: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}',
			apiVersions: RESOURCE_GROUPS_API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!)}),
				// ResourceGroups_CheckExistence: 204 / 404, no body.
				HEAD: (ctx) => {
					try {
						requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
						return {status: 204};
					} catch (error) {
						if (error instanceof ArmError && error.status === 404) return {status: 404};
						throw error;
					}
				},
			},
		},
	],
};

