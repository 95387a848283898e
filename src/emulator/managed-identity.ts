/**
 * Microsoft.ManagedIdentity 2024-11-30: user-assigned identities (PUT/GET/PATCH/DELETE, list by
 * resource group and subscription). A new identity is registered as a principal "now", so role
 * assignments see the replication window (see authorization.ts).
 */
import {randomUUID} from 'node:crypto';
import {
	ArmError,
	errors,
	isPlainObject,
	page,
	requireObjectBody,
	requireResourceGroup,
	requireSubscription,
	resourcesOfTypeUnder,
	type ProviderModule,
	type RequestContext,
} from './arm.js';
import {userAssignedIdentityId, userAssignedIdentityResource} from './seed-identity.js';
import {registerPrincipal, type JsonObject, type TrackedResource} from './state.js';

export const MANAGED_IDENTITY_API_VERSIONS = ['2024-11-30'] as const;
const TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const ISOLATION_SCOPES = ['None', 'Regional'] as const;

function invalidName(name: string): ArmError {
	return new ArmError(
		400,
		'InvalidResourceName',
		`Resource name '${name}' is invalid. The name must be between 3 and 128 characters long, start with a letter or number, and contain only letters, numbers, hyphens and underscores.`,
	);
}

function validateName(name: string): void {
	if (name.length < 3 || name.length > 128 || !NAME_RE.test(name)) throw invalidName(name);
}

function validTags(value: unknown): Record<string, string> | undefined {
	if (value === undefined || value === null) return undefined;
	if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
		throw errors.invalidRequestContent("Property 'tags' must be an object of strings. Path 'tags'");
	}
	return value as Record<string, string>;
}

function isolationScopeOf(body: JsonObject): (typeof ISOLATION_SCOPES)[number] | undefined {
	const props = body.properties;
	if (props === undefined || props === null) return undefined;
	if (!isPlainObject(props)) throw errors.invalidRequestContent("Property 'properties' must be an object. Path 'properties'");
	const scope = props.isolationScope;
	if (scope === undefined || scope === null) return undefined;
	const match = ISOLATION_SCOPES.find((s) => typeof scope === 'string' && s.toLowerCase() === scope.toLowerCase());
	if (!match) throw errors.invalidRequestContent(`Requested value '${String(scope)}' was not found. Path 'properties.isolationScope'`);
	return match;
}

function identityKey(ctx: RequestContext): {key: string; id: string; name: string; resourceGroup: string} {
	const {subscriptionId, resourceGroupName, resourceName} = ctx.params as {subscriptionId: string; resourceGroupName: string; resourceName: string};
	requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const id = userAssignedIdentityId(subscriptionId, resourceGroupName, resourceName);
	return {key: id.toLowerCase(), id, name: resourceName, resourceGroup: resourceGroupName};
}

function requireIdentity(ctx: RequestContext): TrackedResource {
	const {key, name, resourceGroup} = identityKey(ctx);
	const found = ctx.state.identities[key];
	if (!found) throw errors.resourceNotFound(TYPE, name, resourceGroup);
	return found;
}

const PREFIX = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities';

export const managedIdentityProvider: ProviderModule = {
	namespaces: ['Microsoft.ManagedIdentity'],
	routes: [
		{
			pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities',
			apiVersions: MANAGED_IDENTITY_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.identities, sub.id, TYPE))};
				},
			},
		},
		{
			pattern: PREFIX,
			apiVersions: MANAGED_IDENTITY_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const group = requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.identities, group.id, TYPE))};
				},
			},
		},
		{
			pattern: `${PREFIX}/{resourceName}`,
			apiVersions: MANAGED_IDENTITY_API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: requireIdentity(ctx)}),
				PUT: (ctx) => {
					const {key, id, name, resourceGroup} = identityKey(ctx);
					validateName(name);
					const body = requireObjectBody(ctx);
					const location = body.location;
					if (location === undefined || location === null || (typeof location === 'string' && location.trim() === '')) {
						throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
					}
					if (typeof location !== 'string') throw errors.invalidRequestContent("Property 'location' must be a string. Path 'location'");
					const tags = validTags(body.tags);
					const isolationScope = isolationScopeOf(body);
					const existing = ctx.state.identities[key];
					if (existing) {
						if (existing.location.replace(/\s/g, '').toLowerCase() !== location.replace(/\s/g, '').toLowerCase()) {
							throw new ArmError(
								400,
								'InvalidResourceLocation',
								`The resource '${name}' already exists in location '${existing.location}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
							);
						}
						// Update by PUT: ids stay; tags replaced; isolationScope kept unless sent.
						if (tags) existing.tags = tags;
						else delete existing.tags;
						if (isolationScope) existing.properties.isolationScope = isolationScope;
						ctx.commit();
						return {status: 200, body: existing};
					}
					const created = userAssignedIdentityResource(
						{id, name, location, principalId: randomUUID(), clientId: randomUUID()},
						ctx.state.tenantId,
						tags,
					);
					if (isolationScope) created.properties.isolationScope = isolationScope;
					ctx.state.identities[key] = created;
					registerPrincipal(ctx.state, String(created.properties.principalId), 'ServicePrincipal', ctx.now());
					ctx.commit();
					return {status: 201, body: created};
				},
				PATCH: (ctx) => {
					const existing = requireIdentity(ctx);
					const body = requireObjectBody(ctx);
					const tags = validTags(body.tags);
					const isolationScope = isolationScopeOf(body);
					if (typeof body.location === 'string' && body.location.replace(/\s/g, '').toLowerCase() !== existing.location.replace(/\s/g, '').toLowerCase()) {
						throw new ArmError(400, 'LocationNotAvailableForResourceType', `The location of resource '${existing.name}' cannot be changed.`);
					}
					if (tags) existing.tags = tags;
					if (isolationScope) existing.properties.isolationScope = isolationScope;
					ctx.commit();
					return {status: 200, body: existing};
				},
				DELETE: (ctx) => {
					const {key} = identityKey(ctx);
					const existing = ctx.state.identities[key];
					if (!existing) return {status: 204};
					delete ctx.state.identities[key];
					// The service principal goes with it; role assignments to it stay behind (as in Azure).
					delete ctx.state.principals[String(existing.properties.principalId).toLowerCase()];
					ctx.commit();
					return {status: 200};
				},
			},
		},
	],
};
