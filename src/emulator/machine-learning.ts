/**
 * Microsoft.MachineLearningServices 2022-10-01: workspaces (list, get, PUT create-or-update, PATCH
 * update and DELETE as long-running operations), workspace computes (list, get, PUT create-or-update
 * and DELETE as long-running operations, PATCH scale settings) and workspace connections (PUT, GET,
 * DELETE, list), plus the `computeOperationsStatus` / `workspaceOperationsStatus` resources their
 * LROs point at.
 */
import {randomUUID} from 'node:crypto';
import {
	ArmError,
	childrenOf,
	errors,
	isPlainObject,
	isoNow,
	page,
	requireObjectBody,
	requireResourceGroup,
	requireSubscription,
	resourcesOfTypeUnder,
	type ArmResponse,
	type OperationApplier,
	type ProviderModule,
	type RequestContext,
} from './arm.js';
import {requireLinkedIdentityAccess} from './access-control.js';
import {addDefaultDatastores} from './datastores.js';
import {BUILT_IN_ROLES, grantRole} from './role-grants.js';
import {amlComputeProperties, DEMO_TENANT} from './seed.js';
import {cloneJson, registerPrincipal, type EmulatorState, type JsonObject, type OperationRecord, type TrackedResource} from './state.js';

export const MACHINE_LEARNING_API_VERSIONS = ['2022-10-01'] as const;
const NAMESPACE = 'Microsoft.MachineLearningServices';
const PREFIX = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NAMESPACE}`;
const WORKSPACE_PATTERN = `${PREFIX}/workspaces/{workspaceName}`;
export const COMPUTE_TYPE = `${NAMESPACE}/workspaces/computes`;
export const CONNECTION_TYPE = `${NAMESPACE}/workspaces/connections`;
export const COMPUTE_CREATE_OPERATION = `${NAMESPACE}/workspaces/computes/createOrUpdate`;
export const WORKSPACE_UPDATE_OPERATION = `${NAMESPACE}/workspaces/update`;
export const WORKSPACE_CREATE_OPERATION = `${NAMESPACE}/workspaces/createOrUpdate`;
export const COMPUTE_DELETE_OPERATION = `${NAMESPACE}/workspaces/computes/delete`;
export const WORKSPACE_DELETE_OPERATION = `${NAMESPACE}/workspaces/delete`;
const DELETE_OPERATIONS: readonly string[] = [COMPUTE_DELETE_OPERATION, WORKSPACE_DELETE_OPERATION];

const COMPUTE_TYPES = ['AKS', 'Kubernetes', 'AmlCompute', 'ComputeInstance', 'DataFactory', 'VirtualMachine', 'HDInsight', 'Databricks', 'DataLakeAnalytics', 'SynapseSpark'] as const;
const CONNECTION_AUTH_TYPES = ['PAT', 'ManagedIdentity', 'UsernamePassword', 'None', 'SAS'] as const;
const CONNECTION_CATEGORIES = ['PythonFeed', 'ContainerRegistry', 'Git'] as const;
/** Credentials members per authType (WorkspaceConnection* definitions, all additionalProperties:false). */
const CONNECTION_CREDENTIALS: Record<string, readonly string[] | undefined> = {
	PAT: ['pat'],
	ManagedIdentity: ['resourceId', 'clientId'],
	UsernamePassword: ['username', 'password'],
	SAS: ['sas'],
	None: undefined,
};
const WORKSPACE_IDENTITY_TYPES = ['SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned'] as const;
const COMPUTE_IDENTITY_TYPES = ['None', 'SystemAssigned', 'UserAssigned'] as const;

const badRequest = (message: string) => new ArmError(400, 'BadRequest', message);

const match = <T extends string>(allowed: readonly T[], value: unknown): T | undefined =>
	typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.replace(/\s+/g, '').toLowerCase()) : undefined;

// ---------------------------------------------------------------- lookups

export function findWorkspace(ctx: RequestContext, subscriptionId: string, resourceGroupName: string, workspaceName: string): TrackedResource {
	requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/${NAMESPACE}/workspaces/${workspaceName}`;
	const workspace = ctx.state.workspaces[id.toLowerCase()];
	if (!workspace) throw errors.resourceNotFound(`${NAMESPACE}/workspaces`, workspaceName, resourceGroupName);
	return workspace;
}

function workspaceFromParams(ctx: RequestContext): TrackedResource {
	return findWorkspace(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!, ctx.params.workspaceName!);
}

function findCompute(ctx: RequestContext): TrackedResource {
	const workspace = workspaceFromParams(ctx);
	const compute = ctx.state.computes[`${workspace.id}/computes/${ctx.params.computeName!}`.toLowerCase()];
	if (!compute) {
		throw errors.resourceNotFound(`${NAMESPACE}/workspaces`, `${workspace.name}/computes/${ctx.params.computeName!}`, ctx.params.resourceGroupName!);
	}
	return compute;
}

/** A user-assigned identity from the ManagedIdentity provider's state (ids are case-insensitive). */
function lookupIdentity(state: EmulatorState, id: string): TrackedResource | undefined {
	return state.identities[id.toLowerCase()];
}

function userAssignedEntry(uai: TrackedResource): JsonObject {
	const props = isPlainObject(uai.properties) ? uai.properties : {};
	return {principalId: props.principalId, clientId: props.clientId};
}

/** Validates a userAssignedIdentities map against the state; returns it keyed by the identities' ids with principalId/clientId. */
function resolveUserAssigned(state: EmulatorState, raw: unknown): Record<string, JsonObject> {
	if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
		throw badRequest("Identity type 'UserAssigned' requires at least one entry in 'userAssignedIdentities'.");
	}
	const resolved: Record<string, JsonObject> = {};
	for (const id of Object.keys(raw)) {
		const uai = lookupIdentity(state, id);
		if (!uai) throw badRequest(`The user-assigned identity '${id}' was not found. Check that the resource exists and that its id is correct.`);
		resolved[uai.id] = userAssignedEntry(uai);
	}
	return resolved;
}

function principalsOf(identity: unknown): string[] {
	if (!isPlainObject(identity)) return [];
	const out: string[] = [];
	if (typeof identity.principalId === 'string') out.push(identity.principalId);
	if (isPlainObject(identity.userAssignedIdentities)) {
		for (const entry of Object.values(identity.userAssignedIdentities)) {
			if (isPlainObject(entry) && typeof entry.principalId === 'string') out.push(entry.principalId);
		}
	}
	return out;
}

/** True if `principalId` already holds `roleGuid` at exactly `scope`. */
export function hasRoleAssignment(state: EmulatorState, principalId: string, roleGuid: string, scope: string): boolean {
	return Object.values(state.roleAssignments).some((assignment) => {
		const props = isPlainObject(assignment.properties) ? assignment.properties : {};
		return (
			String(props.principalId).toLowerCase() === principalId.toLowerCase() &&
			String(props.roleDefinitionId).toLowerCase().endsWith(`/${roleGuid.toLowerCase()}`) &&
			String(props.scope).toLowerCase() === scope.toLowerCase()
		);
	});
}

/** What Azure ML does when a compute gets an identity: AcrPull on the workspace registry, once. */
export function grantAcrPullOnWorkspaceRegistry(state: EmulatorState, workspace: TrackedResource, principalIds: readonly string[], createdAt: string): void {
	const registryId = workspace.properties.containerRegistry;
	if (typeof registryId !== 'string' || !registryId) return;
	const registry = state.registries[registryId.toLowerCase()];
	const scope = registry?.id ?? registryId;
	for (const principalId of principalIds) {
		if (hasRoleAssignment(state, principalId, BUILT_IN_ROLES.AcrPull, scope)) continue;
		grantRole(state, {scope, roleDefinitionGuid: BUILT_IN_ROLES.AcrPull, principalId, principalType: 'ServicePrincipal', createdAt});
	}
}

function pendingOperationFor(state: EmulatorState, resourceKey: string): OperationRecord | undefined {
	return Object.values(state.operations).find((op) => op.resourceKey === resourceKey && op.status === 'InProgress');
}

