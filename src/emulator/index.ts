/**
 * Embedded Azure Resource Manager emulator (HTTPS on 127.0.0.1) serving the seeded Contoso
 * demo tenant: subscriptions, resource groups, Azure ML workspaces, container registries.
 */
import {DEMO_TENANT} from './seed.js';
import {createScaledSeedState, type DemoScale} from './seed-scale.js';
import {presetState} from './presets.js';
import {emptyState, loadStateFile, saveStateFile, type EmulatorState} from './state.js';

export {startEmulator, PROVIDERS, type EmulatorOptions, type RecordedRequest, type RunningEmulator} from './server.js';
export type {EmulatorState, OperationRecord, SubscriptionResource, ResourceGroupResource, TrackedResource, SystemData} from './state.js';

/** The persisted state of an emulator (e.g. one that has exited); undefined if `stateDir` has none. */
export function readEmulatorState(stateDir: string): EmulatorState | undefined {
	return loadStateFile(stateDir, emptyState(DEMO_TENANT.tenantId));
}

/**
 * Write a freshly seeded tenant to `${stateDir}/state.json` (the `demo --reset` command), at the
 * scale asked for, with a preset's changes if named.
 */
export function resetEmulatorState(stateDir: string, preset?: string, scale: DemoScale = 'default'): void {
	saveStateFile(stateDir, presetState(preset, createScaledSeedState(scale)));
}

export {PRESETS, findPreset, presetState, type Preset} from './presets.js';

export * from './seed.js';
export {SEED_IDENTITIES, SEED_AKS, SEED_KEY_VAULT_RBAC, SEED_ROLE_ASSIGNMENTS, userAssignedIdentityId, type SeedIdentity} from './seed-identity.js';
export {LARGE_SCALE, scaleSubscriptionName, createScaledSeedState, type DemoScale} from './seed-scale.js';
export {DEFAULT_REPLICATION_DELAY_MS} from './authorization.js';
export {SEED_STORAGE_ACCOUNTS, SEED_DATASTORES, DEFAULT_DATASTORE_NAMES} from './seed-data.js';
