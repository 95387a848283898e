import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {preflight} from '../../src/plan/preflight.js';
import {computeDataAccessScenario} from '../../src/scenarios/data-access-compute-identity.js';
import {userDataAccessScenario} from '../../src/scenarios/data-access-user-identity.js';
import {computeAcrPullScenario} from '../../src/scenarios/compute-acr-pull.js';
import {SEED} from '../../src/emulator/index.js';
import {createNew} from '../../src/scenarios/shared.js';
import {addWorkspaceIdentityScenario} from '../../src/scenarios/workspace-add-user-assigned-identity.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {runScenario, states} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

function workspaceIdentity(workspaceId: string) {
	return azure!.emulator.state.workspaces[workspaceId.toLowerCase()]?.['identity'] as {type: string; userAssignedIdentities?: Record<string, unknown>};
}

describe('Add a user-assigned identity to a workspace, keeping its system-assigned one', () => {
	it('updates the workspace to SystemAssigned,UserAssigned with a new identity; again, skipped', async () => {
		azure = await startEmulatedAzure();
		const answers = {add: createNew, addName: 'id-fraud-data', irreversible: true};
		const run = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, answers);
		expect(states(run.result)).toEqual({'create-identity-id-fraud-data': 'done', 'identity-yaml': 'done', 'update-workspace-identity': 'done'});
		expect(run.asked).toEqual(['add', 'addName', 'irreversible']);
		expect(readFileSync(`${run.context.outputDirectory}/workspace_identity.yml`, 'utf8')).toContain('type: system_assigned,user_assigned');
		expect(run.plan.steps[2]?.note).toBe('User-assigned identities before: none; after: id-fraud-data. Every kept identity is sent, or Azure removes it.');
		const identity = workspaceIdentity(SEED.workspaces.fraudProd.id);
		expect(identity.type).toBe('SystemAssigned,UserAssigned');
		expect(Object.keys(identity.userAssignedIdentities ?? {}).map((id) => id.split('/').pop())).toEqual(['id-fraud-data']);

		const added = Object.keys(identity.userAssignedIdentities ?? {})[0]!;
		const again = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {remove: 'none', add: 'none'}, run.context.outputDirectory);
		// Already SystemAssigned,UserAssigned: nothing irreversible is left to confirm.
		expect(again.asked).toEqual(['remove', 'add']);
		expect(states(again.result)).toEqual({'identity-yaml': 'skipped', 'update-workspace-identity': 'skipped'});
		expect(again.findings[0]).toContain('user-assigned: id-fraud-data');
		expect(added).toBeDefined();
	});

	it('keeps every existing identity when adding one, and removing one sends the shorter list', async () => {
		azure = await startEmulatedAzure();
		await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {add: SEED.identities.fraudAcrPull.id, irreversible: true});
		const second = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {remove: 'none', add: createNew, addName: 'id-second', irreversible: true});
		expect(second.plan.steps.at(-1)?.note).toContain('before: id-fraud-acr-pull; after: id-fraud-acr-pull, id-second');
		expect(Object.keys(workspaceIdentity(SEED.workspaces.fraudProd.id).userAssignedIdentities ?? {})).toHaveLength(2);

		const current = Object.keys(workspaceIdentity(SEED.workspaces.fraudProd.id).userAssignedIdentities ?? {});
		const removeFirst = current.find((id) => id.toLowerCase().endsWith('/id-fraud-acr-pull'))!;
		const third = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {remove: removeFirst, add: 'none', irreversible: true});
		expect(states(third.result)).toMatchObject({'update-workspace-identity': 'done'});
		expect(Object.keys(workspaceIdentity(SEED.workspaces.fraudProd.id).userAssignedIdentities ?? {}).map((id) => id.split('/').pop())).toEqual(['id-second']);
	});

	it('the emulator refuses going back to SystemAssigned only, as Azure does', async () => {
		azure = await startEmulatedAzure();
		await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {add: SEED.identities.fraudAcrPull.id, irreversible: true});
		await expect(azure.gateway.updateWorkspaceIdentity(SEED.workspaces.fraudProd.id, {type: 'SystemAssigned', userAssignedIds: []})).rejects.toMatchObject({statusCode: 400});
	});
});

const storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
const lake = SEED.storageAccounts.fraudLake;

function grantsOf(principalId: string): string[] {
	return Object.values(azure!.emulator.state.roleAssignments)
		.map((assignment) => assignment['properties'] as {principalId: string; roleDefinitionId: string; scope: string; principalType: string})
		.filter((properties) => properties.principalId.toLowerCase() === principalId.toLowerCase())
		.map((properties) => `${properties.roleDefinitionId.split('/').pop()}@${properties.scope.toLowerCase()}:${properties.principalType}`);
}

