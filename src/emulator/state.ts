import {mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync} from 'node:fs';
import path from 'node:path';
import {randomBytes} from 'node:crypto';

/** A JSON object as ARM sends it (resource bodies are stored exactly as they are served). */
export type JsonObject = {[key: string]: unknown};

/** Common-types `systemData`. */
export interface SystemData {
	createdBy?: string;
	createdByType?: 'User' | 'Application' | 'ManagedIdentity' | 'Key';
	createdAt?: string;
	lastModifiedBy?: string;
	lastModifiedByType?: 'User' | 'Application' | 'ManagedIdentity' | 'Key';
	lastModifiedAt?: string;
}

/** Subscriptions 2022-12-01 `Subscription`, stored as served. */
export interface SubscriptionResource {
	id: string;
	subscriptionId: string;
	tenantId: string;
	displayName: string;
	state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
	subscriptionPolicies: {locationPlacementId: string; quotaId: string; spendingLimit: 'On' | 'Off' | 'CurrentPeriodOff'};
	authorizationSource: string;
	managedByTenants: Array<{tenantId: string}>;
	tags?: Record<string, string>;
}

/** Microsoft.Resources `ResourceGroup`, stored as served. */
export interface ResourceGroupResource {
	id: string;
	name: string;
	type: 'Microsoft.Resources/resourceGroups';
	location: string;
	managedBy?: string;
	tags?: Record<string, string>;
	properties: {provisioningState: string};
}

/** A tracked ARM resource (workspace, registry, ...): id/name/type/location/tags + provider specifics. */
export interface TrackedResource extends JsonObject {
	id: string;
	name: string;
	type: string;
	location: string;
	tags?: Record<string, string>;
	systemData?: SystemData;
	properties: JsonObject;
}

/** A long-running operation: what it does, and when it completes (epoch ms), so it survives a restart. */
export interface OperationRecord {
	/** ARM id of the operation status resource (stored casing). */
	id: string;
	/** Last segment of `id`, e.g. `registries-<guid>`. */
	name: string;
	/** Which provider applier completes it, e.g. `Microsoft.ContainerRegistry/registries/update`. */
	kind: string;
	/** Lower-cased ARM id of the resource the operation changes. */
	resourceKey: string;
	status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
	startTime: string;
	endTime?: string;
	/** Epoch ms at which the operation completes. */
	completesAt: number;
	/** Kind-specific data needed to complete (e.g. the validated PATCH body). */
	payload: JsonObject;
	error?: {code: string; message: string};
	/** Set by an injected fault (faults.ts): the operation ends Failed with this error instead of applying its change. */
	injectedFailure?: {code: string; message: string};
}

/**
 * The whole emulated tenant. Plain JSON; every map is keyed by the lower-cased ARM id
 * (ARM ids are case-insensitive) and holds the body as served, with its original casing.
 * New providers add maps here and in `emptyState()`; `normalizeState` fills maps missing
 * from older state files.
 */
