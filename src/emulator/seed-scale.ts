/**
 * The large demo tenant (AML_IDENTITY_DEMO_SCALE=large): the default seed plus enough
 * subscriptions and workspaces to show how lists page and filter at scale. Deterministic: the same
 * names and ids every time. The extra workspaces are list material only (no computes, registries
 * or data stores behind them).
 */
import {BUILT_IN_ROLES, grantRole} from './role-grants.js';
import {armIds, createSeedState, DEMO_TENANT, workspaceResource, type SeedWorkspace} from './seed.js';
import {SEED_ROLE_ASSIGNMENTS, seedUuid} from './seed-identity.js';
import type {EmulatorState} from './state.js';

export type DemoScale = 'default' | 'large';

export const LARGE_SCALE = {
	subscriptions: 50,
	workspaces: 2000,
	/** The first extra subscription holds this many workspaces: one long, paged list. */
	workspacesInFirst: 1000,
} as const;

const LOCATIONS = ['eastus', 'westeurope', 'eastus2', 'northeurope', 'westus3'] as const;
const TEAMS = ['fraud', 'forecast', 'vision', 'nlp', 'pricing', 'churn', 'search', 'risk'] as const;
const CREATED_AT = '2024-10-01T09:00:00.0000000Z';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Name of the i-th extra subscription (1-based): "Contoso Scale 01", … */
export const scaleSubscriptionName = (i: number) => `Contoso Scale ${pad(i, 2)}`;

export function createScaledSeedState(scale: DemoScale): EmulatorState {
	const state = createSeedState();
	if (scale === 'large') addLargeTenant(state);
	return state;
}

function addLargeTenant(state: EmulatorState): void {
	const extraSubscriptions = LARGE_SCALE.subscriptions - Object.keys(state.subscriptions).length;
	let extraWorkspaces = LARGE_SCALE.workspaces - Object.keys(state.workspaces).length;
	const template = Object.values(state.subscriptions)[0]!;
	for (let i = 1; i <= extraSubscriptions; i++) {
		const subscriptionId = seedUuid(`scale:subscription:${i}`);
		const id = armIds.subscription(subscriptionId);
		state.subscriptions[id.toLowerCase()] = {
			...template,
			id,
			subscriptionId,
			displayName: scaleSubscriptionName(i),
			subscriptionPolicies: {...template.subscriptionPolicies},
			managedByTenants: [],
			tags: {environment: 'scale'},
		};
		grantRole(state, {
			scope: id,
			roleDefinitionGuid: BUILT_IN_ROLES.Owner,
			principalId: DEMO_TENANT.user.objectId,
			principalType: 'User',
			name: SEED_ROLE_ASSIGNMENTS.adaAssignmentName(subscriptionId),
			createdAt: CREATED_AT,
		});
		const location = LOCATIONS[i % LOCATIONS.length]!;
		const group = `rg-scale-${pad(i, 2)}`;
		const groupId = armIds.resourceGroup(subscriptionId, group);
		state.resourceGroups[groupId.toLowerCase()] = {id: groupId, name: group, type: 'Microsoft.Resources/resourceGroups', location, properties: {provisioningState: 'Succeeded'}};
		const remaining = extraSubscriptions - i + 1;
		const count = i === 1 ? Math.min(LARGE_SCALE.workspacesInFirst, extraWorkspaces) : Math.ceil(extraWorkspaces / remaining);
		extraWorkspaces -= count;
		for (let w = 1; w <= count; w++) {
			const name = `mlw-${TEAMS[w % TEAMS.length]}-${pad(i, 2)}-${pad(w, 4)}`;
			const short = `${pad(i, 2)}${pad(w, 4)}`;
			const seed: SeedWorkspace = {
				id: armIds.workspace(subscriptionId, group, name),
				name,
				subscriptionId,
				resourceGroup: group,
				location,
				registryId: undefined,
				identityType: 'SystemAssigned',
				principalId: seedUuid(`scale:workspace-principal:${i}:${w}`),
				workspaceId: seedUuid(`scale:workspace:${i}:${w}`),
				storageAccountId: armIds.storageAccount(subscriptionId, group, `stscale${short}`),
				keyVaultId: armIds.keyVault(subscriptionId, group, `kv-scale-${short}`),
				applicationInsightsId: armIds.applicationInsights(subscriptionId, group, `appi-scale-${short}`),
			};
			state.workspaces[seed.id.toLowerCase()] = workspaceResource(seed, CREATED_AT, {friendlyName: name, description: 'Scale demo workspace'});
		}
	}
}
