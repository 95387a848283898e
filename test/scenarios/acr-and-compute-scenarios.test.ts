import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {runPlan} from '../../src/plan/runner.js';
import {aksInferenceScenario} from '../../src/scenarios/aks-inference-acr-pull.js';
import {bringYourOwnAcrScenario} from '../../src/scenarios/bring-your-own-acr.js';
import {computeAcrPullScenario} from '../../src/scenarios/compute-acr-pull.js';
import {managedEnvironmentScenario} from '../../src/scenarios/managed-environment-private-acr.js';
import {privateAcrImageScenario} from '../../src/scenarios/private-acr-image.js';
import {createNew} from '../../src/scenarios/shared.js';
import {switchComputeIdentityScenario} from '../../src/scenarios/switch-compute-identity.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {runScenario, states} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

const acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
const managedIdentityOperator = 'f1a07417-d97a-45cb-824c-7a7467783830';

/** Role assignments in the emulator for a principal, as "role-guid@scope". */
function grantsOf(principalId: string): string[] {
	return Object.values(azure!.emulator.state.roleAssignments)
		.map((assignment) => assignment['properties'] as {principalId: string; roleDefinitionId: string; scope: string})
		.filter((properties) => properties.principalId.toLowerCase() === principalId.toLowerCase())
		.map((properties) => `${properties.roleDefinitionId.split('/').pop()}@${properties.scope.toLowerCase()}`);
}

function allSkipped(result: {steps: readonly {state: string}[]}): boolean {
	return result.steps.every((step) => step.state === 'skipped');
}

describe('Bring your own ACR with the admin user disabled', () => {
	it('attaches an existing registry from another resource group to a workspace that has none; again, all skipped', async () => {
		azure = await startEmulatedAzure();
		const answers = {registry: SEED.registries.contosoBase.id};
		const first = await runScenario(azure, bringYourOwnAcrScenario, SEED.workspaces.demandForecast.id, answers);
		expect(states(first.result)).toEqual({'attach-registry': 'done'});
		const workspace = azure.emulator.state.workspaces[SEED.workspaces.demandForecast.id.toLowerCase()];
		expect((workspace?.properties as {containerRegistry?: string}).containerRegistry).toBe(SEED.registries.contosoBase.id);
		const writes = azure.writes().length;
		const second = await runScenario(azure, bringYourOwnAcrScenario, SEED.workspaces.demandForecast.id, answers);
		expect(allSkipped(second.result)).toBe(true);
		expect(azure.writes().length).toBe(writes);
	});

	it('creates a registry with the admin user off after checking the name is free, and replaces the auto-created one', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.nlpDev.id);
		const preparation = await bringYourOwnAcrScenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/tmp'});
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const nameQuestion = preparation.questions({registry: createNew}).find((question) => question.id === 'registryName');
		if (nameQuestion?.kind !== 'text') throw new Error('no name question');
		expect(nameQuestion.validate?.('cr-nlp')).toContain('"cr-nlp" is not a valid registry name');
		expect(await nameQuestion.check?.(SEED.registries.contosoBase.name)).toContain(`"${SEED.registries.contosoBase.name}" cannot be used`);

		const run = await runScenario(azure, bringYourOwnAcrScenario, SEED.workspaces.nlpDev.id, {
			registry: createNew,
			registryName: 'crnlpdevowned01',
			sku: 'Standard',
			replaceRegistry: true,
		});
		expect(run.asked).toEqual(['registry', 'registryName', 'sku', 'replaceRegistry']);
		expect(states(run.result)).toEqual({'create-registry-crnlpdevowned01': 'done', 'attach-registry': 'done'});
		const created = Object.values(azure.emulator.state.registries).find((registry) => registry.name === 'crnlpdevowned01');
		expect(created?.properties['adminUserEnabled']).toBe(false);
		expect(run.plan.steps[0]?.azCommand).toBe('az acr create --name crnlpdevowned01 --resource-group rg-ml-dev --location eastus2 --sku Standard');
	});

	it('offers to turn off the admin user of a picked registry that has it on', async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, bringYourOwnAcrScenario, SEED.workspaces.demandForecast.id, {
			registry: SEED.registries.fraudProd.id,
			disableAdminUser: true,
		});
		expect(states(run.result)).toEqual({[`disable-admin-user-${SEED.registries.fraudProd.name}`]: 'done', 'attach-registry': 'done'});
		expect(azure.emulator.state.registries[SEED.registries.fraudProd.id.toLowerCase()]?.properties['adminUserEnabled']).toBe(false);
	});
});