export interface EmulatorState {
	schemaVersion: 1;
	tenantId: string;
	subscriptions: Record<string, SubscriptionResource>;
	resourceGroups: Record<string, ResourceGroupResource>;
	workspaces: Record<string, TrackedResource>;
	registries: Record<string, TrackedResource>;
	/** Microsoft.MachineLearningServices workspaces/computes (keyed by lower-cased compute id). */
	computes: Record<string, TrackedResource>;
	/** Microsoft.MachineLearningServices workspaces/connections. */
	connections: Record<string, JsonObject>;
	/** Microsoft.ManagedIdentity/userAssignedIdentities. */
	identities: Record<string, TrackedResource>;
	/** Microsoft.Authorization roleDefinitions, keyed by lower-cased role definition GUID. */
	roleDefinitions: Record<string, JsonObject>;
	/** Microsoft.Authorization roleAssignments, keyed by lower-cased full assignment id. */
	roleAssignments: Record<string, JsonObject>;
	/** Microsoft.MachineLearningServices workspaces/datastores, stored with their secrets (served without). */
	datastores: Record<string, JsonObject>;
	/** Microsoft.Storage storageAccounts/blobServices/default/containers (keyed by lower-cased container id). */
	blobContainers: Record<string, JsonObject>;
	/** Resources only read generically (AKS managed clusters, storage accounts, key vaults...). */
	genericResources: Record<string, TrackedResource>;
	/**
	 * Every principal (user, managed identity) Microsoft Entra ID knows, by object id, with the
	 * epoch ms at which it was created: role assignments use it for PrincipalNotFound and for the
	 * replication window of a new identity. Register new ones with registerPrincipal().
	 */
	principals: Record<string, {createdAt: number; kind: 'User' | 'ServicePrincipal'}>;
	/** Keyed by lower-cased operation status id. */
	operations: Record<string, OperationRecord>;
}

/** Records a principal that Microsoft Entra ID now knows (a new managed identity, say). */
export function registerPrincipal(
	state: EmulatorState,
	principalId: string,
	kind: 'User' | 'ServicePrincipal' = 'ServicePrincipal',
	createdAt = Date.now(),
): void {
	state.principals[principalId.toLowerCase()] = {createdAt, kind};
}

export const STATE_FILE = 'state.json';
export const CA_CERT_FILE = 'ca.pem';

export function emptyState(tenantId: string): EmulatorState {
	return {
		schemaVersion: 1,
		tenantId,
		subscriptions: {},
		resourceGroups: {},
		workspaces: {},
		registries: {},
		computes: {},
		connections: {},
		identities: {},
		roleDefinitions: {},
		roleAssignments: {},
		datastores: {},
		blobContainers: {},
		genericResources: {},
		principals: {},
		operations: {},
	};
}

export function normalizeState(raw: unknown, defaults: EmulatorState): EmulatorState {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
		throw new Error('emulator state is not a JSON object');
	}
	const loaded = raw as Partial<EmulatorState>;
	if (loaded.schemaVersion !== undefined && loaded.schemaVersion !== 1) {
		throw new Error(`unsupported emulator state schemaVersion ${String(loaded.schemaVersion)}`);
	}
	const state = {...emptyState(defaults.tenantId), ...loaded} as EmulatorState;
	for (const key of Object.keys(defaults) as Array<keyof EmulatorState>) {
		const value = defaults[key];
		if (typeof value === 'object' && (typeof state[key] !== 'object' || state[key] === null)) {
			(state as unknown as JsonObject)[key] = {};
		}
	}
	return state;
}

export function stateFilePath(stateDir: string): string {
	return path.join(stateDir, STATE_FILE);
}

/** Reads `${stateDir}/state.json`; undefined if there is none. Throws on a corrupt file (never silently reseeds). */
export function loadStateFile(stateDir: string, defaults: EmulatorState): EmulatorState | undefined {
	const file = stateFilePath(stateDir);
	if (!existsSync(file)) return undefined;
	const text = readFileSync(file, 'utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new Error(`emulator state file ${file} is not valid JSON: ${(error as Error).message}`);
	}
	return normalizeState(parsed, defaults);
}

/** Atomic write: temp file in the same directory, then rename over the target. */
export function writeFileAtomic(file: string, contents: string): void {
	mkdirSync(path.dirname(file), {recursive: true});
	const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
	try {
		writeFileSync(temp, contents, {encoding: 'utf8', mode: 0o600});
		renameSync(temp, file);
	} catch (error) {
		rmSync(temp, {force: true});
		throw error;
	}
}

export function saveStateFile(stateDir: string, state: EmulatorState): void {
	writeFileAtomic(stateFilePath(stateDir), JSON.stringify(state, null, '\t') + '\n');
}

/** Deep copy of plain JSON data. */
export function cloneJson<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}