/** Starts a long-running operation on a resource (InProgress until lroDurationMs has passed); returns its status ID. */
function startOperation(
	ctx: RequestContext,
	operation: {kind: string; statusKind: 'computeOperationsStatus' | 'workspaceOperationsStatus'; resourceKey: string; subscriptionId: string; location: string; payload: JsonObject},
): string {
	const startedAt = ctx.now();
	const name = randomUUID();
	const id = operationId(operation.subscriptionId, operation.location, operation.statusKind, name);
	ctx.startOperation({
		id,
		name,
		kind: operation.kind,
		resourceKey: operation.resourceKey,
		status: 'InProgress',
		startTime: new Date(startedAt).toISOString(),
		completesAt: startedAt + ctx.options.lroDurationMs,
		payload: operation.payload,
	});
	return id;
}

/** 409 when another operation is still running on the resource (`what` names it, e.g. "compute 'cpu'"). */
function refuseWhileBusy(state: EmulatorState, resourceKey: string, what: string): void {
	const pending = pendingOperationFor(state, resourceKey);
	if (!pending) return;
	const doing = DELETE_OPERATIONS.includes(pending.kind) ? 'deleted' : 'created or updated';
	throw new ArmError(409, 'Conflict', `The ${what} is being ${doing} by another operation. Retry after it completes.`);
}

function operationStatusBody(operation: OperationRecord): JsonObject {
	return {
		id: operation.id,
		name: operation.name,
		status: operation.status,
		startTime: operation.startTime,
		...(operation.endTime ? {endTime: operation.endTime} : {}),
		...(operation.status === 'Failed' && operation.error ? {error: operation.error} : {}),
	};
}

function operationId(subscriptionId: string, location: string, kind: 'computeOperationsStatus' | 'workspaceOperationsStatus', name: string): string {
	return `/subscriptions/${subscriptionId}/providers/${NAMESPACE}/locations/${location}/${kind}/${name}`;
}

function subscriptionOf(id: string): string {
	return /^\/subscriptions\/([^/]+)/i.exec(id)![1]!;
}

const userSystemData = (at: string) => ({
	createdBy: DEMO_TENANT.user.upn,
	createdByType: 'User' as const,
	createdAt: at,
	lastModifiedBy: DEMO_TENANT.user.upn,
	lastModifiedByType: 'User' as const,
	lastModifiedAt: at,
});

// ---------------------------------------------------------------- computes

/** Validates a compute `identity` (v3 ManagedServiceIdentity, compute rules) and resolves it against the previous one. */
export function resolveComputeIdentity(state: EmulatorState, raw: unknown, previous: unknown): {identity: JsonObject | undefined; newSystemPrincipal?: string} {
	if (raw === undefined || raw === null) return {identity: undefined};
	if (!isPlainObject(raw) || typeof raw.type !== 'string') throw errors.invalidRequestContent("'identity' must be an object with a string 'type'");
	const compact = raw.type.replace(/\s+/g, '').toLowerCase();
	if (compact === 'systemassigned,userassigned' || compact === 'userassigned,systemassigned') {
		throw badRequest(
			"A compute cluster can have either a system-assigned identity or user-assigned identities, not both. Use identity type 'SystemAssigned' or 'UserAssigned'.",
		);
	}
	const type = match(COMPUTE_IDENTITY_TYPES, raw.type);
	if (!type) throw badRequest(`The identity type '${raw.type}' is invalid. Allowed values are: ${COMPUTE_IDENTITY_TYPES.join(', ')}.`);
	if (type === 'None') return {identity: undefined};
	if (type === 'SystemAssigned') {
		if (isPlainObject(raw.userAssignedIdentities) && Object.keys(raw.userAssignedIdentities).length > 0) {
			throw badRequest("'userAssignedIdentities' must be empty when the identity type is 'SystemAssigned'.");
		}
		const before = isPlainObject(previous) && previous.type === 'SystemAssigned' && typeof previous.principalId === 'string' ? previous : undefined;
		if (before) return {identity: {type, principalId: before.principalId, tenantId: before.tenantId ?? state.tenantId}};
		const principalId = randomUUID();
		return {identity: {type, principalId, tenantId: state.tenantId}, newSystemPrincipal: principalId};
	}
	return {identity: {type, userAssignedIdentities: resolveUserAssigned(state, raw.userAssignedIdentities)}};
}

function integer(value: unknown, name: string, min = 0): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw badRequest(`'${name}' must be an integer of at least ${min}.`);
	return value;
}

export function validateScaleSettings(raw: unknown, path: string): JsonObject {
	if (!isPlainObject(raw)) throw badRequest(`'${path}' is required and must be an object.`);
	if (raw.maxNodeCount === undefined) throw badRequest(`'${path}.maxNodeCount' is required.`);
	const maxNodeCount = integer(raw.maxNodeCount, `${path}.maxNodeCount`);
	const minNodeCount = raw.minNodeCount === undefined ? 0 : integer(raw.minNodeCount, `${path}.minNodeCount`);
	if (minNodeCount > maxNodeCount) throw badRequest(`'${path}.minNodeCount' (${minNodeCount}) cannot be greater than maxNodeCount (${maxNodeCount}).`);
	const idle = raw.nodeIdleTimeBeforeScaleDown ?? 'PT2M';
	if (typeof idle !== 'string' || !/^P(T(\d+H)?(\d+M)?(\d+S)?)$/.test(idle) || idle === 'PT') {
		throw badRequest(`'${path}.nodeIdleTimeBeforeScaleDown' must be an ISO 8601 duration such as 'PT5M'.`);
	}
	return {maxNodeCount, minNodeCount, nodeIdleTimeBeforeScaleDown: idle};
}