describe('Compute cluster with a managed identity that pulls from the workspace ACR', () => {
	it('assigns AcrPull to a compute created before the workspace ACR, and says which case applied', async () => {
		azure = await startEmulatedAzure();
		const registryScope = SEED.registries.fraudProd.id.toLowerCase();
		expect(grantsOf(SEED.computes.gpuLegacy.principalId!)).toEqual([]);
		const run = await runScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {compute: SEED.computes.gpuLegacy.id});
		expect(states(run.result)).toEqual({'acr-pull': 'done'});
		expect(grantsOf(SEED.computes.gpuLegacy.principalId!)).toEqual([`${acrPull}@${registryScope}`]);
		expect(run.summary.nextSteps[0]).toContain('as happens when a compute was created before the workspace had a registry');

		const again = await runScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {compute: SEED.computes.gpuLegacy.id});
		expect(states(again.result)).toEqual({'acr-pull': 'skipped'});
	});

	it('finds the AcrPull Azure granted a compute created after the workspace ACR, and writes nothing', async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {compute: SEED.computes.cpuCluster.id});
		expect(states(run.result)).toEqual({'acr-pull': 'skipped'});
		expect(azure.writes()).toEqual([]);
		expect(run.summary.nextSteps[0]).toContain("cpu-cluster's identity already holds AcrPull");
	});

	it('creates a cluster with a user-assigned identity made on the way, and AcrPull follows', async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {
			compute: createNew,
			computeName: 'train-mi',
			vmSize: 'Standard_DS3_v2',
			minNodes: '0',
			maxNodes: '2',
			identityType: 'UserAssigned',
			userIdentity: createNew,
			userIdentityName: 'id-train-mi',
		});
		expect(Object.keys(states(run.result))).toEqual(['create-identity-id-train-mi', 'create-compute-train-mi', 'acr-pull']);
		expect(run.result.outcome).toBe('completed');
		const compute = azure.emulator.state.computes[`${SEED.workspaces.fraudProd.id}/computes/train-mi`.toLowerCase()];
		expect((compute?.['identity'] as {type: string}).type).toBe('UserAssigned');
		const identity = Object.values(azure.emulator.state.identities).find((candidate) => candidate.name === 'id-train-mi');
		expect(grantsOf(String(identity?.properties['principalId']))).toEqual([`${acrPull}@${SEED.registries.fraudProd.id.toLowerCase()}`]);
	});
});

describe('Inference images from AKS without admin keys', () => {
	it("grants the AKS kubelet identity AcrPull on the workspace ACR, read through a generic resource read", async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, aksInferenceScenario, SEED.workspaces.fraudProd.id, {cluster: SEED.computes.aksInference.id});
		expect(run.findings.join(' ')).toContain(SEED.aksClusters.fraudInference.kubeletIdentity.objectId);
		expect(states(run.result)).toEqual({'acr-pull': 'done'});
		expect(grantsOf(SEED.aksClusters.fraudInference.kubeletIdentity.objectId)).toEqual([`${acrPull}@${SEED.registries.fraudProd.id.toLowerCase()}`]);
		expect(run.plan.caveats?.[0]).toContain('service principal');
		const again = await runScenario(azure, aksInferenceScenario, SEED.workspaces.fraudProd.id, {cluster: SEED.computes.aksInference.id});
		expect(allSkipped(again.result)).toBe(true);
	});
});

describe('Pull a private ACR base image for training as is', () => {
	it('grants the cluster AcrPull on a registry in another resource group and writes both environment definitions', async () => {
		azure = await startEmulatedAzure();
		const answers = {compute: SEED.computes.cpuCluster.id, registry: SEED.registries.contosoBase.id, image: 'base/pytorch-train:2.3-cuda12'};
		const run = await runScenario(azure, privateAcrImageScenario, SEED.workspaces.fraudProd.id, answers);
		expect(states(run.result)).toEqual({'acr-pull': 'done', 'environment-yaml': 'done', 'environment-v1': 'done'});
		expect(grantsOf(SEED.computes.cpuCluster.principalId!)).toContain(`${acrPull}@${SEED.registries.contosoBase.id.toLowerCase()}`);
		const yaml = readFileSync(`${run.context.outputDirectory}/pytorch-train.yml`, 'utf8');
		expect(yaml).toContain('image: crcontosobase.azurecr.io/base/pytorch-train:2.3-cuda12');
		expect(yaml).toContain('$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json');
		expect(readFileSync(`${run.context.outputDirectory}/pytorch-train_v1.py`, 'utf8')).toContain('env.python.user_managed_dependencies = True');

		const again = await runScenario(azure, privateAcrImageScenario, SEED.workspaces.fraudProd.id, answers, run.context.outputDirectory);
		expect(allSkipped(again.result)).toBe(true);
	});

	it('gives a cluster without an identity a system-assigned one first', async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, privateAcrImageScenario, SEED.workspaces.fraudProd.id, {
			compute: SEED.computes.cpuNoid.id,
			identityType: 'SystemAssigned',
			registry: SEED.registries.contosoBase.id,
			image: 'base/sklearn:1.5',
		});
		expect(states(run.result)).toEqual({'set-identity-cpu-noid': 'done', 'acr-pull': 'done', 'environment-yaml': 'done', 'environment-v1': 'done'});
		const compute = azure.emulator.state.computes[SEED.computes.cpuNoid.id.toLowerCase()];
		const principalId = (compute?.['identity'] as {principalId: string}).principalId;
		expect(grantsOf(principalId)).toContain(`${acrPull}@${SEED.registries.contosoBase.id.toLowerCase()}`);
	});
});

