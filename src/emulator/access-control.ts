/**
 * Azure RBAC for the caller (`ctx.caller`: the principal of the request's Entra ID token, or the demo
 * user for the demo's opaque bearer token; see entra-id.ts),
 * the ARM action each mutating route needs (`ROUTE_ACTIONS`, the one table), effective permissions
 * from role assignments at or above a scope, the `Microsoft.Authorization/permissions` API
 * (2022-04-01: `permissions.listForResourceGroup` / `listForResource`), and enforcement:
 * - a write whose action the caller lacks at its scope: 403 AuthorizationFailed;
 * - a write linking a user-assigned identity the caller may not assign
 *   (`Microsoft.ManagedIdentity/userAssignedIdentities/assign/action`): 403 LinkedAuthorizationFailed.
 */
import {ArmError, isPlainObject, page, requireResourceGroup, type HttpMethod, type ProviderModule, type RequestContext} from './arm.js';
import {DEMO_CALLER, type Caller} from './entra-id.js';
import {builtInRoleDefinitions} from './seed-identity.js';
import type {EmulatorState, JsonObject} from './state.js';

export const PERMISSIONS_API_VERSIONS = ['2022-04-01'] as const;

/** The caller of a request made with the demo's opaque bearer token: Ada, the demo user. */
export const CALLER = DEMO_CALLER;

export const ASSIGN_USER_ASSIGNED_IDENTITY = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

const RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';
const WS = `${RG}/Microsoft.MachineLearningServices/workspaces/{workspaceName}`;

export interface RouteAction {
	/** The ARM action checked, or null for a POST that only reads (e.g. checkNameAvailability). */
	action: string | null;
	/** How many trailing path segments to drop to get the scope (1 for POST actions such as listSecrets). Default 0: the request path. */
	scopeUp?: number;
}

/**
 * The action every mutating route needs, keyed `"<METHOD> <route pattern>"` (patterns exactly as the
 * providers declare them; a test checks every PUT/PATCH/DELETE/POST route has an entry).
 */
export const ROUTE_ACTIONS: Readonly<Record<string, RouteAction>> = {
	// Microsoft.MachineLearningServices
	[`PUT ${WS}`]: {action: 'Microsoft.MachineLearningServices/workspaces/write'},
	[`PATCH ${WS}`]: {action: 'Microsoft.MachineLearningServices/workspaces/write'},
	[`DELETE ${WS}`]: {action: 'Microsoft.MachineLearningServices/workspaces/delete'},
	[`PUT ${WS}/computes/{computeName}`]: {action: 'Microsoft.MachineLearningServices/workspaces/computes/write'},
	[`PATCH ${WS}/computes/{computeName}`]: {action: 'Microsoft.MachineLearningServices/workspaces/computes/write'},
	[`DELETE ${WS}/computes/{computeName}`]: {action: 'Microsoft.MachineLearningServices/workspaces/computes/delete'},
	[`PUT ${WS}/connections/{connectionName}`]: {action: 'Microsoft.MachineLearningServices/workspaces/connections/write'},
	[`DELETE ${WS}/connections/{connectionName}`]: {action: 'Microsoft.MachineLearningServices/workspaces/connections/delete'},
	[`PUT ${WS}/datastores/{name}`]: {action: 'Microsoft.MachineLearningServices/workspaces/datastores/write'},
	[`DELETE ${WS}/datastores/{name}`]: {action: 'Microsoft.MachineLearningServices/workspaces/datastores/delete'},
	[`POST ${WS}/datastores/{name}/listSecrets`]: {action: 'Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action', scopeUp: 1},
	// Microsoft.ContainerRegistry
	['POST /subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/checkNameAvailability']: {action: null},
	[`PUT ${RG}/Microsoft.ContainerRegistry/registries/{registryName}`]: {action: 'Microsoft.ContainerRegistry/registries/write'},
	[`PATCH ${RG}/Microsoft.ContainerRegistry/registries/{registryName}`]: {action: 'Microsoft.ContainerRegistry/registries/write'},
	[`DELETE ${RG}/Microsoft.ContainerRegistry/registries/{registryName}`]: {action: 'Microsoft.ContainerRegistry/registries/delete'},
	// Microsoft.Authorization
	['PUT /{*scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}']: {action: 'Microsoft.Authorization/roleAssignments/write'},
	['DELETE /{*scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}']: {action: 'Microsoft.Authorization/roleAssignments/delete'},
	// Microsoft.ManagedIdentity
	[`PUT ${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}`]: {action: 'Microsoft.ManagedIdentity/userAssignedIdentities/write'},
	[`PATCH ${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}`]: {action: 'Microsoft.ManagedIdentity/userAssignedIdentities/write'},
	[`DELETE ${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}`]: {action: 'Microsoft.ManagedIdentity/userAssignedIdentities/delete'},
	// Microsoft.KeyVault
	[`PUT ${RG}/Microsoft.KeyVault/vaults/{vaultName}/accessPolicies/{operationKind}`]: {action: 'Microsoft.KeyVault/vaults/accessPolicies/write'},
};

