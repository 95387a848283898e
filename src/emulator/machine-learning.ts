/** Microsoft.MachineLearningServices 2022-10-01: workspaces (list by subscription / resource group, get). */
import {errors, page, requireResourceGroup, requireSubscription, resourcesOfTypeUnder, type ProviderModule, type RequestContext} from './arm.js';
import type {TrackedResource} from './state.js';

export const MACHINE_LEARNING_API_VERSIONS = ['2022-10-01'] as const;
const NAMESPACE = 'Microsoft.MachineLearningServices';
const PREFIX = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NAMESPACE}`;

export function findWorkspace(ctx: RequestContext, subscriptionId: string, resourceGroupName: string, workspaceName: string): TrackedResource {
	requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/${NAMESPACE}/workspaces/${workspaceName}`;
	const workspace = ctx.state.workspaces[id.toLowerCase()];
	if (!workspace) throw errors.resourceNotFound(`${NAMESPACE}/workspaces`, workspaceName, resourceGroupName);
	return workspace;
}

export const machineLearningProvider: ProviderModule = {
	namespaces: [NAMESPACE],
	routes: [
		{
			pattern: `/subscriptions/{subscriptionId}/providers/${NAMESPACE}/workspaces`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.workspaces, sub.id, `${NAMESPACE}/workspaces`))};
				},
			},
		},
		{
			pattern: `${PREFIX}/workspaces`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const group = requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.workspaces, group.id, `${NAMESPACE}/workspaces`))};
				},
			},
		},
		{
			pattern: `${PREFIX}/workspaces/{workspaceName}`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => ({
					status: 200,
					body: findWorkspace(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!, ctx.params.workspaceName!),
				}),
			},
		},
	],
};