function datastore(name: string) {
	return Object.values(azure!.emulator.state.datastores).find((candidate) => candidate['name'] === name) as {properties: Record<string, unknown>} | undefined;
}

describe('Identity-based data access for training on compute', () => {
	it("grants the cluster's identity Storage Blob Data Reader, creates a credential-less ADLS Gen2 datastore and a job; again, skipped", async () => {
		azure = await startEmulatedAzure();
		const answers = {compute: SEED.computes.cpuCluster.id, storageAccount: lake.id, container: 'curated', datastoreName: 'curated_identity'};
		const run = await runScenario(azure, computeDataAccessScenario, SEED.workspaces.fraudProd.id, answers);
		expect(states(run.result)).toEqual({'storage-blob-data-reader': 'done', 'datastore-curated_identity': 'done', 'job-yaml': 'done'});
		expect(grantsOf(SEED.computes.cpuCluster.principalId!)).toContain(`${storageBlobDataReader}@${lake.id.toLowerCase()}:ServicePrincipal`);
		expect(datastore('curated_identity')?.properties).toMatchObject({datastoreType: 'AzureDataLakeGen2', filesystem: 'curated', credentials: {credentialsType: 'None'}});
		expect(readFileSync(`${run.context.outputDirectory}/job-curated_identity.yml`, 'utf8')).toContain('path: azureml://datastores/curated_identity/paths/census.csv');

		const again = await runScenario(azure, computeDataAccessScenario, SEED.workspaces.fraudProd.id, answers, run.context.outputDirectory);
		expect(Object.values(states(again.result))).toEqual(['skipped', 'skipped', 'skipped']);
	});
});

describe("Identity-based data access with the user's own identity", () => {
	it('grants the signed-in user Storage Blob Data Reader as a User, warns about the SAS datastore, and writes a user_identity job', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.fraudProd.id);
		const context = {gateway: azure.gateway, workspace, outputDirectory: '/tmp', signedInUser: {name: SEED.user.name, objectId: SEED.user.objectId}};
		const preparation = await userDataAccessScenario.prepare(context);
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const nameQuestion = preparation.questions({grantee: 'me', storageAccount: lake.id, container: 'raw'}).find((question) => question.id === 'datastoreName');
		expect(nameQuestion?.warning).toContain('fraud-raw-sas (Sas) already reach');

		const answers = {grantee: 'me', storageAccount: lake.id, container: 'raw', datastoreName: 'raw_user', compute: 'cpu-cluster'};
		const run = await runScenario(azure, userDataAccessScenario, SEED.workspaces.fraudProd.id, answers);
		expect(states(run.result)).toEqual({'storage-blob-data-reader': 'done', 'datastore-raw_user': 'done', 'job-yaml': 'done'});
		expect(grantsOf(SEED.user.objectId)).toContain(`${storageBlobDataReader}@${lake.id.toLowerCase()}:User`);
		const job = readFileSync(`${run.context.outputDirectory}/job-raw_user-user-identity.yml`, 'utf8');
		expect(job).toContain('identity:\n  type: user_identity');
		expect(run.plan.caveats).toContain('User identity and compute managed identity cannot be used for authentication within the same job.');
	});

	it('refuses an object ID that is not a GUID, naming it', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.fraudProd.id);
		const preparation = await userDataAccessScenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/tmp'});
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const question = preparation.questions({grantee: 'other'}).find((candidate) => candidate.id === 'granteeObjectId');
		expect(question?.kind === 'text' && question.validate?.('ada@contoso.com')).toBe('"ada@contoso.com" is not an object ID: paste the GUID from Microsoft Entra ID, e.g. 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b.');
	});
});

describe('Preflight against the emulator', () => {
	it('finds that the demo user may write role assignments in Production but not in Dev/Test', async () => {
		azure = await startEmulatedAzure();
		const production = await runScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {compute: SEED.computes.gpuLegacy.id});
		expect(await preflight(production.plan, azure.gateway)).toEqual({'acr-pull': {status: 'allowed'}});

		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.visionDev.id);
		const context = {gateway: azure.gateway, workspace, outputDirectory: '/tmp'};
		const preparation = await computeAcrPullScenario.prepare(context);
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const plan = computeAcrPullScenario.buildPlan(context, preparation.facts, {compute: SEED.computes.gpuTrain.id});
		const results = await preflight(plan, azure.gateway);
		// Not allowed, but gpu-train's identity already holds AcrPull: the run will skip it, so it does not matter.
		expect(results['acr-pull']).toMatchObject({
			status: 'in-place',
			detail: "gpu-train's identity already holds AcrPull on registry crvisiondev",
			missing: [{action: 'Microsoft.Authorization/roleAssignments/write', grantedBy: ['Role Based Access Control Administrator', 'User Access Administrator', 'Owner']}],
		});
	});
});