export function routeActionKey(method: HttpMethod, pattern: string): string {
	return `${method} ${pattern}`;
}

// ---------------------------------------------------------------- effective permissions

export interface Permission {
	actions: string[];
	notActions: string[];
	dataActions: string[];
	notDataActions: string[];
}

/** `/a/b`: one leading slash, no trailing slash. */
function normalizeScope(scope: string): string {
	return `/${scope.replace(/^\/+/, '').replace(/\/+$/, '')}`;
}

function isAtOrAbove(ancestor: string, scope: string): boolean {
	const a = normalizeScope(ancestor).toLowerCase();
	const s = normalizeScope(scope).toLowerCase();
	return a === '/' || a === s || s.startsWith(`${a}/`);
}

/**
 * The permission blocks that apply to `principalId` at `scope`: one per permission of each role
 * assigned at or above the scope (as `Microsoft.Authorization/permissions` answers; identical blocks once).
 */
export function permissionsAt(state: EmulatorState, principalId: string, scope: string): Permission[] {
	const definitions = {...builtInRoleDefinitions(), ...state.roleDefinitions};
	const out: Permission[] = [];
	const seen = new Set<string>();
	for (const assignment of Object.values(state.roleAssignments)) {
		const props = isPlainObject(assignment.properties) ? assignment.properties : {};
		if (String(props.principalId).toLowerCase() !== principalId.toLowerCase()) continue;
		if (!isAtOrAbove(String(props.scope), scope)) continue;
		const guid = String(props.roleDefinitionId).split('/').pop()!.toLowerCase();
		const definition = definitions[guid];
		const permissions = isPlainObject(definition?.properties) && Array.isArray(definition.properties.permissions) ? definition.properties.permissions : [];
		for (const raw of permissions as JsonObject[]) {
			const permission: Permission = {
				actions: [...((raw.actions as string[] | undefined) ?? [])],
				notActions: [...((raw.notActions as string[] | undefined) ?? [])],
				dataActions: [...((raw.dataActions as string[] | undefined) ?? [])],
				notDataActions: [...((raw.notDataActions as string[] | undefined) ?? [])],
			};
			const key = JSON.stringify(permission);
			if (seen.has(key)) continue;
			seen.add(key);
			out.push(permission);
		}
	}
	return out;
}

/**
 * Azure RBAC wildcard match, case-insensitive: a star matches any run of characters (including '/'),
 * and a whole star segment ('/' star '/') may also match nothing, so Managed Identity Operator's
 * 'userAssignedIdentities/(star)/assign/action' grants 'userAssignedIdentities/assign/action'.
 */