describe('Build a managed environment from a private ACR base image', () => {
	it('creates the identity, AcrPull, Managed Identity Operator for the workspace identity, the connection, and the snippet', async () => {
		azure = await startEmulatedAzure();
		const answers = {registry: SEED.registries.contosoBase.id, buildIdentity: createNew, buildIdentityName: 'id-build-base', image: 'base/python-ml:3.11'};
		const run = await runScenario(azure, managedEnvironmentScenario, SEED.workspaces.fraudProd.id, answers);
		expect(states(run.result)).toEqual({
			'create-identity-id-build-base': 'done',
			'acr-pull': 'done',
			'managed-identity-operator': 'done',
			'workspace-connection': 'done',
			'environment-v1': 'done',
		});
		expect(run.plan.caveats?.[0]).toContain('not currently supported');
		const identity = Object.values(azure.emulator.state.identities).find((candidate) => candidate.name === 'id-build-base')!;
		expect(grantsOf(String(identity.properties['principalId']))).toEqual([`${acrPull}@${SEED.registries.contosoBase.id.toLowerCase()}`]);
		expect(grantsOf(SEED.workspaces.fraudProd.principalId)).toContain(`${managedIdentityOperator}@${identity.id.toLowerCase()}`);
		const connection = Object.values(azure.emulator.state.connections).find((candidate) => candidate['name'] === 'acr-crcontosobase');
		expect(connection?.['properties']).toMatchObject({category: 'ContainerRegistry', authType: 'ManagedIdentity', target: 'crcontosobase.azurecr.io'});
		const snippet = readFileSync(`${run.context.outputDirectory}/python-ml_managed_v1.py`, 'utf8');
		expect(snippet).toContain(`identity.client_id = "${String(identity.properties['clientId'])}"`);

		const again = await runScenario(azure, managedEnvironmentScenario, SEED.workspaces.fraudProd.id, {...answers, buildIdentity: identity.id}, run.context.outputDirectory);
		expect(states(again.result)).toEqual({'acr-pull': 'skipped', 'managed-identity-operator': 'skipped', 'workspace-connection': 'skipped', 'environment-v1': 'skipped'});
	});
});

describe('Switch a compute cluster between system- and user-assigned identity', () => {
	it('moves cpu-cluster to a user-assigned identity and grants it the roles the old identity held; the same plan again is all skipped', async () => {
		azure = await startEmulatedAzure();
		// The old identity also pulls base images from the private registry.
		await runScenario(azure, privateAcrImageScenario, SEED.workspaces.fraudProd.id, {
			compute: SEED.computes.cpuCluster.id,
			registry: SEED.registries.contosoBase.id,
			image: 'base/pytorch-train:2.3',
		});
		const answers = {compute: SEED.computes.cpuCluster.id, identityType: 'UserAssigned', userIdentity: SEED.identities.fraudAcrPull.id, copyRoles: true};
		const run = await runScenario(azure, switchComputeIdentityScenario, SEED.workspaces.fraudProd.id, answers);
		expect(run.findings.join(' ')).toContain('cpu-cluster: system-assigned identity, holds AcrPull on registry crcontosobase, AcrPull on registry e2f4');
		// Azure grants the workspace registry's AcrPull to a compute's new identity itself; the private registry's is copied.
		expect(states(run.result)).toEqual({'set-identity-cpu-cluster': 'done', 'copy-role-1': 'done', 'copy-role-2': 'skipped'});
		const compute = azure.emulator.state.computes[SEED.computes.cpuCluster.id.toLowerCase()];
		expect((compute?.['identity'] as {type: string}).type).toBe('UserAssigned');
		expect(grantsOf(SEED.identities.fraudAcrPull.principalId).sort()).toEqual(
			[`${acrPull}@${SEED.registries.contosoBase.id.toLowerCase()}`, `${acrPull}@${SEED.registries.fraudProd.id.toLowerCase()}`].sort(),
		);
		expect(allSkipped(await runPlan(run.plan))).toBe(true);
		// The same answers, prepared again after the switch, find it in place rather than switch back.
		const again = await runScenario(azure, switchComputeIdentityScenario, SEED.workspaces.fraudProd.id, answers);
		expect(Object.values(states(again.result)).every((state) => state === 'skipped')).toBe(true);
		expect(((azure.emulator.state.computes[SEED.computes.cpuCluster.id.toLowerCase()]?.['identity']) as {type: string}).type).toBe('UserAssigned');
	});

	it('never offers both kinds at once, and says why', async () => {
		azure = await startEmulatedAzure();
		expect(switchComputeIdentityScenario.caveat).toContain('never both');
		await expect(
			azure.gateway.setComputeIdentity(SEED.computes.cpuCluster.id, {type: 'SystemAssigned,UserAssigned' as 'SystemAssigned'}),
		).rejects.toMatchObject({statusCode: 400});
	});
});
