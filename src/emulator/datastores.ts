/**
 * Microsoft.MachineLearningServices 2022-10-01 datastores (mfe.json): PUT (200 update / 201 create,
 * synchronous), GET, list (paged with `$skip` + `count`, filters `isDefault`, `names`, `searchText`,
 * `orderBy`/`orderByAsc`), DELETE, POST `listSecrets`. Types AzureBlob, AzureDataLakeGen2 and
 * AzureFile; credentials None (identity-based access), AccountKey and Sas. Secrets are stored but
 * never served except by listSecrets (x-ms-secret), as the service does.
 *
 * `addDefaultDatastores` is what Azure ML provisions with a workspace (workspaceblobstore and
 * workspaceworkingdirectory on the workspace storage account, account-key credentials); the seed
 * and the workspace create LRO use it.
 */
import {createHash} from 'node:crypto';
import {
	ArmError,
	childrenOf,
	errors,
	isPlainObject,
	isoNow,
	requireObjectBody,
	requireResourceGroup,
	type ArmResponse,
	type ProviderModule,
	type RequestContext,
} from './arm.js';
import {DEMO_TENANT} from './seed.js';
import {cloneJson, type EmulatorState, type JsonObject, type TrackedResource} from './state.js';

const NAMESPACE = 'Microsoft.MachineLearningServices';
export const DATASTORE_TYPE = `${NAMESPACE}/workspaces/datastores`;
const API_VERSIONS = ['2022-10-01'] as const;
const WORKSPACE_PATTERN = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NAMESPACE}/workspaces/{workspaceName}`;
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

const DATASTORE_TYPES = ['AzureBlob', 'AzureDataLakeGen2', 'AzureFile'] as const;
const CREDENTIAL_TYPES = ['None', 'AccountKey', 'Sas'] as const;
const AUTH_IDENTITIES = ['None', 'WorkspaceSystemAssignedIdentity', 'WorkspaceUserAssignedIdentity'] as const;
/** Members each datastore type allows in `properties` (every subtype is additionalProperties:false). */
const COMMON_MEMBERS = ['description', 'properties', 'tags', 'credentials', 'datastoreType', 'isDefault'];
const TYPE_MEMBERS: Record<(typeof DATASTORE_TYPES)[number], {members: string[]; required: string[]; location: string}> = {
	AzureBlob: {members: ['accountName', 'containerName', 'endpoint', 'protocol', 'serviceDataAccessAuthIdentity'], required: ['accountName', 'containerName'], location: 'containerName'},
	AzureDataLakeGen2: {members: ['accountName', 'filesystem', 'endpoint', 'protocol', 'serviceDataAccessAuthIdentity'], required: ['accountName', 'filesystem'], location: 'filesystem'},
	AzureFile: {members: ['accountName', 'fileShareName', 'endpoint', 'protocol', 'serviceDataAccessAuthIdentity'], required: ['accountName', 'fileShareName'], location: 'fileShareName'},
};
/** Create-only members (x-ms-mutability create/read): an update may not change them. */
const IMMUTABLE = ['datastoreType', 'accountName', 'containerName', 'filesystem', 'fileShareName', 'endpoint', 'protocol', 'serviceDataAccessAuthIdentity'];

const badRequest = (message: string) => new ArmError(400, 'BadRequest', message);
const userError = (message: string) => new ArmError(400, 'UserError', message);

const pick = <T extends string>(allowed: readonly T[], value: unknown): T | undefined =>
	typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;

// ---------------------------------------------------------------- lookups

function requireWorkspace(ctx: RequestContext): TrackedResource {
	const {subscriptionId, resourceGroupName, workspaceName} = ctx.params as {subscriptionId: string; resourceGroupName: string; workspaceName: string};
	const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
	const workspace = ctx.state.workspaces[`${group.id}/providers/${NAMESPACE}/workspaces/${workspaceName}`.toLowerCase()];
	if (!workspace) throw errors.resourceNotFound(`${NAMESPACE}/workspaces`, workspaceName, resourceGroupName);
	return workspace;
}

const datastoreKey = (workspace: TrackedResource, name: string) => `${workspace.id}/datastores/${name}`.toLowerCase();

function requireDatastore(ctx: RequestContext): {workspace: TrackedResource; datastore: JsonObject} {
	const workspace = requireWorkspace(ctx);
	const datastore = ctx.state.datastores[datastoreKey(workspace, ctx.params.name!)];
	if (!datastore) throw errors.resourceNotFound(`${NAMESPACE}/workspaces`, `${workspace.name}/datastores/${ctx.params.name!}`, ctx.params.resourceGroupName!);
	return {workspace, datastore};
}

/** A storage account the emulator knows, by (globally unique) name. */
export function storageAccountByName(state: EmulatorState, name: string): TrackedResource | undefined {
	return Object.values(state.genericResources).find((r) => r.type.toLowerCase() === 'microsoft.storage/storageaccounts' && r.name.toLowerCase() === name.toLowerCase());
}

// ---------------------------------------------------------------- bodies

/** A datastore as served: credentials without their secrets. */
export function servedDatastore(stored: JsonObject): JsonObject {
	const copy = cloneJson(stored);
	const props = isPlainObject(copy.properties) ? copy.properties : {};
	if (isPlainObject(props.credentials)) delete props.credentials.secrets;
	return copy;
}

function systemData(at: string): JsonObject {
	return {createdAt: at, createdBy: DEMO_TENANT.user.upn, createdByType: 'User', lastModifiedAt: at, lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User'};
}

function unknownMember(member: string, typeName: string): ArmError {
	return badRequest(`Could not find member '${member}' on object of type '${typeName}'. Path 'properties.${member}'.`);
}

function validateCredentials(raw: unknown): JsonObject {
	if (!isPlainObject(raw)) throw badRequest("'properties.credentials' is required: an object with 'credentialsType' ('None' for identity-based access, 'AccountKey' or 'Sas').");
	const type = pick(CREDENTIAL_TYPES, raw.credentialsType);
	if (!type) {
		const known = ['ServicePrincipal', 'Certificate'].find((t) => t.toLowerCase() === String(raw.credentialsType).toLowerCase());
		throw badRequest(
			known
				? `Credentials of type '${known}' are not supported by this emulator; use 'None' (identity-based access), 'AccountKey' or 'Sas'.`
				: `'properties.credentials.credentialsType' must be one of: ${CREDENTIAL_TYPES.join(', ')}, ServicePrincipal, Certificate.`,
		);
	}
	if (type === 'None') {
		for (const member of Object.keys(raw)) if (member !== 'credentialsType') throw unknownMember(`credentials.${member}`, 'NoneDatastoreCredentials');
		return {credentialsType: 'None'};
	}
	for (const member of Object.keys(raw)) if (member !== 'credentialsType' && member !== 'secrets') throw unknownMember(`credentials.${member}`, `${type}DatastoreCredentials`);
	const secrets = raw.secrets;
	const field = type === 'AccountKey' ? 'key' : 'sasToken';
	if (!isPlainObject(secrets) || pick(['AccountKey', 'Sas'] as const, secrets.secretsType) !== type || typeof secrets[field] !== 'string' || secrets[field] === '') {
		throw badRequest(`Credentials of type '${type}' need 'secrets': {"secretsType": "${type}", "${field}": "..."}.`);
	}
	for (const member of Object.keys(secrets)) if (member !== 'secretsType' && member !== field) throw unknownMember(`credentials.secrets.${member}`, `${type}DatastoreSecrets`);
	return {credentialsType: type, secrets: {secretsType: type, [field]: secrets[field]}};
}

/** Validates a DatastoreResource body; returns the stored `properties` (with secrets). */
export function validateDatastore(state: EmulatorState, workspace: TrackedResource, existing: JsonObject | undefined, body: Record<string, unknown>, skipValidation: boolean): JsonObject {
	for (const member of Object.keys(body)) {
		if (!['id', 'name', 'type', 'systemData', 'properties'].includes(member)) {
			throw badRequest(`Could not find member '${member}' on object of type 'DatastoreResource'. Path '${member}'.`);
		}
	}
	if (!isPlainObject(body.properties)) throw badRequest("'properties' is required.");
	const props = body.properties;
	const datastoreType = pick(DATASTORE_TYPES, props.datastoreType);
	if (!datastoreType) {
		if (String(props.datastoreType).toLowerCase() === 'azuredatalakegen1') throw badRequest("Datastores of type 'AzureDataLakeGen1' are not supported by this emulator.");
		throw badRequest(`'properties.datastoreType' is required and must be one of: ${DATASTORE_TYPES.join(', ')}, AzureDataLakeGen1.`);
	}
	const spec = TYPE_MEMBERS[datastoreType];
	for (const member of Object.keys(props)) {
		if (!COMMON_MEMBERS.includes(member) && !spec.members.includes(member)) throw unknownMember(member, `${datastoreType}Datastore`);
	}
	for (const member of spec.required) {
		if (typeof props[member] !== 'string' || props[member] === '') throw badRequest(`'properties.${member}' is required for a datastore of type '${datastoreType}'.`);
	}
	const credentials = validateCredentials(props.credentials);
	const out: JsonObject = {
		description: typeof props.description === 'string' ? props.description : null,
		tags: isPlainObject(props.tags) ? props.tags : {},
		properties: isPlainObject(props.properties) ? props.properties : {},
		isDefault: existing && isPlainObject(existing.properties) ? existing.properties.isDefault === true : false,
		credentials,
		datastoreType,
	};
	for (const member of spec.members) {
		if (member === 'serviceDataAccessAuthIdentity') continue;
		const value = props[member];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'string') throw errors.invalidRequestContent(`'properties.${member}' must be a string`);
		out[member] = value;
	}
	out.endpoint ??= 'core.windows.net';
	out.protocol ??= 'https';
	const auth = props.serviceDataAccessAuthIdentity === undefined || props.serviceDataAccessAuthIdentity === null ? 'None' : pick(AUTH_IDENTITIES, props.serviceDataAccessAuthIdentity);
	if (!auth) throw badRequest(`'properties.serviceDataAccessAuthIdentity' must be one of: ${AUTH_IDENTITIES.join(', ')}.`);
	const identityType = isPlainObject(workspace.identity) ? String(workspace.identity.type) : 'None';
	if (auth === 'WorkspaceSystemAssignedIdentity' && !identityType.includes('SystemAssigned')) {
		throw badRequest(`'serviceDataAccessAuthIdentity' is 'WorkspaceSystemAssignedIdentity' but workspace '${workspace.name}' has no system-assigned identity.`);
	}
	if (auth === 'WorkspaceUserAssignedIdentity' && !workspace.properties.primaryUserAssignedIdentity) {
		throw badRequest(`'serviceDataAccessAuthIdentity' is 'WorkspaceUserAssignedIdentity' but workspace '${workspace.name}' has no primary user-assigned identity.`);
	}
	out.serviceDataAccessAuthIdentity = auth;

	if (existing && isPlainObject(existing.properties)) {
		const before = existing.properties;
		for (const member of IMMUTABLE) {
			if (before[member] !== undefined && out[member] !== undefined && String(before[member]).toLowerCase() !== String(out[member]).toLowerCase()) {
				throw userError(`The datastore property '${member}' cannot be changed (current: '${String(before[member])}'). Delete the datastore and create it again.`);
			}
		}
	}
	if (!skipValidation) {
		// What the service checks unless skipValidation=true: the account and container/filesystem exist.
		const accountName = String(out.accountName);
		const account = storageAccountByName(state, accountName);
		if (!account) throw userError(`The storage account '${accountName}' could not be reached. Check the account name, or create the datastore with skipValidation=true.`);
		if (datastoreType !== 'AzureFile') {
			const container = String(out[spec.location]);
			if (!state.blobContainers[`${account.id}/blobServices/default/containers/${container}`.toLowerCase()]) {
				throw userError(`The container '${container}' does not exist in storage account '${accountName}'.`);
			}
		}
		if (datastoreType === 'AzureDataLakeGen2' && !(isPlainObject(account.properties) && account.properties.isHnsEnabled === true)) {
			throw userError(`The storage account '${accountName}' does not have a hierarchical namespace (isHnsEnabled); use an 'AzureBlob' datastore for it.`);
		}
	}
	return out;
}

/** Stores a datastore under a workspace (bodies as served plus secrets). */
export function storeDatastore(state: EmulatorState, workspace: TrackedResource, name: string, properties: JsonObject, at: string): JsonObject {
	const key = datastoreKey(workspace, name);
	const existing = state.datastores[key];
	const stored: JsonObject = {
		id: `${workspace.id}/datastores/${typeof existing?.name === 'string' ? existing.name : name}`,
		name: typeof existing?.name === 'string' ? existing.name : name,
		type: DATASTORE_TYPE,
		properties,
		systemData: isPlainObject(existing?.systemData)
			? {...existing.systemData, lastModifiedAt: at, lastModifiedBy: DEMO_TENANT.user.upn, lastModifiedByType: 'User'}
			: systemData(at),
	};
	state.datastores[key] = stored;
	return stored;
}

/** A fake but well-formed storage account key (88 base64 chars), stable per label. */
export function fakeAccountKey(label: string): string {
	const bytes = Buffer.concat([createHash('sha256').update(`key1:${label}`).digest(), createHash('sha256').update(`key2:${label}`).digest()]);
	return bytes.toString('base64');
}

/** What Azure ML creates with a workspace: workspaceblobstore (default) and workspaceworkingdirectory, both with the account key. */
export function addDefaultDatastores(state: EmulatorState, workspace: TrackedResource, at: string): void {
	const storageId = workspace.properties.storageAccount;
	if (typeof storageId !== 'string') return;
	const accountName = storageId.split('/').pop()!;
	const workspaceId = String(workspace.properties.workspaceId ?? '');
	const key = fakeAccountKey(storageId.toLowerCase());
	const common = {description: null, tags: {}, properties: {}, endpoint: 'core.windows.net', protocol: 'https', serviceDataAccessAuthIdentity: 'None'};
	const credentials = {credentialsType: 'AccountKey', secrets: {secretsType: 'AccountKey', key}};
	storeDatastore(
		state,
		workspace,
		'workspaceblobstore',
		{...common, isDefault: true, credentials: cloneJson(credentials), datastoreType: 'AzureBlob', accountName, containerName: `azureml-blobstore-${workspaceId}`},
		at,
	);
	storeDatastore(
		state,
		workspace,
		'workspaceworkingdirectory',
		{...common, isDefault: false, credentials: cloneJson(credentials), datastoreType: 'AzureFile', accountName, fileShareName: `code-${workspaceId.replace(/-/g, '').slice(0, 24)}`},
		at,
	);
	// The blob container behind workspaceblobstore, and the azureml container, exist on the account.
	const account = state.genericResources[storageId.toLowerCase()];
	if (account) {
		for (const container of ['azureml', `azureml-blobstore-${workspaceId}`]) addBlobContainer(state, account, container, at);
	}
}

/** A blob container (Storage 2025-06-01 `ListContainerItem`) on a storage account. */
export function addBlobContainer(state: EmulatorState, account: TrackedResource, name: string, at: string): JsonObject {
	const id = `${account.id}/blobServices/default/containers/${name}`;
	const existing = state.blobContainers[id.toLowerCase()];
	if (existing) return existing;
	const etag = `"0x8DC${createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, 12).toUpperCase()}"`;
	const body: JsonObject = {
		id,
		name,
		type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
		etag,
		properties: {
			deleted: false,
			remainingRetentionDays: 0,
			defaultEncryptionScope: '$account-encryption-key',
			denyEncryptionScopeOverride: false,
			publicAccess: 'None',
			leaseStatus: 'Unlocked',
			leaseState: 'Available',
			lastModifiedTime: at,
			hasImmutabilityPolicy: false,
			hasLegalHold: false,
		},
	};
	state.blobContainers[id.toLowerCase()] = body;
	return body;
}

// ---------------------------------------------------------------- handlers

function queryValue(ctx: RequestContext, name: string): string | undefined {
	return Object.entries(ctx.query).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

function booleanQuery(ctx: RequestContext, name: string): boolean | undefined {
	const value = queryValue(ctx, name);
	if (value === undefined) return undefined;
	if (!/^(true|false)$/i.test(value)) throw badRequest(`The query parameter '${name}' must be 'true' or 'false'.`);
	return value.toLowerCase() === 'true';
}

function putDatastore(ctx: RequestContext): ArmResponse {
	const workspace = requireWorkspace(ctx);
	const name = ctx.params.name!;
	if (!NAME_RE.test(name)) {
		throw badRequest(`The datastore name '${name}' is invalid. It must start with a letter or digit and contain only letters, digits, '-' and '_' (at most 255 characters).`);
	}
	const existing = ctx.state.datastores[datastoreKey(workspace, name)];
	const properties = validateDatastore(ctx.state, workspace, existing, requireObjectBody(ctx), booleanQuery(ctx, 'skipValidation') ?? false);
	const stored = storeDatastore(ctx.state, workspace, name, properties, isoNow(ctx));
	ctx.commit();
	return {status: existing ? 200 : 201, body: servedDatastore(stored)};
}

function listDatastores(ctx: RequestContext): ArmResponse {
	const workspace = requireWorkspace(ctx);
	let items = childrenOf(ctx.state.datastores, `${workspace.id}/datastores`);
	const isDefault = booleanQuery(ctx, 'isDefault');
	if (isDefault !== undefined) items = items.filter((d) => (isPlainObject(d.properties) && d.properties.isDefault === true) === isDefault);
	const names = queryValue(ctx, 'names');
	if (names !== undefined && names !== '') {
		const wanted = new Set(names.split(',').map((n) => n.trim().toLowerCase()));
		items = items.filter((d) => wanted.has(String(d.name).toLowerCase()));
	}
	const search = queryValue(ctx, 'searchText');
	if (search) items = items.filter((d) => String(d.name).toLowerCase().includes(search.toLowerCase()));
	const orderBy = (queryValue(ctx, 'orderBy') ?? 'createdtime').toLowerCase();
	if (!['createdtime', 'modifiedtime', 'name'].includes(orderBy)) throw badRequest("'orderBy' must be one of: createdtime, modifiedtime, name.");
	const sortKey = (d: JsonObject) => {
		const sd = isPlainObject(d.systemData) ? d.systemData : {};
		return orderBy === 'name' ? String(d.name).toLowerCase() : String(orderBy === 'createdtime' ? sd.createdAt : sd.lastModifiedAt);
	};
	const ascending = booleanQuery(ctx, 'orderByAsc') ?? false;
	items = [...items].sort((a, b) => {
		const order = sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : String(a.name).localeCompare(String(b.name));
		return ascending ? order : -order;
	});

	// MFE paging: `count` is the page size (default 30), `$skip` the continuation token.
	const countText = queryValue(ctx, 'count');
	const count = countText === undefined ? Math.min(30, Math.max(1, ctx.options.pageSize)) : Number.parseInt(countText, 10);
	if (!Number.isSafeInteger(count) || count < 1 || !/^\d+$/.test(countText ?? '1')) throw badRequest("'count' must be a positive integer.");
	const skipText = queryValue(ctx, '$skip');
	const skip = skipText === undefined ? 0 : Number.parseInt(skipText, 10);
	if (skipText !== undefined && (!/^\d+$/.test(skipText) || !Number.isSafeInteger(skip))) throw badRequest(`The continuation token '${skipText}' is invalid.`);
	const value = items.slice(skip, skip + count).map(servedDatastore);
	const body: JsonObject = {value};
	if (skip + count < items.length) {
		const query = Object.entries(ctx.query)
			.filter(([k]) => k.toLowerCase() !== '$skip')
			.concat([['$skip', String(skip + count)]])
			.map(([k, v]) => `${encodeURIComponent(k).replace(/%24/g, '$')}=${encodeURIComponent(v)}`)
			.join('&');
		body.nextLink = `${ctx.baseUrl}${ctx.path}?${query}`;
	}
	return {status: 200, body};
}

function listSecrets(ctx: RequestContext): ArmResponse {
	const {datastore} = requireDatastore(ctx);
	const props = isPlainObject(datastore.properties) ? datastore.properties : {};
	const credentials = isPlainObject(props.credentials) ? props.credentials : {};
	if (!isPlainObject(credentials.secrets)) {
		throw userError(`The datastore '${String(datastore.name)}' uses credentialsType '${String(credentials.credentialsType)}' (identity-based access) and has no secrets.`);
	}
	return {status: 200, body: cloneJson(credentials.secrets)};
}

export const datastoresProvider: ProviderModule = {
	namespaces: [NAMESPACE],
	routes: [
		{pattern: `${WORKSPACE_PATTERN}/datastores`, apiVersions: API_VERSIONS, methods: {GET: listDatastores}},
		{
			pattern: `${WORKSPACE_PATTERN}/datastores/{name}`,
			apiVersions: API_VERSIONS,
			methods: {
				GET: (ctx) => ({status: 200, body: servedDatastore(requireDatastore(ctx).datastore)}),
				PUT: putDatastore,
				DELETE: (ctx) => {
					const workspace = requireWorkspace(ctx);
					const key = datastoreKey(workspace, ctx.params.name!);
					const found = ctx.state.datastores[key];
					if (!found) return {status: 204};
					if (isPlainObject(found.properties) && found.properties.isDefault === true) {
						throw userError(`'${String(found.name)}' is the default datastore of workspace '${workspace.name}' and cannot be deleted.`);
					}
					delete ctx.state.datastores[key];
					ctx.commit();
					return {status: 200};
				},
			},
		},
		{pattern: `${WORKSPACE_PATTERN}/datastores/{name}/listSecrets`, apiVersions: API_VERSIONS, methods: {POST: listSecrets}},
	],
};
