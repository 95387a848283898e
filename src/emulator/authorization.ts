/**
 * Microsoft.Authorization 2022-04-01: role definitions (built-ins) and role assignments at any
 * scope, with the service behaviour real ARM shows beyond the swagger: 409 RoleAssignmentExists,
 * 400 PrincipalNotFound (unknown principal, or one created less than `replicationDelayMs` ago
 * when no principalType is sent), 409 RoleAssignmentUpdateNotPermitted.
 */
import {
	ArmError,
	errors,
	isoNow,
	isPlainObject,
	page,
	requireObjectBody,
	requireResourceGroup,
	requireSubscription,
	type ProviderModule,
	type RequestContext,
} from './arm.js';
import {grantRole} from './role-grants.js';
import {DEMO_TENANT} from './seed.js';
import {builtInRoleDefinitions} from './seed-identity.js';
import type {EmulatorState, JsonObject} from './state.js';

export const AUTHORIZATION_API_VERSIONS = ['2022-04-01'] as const;

/** How long a newly created principal stays invisible to role assignments without principalType. */
export const DEFAULT_REPLICATION_DELAY_MS = 10_000;

/** Emulator options this provider reads from `ctx.options` (server.ts adds them to the resolved options). */
export interface AuthorizationOptions {
	/** A principal created less than this many ms ago is PrincipalNotFound unless principalType is sent; default 10000. */
	replicationDelayMs: number;
	/** Role assignments younger than this are left out of reads (propagation delay, injected by faults.ts); default 0. */
	propagationDelayMs?: number;
	/** Told each time a read leaves out an assignment still propagating. */
	onPropagationHidden?: () => void;
}

function replicationDelayMs(ctx: RequestContext): number {
	const value = (ctx.options as Partial<AuthorizationOptions>).replicationDelayMs;
	return typeof value === 'number' && Number.isFinite(value) ? value : DEFAULT_REPLICATION_DELAY_MS;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup'] as const;
type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

// ---------------------------------------------------------------- errors (ARM wording)

const authzErrors = {
	roleDefinitionDoesNotExist: (status: 400 | 404, guid: string) =>
		new ArmError(status, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`),
	invalidRoleAssignmentId: (name: string) =>
		new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`),
	roleAssignmentNotFound: (name: string) => new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`),
	principalNotFound: (principalId: string, tenantId: string) =>
		new ArmError(
			400,
			'PrincipalNotFound',
			`Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype`,
		),
	unmatchedPrincipalType: (principalId: string, actual: string, sent: string) =>
		new ArmError(
			400,
			'UnmatchedPrincipalType',
			`The PrincipalId '${principalId.replace(/-/g, '')}' has type '${actual}' , which is different from specified PrincipalType '${sent}'.`,
		),
	roleAssignmentExists: (existingName: string) =>
		new ArmError(409, 'RoleAssignmentExists', `The role assignment already exists. The ID of the existing role assignment is ${existingName.replace(/-/g, '')}.`),
	updateNotPermitted: () =>
		new ArmError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.'),
	missingSubscription: () =>
		new ArmError(400, 'MissingSubscription', 'The request did not have a subscription or a valid tenant level resource provider.'),
	unsupportedFilter: (filter: string, supported: string) =>
		new ArmError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters: ${supported}.`),
} as const;

// ---------------------------------------------------------------- scopes

/** `/a/b` form: exactly one leading slash, no trailing slash. */
export function normalizeScope(scope: string): string {
	const trimmed = scope.replace(/^\/+/, '').replace(/\/+$/, '');
	return `/${trimmed}`;
}

/** True when `ancestor` is `scope` or a parent of it (case-insensitive, on segment boundaries). */
export function isScopeAtOrAbove(ancestor: string, scope: string): boolean {
	const a = normalizeScope(ancestor).toLowerCase();
	const s = normalizeScope(scope).toLowerCase();
	return a === '/' || a === s || s.startsWith(`${a}/`);
}

