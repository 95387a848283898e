import {existsSync, readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED, type EmulatorState} from '../../src/emulator/index.js';
import {runPlan} from '../../src/plan/runner.js';
import {aksInferenceScenario} from '../../src/scenarios/aks-inference-acr-pull.js';
import {bringYourOwnAcrScenario} from '../../src/scenarios/bring-your-own-acr.js';
import {computeAcrPullScenario} from '../../src/scenarios/compute-acr-pull.js';
import {computeDataAccessScenario} from '../../src/scenarios/data-access-compute-identity.js';
import {userDataAccessScenario} from '../../src/scenarios/data-access-user-identity.js';
import {disableAcrAdminScenario} from '../../src/scenarios/disable-acr-admin.js';
import {managedEnvironmentScenario} from '../../src/scenarios/managed-environment-private-acr.js';
import {privateAcrImageScenario} from '../../src/scenarios/private-acr-image.js';
import type {Answers, Scenario} from '../../src/scenarios/scenario.js';
import {createNew} from '../../src/scenarios/shared.js';
import {switchComputeIdentityScenario} from '../../src/scenarios/switch-compute-identity.js';
import {addWorkspaceIdentityScenario} from '../../src/scenarios/workspace-add-user-assigned-identity.js';
import {workspaceWithUserAssignedIdentityScenario} from '../../src/scenarios/workspace-with-user-assigned-identity.js';
import {buildUndoPlan} from '../../src/undo/undo-plan.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {memoryJournal, runScenario, states} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

// Fields Azure changes on any write (timestamps, etags) or that are bookkeeping, not the resources.
const volatileKeys = new Set(['systemData', 'etag', 'createdOn', 'modifiedOn', 'lastModifiedAt', 'updatedOn', 'creationDate', 'provisioningState', 'allocationStateTransitionTime']);

function stripVolatile(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripVolatile);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.filter(([key]) => !volatileKeys.has(key))
				.map(([key, inner]) => [key, stripVolatile(inner)]),
		);
	}
	return value;
}

/** What a user could see in the tenant: every resource, role assignment and access policy. */
function snapshot(state: EmulatorState) {
	const {operations: _operations, principals: _principals, ...resources} = state;
	return stripVolatile(structuredClone(resources));
}

const fraud = SEED.workspaces.fraudProd;
const lake = SEED.storageAccounts.fraudLake;

interface Case {
	readonly name: string;
	readonly scenario: Scenario<any>;
	readonly workspaceId: string;
	readonly answers: Answers;
	/** Steps whose change undo lists as irreversible. */
	readonly irreversible?: number;
	/** When undo cannot give back exactly what was there: what it does give back instead. */
	readonly inexact?: (azure: EmulatedAzure) => void;
	/** Compare everything but storage containers. */
	readonly exceptContainers?: boolean;
}

