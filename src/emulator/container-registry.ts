/**
 * Microsoft.ContainerRegistry 2025-11-01: registries (list by subscription / resource group, get,
 * PUT create, PATCH update and DELETE as long-running operations, name availability) and their
 * `operationStatuses` resources.
 */
import {randomUUID} from 'node:crypto';
import {
	ArmError,
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
import {DEMO_TENANT, registryResource} from './seed.js';
import {cloneJson, registerPrincipal, type EmulatorState, type JsonObject, type OperationRecord, type TrackedResource} from './state.js';

export const CONTAINER_REGISTRY_API_VERSIONS = ['2025-11-01'] as const;
const NAMESPACE = 'Microsoft.ContainerRegistry';
const REGISTRY_PATTERN = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NAMESPACE}/registries/{registryName}`;
export const REGISTRY_UPDATE_OPERATION = `${NAMESPACE}/registries/update`;
export const REGISTRY_CREATE_OPERATION = `${NAMESPACE}/registries/create`;
export const REGISTRY_DELETE_OPERATION = `${NAMESPACE}/registries/delete`;
/** Registry names taken outside the demo tenant (registry names are global, like their DNS names). */
export const RESERVED_REGISTRY_NAMES = ['contoso', 'mlregistry', 'myregistry', 'acrdemo', 'azureml'] as const;
const REGISTRY_NAME_RE = /^[a-zA-Z0-9]{5,50}$/;
const INVALID_NAME_MESSAGE = 'Registry names may contain only alpha numeric characters and must be between 5 and 50 characters.';

const SKU_NAMES = ['Basic', 'Standard', 'Premium'] as const;
const IDENTITY_TYPES = ['SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned', 'None'] as const;
const BOOLEAN_PROPERTIES = ['adminUserEnabled', 'dataEndpointEnabled', 'networkRuleBypassAllowedForTasks', 'anonymousPullEnabled'] as const;
const ENUM_PROPERTIES: Record<string, readonly string[]> = {
	publicNetworkAccess: ['Enabled', 'Disabled'],
	networkRuleBypassOptions: ['AzureServices', 'None'],
	roleAssignmentMode: ['AbacRepositoryPermissions', 'LegacyRegistryPermissions'],
};
const OBJECT_PROPERTIES = ['networkRuleSet', 'policies', 'encryption'] as const;

export function findRegistry(ctx: RequestContext, subscriptionId: string, resourceGroupName: string, registryName: string): TrackedResource {
	requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/${NAMESPACE}/registries/${registryName}`;
	const registry = ctx.state.registries[id.toLowerCase()];
	if (!registry) throw errors.resourceNotFound(`${NAMESPACE}/registries`, registryName, resourceGroupName);
	return registry;
}

function badRequest(code: string, message: string): ArmError {
	return new ArmError(400, code, message);
}