function subscriptionOf(scope: string): string | undefined {
	return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

/** State maps that are not resources keyed by ARM id. */
const NON_RESOURCE_MAPS = new Set(['principals', 'operations', 'roleAssignments', 'roleDefinitions']);

function resourceExists(state: EmulatorState, id: string): boolean {
	const lower = id.toLowerCase();
	for (const [name, map] of Object.entries(state)) {
		if (NON_RESOURCE_MAPS.has(name) || !isPlainObject(map)) continue;
		if (Object.prototype.hasOwnProperty.call(map, lower)) return true;
	}
	return false;
}

/**
 * Checks a scope the way ARM routes it: the subscription must exist (404 SubscriptionNotFound),
 * then the resource group (404 ResourceGroupNotFound); with `resource`, a resource scope must be a
 * resource the emulator knows (404 ResourceNotFound).
 */
function checkScope(ctx: RequestContext, scope: string, opts: {resource?: boolean; allowTenant?: boolean} = {}): void {
	const parts = scope.split('/').filter(Boolean);
	if (parts[0]?.toLowerCase() !== 'subscriptions' || parts[1] === undefined) {
		if (opts.allowTenant) return;
		throw authzErrors.missingSubscription();
	}
	requireSubscription(ctx, parts[1]);
	if (parts[2] === undefined) return;
	if (parts[2].toLowerCase() !== 'resourcegroups' || parts[3] === undefined) {
		// e.g. /subscriptions/{id}/providers/...: a subscription-level resource; nothing more to check.
		return;
	}
	requireResourceGroup(ctx, parts[1], parts[3]);
	if (!opts.resource || parts.length <= 4) return;
	if (!resourceExists(ctx.state, scope)) {
		// ARM reports the top-level resource: providers/{ns}/{type}/{name}
		const ns = parts[5] ?? '';
		const type = parts[6] ?? '';
		const name = parts[7] ?? '';
		throw errors.resourceNotFound(`${ns}/${type}`, name, parts[3]);
	}
}

// ---------------------------------------------------------------- role definitions

/** Every role definition: the built-ins plus whatever the state holds (custom roles, if ever). */
function roleDefinitions(state: EmulatorState): Record<string, JsonObject> {
	return {...builtInRoleDefinitions(), ...state.roleDefinitions};
}

/** A role definition as served at `scope`: subscription scopes get subscription-prefixed ids. */
function definitionAtScope(definition: JsonObject, scope: string): JsonObject {
	const sub = subscriptionOf(scope);
	const guid = String(definition.name);
	return {...definition, id: `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`};
}

function filterOf(ctx: RequestContext): string | undefined {
	const value = Object.entries(ctx.query).find(([k]) => k.toLowerCase() === '$filter')?.[1];
	return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function listRoleDefinitions(ctx: RequestContext, scope: string) {
	checkScope(ctx, scope, {allowTenant: true});
	let items = Object.values(roleDefinitions(ctx.state));
	const filter = filterOf(ctx);
	if (filter !== undefined) {
		const byName = /^roleName\s+eq\s+'(.*)'$/i.exec(filter);
		const byType = /^type\s+eq\s+'(.*)'$/i.exec(filter);
		if (byName) {
			const wanted = byName[1]!.toLowerCase();
			items = items.filter((d) => String((d.properties as JsonObject).roleName).toLowerCase() === wanted);
		} else if (byType) {
			const wanted = byType[1]!.toLowerCase();
			items = items.filter((d) => String((d.properties as JsonObject).type).toLowerCase() === wanted);
		} else {
			throw authzErrors.unsupportedFilter(filter, "roleName eq '{name}', type eq 'BuiltInRole'|'CustomRole'");
		}
	}
	return {status: 200, body: page(ctx, items.map((d) => definitionAtScope(d, scope)))};
}

function getRoleDefinition(ctx: RequestContext, scope: string, guid: string) {
	checkScope(ctx, scope, {allowTenant: true});
	const definition = roleDefinitions(ctx.state)[guid.toLowerCase()];
	if (!definition) throw authzErrors.roleDefinitionDoesNotExist(404, guid);
	return {status: 200, body: definitionAtScope(definition, scope)};
}

// ---------------------------------------------------------------- role assignments

function assignmentId(scope: string, name: string): string {
	return `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

function propsOf(assignment: JsonObject): JsonObject {
	return assignment.properties as JsonObject;
}

/** The GUID at the end of a role definition id (`/subscriptions/{s}/providers/...`, `/providers/...` or a bare GUID). */
function roleGuidOf(roleDefinitionId: string): string | undefined {
	const m = /^(?:(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/)?([^/]+)$/i.exec(roleDefinitionId.trim());
	return m?.[1];
}

function requiredString(props: JsonObject, name: string): string {
	const value = props[name];
	if (value === undefined || value === null) {
		throw errors.invalidRequestContent(`Required property '${name}' not found in JSON. Path 'properties'`);
	}
	if (typeof value !== 'string' || value.trim() === '') {
		throw errors.invalidRequestContent(`Property '${name}' must be a non-empty string. Path 'properties.${name}'`);
	}
	return value.trim();
}

function optionalString(props: JsonObject, name: string): string | undefined {
	const value = props[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw errors.invalidRequestContent(`Property '${name}' must be a string. Path 'properties.${name}'`);
	return value;
}

function putRoleAssignment(ctx: RequestContext, scope: string, name: string) {
	if (!GUID_RE.test(name)) throw authzErrors.invalidRoleAssignmentId(name);
	checkScope(ctx, scope, {resource: true});
	const body = requireObjectBody(ctx);
	if (!isPlainObject(body.properties)) {
		throw errors.invalidRequestContent("Required property 'properties' not found in JSON. Path ''");
	}
	const props = body.properties;
	const roleDefinitionId = requiredString(props, 'roleDefinitionId');
	const principalId = requiredString(props, 'principalId');
	const sentType = optionalString(props, 'principalType');
	const description = optionalString(props, 'description');
	const condition = optionalString(props, 'condition');
	const conditionVersion = optionalString(props, 'conditionVersion');

	let principalType: PrincipalType | undefined;
	if (sentType !== undefined) {
		principalType = PRINCIPAL_TYPES.find((t) => t.toLowerCase() === sentType.toLowerCase());
		if (!principalType) throw errors.invalidRequestContent(`Requested value '${sentType}' was not found. Path 'properties.principalType'`);
	}

	const roleGuid = roleGuidOf(roleDefinitionId);
	if (!roleGuid || !roleDefinitions(ctx.state)[roleGuid.toLowerCase()]) {
		throw authzErrors.roleDefinitionDoesNotExist(400, roleGuid ?? roleDefinitionId);
	}

	// The directory: unknown principals, and new ones still replicating unless principalType is given.
	const principal = ctx.state.principals[principalId.toLowerCase()];
	if (!principal) throw authzErrors.principalNotFound(principalId, ctx.state.tenantId);
	const replicated = ctx.now() - principal.createdAt >= replicationDelayMs(ctx);
	if (!replicated && principalType === undefined) throw authzErrors.principalNotFound(principalId, ctx.state.tenantId);
	if (replicated && principalType !== undefined && principalType !== principal.kind) {
		throw authzErrors.unmatchedPrincipalType(principalId, principal.kind, principalType);
	}

	const id = assignmentId(scope, name);
	const existing = ctx.state.roleAssignments[id.toLowerCase()];
	if (existing) {
		const stored = propsOf(existing);
		const sameRole = roleGuidOf(String(stored.roleDefinitionId))?.toLowerCase() === roleGuid.toLowerCase();
		const samePrincipal = String(stored.principalId).toLowerCase() === principalId.toLowerCase();
		if (!sameRole || !samePrincipal) throw authzErrors.updateNotPermitted();
		// Description and condition may change; anything else is the same assignment.
		let changed = false;
		if (description !== undefined && description !== stored.description) {
			stored.description = description;
			changed = true;
		}
		if (condition !== undefined && condition !== stored.condition) {
			stored.condition = condition;
			stored.conditionVersion = conditionVersion ?? '2.0';
			changed = true;
		}
		if (changed) {
			stored.updatedOn = isoNow(ctx);
			stored.updatedBy = DEMO_TENANT.user.objectId;
			ctx.commit();
		}
		return {status: 200, body: existing};
	}

	const duplicate = Object.values(ctx.state.roleAssignments).find((a) => {
		const p = propsOf(a);
		return (
			String(p.scope).toLowerCase() === scope.toLowerCase() &&
			String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
			roleGuidOf(String(p.roleDefinitionId))?.toLowerCase() === roleGuid.toLowerCase()
		);
	});
	if (duplicate) throw authzErrors.roleAssignmentExists(String(duplicate.name));

	const created = grantRole(ctx.state, {
		scope,
		roleDefinitionGuid: roleGuid,
		principalId,
		principalType: principalType ?? principal.kind,
		name,
		createdAt: isoNow(ctx),
		createdBy: DEMO_TENANT.user.objectId,
	});
	const createdProps = propsOf(created);
	if (description !== undefined) createdProps.description = description;
	if (condition !== undefined) {
		createdProps.condition = condition;
		createdProps.conditionVersion = conditionVersion ?? '2.0';
	}
	ctx.commit();
	return {status: 201, body: created};
}

interface AssignmentFilter {
	atScope: boolean;
	principalId?: string;
}

const SUPPORTED_ASSIGNMENT_FILTERS = "atScope(), principalId eq '{id}', assignedTo('{id}'), and combinations with 'and'";

export function parseAssignmentFilter(filter: string | undefined): AssignmentFilter {
	const result: AssignmentFilter = {atScope: false};
	if (filter === undefined) return result;
	for (const clause of filter.split(/\s+and\s+/i)) {
		const c = clause.trim();
		const principal = /^principalId\s+eq\s+'([^']+)'$/i.exec(c) ?? /^assignedTo\(\s*'([^']+)'\s*\)$/i.exec(c);
		if (/^atScope\(\s*\)$/i.test(c)) {
			result.atScope = true;
		} else if (principal) {
			if (result.principalId !== undefined && result.principalId.toLowerCase() !== principal[1]!.toLowerCase()) {
				throw authzErrors.unsupportedFilter(filter, SUPPORTED_ASSIGNMENT_FILTERS);
			}
			result.principalId = principal[1]!;
		} else {
			throw authzErrors.unsupportedFilter(filter, SUPPORTED_ASSIGNMENT_FILTERS);
		}
	}
	return result;
}

function listRoleAssignments(ctx: RequestContext, scope: string) {
	checkScope(ctx, scope);
	const filter = parseAssignmentFilter(filterOf(ctx));
	const propagationDelayMs = (ctx.options as Partial<AuthorizationOptions>).propagationDelayMs ?? 0;
	const items = Object.values(ctx.state.roleAssignments).filter((a) => {
		const p = propsOf(a);
		const at = String(p.scope);
		const related = isScopeAtOrAbove(at, scope) || (!filter.atScope && isScopeAtOrAbove(scope, at));
		if (!related) return false;
		if (propagationDelayMs > 0 && ctx.now() - Date.parse(String(p.createdOn)) < propagationDelayMs) {
			(ctx.options as Partial<AuthorizationOptions>).onPropagationHidden?.();
			return false;
		}
		return filter.principalId === undefined || String(p.principalId).toLowerCase() === filter.principalId.toLowerCase();
	});
	return {status: 200, body: page(ctx, items)};
}

// ---------------------------------------------------------------- provider

const PREFIX = '/providers/Microsoft.Authorization';

export const authorizationProvider: ProviderModule = {
	namespaces: ['Microsoft.Authorization'],
	routes: [
		{
			pattern: `${PREFIX}/roleDefinitions`,
			apiVersions: AUTHORIZATION_API_VERSIONS,
			methods: {GET: (ctx) => listRoleDefinitions(ctx, '/')},
		},
		{
			pattern: `${PREFIX}/roleDefinitions/{roleDefinitionId}`,
			apiVersions: AUTHORIZATION_API_VERSIONS,
			methods: {GET: (ctx) => getRoleDefinition(ctx, '/', ctx.params.roleDefinitionId!)},
		},
		{
			pattern: `/{*scope}${PREFIX}/roleDefinitions`,
			apiVersions: AUTHORIZATION_API_VERSIONS,
			methods: {GET: (ctx) => listRoleDefinitions(ctx, normalizeScope(ctx.params.scope!))},
		},
		{
			pattern: `/{*scope}${PREFIX}/roleDefinitions/{roleDefinitionId}`,
			apiVersions: AUTHORIZATION_API_VERSIONS,
			methods: {GET: (ctx) => getRoleDefinition(ctx, normalizeScope(ctx.params.scope!), ctx.params.roleDefinitionId!)},
		},
		{
			pattern: `/{*scope}${PREFIX}/roleAssignments`,
			apiVersions: AUTHORIZATION_API_VERSIONS,
			methods: {GET: (ctx) => listRoleAssignments(ctx, normalizeScope(ctx.params.scope!))},
		},
		{
			pattern: `/{*scope}${PREFIX}/roleAssignments/{roleAssignmentName}`,
			apiVersions: AUTHORIZATION_API_VERSIONS,
			methods: {
				PUT: (ctx) => putRoleAssignment(ctx, normalizeScope(ctx.params.scope!), ctx.params.roleAssignmentName!),
				GET: (ctx) => {
					const scope = normalizeScope(ctx.params.scope!);
					checkScope(ctx, scope);
					const found = ctx.state.roleAssignments[assignmentId(scope, ctx.params.roleAssignmentName!).toLowerCase()];
					if (!found) throw authzErrors.roleAssignmentNotFound(ctx.params.roleAssignmentName!);
					return {status: 200, body: found};
				},
				DELETE: (ctx) => {
					const scope = normalizeScope(ctx.params.scope!);
					checkScope(ctx, scope);
					const key = assignmentId(scope, ctx.params.roleAssignmentName!).toLowerCase();
					const found = ctx.state.roleAssignments[key];
					if (!found) return {status: 204};
					delete ctx.state.roleAssignments[key];
					ctx.commit();
					return {status: 200, body: found};
				},
			},
		},
	],
};
