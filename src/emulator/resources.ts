/**
 * Microsoft.Resources: subscriptions (2022-12-01), resource groups, and the generic resource lists
 * `GET /subscriptions/{s}/resources` and `.../resourceGroups/{rg}/resources` (`@azure/arm-resources` 7
 * `resources.list` / `listByResourceGroup`, 2025-04-01) over every resource the emulator knows.
 */
import {ArmError, page, requireResourceGroup, requireSubscription, childrenOf, type ProviderModule, type RequestContext} from './arm.js';
import {callerSeesSubscription} from './access-control.js';
import {ADA, FABRIKAM_TENANT} from './entra-id.js';
import {DEMO_TENANT} from './seed.js';
import type {JsonObject, TrackedResource} from './state.js';

export const SUBSCRIPTIONS_API_VERSIONS = ['2022-12-01'] as const;
export const RESOURCE_GROUPS_API_VERSIONS = ['2021-04-01', '2022-09-01', '2024-03-01', '2025-04-01'] as const;

/** Every top-level resource the emulator knows (child resources such as computes are not listed, as in ARM). */
function allResources(ctx: RequestContext): TrackedResource[] {
	const {registries, identities, genericResources, workspaces} = ctx.state;
	return [...Object.values(workspaces), ...Object.values(registries), ...Object.values(identities), ...Object.values(genericResources)];
}

/** GenericResourceExpanded as resources.list returns it: no properties unless $expand asks (not supported). */
function listed(resource: TrackedResource): JsonObject {
	const out: JsonObject = {id: resource.id, name: resource.name, type: resource.type, location: resource.location};
	for (const member of ['kind', 'sku', 'identity', 'managedBy', 'tags'] as const) if (resource[member] !== undefined) out[member] = resource[member];
	return out;
}

const FILTER_HELP = "resourceType eq '{type}', resourceGroup eq '{name}', name eq '{name}', substringof('{text}', name), tagName eq '{name}' [and tagValue eq '{value}'], joined with 'and'";

/** Parses the $filter forms ARM accepts on resources.list into a predicate (case-insensitive values). */
export function resourceFilter(filter: string | undefined): (resource: TrackedResource) => boolean {
	if (filter === undefined || filter.trim() === '') return () => true;
	const tests: Array<(r: TrackedResource) => boolean> = [];
	let tagName: string | undefined;
	for (const clause of filter.trim().split(/\s+and\s+/i)) {
		const eq = /^(resourceType|resourceGroup|name|tagName|tagValue)\s+eq\s+'([^']*)'$/i.exec(clause.trim());
		const sub = /^substringof\(\s*'([^']*)'\s*,\s*name\s*\)$/i.exec(clause.trim());
		if (sub) {
			const text = sub[1]!.toLowerCase();
			tests.push((r) => r.name.toLowerCase().includes(text));
			continue;
		}
		if (!eq) throw new ArmError(400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}' specified in the query string. Supported: ${FILTER_HELP}.`);
		const field = eq[1]!.toLowerCase();
		const value = eq[2]!.toLowerCase();
		if (field === 'resourcetype') tests.push((r) => r.type.toLowerCase() === value);
		else if (field === 'resourcegroup') tests.push((r) => (/\/resourcegroups\/([^/]+)/i.exec(r.id)?.[1] ?? '').toLowerCase() === value);
		else if (field === 'name') tests.push((r) => r.name.toLowerCase() === value);
		else if (field === 'tagname') {
			tagName = value;
			tests.push((r) => Object.keys(r.tags ?? {}).some((k) => k.toLowerCase() === value));
		} else {
			const name = tagName;
			if (name === undefined) throw new ArmError(400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}': 'tagValue' needs a 'tagName' before it.`);
			tests.push((r) => Object.entries(r.tags ?? {}).some(([k, v]) => k.toLowerCase() === name && String(v).toLowerCase() === value));
		}
	}
	return (r) => tests.every((t) => t(r));
}

function listResources(ctx: RequestContext, scope: string) {
	const query = (name: string) => Object.entries(ctx.query).find(([k]) => k.toLowerCase() === name)?.[1];
	const predicate = resourceFilter(query('$filter'));
	const prefix = `${scope.toLowerCase()}/`;
	const items = allResources(ctx)
		.filter((r) => r.id.toLowerCase().startsWith(prefix) && predicate(r))
		.sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()))
		.map(listed);
	const topText = query('$top');
	let pageCtx = ctx;
	if (topText !== undefined) {
		const size = Number.parseInt(topText, 10);
		if (!/^\d+$/.test(topText) || size < 1) throw new ArmError(400, 'InvalidTopInQueryString', `Invalid $top '${topText}' specified in the query string.`);
		pageCtx = {...ctx, options: {...ctx.options, pageSize: size}};
	}
	return {status: 200, body: page(pageCtx, items)};
}

/** Tenants_List: the caller's home tenant; Ada is also a guest in Fabrikam (a tenant with no subscriptions). */
function tenantsOf(ctx: RequestContext): JsonObject[] {
	const contoso: JsonObject = {
		id: `/tenants/${DEMO_TENANT.tenantId}`,
		tenantId: DEMO_TENANT.tenantId,
		tenantCategory: 'Home',
		country: 'United States',
		countryCode: 'US',
		displayName: 'Contoso',
		domains: [DEMO_TENANT.domain, 'contoso.onmicrosoft.com'],
		defaultDomain: DEMO_TENANT.domain,
		tenantType: 'AAD',
	};
	if (ctx.caller.objectId.toLowerCase() !== ADA.objectId.toLowerCase()) return [contoso];
	const fabrikam: JsonObject = {
		id: `/tenants/${FABRIKAM_TENANT.tenantId}`,
		tenantId: FABRIKAM_TENANT.tenantId,
		tenantCategory: 'Home',
		country: 'United Kingdom',
		countryCode: 'GB',
		displayName: FABRIKAM_TENANT.displayName,
		domains: [FABRIKAM_TENANT.domain],
		defaultDomain: FABRIKAM_TENANT.domain,
	};
	return [contoso, fabrikam];
}

export const resourcesProvider: ProviderModule = {
	namespaces: ['Microsoft.Resources'],
	routes: [
		{
			pattern: '/subscriptions',
			apiVersions: SUBSCRIPTIONS_API_VERSIONS,
			methods: {
				// SubscriptionListResult declares nextLink required: the last page carries nextLink "".
				// Only the subscriptions of the token's tenant where the caller holds some role, as ARM lists them.
				GET: (ctx) => ({
					status: 200,
					body: page(
						ctx,
						Object.values(ctx.state.subscriptions).filter((sub) => callerSeesSubscription(ctx.state, sub.subscriptionId, sub.tenantId, ctx.caller)),
						{alwaysNextLink: true},
					),
				}),
			},
		},
		{
			pattern: '/tenants',
			apiVersions: SUBSCRIPTIONS_API_VERSIONS,
			methods: {GET: (ctx) => ({status: 200, body: page(ctx, tenantsOf(ctx), {alwaysNextLink: true})})},
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
			pattern: '/subscriptions/{subscriptionId}/resources',
			apiVersions: RESOURCE_GROUPS_API_VERSIONS,
			methods: {GET: (ctx) => listResources(ctx, requireSubscription(ctx, ctx.params.subscriptionId!).id)},
		},
		{
			pattern: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources',
			apiVersions: RESOURCE_GROUPS_API_VERSIONS,
			methods: {GET: (ctx) => listResources(ctx, requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!).id)},
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

