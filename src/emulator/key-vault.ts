/**
 * Microsoft.KeyVault 2026-02-01 (what `@azure/arm-keyvault` 5.0.0 sends): vaults get, list by
 * resource group / subscription (`$top`), and `PUT .../vaults/{v}/accessPolicies/{add|replace|remove}`
 * (`vaults.updateAccessPolicy`), served from `state.genericResources`. `enableRbacAuthorization` is
 * as seeded; access policies are stored on the vault either way (Azure keeps them, but ignores them
 * while the vault uses Azure RBAC).
 */
import {ArmError, errors, isPlainObject, page, requireObjectBody, requireResourceGroup, requireSubscription, resourcesOfTypeUnder, type ProviderModule, type RequestContext} from './arm.js';
import type {JsonObject, TrackedResource} from './state.js';

export const KEY_VAULT_API_VERSIONS = ['2026-02-01'] as const;
const TYPE = 'Microsoft.KeyVault/vaults';
const RG_PREFIX = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults';
const OPERATION_KINDS = ['add', 'replace', 'remove'] as const;
const CATEGORIES = ['keys', 'secrets', 'certificates', 'storage'] as const;
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const badRequest = (message: string) => new ArmError(400, 'BadRequest', message);

function requireVault(ctx: RequestContext): TrackedResource {
	const {subscriptionId, resourceGroupName, vaultName} = ctx.params as {subscriptionId: string; resourceGroupName: string; vaultName: string};
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const vault = ctx.state.genericResources[`${group.id}/providers/${TYPE}/${vaultName}`.toLowerCase()];
	if (!vault) throw errors.resourceNotFound(TYPE, vaultName, resourceGroupName);
	return vault;
}

function top(ctx: RequestContext) {
	const value = Object.entries(ctx.query).find(([k]) => k.toLowerCase() === '$top')?.[1];
	if (value === undefined) return ctx;
	const size = Number.parseInt(value, 10);
	if (!/^\d+$/.test(value) || size < 1) throw badRequest("'$top' must be a positive integer.");
	return {...ctx, options: {...ctx.options, pageSize: size}};
}

/** One AccessPolicyEntry, validated and normalised (permission names lower-cased, as Key Vault stores them). */
function validatePolicy(raw: unknown, index: number): JsonObject {
	const path = `properties.accessPolicies[${index}]`;
	if (!isPlainObject(raw)) throw errors.invalidRequestContent(`'${path}' must be an object`);
	for (const field of ['tenantId', 'objectId'] as const) {
		if (typeof raw[field] !== 'string' || !GUID_RE.test(raw[field])) throw badRequest(`'${path}.${field}' is required and must be a GUID.`);
	}
	if (raw.applicationId !== undefined && raw.applicationId !== null && (typeof raw.applicationId !== 'string' || !GUID_RE.test(raw.applicationId))) {
		throw badRequest(`'${path}.applicationId' must be a GUID.`);
	}
	if (!isPlainObject(raw.permissions)) throw badRequest(`'${path}.permissions' is required.`);
	const permissions: JsonObject = {};
	for (const [category, list] of Object.entries(raw.permissions)) {
		if (!(CATEGORIES as readonly string[]).includes(category)) throw badRequest(`'${path}.permissions.${category}' is not a permission category (${CATEGORIES.join(', ')}).`);
		if (list === null || list === undefined) continue;
		if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) throw errors.invalidRequestContent(`'${path}.permissions.${category}' must be an array of strings`);
		permissions[category] = [...new Set((list as string[]).map((p) => p.toLowerCase()))];
	}
	return {
		tenantId: raw.tenantId,
		objectId: raw.objectId,
		...(typeof raw.applicationId === 'string' ? {applicationId: raw.applicationId} : {}),
		permissions,
	};
}

const samePrincipal = (a: JsonObject, b: JsonObject) =>
	String(a.objectId).toLowerCase() === String(b.objectId).toLowerCase() &&
	String(a.tenantId).toLowerCase() === String(b.tenantId).toLowerCase() &&
	String(a.applicationId ?? '').toLowerCase() === String(b.applicationId ?? '').toLowerCase();

/** Applies add (union per category), replace (the entry's permissions become the sent ones) or remove (drop the sent permissions; an empty entry goes). */
export function applyAccessPolicies(current: JsonObject[], kind: (typeof OPERATION_KINDS)[number], changes: JsonObject[]): JsonObject[] {
	const next = current.map((p) => ({...p, permissions: {...(p.permissions as JsonObject)}}));
	for (const change of changes) {
		const at = next.findIndex((p) => samePrincipal(p, change));
		const sent = change.permissions as Record<string, string[]>;
		if (kind === 'remove') {
			if (at < 0) continue;
			const perms = next[at]!.permissions as Record<string, string[]>;
			for (const [category, list] of Object.entries(sent)) {
				if (perms[category]) perms[category] = perms[category]!.filter((p) => !list.includes(p.toLowerCase()));
			}
			if (Object.keys(sent).length === 0 || CATEGORIES.every((c) => (perms[c] ?? []).length === 0)) next.splice(at, 1);
		} else if (at < 0 || kind === 'replace') {
			const entry = {...change, permissions: {...sent}};
			if (at < 0) next.push(entry);
			else next[at] = entry;
		} else {
			const perms = next[at]!.permissions as Record<string, string[]>;
			for (const [category, list] of Object.entries(sent)) perms[category] = [...new Set([...(perms[category] ?? []), ...list])];
		}
	}
	return next;
}

export const keyVaultProvider: ProviderModule = {
	namespaces: ['Microsoft.KeyVault'],
	routes: [
		{
			pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/vaults',
			apiVersions: KEY_VAULT_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
					return {status: 200, body: page(top(ctx), resourcesOfTypeUnder(ctx.state.genericResources, sub.id, TYPE))};
				},
			},
		},
		{
			pattern: RG_PREFIX,
			apiVersions: KEY_VAULT_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const group = requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
					return {status: 200, body: page(top(ctx), resourcesOfTypeUnder(ctx.state.genericResources, group.id, TYPE))};
				},
			},
		},
		{
			pattern: `${RG_PREFIX}/{vaultName}`,
			apiVersions: KEY_VAULT_API_VERSIONS,
			methods: {GET: (ctx) => ({status: 200, body: requireVault(ctx)})},
		},
		{
			pattern: `${RG_PREFIX}/{vaultName}/accessPolicies/{operationKind}`,
			apiVersions: KEY_VAULT_API_VERSIONS,
			methods: {
				PUT: (ctx) => {
					const vault = requireVault(ctx);
					const kind = OPERATION_KINDS.find((k) => k === ctx.params.operationKind!.toLowerCase());
					if (!kind) throw badRequest(`The access policy update kind '${ctx.params.operationKind!}' is invalid. Allowed values are: add, replace, remove.`);
					const body = requireObjectBody(ctx);
					if (!isPlainObject(body.properties) || !Array.isArray(body.properties.accessPolicies)) {
						throw badRequest("'properties.accessPolicies' is required: an array of access policy entries.");
					}
					const changes = body.properties.accessPolicies.map(validatePolicy);
					const current = Array.isArray(vault.properties.accessPolicies) ? (vault.properties.accessPolicies as JsonObject[]) : [];
					vault.properties.accessPolicies = applyAccessPolicies(current, kind, changes);
					ctx.commit();
					return {
						status: 200,
						body: {id: `${vault.id}/accessPolicies/${kind}`, name: kind, type: `${TYPE}/accessPolicies`, location: vault.location, properties: {accessPolicies: changes}},
					};
				},
			},
		},
	],
};