/** Builds the compute body a PUT asks for (pure apart from reading state); provisioningState is set by the caller. */
function buildCompute(ctx: RequestContext, workspace: TrackedResource, existing: TrackedResource | undefined, body: Record<string, unknown>): TrackedResource {
	const name = ctx.params.computeName!;
	if (!/^[a-zA-Z][a-zA-Z0-9-]{1,23}$/.test(name)) {
		throw badRequest(`Compute name '${name}' is invalid. It can include letters, digits and dashes. It must start with a letter and be 2 to 24 characters long.`);
	}
	if (!isPlainObject(body.properties)) throw badRequest("'properties' is required.");
	const props = body.properties;
	const computeType = match(COMPUTE_TYPES, props.computeType);
	if (!computeType) throw badRequest(`'properties.computeType' must be one of: ${COMPUTE_TYPES.join(', ')}.`);
	const old = existing?.properties;
	if (old && old.computeType !== computeType) {
		throw badRequest(`The compute type of '${name}' cannot be changed from '${String(old.computeType)}' to '${computeType}'.`);
	}
	if (body.location !== undefined && typeof body.location !== 'string') throw errors.invalidRequestContent("'location' must be a string");
	const location = (body.location as string | undefined) ?? existing?.location ?? workspace.location;
	if (body.tags !== undefined && body.tags !== null && (!isPlainObject(body.tags) || Object.values(body.tags).some((v) => typeof v !== 'string'))) {
		throw errors.invalidRequestContent("'tags' must be an object of string values");
	}
	const at = isoNow(ctx);
	const properties: JsonObject = {
		computeType,
		computeLocation: location,
		description: typeof props.description === 'string' ? props.description : null,
		createdOn: typeof old?.createdOn === 'string' ? old.createdOn : at,
		modifiedOn: at,
		provisioningState: 'Creating',
		provisioningErrors: null,
		isAttachedCompute: false,
		disableLocalAuth: typeof props.disableLocalAuth === 'boolean' ? props.disableLocalAuth : false,
	};
	if (computeType === 'AmlCompute') {
		const inner = isPlainObject(props.properties) ? props.properties : {};
		const vmSize = inner.vmSize ?? (isPlainObject(old?.properties) ? old.properties.vmSize : undefined) ?? 'STANDARD_DS3_V2';
		if (typeof vmSize !== 'string') throw badRequest("'properties.properties.vmSize' must be a string.");
		const oldInner = isPlainObject(old?.properties) ? old.properties : undefined;
		if (oldInner && typeof oldInner.vmSize === 'string' && oldInner.vmSize.toLowerCase() !== vmSize.toLowerCase()) {
			throw badRequest(`The VM size of compute '${name}' cannot be changed from '${oldInner.vmSize}' to '${vmSize}'. Create a new compute instead.`);
		}
		const vmPriority = inner.vmPriority === undefined ? 'Dedicated' : match(['Dedicated', 'LowPriority'] as const, inner.vmPriority);
		if (!vmPriority) throw badRequest("'properties.properties.vmPriority' must be 'Dedicated' or 'LowPriority'.");
		const osType = inner.osType === undefined ? 'Linux' : match(['Linux', 'Windows'] as const, inner.osType);
		if (!osType) throw badRequest("'properties.properties.osType' must be 'Linux' or 'Windows'.");
		const scaleSettings = validateScaleSettings(inner.scaleSettings ?? {maxNodeCount: 4}, 'properties.properties.scaleSettings');
		properties.properties = amlComputeProperties({vmSize, vmPriority, osType, scaleSettings, at});
	} else if (computeType === 'AKS' || computeType === 'Kubernetes') {
		const resourceId = props.resourceId;
		if (typeof resourceId !== 'string' || !/\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i.test(resourceId)) {
			throw badRequest("'properties.resourceId' must be the ARM id of the AKS cluster (Microsoft.ContainerService/managedClusters) to attach.");
		}
		const cluster = ctx.state.genericResources[resourceId.toLowerCase()];
		if (!cluster) throw badRequest(`The AKS cluster '${resourceId}' was not found.`);
		properties.resourceId = cluster.id;
		properties.isAttachedCompute = true;
		properties.computeLocation = cluster.location;
		properties.properties = isPlainObject(props.properties) ? cloneJson(props.properties) : {};
	} else {
		if (typeof props.resourceId === 'string') properties.resourceId = props.resourceId;
		if (isPlainObject(props.properties)) properties.properties = cloneJson(props.properties);
	}
	const compute: TrackedResource = {
		id: `${workspace.id}/computes/${name}`,
		name,
		type: COMPUTE_TYPE,
		location,
		...(isPlainObject(body.tags) ? {tags: body.tags as Record<string, string>} : {}),
		...(isPlainObject(body.sku) ? {sku: body.sku} : {}),
		systemData: existing?.systemData ? {...existing.systemData, lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User', lastModifiedAt: at} : userSystemData(at),
		properties,
	};
	return compute;
}

/** Compute_CreateOrUpdate: 201 + Azure-AsyncOperation; the compute shows Creating/Updating until lroDurationMs has passed. */
function putCompute(ctx: RequestContext): ArmResponse {
	const workspace = workspaceFromParams(ctx);
	const body = requireObjectBody(ctx);
	requireLinkedIdentityAccess(ctx, `${NAMESPACE}/workspaces/computes/write`, linkedUserAssignedIdentities(body));
	const key = `${workspace.id}/computes/${ctx.params.computeName!}`.toLowerCase();
	const existing = ctx.state.computes[key];
	refuseWhileBusy(ctx.state, key, `compute '${existing?.name ?? ctx.params.computeName!}'`);
	const compute = buildCompute(ctx, workspace, existing, body);
	const {identity, newSystemPrincipal} = resolveComputeIdentity(ctx.state, body.identity, existing?.identity);
	if (identity) compute.identity = identity;
	if (newSystemPrincipal) registerPrincipal(ctx.state, newSystemPrincipal, 'ServicePrincipal', ctx.now());
	// Principals the compute did not have before: Azure ML grants them AcrPull when provisioning ends.
	// A compute whose last operation failed never got its grants: they are due now.
	const before = new Set(existing?.properties.provisioningState === 'Failed' ? [] : principalsOf(existing?.identity).map((p) => p.toLowerCase()));
	const grantPrincipals = principalsOf(identity).filter((p) => !before.has(p.toLowerCase()));

	const state = existing ? 'Updating' : 'Creating';
	compute.properties.provisioningState = state;
	ctx.state.computes[key] = compute;

	const id = startOperation(ctx, {kind: COMPUTE_CREATE_OPERATION, statusKind: 'computeOperationsStatus', resourceKey: key, subscriptionId: subscriptionOf(workspace.id), location: workspace.location, payload: {workspaceKey: workspace.id.toLowerCase(), grantPrincipals}});
	return {
		status: 201,
		body: compute,
		headers: {
			'Azure-AsyncOperation': `${ctx.baseUrl}${id}?api-version=${ctx.apiVersion}&service=new`,
			'Retry-After': String(ctx.options.retryAfterSeconds),
		},
	};
}

const completeComputeCreate: OperationApplier = (state, operation, now) => {
	const compute = state.computes[operation.resourceKey];
	if (!compute) {
		operation.status = 'Failed';
		operation.error = {code: 'ResourceNotFound', message: 'The compute was deleted while the operation was running.'};
		return;
	}
	compute.properties.provisioningState = 'Succeeded';
	const at = new Date(now).toISOString();
	const payload = operation.payload as {workspaceKey: string; grantPrincipals?: string[]};
	const workspace = state.workspaces[payload.workspaceKey];
	if (workspace && payload.grantPrincipals?.length) grantAcrPullOnWorkspaceRegistry(state, workspace, payload.grantPrincipals, at);
	operation.status = 'Succeeded';
};

/** Compute_Update: only `properties.properties.scaleSettings` (ClusterUpdateParameters); synchronous 200. */
function patchCompute(ctx: RequestContext): ArmResponse {
	const compute = findCompute(ctx);
	const body = requireObjectBody(ctx);
	if (body.identity !== undefined) {
		throw badRequest('The identity of a compute cannot be changed with PATCH. Send the whole compute with its new identity in a PUT (create or update) instead.');
	}
	if (compute.properties.computeType !== 'AmlCompute') throw badRequest(`Only AmlCompute clusters can be updated; '${compute.name}' is ${String(compute.properties.computeType)}.`);
	const outer = body.properties;
	const inner = isPlainObject(outer) ? outer.properties : undefined;
	if (!isPlainObject(inner) || inner.scaleSettings === undefined) throw badRequest("'properties.properties.scaleSettings' is required.");
	refuseWhileBusy(ctx.state, compute.id.toLowerCase(), `compute '${compute.name}'`);
	const scaleSettings = validateScaleSettings(inner.scaleSettings, 'properties.properties.scaleSettings');
	const amlProps = isPlainObject(compute.properties.properties) ? compute.properties.properties : {};
	amlProps.scaleSettings = scaleSettings;
	const min = Number(scaleSettings.minNodeCount);
	const current = Number(amlProps.currentNodeCount ?? 0);
	amlProps.targetNodeCount = Math.min(Math.max(current, min), Number(scaleSettings.maxNodeCount));
	amlProps.currentNodeCount = amlProps.targetNodeCount;
	compute.properties.properties = amlProps;
	const at = isoNow(ctx);
	compute.properties.modifiedOn = at;
	compute.systemData = {...(compute.systemData ?? {}), lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User', lastModifiedAt: at};
	ctx.commit();
	return {status: 200, body: compute};
}

// ---------------------------------------------------------------- compute DELETE

const UNDERLYING_RESOURCE_ACTIONS = ['Delete', 'Detach'] as const;

/** A query parameter by case-insensitive name, as ASP.NET binds it. */
function queryValue(ctx: RequestContext, name: string): string | undefined {
	return Object.entries(ctx.query).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** The principal of a system-assigned identity (workspace or compute), if it has one. */
function systemPrincipalOf(identity: unknown): string | undefined {
	if (!isPlainObject(identity) || !String(identity.type).includes('SystemAssigned')) return undefined;
	return typeof identity.principalId === 'string' ? identity.principalId : undefined;
}

/** Removes a compute; its system-assigned service principal goes with it, role assignments to it stay behind (as in Azure). */
function removeCompute(state: EmulatorState, key: string): void {
	const compute = state.computes[key];
	if (!compute) return;
	delete state.computes[key];
	const principal = systemPrincipalOf(compute.identity);
	if (principal) delete state.principals[principal.toLowerCase()];
}

/**
 * Compute_Delete: `underlyingResourceAction` (Delete or Detach) is required, 400 without it (checked
 * first, like the service's parameter binding); 204 when the compute does not exist; else 202 with
 * Azure-AsyncOperation and Location. The compute shows Deleting until lroDurationMs has passed, then
 * it is gone. Either action only removes the compute from the emulator: an attached AKS cluster stays.
 */
function deleteCompute(ctx: RequestContext): ArmResponse {
	const raw = queryValue(ctx, 'underlyingResourceAction');
	const action = match(UNDERLYING_RESOURCE_ACTIONS, raw);
	if (!action) {
		throw badRequest(
			raw === undefined
				? `The query parameter 'underlyingResourceAction' is required. Allowed values are: ${UNDERLYING_RESOURCE_ACTIONS.join(', ')}.`
				: `The value '${raw}' of query parameter 'underlyingResourceAction' is invalid. Allowed values are: ${UNDERLYING_RESOURCE_ACTIONS.join(', ')}.`,
		);
	}
	const workspace = workspaceFromParams(ctx);
	const key = `${workspace.id}/computes/${ctx.params.computeName!}`.toLowerCase();
	const compute = ctx.state.computes[key];
	if (!compute) return {status: 204};
	refuseWhileBusy(ctx.state, key, `compute '${compute.name}'`);
	compute.properties.provisioningState = 'Deleting';
	const id = startOperation(ctx, {kind: COMPUTE_DELETE_OPERATION, statusKind: 'computeOperationsStatus', resourceKey: key, subscriptionId: subscriptionOf(workspace.id), location: workspace.location, payload: {underlyingResourceAction: action}});
	const url = `${ctx.baseUrl}${id}?api-version=${ctx.apiVersion}&service=new`;
	return {
		status: 202,
		headers: {'Azure-AsyncOperation': url, Location: `${url}&type=location`, 'Retry-After': String(ctx.options.retryAfterSeconds)},
	};
}

const completeComputeDelete: OperationApplier = (state, operation) => {
	removeCompute(state, operation.resourceKey);
	operation.status = 'Succeeded';
};

// ---------------------------------------------------------------- workspace PATCH

const WORKSPACE_UPDATE_PROPERTIES = [
	'description',
	'friendlyName',
	'imageBuildCompute',
	'serviceManagedResourcesSettings',
	'primaryUserAssignedIdentity',
	'publicNetworkAccess',
	'applicationInsights',
	'containerRegistry',
] as const;

/**
 * Validates a workspace `identity` (v3 ManagedServiceIdentity, workspace rules) against the previous
 * one (`{type: 'None'}` for a new workspace) and resolves it: a kept system-assigned identity keeps
 * its principal, a new one gets a fresh principalId; `userAssignedIdentities` replaces the previous
 * map (identities left out are removed, as Azure does); each must exist in the ManagedIdentity state.
 */
export function resolveWorkspaceIdentity(state: EmulatorState, raw: unknown, previous: JsonObject): JsonObject {
	if (!isPlainObject(raw) || typeof raw.type !== 'string') throw errors.invalidRequestContent("'identity' must be an object with a string 'type'");
	const previousType = String(previous.type ?? 'None');
	const type = match(WORKSPACE_IDENTITY_TYPES, raw.type);
	if (!type) {
		throw badRequest(`The identity type '${raw.type}' is invalid for a workspace. Allowed values are: ${WORKSPACE_IDENTITY_TYPES.join(', ')}.`);
	}
	if (previousType === 'SystemAssigned,UserAssigned' && type === 'SystemAssigned') {
		throw badRequest("Changing the workspace identity from 'SystemAssigned,UserAssigned' to 'SystemAssigned' is not supported. Keep at least one user-assigned identity.");
	}
	if (previousType.includes('SystemAssigned') && type === 'UserAssigned') {
		throw badRequest("The system-assigned identity of a workspace cannot be removed. Use 'SystemAssigned,UserAssigned' to add user-assigned identities.");
	}
	const identity: JsonObject = {type};
	if (type.includes('SystemAssigned')) {
		if (typeof previous.principalId === 'string') {
			identity.principalId = previous.principalId;
			identity.tenantId = previous.tenantId ?? state.tenantId;
		} else {
			identity.principalId = randomUUID();
			identity.tenantId = state.tenantId;
		}
	}
	if (type.includes('UserAssigned')) {
		identity.userAssignedIdentities = resolveUserAssigned(state, raw.userAssignedIdentities);
	} else if (isPlainObject(raw.userAssignedIdentities) && Object.keys(raw.userAssignedIdentities).length > 0) {
		throw badRequest("'userAssignedIdentities' must be empty when the identity type is 'SystemAssigned'.");
	}
	return identity;
}

/** The primary user-assigned identity (as the identity map spells it) or undefined; 400 when it is not one of the identities or is missing for UserAssigned. */
export function checkPrimaryIdentity(identity: JsonObject, primary: string | undefined): string | undefined {
	const uais = isPlainObject(identity.userAssignedIdentities) ? Object.keys(identity.userAssignedIdentities) : [];
	if (primary) {
		const found = uais.find((id) => id.toLowerCase() === primary.toLowerCase());
		if (!found) throw badRequest(`The primary user-assigned identity '${primary}' must be one of the workspace's user-assigned identities.`);
		return found;
	}
	if (String(identity.type) === 'UserAssigned') {
		throw badRequest("A workspace whose identity type is 'UserAssigned' needs 'properties.primaryUserAssignedIdentity'.");
	}
	return undefined;
}

/** Validates a WorkspaceUpdateParameters body against the workspace and state; returns the normalised patch. */
export function validateWorkspaceUpdate(state: EmulatorState, workspace: TrackedResource, body: Record<string, unknown>): JsonObject {
	const patch: JsonObject = {};
	if (body.tags !== undefined) {
		if (!isPlainObject(body.tags) || Object.values(body.tags).some((v) => typeof v !== 'string')) throw errors.invalidRequestContent("'tags' must be an object of string values");
		patch.tags = body.tags;
	}
	if (body.sku !== undefined) {
		if (!isPlainObject(body.sku) || typeof body.sku.name !== 'string') throw errors.invalidRequestContent("'sku' must be an object with a string 'name'");
		const name = match(['Basic', 'Enterprise'] as const, body.sku.name);
		if (!name) throw badRequest(`The sku '${body.sku.name}' is invalid. Allowed values are: Basic.`);
		patch.sku = {name, tier: name};
	}
	const props: JsonObject = {};
	if (body.properties !== undefined) {
		if (!isPlainObject(body.properties)) throw errors.invalidRequestContent("'properties' must be an object");
		for (const immutable of ['keyVault', 'storageAccount'] as const) {
			const value = body.properties[immutable];
			if (value === undefined) continue;
			const current = workspace.properties[immutable];
			if (typeof value !== 'string' || typeof current !== 'string' || value.toLowerCase() !== current.toLowerCase()) {
				throw badRequest(`The '${immutable}' of a workspace cannot be changed after the workspace is created (current: '${String(current)}').`);
			}
		}
		for (const name of WORKSPACE_UPDATE_PROPERTIES) {
			const value = body.properties[name];
			if (value === undefined) continue;
			if (name === 'serviceManagedResourcesSettings') {
				if (!isPlainObject(value)) throw errors.invalidRequestContent(`'properties.${name}' must be an object`);
			} else if (typeof value !== 'string') {
				throw errors.invalidRequestContent(`'properties.${name}' must be a string`);
			}
			props[name] = value;
		}
		if (props.publicNetworkAccess !== undefined) {
			const value = match(['Enabled', 'Disabled'] as const, props.publicNetworkAccess);
			if (!value) throw badRequest("'properties.publicNetworkAccess' must be 'Enabled' or 'Disabled'.");
			props.publicNetworkAccess = value;
		}
		if (props.containerRegistry !== undefined) {
			const id = props.containerRegistry as string;
			if (id === '') {
				if (workspace.properties.containerRegistry) throw badRequest('The container registry of a workspace cannot be removed; attach another registry instead.');
				delete props.containerRegistry;
			} else {
				const registry = state.registries[id.toLowerCase()];
				if (!registry) throw badRequest(`The container registry '${id}' was not found. Check that it exists and that its ARM id is correct.`);
				props.containerRegistry = registry.id;
			}
		}
		if (props.applicationInsights !== undefined && !/\/providers\/microsoft\.insights\/components\/[^/]+$/i.test(props.applicationInsights as string)) {
			throw badRequest("'properties.applicationInsights' must be the ARM id of an Application Insights component.");
		}
	}

	const previous = isPlainObject(workspace.identity) ? workspace.identity : {type: 'None'};
	let identity: JsonObject | undefined;
	if (body.identity !== undefined) {
		identity = resolveWorkspaceIdentity(state, body.identity, previous);
		patch.identity = identity;
	}
	const effectiveIdentity = identity ?? previous;
	if (props.primaryUserAssignedIdentity !== undefined || identity) {
		const primary = checkPrimaryIdentity(effectiveIdentity, (props.primaryUserAssignedIdentity ?? workspace.properties.primaryUserAssignedIdentity) as string | undefined);
		if (props.primaryUserAssignedIdentity !== undefined) props.primaryUserAssignedIdentity = primary;
	}
	if (Object.keys(props).length > 0) patch.properties = props;
	return patch;
}

/** The workspace as it is once `patch` is applied (pure). */
export function applyWorkspacePatch(workspace: TrackedResource, patch: JsonObject, now: string): TrackedResource {
	const next = cloneJson(workspace);
	if (patch.tags !== undefined) next.tags = patch.tags as Record<string, string>;
	if (patch.sku !== undefined) next.sku = patch.sku;
	if (patch.identity !== undefined) next.identity = patch.identity;
	if (isPlainObject(patch.properties)) Object.assign(next.properties, patch.properties);
	// A workspace whose identity no longer has user-assigned identities has no primary one either.
	if (isPlainObject(next.identity) && !String(next.identity.type).includes('UserAssigned')) delete next.properties.primaryUserAssignedIdentity;
	next.systemData = {...(next.systemData ?? {}), lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User', lastModifiedAt: now};
	return next;
}

/** Workspaces_Update: 202 (no body) with Azure-AsyncOperation and Location; the change lands after lroDurationMs. */
function patchWorkspace(ctx: RequestContext): ArmResponse {
	const workspace = workspaceFromParams(ctx);
	const body = requireObjectBody(ctx);
	requireLinkedIdentityAccess(ctx, `${NAMESPACE}/workspaces/write`, linkedUserAssignedIdentities(body));
	const key = workspace.id.toLowerCase();
	refuseWhileBusy(ctx.state, key, `workspace '${workspace.name}'`);
	const patch = validateWorkspaceUpdate(ctx.state, workspace, body);
	const identity = patch.identity as JsonObject | undefined;
	const previousPrincipal = isPlainObject(workspace.identity) ? workspace.identity.principalId : undefined;
	if (identity && typeof identity.principalId === 'string' && identity.principalId !== previousPrincipal) {
		registerPrincipal(ctx.state, identity.principalId, 'ServicePrincipal', ctx.now());
	}
	workspace.properties.provisioningState = 'Updating';
	const id = startOperation(ctx, {kind: WORKSPACE_UPDATE_OPERATION, statusKind: 'workspaceOperationsStatus', resourceKey: key, subscriptionId: subscriptionOf(workspace.id), location: workspace.location, payload: {patch}});
	return workspaceOperationAccepted(ctx, id);
}

/** 202 for a workspace write: both ARM polling headers point at the workspace operation status. */
function workspaceOperationAccepted(ctx: {baseUrl: string; apiVersion: string; options: {retryAfterSeconds: number}}, operationId: string) {
	const url = `${ctx.baseUrl}${operationId}?api-version=${ctx.apiVersion}`;
	return {
		status: 202,
		headers: {
			'Azure-AsyncOperation': `${url}&type=async`,
			Location: `${url}&type=location`,
			'Retry-After': String(ctx.options.retryAfterSeconds),
		},
	};
}

const completeWorkspaceUpdate: OperationApplier = (state, operation, now) => {
	const workspace = state.workspaces[operation.resourceKey];
	if (!workspace) {
		operation.status = 'Failed';
		operation.error = {code: 'ResourceNotFound', message: 'The workspace was deleted while the operation was running.'};
		return;
	}
	const updated = applyWorkspacePatch(workspace, (operation.payload as {patch: JsonObject}).patch, new Date(now).toISOString());
	updated.properties.provisioningState = 'Succeeded';
	state.workspaces[operation.resourceKey] = updated;
	operation.status = 'Succeeded';
};

// ---------------------------------------------------------------- workspace PUT (create or update)

const WORKSPACE_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;

/** The linked resources a workspace points at: where each must exist (400 otherwise). */
const LINKED_RESOURCES = [
	{property: 'storageAccount', type: 'Microsoft.Storage/storageAccounts', required: true, immutable: true},
	{property: 'keyVault', type: 'Microsoft.KeyVault/vaults', required: true, immutable: true},
	{property: 'applicationInsights', type: 'microsoft.insights/components', required: false, immutable: false},
	{property: 'containerRegistry', type: 'Microsoft.ContainerRegistry/registries', required: false, immutable: false},
] as const;

/** A resource the workspace links to, from the state (registries, or the generic resources); undefined when missing or of another type. */
function linkedResource(state: EmulatorState, id: string, type: string): TrackedResource | undefined {
	const found = type === 'Microsoft.ContainerRegistry/registries' ? state.registries[id.toLowerCase()] : state.genericResources[id.toLowerCase()];
	return found && found.type.toLowerCase() === type.toLowerCase() ? found : undefined;
}

function optionalBoolean(props: Record<string, unknown>, name: string): boolean | undefined {
	const value = props[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') throw errors.invalidRequestContent(`'properties.${name}' must be a boolean`);
	return value;
}

function optionalText(props: Record<string, unknown>, name: string): string | undefined {
	const value = props[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw errors.invalidRequestContent(`'properties.${name}' must be a string`);
	return value;
}

/** EncryptionProperty (customer-managed key): status + keyVaultProperties required; the CMK identity must be one of the workspace's user-assigned identities. */
function validateEncryption(state: EmulatorState, raw: unknown, identity: JsonObject): JsonObject {
	if (!isPlainObject(raw)) throw errors.invalidRequestContent("'properties.encryption' must be an object");
	const status = match(['Enabled', 'Disabled'] as const, raw.status);
	if (!status) throw badRequest("'properties.encryption.status' is required and must be 'Enabled' or 'Disabled'.");
	const kv = raw.keyVaultProperties;
	if (!isPlainObject(kv) || typeof kv.keyVaultArmId !== 'string' || typeof kv.keyIdentifier !== 'string') {
		throw badRequest("'properties.encryption.keyVaultProperties' with 'keyVaultArmId' and 'keyIdentifier' is required.");
	}
	const vault = linkedResource(state, kv.keyVaultArmId, 'Microsoft.KeyVault/vaults');
	if (!vault) throw badRequest(`The key vault '${kv.keyVaultArmId}' of the customer-managed key was not found.`);
	const vaultUri = isPlainObject(vault.properties) ? String(vault.properties.vaultUri ?? '') : '';
	if (!/^https:\/\/[^/]+\/keys\/[^/]+(\/[^/]+)?$/i.test(kv.keyIdentifier) || (vaultUri && !kv.keyIdentifier.toLowerCase().startsWith(`${vaultUri.toLowerCase()}keys/`))) {
		throw badRequest(`'properties.encryption.keyVaultProperties.keyIdentifier' must be a key of '${vault.name}', e.g. '${vaultUri}keys/<key-name>/<version>'.`);
	}
	const keyVaultProperties: JsonObject = {keyVaultArmId: vault.id, keyIdentifier: kv.keyIdentifier};
	if (kv.identityClientId !== undefined && kv.identityClientId !== null) {
		if (typeof kv.identityClientId !== 'string') throw errors.invalidRequestContent("'properties.encryption.keyVaultProperties.identityClientId' must be a string");
		keyVaultProperties.identityClientId = kv.identityClientId;
	}
	const out: JsonObject = {status, keyVaultProperties};
	if (raw.identity !== undefined && raw.identity !== null) {
		if (!isPlainObject(raw.identity)) throw errors.invalidRequestContent("'properties.encryption.identity' must be an object");
		const uaiId = raw.identity.userAssignedIdentity;
		if (uaiId !== undefined && uaiId !== null) {
			if (typeof uaiId !== 'string') throw errors.invalidRequestContent("'properties.encryption.identity.userAssignedIdentity' must be a string");
			const uais = isPlainObject(identity.userAssignedIdentities) ? Object.keys(identity.userAssignedIdentities) : [];
			const found = uais.find((id) => id.toLowerCase() === uaiId.toLowerCase());
			if (!found) {
				throw badRequest(`The customer-managed key identity '${uaiId}' must be one of the workspace's user-assigned identities (identity.userAssignedIdentities).`);
			}
			out.identity = {userAssignedIdentity: found};
		} else {
			out.identity = {};
		}
	}
	return out;
}

/**
 * Builds the Workspace a PUT asks for (create when `existing` is undefined, else a full update with
 * the same rules: storageAccount and keyVault are immutable, encryption is create-only). Pure apart
 * from reading state; provisioningState is set by the caller.
 */
export function buildWorkspace(
	state: EmulatorState,
	scope: {subscriptionId: string; resourceGroup: string; name: string},
	existing: TrackedResource | undefined,
	body: Record<string, unknown>,
	at: string,
): TrackedResource {
	const {name} = scope;
	if (!existing && !WORKSPACE_NAME_RE.test(name)) {
		throw badRequest(`Workspace name '${name}' is invalid. It must be 3 to 33 characters long, start with a letter or digit, and contain only letters, digits, hyphens and underscores.`);
	}
	if (body.location === undefined || body.location === null) {
		if (!existing) throw badRequest("'location' is required.");
	} else if (typeof body.location !== 'string' || body.location.trim() === '') {
		throw errors.invalidRequestContent("'location' must be a string");
	}
	const location = existing?.location ?? String(body.location).replace(/\s+/g, '').toLowerCase();
	if (existing && typeof body.location === 'string' && body.location.replace(/\s+/g, '').toLowerCase() !== existing.location.toLowerCase()) {
		throw badRequest(`The location of workspace '${existing.name}' cannot be changed from '${existing.location}' to '${body.location}'.`);
	}
	if (body.tags !== undefined && body.tags !== null && (!isPlainObject(body.tags) || Object.values(body.tags).some((v) => typeof v !== 'string'))) {
		throw errors.invalidRequestContent("'tags' must be an object of string values");
	}
	let sku: JsonObject = isPlainObject(existing?.sku) ? existing.sku : {name: 'Basic', tier: 'Basic'};
	if (body.sku !== undefined && body.sku !== null) {
		if (!isPlainObject(body.sku) || typeof body.sku.name !== 'string') throw errors.invalidRequestContent("'sku' must be an object with a string 'name'");
		const skuName = match(['Basic', 'Enterprise'] as const, body.sku.name);
		if (!skuName) throw badRequest(`The sku '${body.sku.name}' is invalid. Allowed values are: Basic.`);
		sku = {name: skuName, tier: skuName};
	}
	if (body.properties !== undefined && body.properties !== null && !isPlainObject(body.properties)) throw errors.invalidRequestContent("'properties' must be an object");
	const props = isPlainObject(body.properties) ? body.properties : {};
	const old = existing?.properties ?? {};

	// Identity: a new workspace without one gets a system-assigned identity (as az ml does).
	const previousIdentity = isPlainObject(existing?.identity) ? existing.identity : {type: 'None'};
	const identity =
		body.identity === undefined || body.identity === null
			? existing
				? cloneJson(previousIdentity)
				: resolveWorkspaceIdentity(state, {type: 'SystemAssigned'}, previousIdentity)
			: resolveWorkspaceIdentity(state, body.identity, previousIdentity);
	const primarySent = optionalText(props, 'primaryUserAssignedIdentity');
	const primary = checkPrimaryIdentity(identity, primarySent ?? (body.identity === undefined ? (old.primaryUserAssignedIdentity as string | undefined) : undefined));

	// Linked resources: must exist; storage account and key vault cannot change.
	const linked: JsonObject = {};
	for (const {property, type, required, immutable} of LINKED_RESOURCES) {
		const sent = optionalText(props, property);
		const current = typeof old[property] === 'string' ? (old[property] as string) : undefined;
		if (sent === undefined || sent === '') {
			if (current) linked[property] = current;
			else if (required) throw badRequest(`'properties.${property}' is required: the ARM id of an existing ${type} resource.`);
			continue;
		}
		if (existing && immutable && current && sent.toLowerCase() !== current.toLowerCase()) {
			throw badRequest(`The '${property}' of a workspace cannot be changed after the workspace is created (current: '${current}').`);
		}
		const resource = linkedResource(state, sent, type);
		if (!resource) throw badRequest(`The ${type} resource '${sent}' given as 'properties.${property}' was not found. Check that it exists and that its ARM id is correct.`);
		linked[property] = resource.id;
	}

	let encryption: JsonObject | undefined = isPlainObject(old.encryption) ? old.encryption : undefined;
	if (props.encryption !== undefined && props.encryption !== null) {
		const sent = validateEncryption(state, props.encryption, identity);
		if (existing && JSON.stringify(sent) !== JSON.stringify(encryption ?? null)) {
			throw badRequest('The encryption settings of a workspace (customer-managed key) can only be set when the workspace is created.');
		}
		encryption = sent;
	}

	const publicNetworkAccess = props.publicNetworkAccess === undefined ? ((old.publicNetworkAccess as string | undefined) ?? 'Enabled') : match(['Enabled', 'Disabled'] as const, props.publicNetworkAccess);
	if (!publicNetworkAccess) throw badRequest("'properties.publicNetworkAccess' must be 'Enabled' or 'Disabled'.");
	const hbiWorkspace = optionalBoolean(props, 'hbiWorkspace');
	if (existing && hbiWorkspace !== undefined && hbiWorkspace !== old.hbiWorkspace) throw badRequest("'properties.hbiWorkspace' can only be set when the workspace is created.");
	if (props.serviceManagedResourcesSettings !== undefined && props.serviceManagedResourcesSettings !== null && !isPlainObject(props.serviceManagedResourcesSettings)) {
		throw errors.invalidRequestContent("'properties.serviceManagedResourcesSettings' must be an object");
	}

	const id = `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/${NAMESPACE}/workspaces/${name}`;
	const workspaceId = typeof old.workspaceId === 'string' ? old.workspaceId : randomUUID();
	const discoveryHost = `${location}.api.azureml.ms`;
	const text = (key: string) => optionalText(props, key) ?? (typeof old[key] === 'string' ? (old[key] as string) : undefined);
	const properties: JsonObject = {
		workspaceId,
		...(text('friendlyName') !== undefined ? {friendlyName: text('friendlyName')} : {friendlyName: name}),
		...(text('description') !== undefined ? {description: text('description')} : {}),
		...linked,
		discoveryUrl: `https://${discoveryHost}/discovery`,
		provisioningState: 'Creating',
		...(encryption ? {encryption} : {}),
		hbiWorkspace: hbiWorkspace ?? (old.hbiWorkspace as boolean | undefined) ?? false,
		...(text('imageBuildCompute') !== undefined ? {imageBuildCompute: text('imageBuildCompute')} : {}),
		privateLinkCount: typeof old.privateLinkCount === 'number' ? old.privateLinkCount : 0,
		allowPublicAccessWhenBehindVnet: optionalBoolean(props, 'allowPublicAccessWhenBehindVnet') ?? (old.allowPublicAccessWhenBehindVnet as boolean | undefined) ?? false,
		publicNetworkAccess,
		privateEndpointConnections: Array.isArray(old.privateEndpointConnections) ? old.privateEndpointConnections : [],
		sharedPrivateLinkResources: Array.isArray(old.sharedPrivateLinkResources) ? old.sharedPrivateLinkResources : [],
		...(isPlainObject(old.notebookInfo)
			? {notebookInfo: old.notebookInfo}
			: {notebookInfo: {fqdn: `ml-${name}-${location}-${workspaceId}.${location}.notebooks.azure.net`, resourceId: workspaceId.replace(/-/g, '')}}),
		...(isPlainObject(props.serviceManagedResourcesSettings)
			? {serviceManagedResourcesSettings: cloneJson(props.serviceManagedResourcesSettings)}
			: isPlainObject(old.serviceManagedResourcesSettings)
				? {serviceManagedResourcesSettings: old.serviceManagedResourcesSettings}
				: {}),
		...(primary ? {primaryUserAssignedIdentity: primary} : {}),
		tenantId: state.tenantId,
		storageHnsEnabled: isHnsAccount(state, linked.storageAccount as string),
		mlFlowTrackingUri: `azureml://${discoveryHost}/mlflow/v1.0${id}`,
		v1LegacyMode: optionalBoolean(props, 'v1LegacyMode') ?? (old.v1LegacyMode as boolean | undefined) ?? false,
	};
	const tags = body.tags === undefined ? existing?.tags : ((body.tags ?? undefined) as Record<string, string> | undefined);
	return {
		id: existing?.id ?? id,
		name: existing?.name ?? name,
		type: `${NAMESPACE}/workspaces`,
		location,
		...(tags ? {tags} : {}),
		sku,
		identity,
		systemData: existing?.systemData ? {...existing.systemData, lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User', lastModifiedAt: at} : userSystemData(at),
		properties,
	};
}

function isHnsAccount(state: EmulatorState, storageAccountId: string): boolean {
	const account = state.genericResources[storageAccountId.toLowerCase()];
	return isPlainObject(account?.properties) && account.properties.isHnsEnabled === true;
}

/** User-assigned identity ids a request body links (identity.userAssignedIdentities keys), for linked-access checks. */
export function linkedUserAssignedIdentities(body: unknown): string[] {
	if (!isPlainObject(body) || !isPlainObject(body.identity) || !isPlainObject(body.identity.userAssignedIdentities)) return [];
	return Object.keys(body.identity.userAssignedIdentities);
}

/**
 * Workspaces_CreateOrUpdate: 202 (no body) + Azure-AsyncOperation and Location. A new workspace is
 * stored at once as Creating (GET shows it); an update keeps the workspace as it was (Updating)
 * until the operation completes. The final GET returns the workspace as built.
 */
function putWorkspace(ctx: RequestContext): ArmResponse {
	const {subscriptionId, resourceGroupName, workspaceName} = ctx.params as {subscriptionId: string; resourceGroupName: string; workspaceName: string};
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const body = requireObjectBody(ctx);
	requireLinkedIdentityAccess(ctx, `${NAMESPACE}/workspaces/write`, linkedUserAssignedIdentities(body));
	const key = `${group.id}/providers/${NAMESPACE}/workspaces/${workspaceName}`.toLowerCase();
	const stored = ctx.state.workspaces[key];
	refuseWhileBusy(ctx.state, key, `workspace '${stored?.name ?? workspaceName}'`);
	// A workspace whose creation failed is created anew.
	const existing = stored?.properties.provisioningState === 'Failed' ? undefined : stored;
	const at = isoNow(ctx);
	const built = buildWorkspace(ctx.state, {subscriptionId: subscriptionOf(group.id), resourceGroup: group.name, name: workspaceName}, existing, body, at);
	const previousPrincipal = isPlainObject(existing?.identity) ? existing.identity.principalId : undefined;
	const principal = isPlainObject(built.identity) ? built.identity.principalId : undefined;
	if (typeof principal === 'string' && principal !== previousPrincipal) registerPrincipal(ctx.state, principal, 'ServicePrincipal', ctx.now());
	if (existing) {
		existing.properties.provisioningState = 'Updating';
	} else {
		ctx.state.workspaces[key] = built;
	}
	const id = startOperation(ctx, {kind: WORKSPACE_CREATE_OPERATION, statusKind: 'workspaceOperationsStatus', resourceKey: key, subscriptionId: subscriptionOf(built.id), location: built.location, payload: existing ? {replacement: built} : {created: true}});
	return workspaceOperationAccepted(ctx, id);
}

const completeWorkspaceCreate: OperationApplier = (state, operation, now) => {
	const current = state.workspaces[operation.resourceKey];
	if (!current) {
		operation.status = 'Failed';
		operation.error = {code: 'ResourceNotFound', message: 'The workspace was deleted while the operation was running.'};
		return;
	}
	const payload = operation.payload as {replacement?: TrackedResource; created?: boolean};
	const workspace = payload.replacement ? cloneJson(payload.replacement) : current;
	workspace.properties.provisioningState = 'Succeeded';
	state.workspaces[operation.resourceKey] = workspace;
	// What Azure ML provisions with a new workspace: its default datastores.
	if (payload.created) addDefaultDatastores(state, workspace, new Date(now).toISOString());
	operation.status = 'Succeeded';
};

// ---------------------------------------------------------------- workspace DELETE

/**
 * Workspaces_Delete (2022-10-01: no `forceToPurge`, which later api-versions added with soft delete;
 * this is a plain delete): 204 when the workspace does not exist; else 202 with Azure-AsyncOperation
 * and Location. The workspace shows Deleting until lroDurationMs has passed, then it goes with its
 * child resources (computes, connections, datastores). Linked resources (storage, key vault,
 * registry, Application Insights) and role assignments stay, as in Azure.
 */
function deleteWorkspace(ctx: RequestContext): ArmResponse {
	const {subscriptionId, resourceGroupName, workspaceName} = ctx.params as {subscriptionId: string; resourceGroupName: string; workspaceName: string};
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const key = `${group.id}/providers/${NAMESPACE}/workspaces/${workspaceName}`.toLowerCase();
	const workspace = ctx.state.workspaces[key];
	if (!workspace) return {status: 204};
	refuseWhileBusy(ctx.state, key, `workspace '${workspace.name}'`);
	workspace.properties.provisioningState = 'Deleting';
	const id = startOperation(ctx, {kind: WORKSPACE_DELETE_OPERATION, statusKind: 'workspaceOperationsStatus', resourceKey: key, subscriptionId: subscriptionOf(workspace.id), location: workspace.location, payload: {}});
	return workspaceOperationAccepted(ctx, id);
}

const completeWorkspaceDelete: OperationApplier = (state, operation) => {
	const key = operation.resourceKey;
	const workspace = state.workspaces[key];
	if (workspace) {
		const under = `${key}/`;
		for (const child of Object.keys(state.computes)) if (child.startsWith(under)) removeCompute(state, child);
		for (const map of [state.connections, state.datastores]) {
			for (const child of Object.keys(map)) if (child.startsWith(under)) delete map[child];
		}
		delete state.workspaces[key];
		const principal = systemPrincipalOf(workspace.identity);
		if (principal) delete state.principals[principal.toLowerCase()];
	}
	operation.status = 'Succeeded';
};

// ---------------------------------------------------------------- connections

const CONNECTION_ENVELOPE = ['id', 'name', 'type', 'systemData', 'properties'];
const CONNECTION_PROPERTIES = ['authType', 'category', 'target', 'value', 'valueFormat', 'credentials'];

function unknownMember(member: string, typeName: string): ArmError {
	return badRequest(`Could not find member '${member}' on object of type '${typeName}'. Path '${member}'.`);
}

/** Validates a WorkspaceConnectionPropertiesV2BasicResource body (every level additionalProperties:false). */
export function validateConnection(body: Record<string, unknown>): JsonObject {
	for (const member of Object.keys(body)) if (!CONNECTION_ENVELOPE.includes(member)) throw unknownMember(member, 'WorkspaceConnectionPropertiesV2BasicResource');
	if (!isPlainObject(body.properties)) throw badRequest("'properties' is required.");
	const props = body.properties;
	const authType = match(CONNECTION_AUTH_TYPES, props.authType);
	if (!authType) throw badRequest(`'properties.authType' is required and must be one of: ${CONNECTION_AUTH_TYPES.join(', ')}.`);
	const typeName = `${authType === 'None' ? 'None' : authType}AuthTypeWorkspaceConnectionProperties`;
	for (const member of Object.keys(props)) {
		if (!CONNECTION_PROPERTIES.includes(member) || (member === 'credentials' && authType === 'None')) throw unknownMember(member, typeName);
	}
	const out: JsonObject = {authType};
	if (props.category !== undefined) {
		const category = match(CONNECTION_CATEGORIES, props.category);
		if (!category) throw badRequest(`'properties.category' must be one of: ${CONNECTION_CATEGORIES.join(', ')}.`);
		out.category = category;
	}
	for (const name of ['target', 'value'] as const) {
		if (props[name] === undefined) continue;
		if (typeof props[name] !== 'string') throw errors.invalidRequestContent(`'properties.${name}' must be a string`);
		out[name] = props[name];
	}
	if (props.valueFormat !== undefined) {
		if (props.valueFormat !== 'JSON') throw badRequest("'properties.valueFormat' must be 'JSON'.");
		out.valueFormat = 'JSON';
	}
	const members = CONNECTION_CREDENTIALS[authType];
	if (members) {
		const credentials = props.credentials;
		if (credentials !== undefined && !isPlainObject(credentials)) throw errors.invalidRequestContent("'properties.credentials' must be an object");
		if (authType === 'ManagedIdentity') {
			if (!isPlainObject(credentials) || typeof credentials.resourceId !== 'string' || !credentials.resourceId || typeof credentials.clientId !== 'string' || !credentials.clientId) {
				throw badRequest("A connection with authType 'ManagedIdentity' needs 'properties.credentials' with 'resourceId' and 'clientId'.");
			}
		}
		if (isPlainObject(credentials)) {
			for (const [member, value] of Object.entries(credentials)) {
				if (!members.includes(member)) throw unknownMember(member, `WorkspaceConnection${authType === 'PAT' ? 'PersonalAccessToken' : authType === 'SAS' ? 'SharedAccessSignature' : authType}`);
				if (typeof value !== 'string') throw errors.invalidRequestContent(`'properties.credentials.${member}' must be a string`);
			}
			out.credentials = credentials;
		}
	}
	return out;
}

/** A connection as served: credentials are never returned. */
function servedConnection(stored: JsonObject): JsonObject {
	const copy = cloneJson(stored);
	if (isPlainObject(copy.properties)) delete copy.properties.credentials;
	return copy;
}

function connectionKey(workspace: TrackedResource, name: string): string {
	return `${workspace.id}/connections/${name}`.toLowerCase();
}

function findConnection(ctx: RequestContext): {workspace: TrackedResource; connection: JsonObject} {
	const workspace = workspaceFromParams(ctx);
	const connection = ctx.state.connections[connectionKey(workspace, ctx.params.connectionName!)];
	if (!connection) throw errors.resourceNotFound(`${NAMESPACE}/workspaces`, `${workspace.name}/connections/${ctx.params.connectionName!}`, ctx.params.resourceGroupName!);
	return {workspace, connection};
}

function putConnection(ctx: RequestContext): ArmResponse {
	const workspace = workspaceFromParams(ctx);
	const name = ctx.params.connectionName!;
	if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/.test(name)) throw badRequest(`The connection name '${name}' is invalid.`);
	const properties = validateConnection(requireObjectBody(ctx));
	const key = connectionKey(workspace, name);
	const existing = ctx.state.connections[key];
	const at = isoNow(ctx);
	const systemData = isPlainObject(existing?.systemData)
		? {...existing.systemData, lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User', lastModifiedAt: at}
		: userSystemData(at);
	const stored: JsonObject = {
		id: `${workspace.id}/connections/${typeof existing?.name === 'string' ? existing.name : name}`,
		name: typeof existing?.name === 'string' ? existing.name : name,
		type: CONNECTION_TYPE,
		systemData,
		properties,
	};
	ctx.state.connections[key] = stored;
	ctx.commit();
	return {status: 200, body: servedConnection(stored)};
}

function listConnections(ctx: RequestContext): ArmResponse {
	const workspace = workspaceFromParams(ctx);
	const query = (name: string) => Object.entries(ctx.query).find(([k]) => k.toLowerCase() === name)?.[1];
	const target = query('target');
	const category = query('category');
	const items = childrenOf(ctx.state.connections, `${workspace.id}/connections`).filter((c) => {
		const props = isPlainObject(c.properties) ? c.properties : {};
		if (target !== undefined && String(props.target ?? '').toLowerCase() !== target.toLowerCase()) return false;
		if (category !== undefined && String(props.category ?? '').toLowerCase() !== category.toLowerCase()) return false;
		return true;
	});
	return {status: 200, body: page(ctx, items.map(servedConnection))};
}

// ---------------------------------------------------------------- operation status resources

function findOperation(ctx: RequestContext, kind: 'computeOperationsStatus' | 'workspaceOperationsStatus'): OperationRecord {
	requireSubscription(ctx, ctx.params.subscriptionId!);
	const id = operationId(ctx.params.subscriptionId!, ctx.params.location!, kind, ctx.params.operationId!);
	const operation = ctx.state.operations[id.toLowerCase()];
	if (!operation) throw new ArmError(404, 'NotFound', `The operation '${ctx.params.operationId!}' was not found.`);
	return operation;
}

/**
 * An operation status resource. Its Azure-AsyncOperation flavour is the status body; the Location
 * flavour (`type=location`) is 202 while the operation runs, then its result: the resource it created
 * or updated (`resource()`), nothing for a delete, or its error.
 */
function operationStatus(ctx: RequestContext, operation: OperationRecord, resource: () => TrackedResource | undefined): ArmResponse {
	if (queryValue(ctx, 'type')?.toLowerCase() !== 'location') {
		const headers: Record<string, string> = {};
		if (operation.status === 'InProgress') headers['Retry-After'] = String(ctx.options.retryAfterSeconds);
		return {status: 200, body: operationStatusBody(operation), headers};
	}
	if (operation.status === 'InProgress') {
		return {status: 202, headers: {Location: `${ctx.baseUrl}${ctx.path}?${new URLSearchParams(ctx.query).toString()}`, 'Retry-After': String(ctx.options.retryAfterSeconds)}};
	}
	if (operation.status !== 'Succeeded') {
		throw new ArmError(400, operation.error?.code ?? 'Failed', operation.error?.message ?? 'The operation failed.');
	}
	if (DELETE_OPERATIONS.includes(operation.kind)) return {status: 200};
	const found = resource();
	if (!found) throw new ArmError(404, 'ResourceNotFound', 'The resource no longer exists.');
	return {status: 200, body: found};
}

// ---------------------------------------------------------------- provider

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
			pattern: WORKSPACE_PATTERN,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: workspaceFromParams(ctx)}),
				PUT: putWorkspace,
				PATCH: patchWorkspace,
				DELETE: deleteWorkspace,
			},
		},
		{
			pattern: `${WORKSPACE_PATTERN}/computes`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const workspace = workspaceFromParams(ctx);
					return {status: 200, body: page(ctx, childrenOf(ctx.state.computes, `${workspace.id}/computes`))};
				},
			},
		},
		{
			pattern: `${WORKSPACE_PATTERN}/computes/{computeName}`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: findCompute(ctx)}),
				PUT: putCompute,
				PATCH: patchCompute,
				DELETE: deleteCompute,
			},
		},
		{
			pattern: `${WORKSPACE_PATTERN}/connections`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {GET: listConnections},
		},
		{
			pattern: `${WORKSPACE_PATTERN}/connections/{connectionName}`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: servedConnection(findConnection(ctx).connection)}),
				PUT: putConnection,
				DELETE: (ctx) => {
					const workspace = workspaceFromParams(ctx);
					const key = connectionKey(workspace, ctx.params.connectionName!);
					if (!ctx.state.connections[key]) return {status: 204};
					delete ctx.state.connections[key];
					ctx.commit();
					return {status: 200};
				},
			},
		},
		{
			pattern: `/subscriptions/{subscriptionId}/providers/${NAMESPACE}/locations/{location}/computeOperationsStatus/{operationId}`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const operation = findOperation(ctx, 'computeOperationsStatus');
					return operationStatus(ctx, operation, () => ctx.state.computes[operation.resourceKey]);
				},
			},
		},
		{
			pattern: `/subscriptions/{subscriptionId}/providers/${NAMESPACE}/locations/{location}/workspaceOperationsStatus/{operationId}`,
			apiVersions: MACHINE_LEARNING_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const operation = findOperation(ctx, 'workspaceOperationsStatus');
					return operationStatus(ctx, operation, () => ctx.state.workspaces[operation.resourceKey]);
				},
			},
		},
	],
	operations: {
		[COMPUTE_CREATE_OPERATION]: completeComputeCreate,
		[COMPUTE_DELETE_OPERATION]: completeComputeDelete,
		[WORKSPACE_UPDATE_OPERATION]: completeWorkspaceUpdate,
		[WORKSPACE_CREATE_OPERATION]: completeWorkspaceCreate,
		[WORKSPACE_DELETE_OPERATION]: completeWorkspaceDelete,
	},
};