/** Validates a `RegistryUpdateParameters` body; returns the normalised patch (only fields that change something). */
export function validateRegistryUpdate(body: Record<string, unknown>): JsonObject {
	const patch: JsonObject = {};
	if (body.tags !== undefined) {
		if (!isPlainObject(body.tags) || Object.values(body.tags).some((v) => typeof v !== 'string')) {
			throw errors.invalidRequestContent("'tags' must be an object of string values");
		}
		patch.tags = body.tags;
	}
	if (body.sku !== undefined) {
		if (!isPlainObject(body.sku) || typeof body.sku.name !== 'string') {
			throw errors.invalidRequestContent("'sku' must be an object with a string 'name'");
		}
		const name = body.sku.name;
		if (name.toLowerCase() === 'classic') {
			throw badRequest('ClassicSkuDeprecated', 'Classic SKU is now deprecated. Please select a managed SKU.');
		}
		const known = SKU_NAMES.find((s) => s.toLowerCase() === name.toLowerCase());
		if (!known) {
			throw badRequest('InvalidSkuName', `The SKU name '${name}' is invalid. Allowed values are: ${SKU_NAMES.join(', ')}.`);
		}
		patch.sku = {name: known, tier: known};
	}
	if (body.identity !== undefined) {
		if (!isPlainObject(body.identity) || typeof body.identity.type !== 'string') {
			throw errors.invalidRequestContent("'identity' must be an object with a string 'type'");
		}
		const type = IDENTITY_TYPES.find((t) => t.toLowerCase() === String(body.identity && (body.identity as JsonObject).type).toLowerCase());
		if (!type) {
			throw badRequest('InvalidIdentityType', `The identity type '${String(body.identity.type)}' is invalid. Allowed values are: ${IDENTITY_TYPES.join(', ')}.`);
		}
		const uai = body.identity.userAssignedIdentities;
		if (uai !== undefined && !isPlainObject(uai)) throw errors.invalidRequestContent("'identity.userAssignedIdentities' must be an object");
		if (type.includes('UserAssigned') && (!uai || Object.keys(uai).length === 0)) {
			throw badRequest('InvalidIdentity', "Identity type 'UserAssigned' requires at least one entry in 'userAssignedIdentities'.");
		}
		patch.identity = {type, ...(uai ? {userAssignedIdentities: uai} : {})};
	}
	if (body.properties !== undefined) {
		if (!isPlainObject(body.properties)) throw errors.invalidRequestContent("'properties' must be an object");
		const props: JsonObject = {};
		for (const name of BOOLEAN_PROPERTIES) {
			const value = body.properties[name];
			if (value === undefined) continue;
			if (typeof value !== 'boolean') throw errors.invalidRequestContent(`'properties.${name}' must be a boolean`);
			props[name] = value;
		}
		for (const [name, allowed] of Object.entries(ENUM_PROPERTIES)) {
			const value = body.properties[name];
			if (value === undefined) continue;
			const match = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
			if (!match) throw badRequest('InvalidParameter', `The value '${String(value)}' of 'properties.${name}' is invalid. Allowed values are: ${allowed.join(', ')}.`);
			props[name] = match;
		}
		for (const name of OBJECT_PROPERTIES) {
			const value = body.properties[name];
			if (value === undefined) continue;
			if (!isPlainObject(value)) throw errors.invalidRequestContent(`'properties.${name}' must be an object`);
			props[name] = value;
		}
		patch.properties = props;
	}
	return patch;
}

/** The registry as it will look once `patch` is applied (pure; `now` stamps systemData). */
export function applyRegistryPatch(registry: TrackedResource, patch: JsonObject, now: string, modifiedBy: string, tenantId: string): TrackedResource {
	const next = cloneJson(registry);
	if (patch.tags !== undefined) next.tags = patch.tags as Record<string, string>;
	if (patch.sku !== undefined) next.sku = patch.sku;
	if (patch.identity !== undefined) {
		const wanted = patch.identity as {type: string; userAssignedIdentities?: Record<string, unknown>};
		if (wanted.type === 'None') {
			delete next.identity;
		} else {
			const previous = isPlainObject(registry.identity) ? registry.identity : {};
			const identity: JsonObject = {type: wanted.type};
			if (wanted.type.includes('SystemAssigned')) {
				identity.principalId = typeof previous.principalId === 'string' ? previous.principalId : randomUUID();
				identity.tenantId = typeof previous.tenantId === 'string' ? previous.tenantId : tenantId;
			}
			if (wanted.type.includes('UserAssigned')) {
				const before = isPlainObject(previous.userAssignedIdentities) ? previous.userAssignedIdentities : {};
				const merged: JsonObject = {};
				for (const [id, value] of Object.entries({...before, ...(wanted.userAssignedIdentities ?? {})})) {
					if (value === null) continue; // PATCH semantics: null removes an identity
					const old = before[id];
					merged[id] = isPlainObject(old) && old.principalId ? old : {principalId: randomUUID(), clientId: randomUUID()};
				}
				identity.userAssignedIdentities = merged;
			}
			next.identity = identity;
		}
	}
	if (isPlainObject(patch.properties)) Object.assign(next.properties, patch.properties);
	next.systemData = {...(next.systemData ?? {}), lastModifiedBy: modifiedBy, lastModifiedByType: 'User', lastModifiedAt: now};
	return next;
}

function pendingOperationFor(state: EmulatorState, resourceKey: string): OperationRecord | undefined {
	return Object.values(state.operations).find((op) => op.resourceKey === resourceKey && op.status === 'InProgress');
}

/** 409 when another operation is still running on the registry. */
function refuseWhileBusy(state: EmulatorState, resourceKey: string, registryName: string): void {
	const pending = pendingOperationFor(state, resourceKey);
	if (!pending) return;
	const doing = pending.kind === REGISTRY_DELETE_OPERATION ? 'deleted' : 'updated';
	throw new ArmError(409, 'Conflict', `The registry '${registryName}' is currently being ${doing} by another operation. Please retry after the operation completes.`);
}

