/**
 * Starting states for showing one tricky case: the seeded tenant with a few changes
 * (`aml-identity demo --reset --preset NAME`). Each is deterministic, like the seed.
 */
import {PRESET_DESCRIPTIONS, type PresetName} from './preset-list.js';
import {BUILT_IN_ROLES} from './role-grants.js';
import {createSeedState, SEED} from './seed.js';
import type {EmulatorState, JsonObject} from './state.js';

export interface Preset {
	readonly name: PresetName;
	/** What is different from the seed, and which scenario shows it. */
	readonly description: string;
	apply(state: EmulatorState): void;
}

const key = (id: string) => id.toLowerCase();

function properties(resource: JsonObject | undefined): JsonObject {
	return (resource?.['properties'] ?? {}) as JsonObject;
}

/** Role assignments of a principal, optionally of one role at one scope. */
function removeAssignments(state: EmulatorState, principalId: string, only?: {roleGuid: string; scope: string}): void {
	for (const [id, assignment] of Object.entries(state.roleAssignments)) {
		const props = properties(assignment);
		if (String(props['principalId']).toLowerCase() !== principalId.toLowerCase()) continue;
		if (only && !(String(props['roleDefinitionId']).toLowerCase().endsWith(only.roleGuid) && String(props['scope']).toLowerCase() === key(only.scope))) continue;
		delete state.roleAssignments[id];
	}
}

function setAdminUser(state: EmulatorState, enabled: boolean, which: (registry: JsonObject) => boolean): void {
	for (const registry of Object.values(state.registries)) if (which(registry)) registry.properties['adminUserEnabled'] = enabled;
}

const fraudRegistry = SEED.registries.fraudProd;
const cpuCluster = SEED.computes.cpuCluster;
/** A day after the workspace, weeks before Azure ML created its registry. */
const beforeTheRegistry = '2024-03-15T10:15:22.8760000Z';

export const PRESETS: readonly Preset[] = [
	{
		name: 'compute-before-acr',
		description: PRESET_DESCRIPTIONS['compute-before-acr'],
		apply(state) {
			const compute = state.computes[key(cpuCluster.id)]!;
			compute.properties['createdOn'] = beforeTheRegistry;
			compute.properties['modifiedOn'] = beforeTheRegistry;
			if (compute.systemData) compute.systemData = {...compute.systemData, createdAt: beforeTheRegistry, lastModifiedAt: beforeTheRegistry};
			removeAssignments(state, cpuCluster.principalId!, {roleGuid: BUILT_IN_ROLES.AcrPull, scope: fraudRegistry.id});
		},
	},
	{
		name: 'no-identity-cluster',
		description: PRESET_DESCRIPTIONS['no-identity-cluster'],
		apply(state) {
			const compute = state.computes[key(cpuCluster.id)]!;
			delete compute['identity'];
			removeAssignments(state, cpuCluster.principalId!);
			delete state.principals[key(cpuCluster.principalId!)];
		},
	},
	{
		name: 'admin-user-on',
		description: PRESET_DESCRIPTIONS['admin-user-on'],
		apply(state) {
			setAdminUser(state, true, () => true);
		},
	},
	{
		name: 'admin-user-off',
		description: PRESET_DESCRIPTIONS['admin-user-off'],
		apply(state) {
			setAdminUser(state, false, () => true);
		},
	},
];

export function findPreset(name: string): Preset | undefined {
	return PRESETS.find((preset) => preset.name === name);
}

/** The seeded tenant, with a preset's changes when one is named. */
export function presetState(name?: string, state: EmulatorState = createSeedState()): EmulatorState {
	if (name === undefined) return state;
	const preset = findPreset(name);
	if (!preset) throw Object.assign(new Error(`There is no preset "${name}". Presets: ${PRESETS.map((candidate) => candidate.name).join(', ')}.`), {code: 'UnknownPreset'});
	preset.apply(state);
	return state;
}