const cases: Case[] = [
	{name: 'disable the ACR admin user', scenario: disableAcrAdminScenario, workspaceId: fraud.id, answers: {noAciDeployments: true}},
	{
		name: 'bring your own ACR, a new one, to a workspace that had none',
		scenario: bringYourOwnAcrScenario,
		workspaceId: SEED.workspaces.demandForecast.id,
		answers: {registry: createNew, registryName: 'crundotest01', sku: 'Standard'},
		irreversible: 1,
	},
	{
		name: 'compute AcrPull, with a new cluster and a new identity',
		scenario: computeAcrPullScenario,
		workspaceId: fraud.id,
		answers: {
			compute: createNew,
			computeName: 'train-undo',
			vmSize: 'Standard_DS3_v2',
			minNodes: '0',
			maxNodes: '2',
			identityType: 'UserAssigned',
			userIdentity: createNew,
			userIdentityName: 'id-train-undo',
		},
	},
	{
		name: 'compute AcrPull, a new cluster with a system-assigned identity',
		scenario: computeAcrPullScenario,
		workspaceId: fraud.id,
		answers: {compute: createNew, computeName: 'train-sai', vmSize: 'Standard_DS3_v2', minNodes: '0', maxNodes: '2', identityType: 'SystemAssigned'},
	},
	{name: 'AKS inference AcrPull', scenario: aksInferenceScenario, workspaceId: fraud.id, answers: {cluster: SEED.computes.aksInference.id}},
	{
		name: 'private ACR image, giving a cluster without identity a system-assigned one',
		scenario: privateAcrImageScenario,
		workspaceId: fraud.id,
		answers: {compute: SEED.computes.cpuNoid.id, identityType: 'SystemAssigned', registry: SEED.registries.contosoBase.id, image: 'base/sklearn:1.5'},
	},
	{
		name: 'managed environment from a private ACR',
		scenario: managedEnvironmentScenario,
		workspaceId: fraud.id,
		answers: {registry: SEED.registries.contosoBase.id, buildIdentity: createNew, buildIdentityName: 'id-build-undo', image: 'base/python-ml:3.11'},
	},
	{
		name: 'switch a cluster to a user-assigned identity',
		scenario: switchComputeIdentityScenario,
		workspaceId: fraud.id,
		answers: {compute: SEED.computes.gpuLegacy.id, identityType: 'UserAssigned', userIdentity: SEED.identities.fraudAcrPull.id},
		// A system-assigned identity cannot be had back: Azure issues a new principal (the plan says so).
		inexact: (azure) => {
			const identity = azure.emulator.state.computes[SEED.computes.gpuLegacy.id.toLowerCase()]?.['identity'] as {type: string; principalId: string};
			expect(identity.type).toBe('SystemAssigned');
			expect(identity.principalId).not.toBe(SEED.computes.gpuLegacy.principalId);
		},
	},
	{
		name: 'add a user-assigned identity to a SystemAssigned workspace',
		scenario: addWorkspaceIdentityScenario,
		workspaceId: fraud.id,
		answers: {add: createNew, addName: 'id-fraud-undo', irreversible: true},
		irreversible: 1,
	},
	{
		name: 'data access with the compute identity',
		scenario: computeDataAccessScenario,
		workspaceId: fraud.id,
		answers: {compute: SEED.computes.cpuCluster.id, storageAccount: lake.id, container: 'curated', datastoreName: 'curated_undo'},
	},
	{
		name: "data access with the user's identity",
		scenario: userDataAccessScenario,
		workspaceId: fraud.id,
		answers: {grantee: 'me', storageAccount: lake.id, container: 'raw', datastoreName: 'raw_undo', compute: 'cpu-cluster'},
	},
	{
		name: 'a workspace with a user-assigned identity',
		scenario: workspaceWithUserAssignedIdentityScenario,
		workspaceId: fraud.id,
		answers: {
			resourceGroup: 'rg-ml-fraud-prod',
			workspaceName: 'mlw-fraud-undo',
			location: 'eastus',
			storageAccount: fraud.storageAccountId,
			keyVault: fraud.keyVaultId,
			registry: SEED.registries.contosoBase.id,
			applicationInsights: fraud.applicationInsightsId,
			primaryIdentity: createNew,
			primaryIdentityName: 'id-mlw-fraud-undo',
			moreIdentities1: false,
			cmk: false,
		},
		// Deleting a workspace leaves the containers it made in its storage account, as Azure does (the plan says so).
		inexact: (azure) => {
			expect(azure.emulator.state.workspaces[`${fraud.id.replace('mlw-fraud-prod', 'mlw-fraud-undo')}`.toLowerCase()]).toBeUndefined();
			expect(Object.values(azure.emulator.state.identities).map((identity) => identity.name)).not.toContain('id-mlw-fraud-undo');
		},
		exceptContainers: true,
	},
];

describe('undo gives the tenant back as it was before the session', () => {
	it.each(cases)('$name', async ({scenario, workspaceId, answers, irreversible = 0, inexact, exceptContainers}) => {
		azure = await startEmulatedAzure();
		const before = snapshot(azure.emulator.state);
		const journal = memoryJournal();
		const run = await runScenario(azure, scenario, workspaceId, answers, undefined, journal);
		expect(run.result.outcome, JSON.stringify(states(run.result))).toBe('completed');
		expect(snapshot(azure.emulator.state)).not.toEqual(before);

		const undo = buildUndoPlan(azure.gateway, journal.entries, 'Undo');
		expect(undo.irreversible).toHaveLength(irreversible);
		const result = await runPlan(undo.plan);
		expect(result.outcome, JSON.stringify(states(result))).toBe('completed');
		for (const file of run.plan.steps.filter((step) => step.target.kind === 'File')) expect(existsSync(file.target.name)).toBe(false);
		if (inexact) inexact(azure);
		if (exceptContainers) {
			const withoutContainers = ({blobContainers: _containers, ...rest}: Record<string, unknown>) => rest;
			expect(withoutContainers(snapshot(azure.emulator.state) as Record<string, unknown>)).toEqual(withoutContainers(before as Record<string, unknown>));
		} else if (!inexact && irreversible === 0) expect(snapshot(azure.emulator.state)).toEqual(before);

		// Undo is itself idempotent: a second undo finds everything already reversed.
		const again = await runPlan(buildUndoPlan(azure.gateway, journal.entries, 'Undo').plan);
		expect(again.steps.every((step) => step.state === 'skipped')).toBe(true);
	});
});