const completeRegistryUpdate: OperationApplier = (state, operation, now) => {
	const registry = state.registries[operation.resourceKey];
	if (!registry) {
		operation.status = 'Failed';
		operation.error = {code: 'ResourceNotFound', message: 'The registry was deleted while the operation was running.'};
		return;
	}
	const payload = operation.payload as {patch: JsonObject; modifiedBy: string};
	const updated = applyRegistryPatch(registry, payload.patch, new Date(now).toISOString(), payload.modifiedBy, state.tenantId);
	updated.properties.provisioningState = 'Succeeded';
	state.registries[operation.resourceKey] = updated;
	operation.status = 'Succeeded';
};

/** Starts a long-running operation on a registry (its operationStatuses resource); returns the status ID. */
function startRegistryOperation(ctx: RequestContext, registryId: string, resourceKey: string, kind: string, payload: JsonObject): string {
	const startedAt = ctx.now();
	const name = `registries-${randomUUID()}`;
	const operationId = `${registryId}/operationStatuses/${name}`;
	ctx.startOperation({
		id: operationId,
		name,
		kind,
		resourceKey,
		status: 'InProgress',
		startTime: new Date(startedAt).toISOString(),
		completesAt: startedAt + ctx.options.lroDurationMs,
		payload,
	});
	return operationId;
}

function updateRegistry(ctx: RequestContext): ArmResponse {
	const {subscriptionId, resourceGroupName, registryName} = ctx.params as Record<'subscriptionId' | 'resourceGroupName' | 'registryName', string>;
	const registry = findRegistry(ctx, subscriptionId, resourceGroupName, registryName);
	const body = requireObjectBody(ctx);
	const patch = validateRegistryUpdate(body);
	const resourceKey = registry.id.toLowerCase();
	refuseWhileBusy(ctx.state, resourceKey, registry.name);
	// systemData names the demo user whoever the caller is (not yet the token's principal).
	const modifiedBy = DEMO_TENANT.user.upn;
	// While running, GET shows the old values with provisioningState Updating.
	registry.properties.provisioningState = 'Updating';
	const operationId = startRegistryOperation(ctx, registry.id, resourceKey, REGISTRY_UPDATE_OPERATION, {patch, modifiedBy});
	// Like RegistryUpdate.json's 201: the registry as it will be, still provisioningState Updating.
	const projected = applyRegistryPatch(registry, patch, isoNow(ctx), modifiedBy, ctx.state.tenantId);
	projected.properties.provisioningState = 'Updating';
	return {
		status: 201,
		body: projected,
		headers: {
			'Azure-AsyncOperation': `${ctx.baseUrl}${operationId}?api-version=${ctx.apiVersion}`,
			'Retry-After': String(ctx.options.retryAfterSeconds),
		},
	};
}

/** Whether a registry name is taken anywhere (any registry in the state, in any subscription, or reserved). */
export function registryNameTaken(state: EmulatorState, name: string, exceptId?: string): boolean {
	const lower = name.toLowerCase();
	if ((RESERVED_REGISTRY_NAMES as readonly string[]).includes(lower)) return true;
	return Object.values(state.registries).some((r) => r.name.toLowerCase() === lower && r.id.toLowerCase() !== exceptId?.toLowerCase());
}