export function actionMatches(pattern: string, action: string): boolean {
	const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
	const source = escaped.join('\u0000').replace(/\/\u0000\//g, '(?:/.*)?/').replace(/\u0000/g, '.*');
	return new RegExp(`^${source}$`, 'i').test(action);
}

/** True when one permission block grants `action` (in actions, not in that block's notActions). */
export function isActionAllowed(permissions: readonly Permission[], action: string): boolean {
	return permissions.some((p) => p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((n) => actionMatches(n, action)));
}

export function callerCan(state: EmulatorState, action: string, scope: string, caller: Caller = DEMO_CALLER): boolean {
	return isActionAllowed(permissionsAt(state, caller.objectId, scope), action);
}

/**
 * Whether the caller sees a subscription in `GET /subscriptions`: it belongs to the caller's tenant and
 * the caller holds some role assignment at it or below (as ARM lists subscriptions).
 */
export function callerSeesSubscription(state: EmulatorState, subscriptionId: string, tenantId: string | undefined, caller: Caller = DEMO_CALLER): boolean {
	if (tenantId !== undefined && tenantId.toLowerCase() !== caller.tenantId.toLowerCase()) return false;
	const prefix = `/subscriptions/${subscriptionId}`.toLowerCase();
	return Object.values(state.roleAssignments).some((assignment) => {
		const props = isPlainObject(assignment.properties) ? assignment.properties : {};
		const scope = String(props.scope).toLowerCase();
		return String(props.principalId).toLowerCase() === caller.objectId.toLowerCase() && (scope === prefix || scope.startsWith(`${prefix}/`));
	});
}

// ---------------------------------------------------------------- errors (ARM wording)

export const accessErrors = {
	authorizationFailed: (action: string, scope: string, caller: Caller = DEMO_CALLER) =>
		new ArmError(
			403,
			'AuthorizationFailed',
			`The client '${caller.displayName}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
		),
	linkedAuthorizationFailed: (action: string, scope: string, linkedAction: string, linkedScopes: readonly string[], caller: Caller = DEMO_CALLER) =>
		new ArmError(
			403,
			'LinkedAuthorizationFailed',
			`The client '${caller.displayName}' with object id '${caller.objectId}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action(s) '${linkedAction}' on the linked scope(s) '${linkedScopes.join(',')}' (respectively) or the linked scope(s) are invalid.`,
		),
} as const;

/** The scope a request acts on: its path (decoded, one leading slash), minus `scopeUp` trailing segments. */
export function requestScope(path: string, scopeUp = 0): string {
	const parts = path
		.split('/')
		.filter(Boolean)
		.map((p) => {
			try {
				return decodeURIComponent(p);
			} catch {
				return p;
			}
		});
	return `/${parts.slice(0, parts.length - scopeUp).join('/')}`;
}

/**
 * Called by the server before a mutating handler: 403 AuthorizationFailed when the caller lacks the
 * route's action at the request scope. Subscriptions the emulator does not know are left to the
 * handler (404 SubscriptionNotFound, as ARM answers).
 */
export function enforceRouteAction(state: EmulatorState, method: HttpMethod, pattern: string, path: string, caller: Caller = DEMO_CALLER): void {
	if (method === 'GET' || method === 'HEAD') return;
	const entry = ROUTE_ACTIONS[routeActionKey(method, pattern)];
	if (!entry || entry.action === null) return;
	const scope = requestScope(path, entry.scopeUp);
	const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
	if (!subscription || !state.subscriptions[`/subscriptions/${subscription}`.toLowerCase()]) return;
	if (!callerCan(state, entry.action, scope, caller)) throw accessErrors.authorizationFailed(entry.action, scope, caller);
}

/**
 * Linked access check for a write that links user-assigned identities (workspace/compute PUT or
 * PATCH with `identity.userAssignedIdentities`): each identity the emulator knows must allow the
 * caller `.../assign/action` (unknown ids are left to the provider's own 400).
 */
export function requireLinkedIdentityAccess(ctx: RequestContext, action: string, identityIds: readonly string[]): void {
	const denied = identityIds
		.map((id) => ctx.state.identities[id.toLowerCase()]?.id)
		.filter((id): id is string => id !== undefined && !callerCan(ctx.state, ASSIGN_USER_ASSIGNED_IDENTITY, id, ctx.caller));
	if (denied.length > 0) throw accessErrors.linkedAuthorizationFailed(action, requestScope(ctx.path), ASSIGN_USER_ASSIGNED_IDENTITY, denied, ctx.caller);
}

// ---------------------------------------------------------------- Microsoft.Authorization/permissions

function listPermissions(ctx: RequestContext) {
	const scope = normalizeScope(ctx.params.scope!);
	const parts = scope.split('/').filter(Boolean);
	if (parts[0]?.toLowerCase() !== 'subscriptions' || parts[2]?.toLowerCase() !== 'resourcegroups' || parts[3] === undefined) {
		throw new ArmError(400, 'InvalidScope', `The scope '${scope}' is not valid for a permissions list: use a resource group or a resource in one.`);
	}
	requireResourceGroup(ctx, parts[1]!, parts[3]);
	return {status: 200, body: page(ctx, permissionsAt(ctx.state, ctx.caller.objectId, scope))};
}

export const permissionsProvider: ProviderModule = {
	namespaces: ['Microsoft.Authorization'],
	routes: [
		{
			pattern: '/{*scope}/providers/Microsoft.Authorization/permissions',
			apiVersions: PERMISSIONS_API_VERSIONS,
			methods: {GET: listPermissions},
		},
	],
};