/** Registries_Create: 201 + Azure-AsyncOperation + Retry-After; provisioningState Creating until lroDurationMs has passed. */
function createRegistry(ctx: RequestContext): ArmResponse {
	const {subscriptionId, resourceGroupName, registryName} = ctx.params as Record<'subscriptionId' | 'resourceGroupName' | 'registryName', string>;
	if (!REGISTRY_NAME_RE.test(registryName)) throw badRequest('InvalidRegistryName', INVALID_NAME_MESSAGE);
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const body = requireObjectBody(ctx);
	const id = `${group.id}/providers/${NAMESPACE}/registries/${registryName}`;
	const existing = ctx.state.registries[id.toLowerCase()];
	if (typeof body.location !== 'string' || body.location.trim() === '') {
		throw badRequest('LocationRequired', 'The location property is required for this definition.');
	}
	const location = body.location.replace(/\s+/g, '').toLowerCase();
	if (body.sku === undefined) throw badRequest('InvalidParameter', "The 'sku' property is required.");
	if (existing) {
		// PUT on an existing registry: an update (same LRO as PATCH); its location cannot change.
		if (existing.location.toLowerCase() !== location) {
			throw new ArmError(
				409,
				'InvalidResourceLocation',
				`The resource '${existing.name}' already exists in location '${existing.location}' in resource group '${resourceGroupName}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
			);
		}
		return updateRegistry(ctx);
	}
	if (registryNameTaken(ctx.state, registryName)) {
		throw new ArmError(
			409,
			'AlreadyInUse',
			`The registry DNS name ${registryName.toLowerCase()}.azurecr.io is already in use. You can check if the name is already claimed using following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability`,
		);
	}
	const patch = validateRegistryUpdate({tags: body.tags, sku: body.sku, identity: body.identity, properties: body.properties});
	const sku = (patch.sku as {name: 'Basic' | 'Standard' | 'Premium'}).name;
	const now = isoNow(ctx);
	const base = registryResource(
		{id, name: registryName, location, sku, adminUserEnabled: false, loginServer: `${registryName.toLowerCase()}.azurecr.io`},
		now,
		patch.tags as Record<string, string> | undefined,
	);
	const registry = applyRegistryPatch(base, {...patch, tags: undefined}, now, DEMO_TENANT.user.upn, ctx.state.tenantId);
	if (patch.tags === undefined) delete registry.tags;
	if (isPlainObject(registry.identity) && typeof registry.identity.principalId === 'string') {
		registerPrincipal(ctx.state, registry.identity.principalId, 'ServicePrincipal', ctx.now());
	}
	registry.properties.provisioningState = 'Creating';
	const resourceKey = id.toLowerCase();
	ctx.state.registries[resourceKey] = registry;
	const operationId = startRegistryOperation(ctx, id, resourceKey, REGISTRY_CREATE_OPERATION, {});
	return {
		status: 201,
		body: registry,
		headers: {
			'Azure-AsyncOperation': `${ctx.baseUrl}${operationId}?api-version=${ctx.apiVersion}`,
			'Retry-After': String(ctx.options.retryAfterSeconds),
		},
	};
}

const completeRegistryCreate: OperationApplier = (state, operation) => {
	const registry = state.registries[operation.resourceKey];
	if (!registry) {
		operation.status = 'Failed';
		operation.error = {code: 'ResourceNotFound', message: 'The registry was deleted while the operation was running.'};
		return;
	}
	registry.properties.provisioningState = 'Succeeded';
	operation.status = 'Succeeded';
};

/**
 * Registries_Delete (final-state-via location): 204 when the registry does not exist; else 202 with
 * Location (its operationStatuses resource) and Retry-After, no Azure-AsyncOperation (as the spec and
 * RegistryDelete.json say). The registry shows Deleting until lroDurationMs has passed, then it is
 * gone; workspaces that name it keep the dangling id and role assignments on it stay, as in Azure.
 */
function deleteRegistry(ctx: RequestContext): ArmResponse {
	const {subscriptionId, resourceGroupName, registryName} = ctx.params as Record<'subscriptionId' | 'resourceGroupName' | 'registryName', string>;
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const resourceKey = `${group.id}/providers/${NAMESPACE}/registries/${registryName}`.toLowerCase();
	const registry = ctx.state.registries[resourceKey];
	if (!registry) return {status: 204};
	refuseWhileBusy(ctx.state, resourceKey, registry.name);
	registry.properties.provisioningState = 'Deleting';
	const operationId = startRegistryOperation(ctx, registry.id, resourceKey, REGISTRY_DELETE_OPERATION, {});
	return {
		status: 202,
		headers: {Location: `${ctx.baseUrl}${operationId}?api-version=${ctx.apiVersion}`, 'Retry-After': String(ctx.options.retryAfterSeconds)},
	};
}

const completeRegistryDelete: OperationApplier = (state, operation) => {
	const registry = state.registries[operation.resourceKey];
	if (registry) {
		delete state.registries[operation.resourceKey];
		// Its system-assigned service principal goes with it; role assignments to it stay behind (as in Azure).
		if (isPlainObject(registry.identity) && typeof registry.identity.principalId === 'string') delete state.principals[registry.identity.principalId.toLowerCase()];
	}
	operation.status = 'Succeeded';
};

/**
 * GET operationStatuses/{name}. A create or update polls it as its Azure-AsyncOperation: 200 with the
 * status body. A delete polls it as its Location: 202 while running, then 200 with the status body,
 * or the operation's error; it answers after the registry is gone.
 */
function getOperationStatus(ctx: RequestContext): ArmResponse {
	const {subscriptionId, resourceGroupName, registryName, operationName} = ctx.params as Record<'subscriptionId' | 'resourceGroupName' | 'registryName' | 'operationName', string>;
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const registryId = `${group.id}/providers/${NAMESPACE}/registries/${registryName}`;
	const operation = ctx.state.operations[`${registryId}/operationStatuses/${operationName}`.toLowerCase()];
	if (!operation) {
		const registry = findRegistry(ctx, subscriptionId, resourceGroupName, registryName);
		throw errors.resourceNotFound(`${NAMESPACE}/registries/operationStatuses`, `${registry.name}/${operationName}`, resourceGroupName);
	}
	const retryAfter = {'Retry-After': String(ctx.options.retryAfterSeconds)};
	if (operation.kind !== REGISTRY_DELETE_OPERATION) {
		return {status: 200, body: operationStatusBody(operation), headers: operation.status === 'InProgress' ? retryAfter : {}};
	}
	if (operation.status === 'InProgress') {
		return {status: 202, headers: {Location: `${ctx.baseUrl}${ctx.path}?${new URLSearchParams(ctx.query).toString()}`, ...retryAfter}};
	}
	if (operation.status !== 'Succeeded') {
		throw new ArmError(500, operation.error?.code ?? 'InternalServerError', operation.error?.message ?? 'The operation failed.');
	}
	return {status: 200, body: operationStatusBody(operation)};
}

/** Registries_CheckNameAvailability: RegistryNameStatus. */
function checkNameAvailability(ctx: RequestContext): ArmResponse {
	requireSubscription(ctx, ctx.params.subscriptionId!);
	const body = requireObjectBody(ctx);
	if (typeof body.name !== 'string') throw badRequest('InvalidParameter', "The 'name' property is required.");
	if (typeof body.type !== 'string' || body.type.toLowerCase() !== `${NAMESPACE}/registries`.toLowerCase()) {
		throw badRequest('InvalidParameter', `The 'type' property must be '${NAMESPACE}/registries'.`);
	}
	if (!REGISTRY_NAME_RE.test(body.name)) return {status: 200, body: {nameAvailable: false, reason: 'Invalid', message: INVALID_NAME_MESSAGE}};
	if (registryNameTaken(ctx.state, body.name)) {
		return {status: 200, body: {nameAvailable: false, reason: 'AlreadyExists', message: `The registry ${body.name} is already in use.`}};
	}
	return {status: 200, body: {nameAvailable: true}};
}

/** ARM async operation status body (id/name/status/startTime/endTime, error when Failed). */
export function operationStatusBody(operation: OperationRecord): JsonObject {
	return {
		id: operation.id,
		name: operation.name,
		status: operation.status,
		startTime: operation.startTime,
		...(operation.endTime ? {endTime: operation.endTime} : {}),
		...(operation.status === 'Failed' && operation.error ? {error: operation.error} : {}),
	};
}

export const containerRegistryProvider: ProviderModule = {
	namespaces: [NAMESPACE],
	routes: [
		{
			pattern: `/subscriptions/{subscriptionId}/providers/${NAMESPACE}/checkNameAvailability`,
			apiVersions: CONTAINER_REGISTRY_API_VERSIONS,
			methods: {POST: checkNameAvailability},
		},
		{
			pattern: `/subscriptions/{subscriptionId}/providers/${NAMESPACE}/registries`,
			apiVersions: CONTAINER_REGISTRY_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const sub = requireSubscription(ctx, ctx.params.subscriptionId!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.registries, sub.id, `${NAMESPACE}/registries`))};
				},
			},
		},
		{
			pattern: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NAMESPACE}/registries`,
			apiVersions: CONTAINER_REGISTRY_API_VERSIONS,
			methods: {
				GET: (ctx) => {
					const group = requireResourceGroup(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!);
					return {status: 200, body: page(ctx, resourcesOfTypeUnder(ctx.state.registries, group.id, `${NAMESPACE}/registries`))};
				},
			},
		},
		{
			pattern: REGISTRY_PATTERN,
			apiVersions: CONTAINER_REGISTRY_API_VERSIONS,
			methods: {
				GET: (ctx) => ({
					status: 200,
					body: findRegistry(ctx, ctx.params.subscriptionId!, ctx.params.resourceGroupName!, ctx.params.registryName!),
				}),
				PUT: createRegistry,
				PATCH: updateRegistry,
				DELETE: deleteRegistry,
			},
		},
		{
			pattern: `${REGISTRY_PATTERN}/operationStatuses/{operationName}`,
			apiVersions: CONTAINER_REGISTRY_API_VERSIONS,
			methods: {GET: getOperationStatus},
		},
	],
	operations: {
		[REGISTRY_UPDATE_OPERATION]: completeRegistryUpdate,
		[REGISTRY_CREATE_OPERATION]: completeRegistryCreate,
		[REGISTRY_DELETE_OPERATION]: completeRegistryDelete,
	},
};
