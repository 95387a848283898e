import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {SEED} from '../../src/emulator/index.js';
import {preflight} from '../../src/plan/preflight.js';
import {runPlan} from '../../src/plan/runner.js';
import {stepDependencies} from '../../src/plan/plan.js';
import type {TraceEntry} from '../../src/azure/pipeline.js';
import type {Answers, Question, TextQuestion} from '../../src/scenarios/scenario.js';
import {createNew} from '../../src/scenarios/shared.js';
import {
	accessPolicyPermissions,
	samePrimary,
	workspaceWithUserAssignedIdentityScenario as scenario,
	workspaceYamlFileName,
} from '../../src/scenarios/workspace-with-user-assigned-identity.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {runScenario, states} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

const role = {
	contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
	storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
	keyVaultAdministrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
};

const fraud = SEED.workspaces.fraudProd;
const production = fraud.subscriptionId;
const forecastVaultName = 'kv-demand-fcst-9b2d7f';
const forecastVault = SEED.workspaces.demandForecast.keyVaultId;
const newWorkspaceId = (group: string, name: string) =>
	`/subscriptions/${production}/resourceGroups/${group}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;

/** Role assignments in the emulator for a principal, as "role-guid@scope". */
function grantsOf(principalId: string): string[] {
	return Object.values(azure!.emulator.state.roleAssignments)
		.map((assignment) => assignment['properties'] as {principalId: string; roleDefinitionId: string; scope: string})
		.filter((properties) => properties.principalId.toLowerCase() === principalId.toLowerCase())
		.map((properties) => `${properties.roleDefinitionId.split('/').pop()}@${properties.scope.toLowerCase()}`)
		.sort();
}

function identityNamed(name: string) {
	const identity = Object.values(azure!.emulator.state.identities).find((candidate) => candidate.name === name);
	if (!identity) throw new Error(`no identity ${name} in the emulator`);
	return {id: identity.id, principalId: String(identity.properties['principalId'])};
}

function storedWorkspace(id: string) {
	return azure!.emulator.state.workspaces[id.toLowerCase()] as
		| {identity: {type: string; userAssignedIdentities: Record<string, unknown>}; properties: Record<string, unknown>}
		| undefined;
}

function accessPoliciesOf(vaultId: string): {objectId: string; permissions: Record<string, string[]>}[] {
	return (azure!.emulator.state.genericResources[vaultId.toLowerCase()]?.properties['accessPolicies'] ?? []) as {
		objectId: string;
		permissions: Record<string, string[]>;
	}[];
}

const baseAnswers = {
	resourceGroup: 'rg-ml-fraud-prod',
	location: 'eastus',
	storageAccount: fraud.storageAccountId,
	registry: SEED.registries.contosoBase.id,
	applicationInsights: fraud.applicationInsightsId,
};

describe('Create a workspace with a user-assigned identity', () => {
	it('on an access-policy vault: creates the identity, its roles and access policy, then the workspace with two identities, then Contributor on it', async () => {
		azure = await startEmulatedAzure();
		expect(SEED.keyVaultRbac['kv-fraud-prod-4c8e1a']).toBe(false);
		const answers = {
			...baseAnswers,
			workspaceName: 'mlw-fraud-uai',
			keyVault: fraud.keyVaultId,
			primaryIdentity: createNew,
			primaryIdentityName: 'id-mlw-fraud-uai',
			moreIdentities1: true,
			extra1Identity: SEED.identities.fraudAcrPull.id,
			moreIdentities2: false,
			cmk: false,
		};
		const run = await runScenario(azure, scenario, fraud.id, answers);
		expect(run.asked).toEqual([
			'resourceGroup',
			'workspaceName',
			'location',
			'storageAccount',
			'keyVault',
			'registry',
			'applicationInsights',
			'primaryIdentity',
			'primaryIdentityName',
			'moreIdentities1',
			'extra1Identity',
			'moreIdentities2',
			'cmk',
		]);
		// Identity first, every role on the linked resources, the file, the workspace, then the workspace-scoped role.
		expect(states(run.result)).toEqual({
			'create-identity-id-mlw-fraud-uai': 'done',
			'storage-contributor': 'done',
			'storage-blob-data-contributor': 'done',
			'key-vault-contributor': 'done',
			'key-vault-access-policy': 'done',
			'registry-contributor': 'done',
			'application-insights-contributor': 'done',
			'workspace-yaml': 'done',
			'create-workspace': 'done',
			'workspace-contributor': 'done',
		});
		expect(run.plan.steps.map((step) => step.id)).toEqual([
			'create-identity-id-mlw-fraud-uai',
			'storage-contributor',
			'storage-blob-data-contributor',
			'key-vault-contributor',
			'key-vault-access-policy',
			'registry-contributor',
			'application-insights-contributor',
			'workspace-yaml',
			'create-workspace',
			'workspace-contributor',
		]);

		const identity = identityNamed('id-mlw-fraud-uai');
		expect(identity.id.toLowerCase()).toBe(
			`/subscriptions/${production}/resourcegroups/rg-ml-fraud-prod/providers/microsoft.managedidentity/userassignedidentities/id-mlw-fraud-uai`,
		);
		const workspaceId = newWorkspaceId('rg-ml-fraud-prod', 'mlw-fraud-uai');
		expect(grantsOf(identity.principalId)).toEqual(
			[
				`${role.contributor}@${fraud.storageAccountId.toLowerCase()}`,
				`${role.storageBlobDataContributor}@${fraud.storageAccountId.toLowerCase()}`,
				`${role.contributor}@${fraud.keyVaultId.toLowerCase()}`,
				`${role.contributor}@${SEED.registries.contosoBase.id.toLowerCase()}`,
				`${role.contributor}@${fraud.applicationInsightsId.toLowerCase()}`,
				`${role.contributor}@${workspaceId.toLowerCase()}`,
			].sort(),
		);
		// No Key Vault Administrator on an access-policy vault: an access policy with everything but purge instead.
		expect(grantsOf(identity.principalId).some((grant) => grant.startsWith(role.keyVaultAdministrator))).toBe(false);
		const policy = accessPoliciesOf(fraud.keyVaultId).find((candidate) => candidate.objectId === identity.principalId);
		expect(policy).toBeDefined();
		for (const category of ['keys', 'secrets', 'certificates', 'storage'] as const) {
			expect(policy!.permissions[category]?.map((p) => p.toLowerCase()).sort()).toEqual(accessPolicyPermissions[category].map((p) => p.toLowerCase()).sort());
			expect(policy!.permissions[category]).not.toContain('purge');
		}
		// The extra identity is attached, not granted anything.
		expect(grantsOf(SEED.identities.fraudAcrPull.principalId)).toEqual([]);

		const workspace = storedWorkspace(workspaceId);
		expect(workspace?.identity.type).toBe('UserAssigned');
		expect(Object.keys(workspace!.identity.userAssignedIdentities).map((id) => id.toLowerCase()).sort()).toEqual(
			[identity.id.toLowerCase(), SEED.identities.fraudAcrPull.id.toLowerCase()].sort(),
		);
		expect(String(workspace!.properties['primaryUserAssignedIdentity']).toLowerCase()).toBe(identity.id.toLowerCase());
		expect(workspace!.properties).toMatchObject({
			storageAccount: fraud.storageAccountId,
			keyVault: fraud.keyVaultId,
			containerRegistry: SEED.registries.contosoBase.id,
			applicationInsights: fraud.applicationInsightsId,
		});
		expect(workspace!.properties['encryption']).toBeUndefined();

		const yamlPath = `${run.context.outputDirectory}/mlw-fraud-uai/${workspaceYamlFileName}`;
		const written = YAML.parse(readFileSync(yamlPath, 'utf8')) as Record<string, unknown>;
		expect(written).toMatchObject({
			location: 'eastus',
			identity: {type: 'user_assigned'},
			storage_account: fraud.storageAccountId,
			key_vault: fraud.keyVaultId,
		});
		expect(String(written['primary_user_assigned_identity']).toLowerCase()).toBe(identity.id.toLowerCase());
		expect(Object.keys((written['identity'] as {user_assigned_identities: object}).user_assigned_identities)).toHaveLength(2);

		// The command reads the file by name, as the export writes it beside the script; it is the file the wizard wrote.
		const createWorkspace = run.plan.steps.find((step) => step.id === 'create-workspace');
		expect(createWorkspace?.azCommand).toBe(
			`az ml workspace create --file ${workspaceYamlFileName} --subscription ${production} --resource-group rg-ml-fraud-prod --name mlw-fraud-uai`,
		);
		expect(createWorkspace?.documents?.map((document) => document.fileName)).toEqual([workspaceYamlFileName]);
		// The same file but for how IDs are spelled: the wizard's copy spells them as Azure returns them.
		const lowerCased = (value: unknown) => JSON.parse(JSON.stringify(value).toLowerCase()) as unknown;
		expect(lowerCased(YAML.parse(createWorkspace!.documents![0]!.content))).toEqual(lowerCased(written));
		const principalVariable = {
			name: 'ID_MLW_FRAUD_UAI_PRINCIPAL_ID',
			command: 'az identity show --name id-mlw-fraud-uai --resource-group rg-ml-fraud-prod --query principalId -o tsv',
		};
		const storageBlobDataContributor = run.plan.steps.find((step) => step.id === 'storage-blob-data-contributor');
		expect(storageBlobDataContributor?.azCommand).toBe(
			`az role assignment create --assignee-object-id "$ID_MLW_FRAUD_UAI_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "Storage Blob Data Contributor" --scope ${fraud.storageAccountId}`,
		);
		expect(storageBlobDataContributor?.shellVariables).toEqual([principalVariable]);
		const accessPolicy = run.plan.steps.find((step) => step.id === 'key-vault-access-policy');
		expect(accessPolicy?.azCommand).toMatch(
			/^az keyvault set-policy --name kv-fraud-prod-4c8e1a --resource-group rg-ml-fraud-prod --object-id "\$ID_MLW_FRAUD_UAI_PRINCIPAL_ID" --key-permissions .*wrapKey.* --secret-permissions .* --certificate-permissions .*/,
		);
		expect(accessPolicy?.shellVariables).toEqual([principalVariable]);
		expect(run.plan.steps.find((step) => step.id === 'key-vault-access-policy')?.azCommand).not.toContain('purge');
		expect(run.summary.nextSteps[0]).toBe(
			'mlw-fraud-uai uses id-mlw-fraud-uai for storage (stfraudprod4c8e1a), key vault (kv-fraud-prod-4c8e1a) and registry (crcontosobase) access.',
		);
		expect(run.summary.changed).toHaveLength(10);

		// The same plan again: everything is in place, nothing is written.
		const writes = azure.writes().length;
		const again = await runPlan(run.plan);
		expect(again.steps.map((step) => step.state)).toEqual(run.plan.steps.map(() => 'skipped'));
		expect(azure.writes().length).toBe(writes);
	});

	it('grants the roles at the same time once the identity exists, and creates the workspace only after all of them', async () => {
		const trace: TraceEntry[] = [];
		azure = await startEmulatedAzure({latencyMs: 40, trace: (entry) => trace.push(entry)});
		const answers = {...baseAnswers, workspaceName: 'mlw-fraud-fast', keyVault: fraud.keyVaultId, primaryIdentity: createNew, primaryIdentityName: 'id-mlw-fraud-fast', moreIdentities1: false, cmk: false};
		const run = await runScenario(azure, scenario, fraud.id, answers);
		expect(run.result.outcome).toBe('completed');
		const dependencies = stepDependencies(run.plan);
		expect(dependencies.get('storage-contributor')).toEqual(['create-identity-id-mlw-fraud-fast']);
		expect(dependencies.get('workspace-contributor')).toEqual(['create-workspace']);

		// The emulator's own records: when each request arrived and was answered.
		const spans = (pattern: RegExp, method: string) =>
			azure!.emulator.requests.filter((request) => request.method === method && pattern.test(request.path)).map((request) => [request.at, request.endedAt] as const);
		const grants = spans(/\/roleAssignments\//, 'PUT');
		expect(grants).toHaveLength(6);
		const overlapping = grants.filter(([start, end]) => grants.some(([otherStart, otherEnd]) => otherStart !== start && otherStart < end && start < otherEnd));
		expect(overlapping.length).toBeGreaterThanOrEqual(2);
		const [identityCreated] = spans(/\/userAssignedIdentities\/id-mlw-fraud-fast$/, 'PUT');
		const [workspaceCreated] = spans(/\/workspaces\/mlw-fraud-fast$/, 'PUT');
		const workspaceGrant = grants.find(([start]) => start >= workspaceCreated![0])!;
		for (const [start, end] of grants.filter((grant) => grant !== workspaceGrant)) {
			expect(start).toBeGreaterThanOrEqual(identityCreated![1]);
			expect(end).toBeLessThanOrEqual(workspaceCreated![0]);
		}

		// The trace says which step sent each request: the grants' PUTs each by their own step.
		const putsBy = trace.filter((entry) => entry.method === 'PUT' && entry.url.includes('/roleAssignments/')).map((entry) => entry.step).sort();
		expect(putsBy).toEqual(['application-insights-contributor', 'key-vault-contributor', 'registry-contributor', 'storage-blob-data-contributor', 'storage-contributor', 'workspace-contributor']);
	});

	it('on an Azure RBAC vault: Contributor + Key Vault Administrator and no access policy; an existing primary; a customer-managed key with its own identity', async () => {
		azure = await startEmulatedAzure();
		expect(SEED.keyVaultRbac[forecastVaultName]).toBe(true);
		const key = `https://${forecastVaultName}.vault.azure.net/keys/cmk-ws/0123456789abcdef0123456789abcdef`;
		const answers = {
			...baseAnswers,
			workspaceName: 'mlw_fraud_cmk',
			keyVault: forecastVault,
			primaryIdentity: SEED.identities.fraudAcrPull.id,
			moreIdentities1: false,
			cmk: true,
			cmkIdentity: createNew,
			cmkIdentityName: 'id-fraud-cmk',
			cmkKey: key,
		};
		const policiesBefore = accessPoliciesOf(forecastVault);
		const run = await runScenario(azure, scenario, fraud.id, answers);
		expect(states(run.result)).toEqual({
			'create-identity-id-fraud-cmk': 'done',
			'storage-contributor': 'done',
			'storage-blob-data-contributor': 'done',
			'key-vault-contributor': 'done',
			'key-vault-administrator': 'done',
			'registry-contributor': 'done',
			'application-insights-contributor': 'done',
			'workspace-yaml': 'done',
			'create-workspace': 'done',
			'workspace-contributor': 'done',
		});
		const primary = SEED.identities.fraudAcrPull;
		expect(grantsOf(primary.principalId)).toContain(`${role.keyVaultAdministrator}@${forecastVault.toLowerCase()}`);
		expect(grantsOf(primary.principalId)).toContain(`${role.contributor}@${forecastVault.toLowerCase()}`);
		expect(accessPoliciesOf(forecastVault)).toEqual(policiesBefore);

		const cmkIdentity = identityNamed('id-fraud-cmk');
		const workspaceId = newWorkspaceId('rg-ml-fraud-prod', 'mlw_fraud_cmk');
		const workspace = storedWorkspace(workspaceId);
		expect(workspace?.identity.type).toBe('UserAssigned');
		expect(String(workspace!.properties['primaryUserAssignedIdentity']).toLowerCase()).toBe(primary.id.toLowerCase());
		expect(Object.keys(workspace!.identity.userAssignedIdentities)).toHaveLength(2);
		expect(workspace!.properties['encryption']).toMatchObject({
			status: 'Enabled',
			identity: {userAssignedIdentity: expect.stringMatching(/id-fraud-cmk$/)},
			keyVaultProperties: {keyIdentifier: key},
		});
		// Roles go to the primary identity; the CMK identity only reads the key.
		expect(grantsOf(cmkIdentity.principalId)).toEqual([]);
		expect(run.plan.caveats?.[0]).toContain('customer-managed key');
		expect(run.plan.steps.find((step) => step.id === 'create-workspace')?.azCommand.toLowerCase()).toContain(
			`--user-assigned-identity-for-cmk-encryption ${cmkIdentity.id.toLowerCase()}`,
		);
		expect(readFileSync(`${run.context.outputDirectory}/mlw_fraud_cmk/${workspaceYamlFileName}`, 'utf8')).toContain(`key_uri: ${key}`);

		expect((await runPlan(run.plan)).steps.every((step) => step.state === 'skipped')).toBe(true);
	});

	it('the primary identity can also be the CMK identity', async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, scenario, fraud.id, {
			...baseAnswers,
			workspaceName: 'mlw-fraud-cmk2',
			keyVault: fraud.keyVaultId,
			primaryIdentity: SEED.identities.fraudAcrPull.id,
			moreIdentities1: false,
			cmk: true,
			cmkIdentity: samePrimary,
			cmkKey: 'https://kv-fraud-prod-4c8e1a.vault.azure.net/keys/cmk/fedcba9876543210fedcba9876543210',
		});
		expect(run.result.outcome).toBe('completed');
		const workspace = storedWorkspace(newWorkspaceId('rg-ml-fraud-prod', 'mlw-fraud-cmk2'));
		expect(Object.keys(workspace!.identity.userAssignedIdentities)).toHaveLength(1);
		expect(String((workspace!.properties['encryption'] as {identity: {userAssignedIdentity: string}}).identity.userAssignedIdentity).toLowerCase()).toBe(
			SEED.identities.fraudAcrPull.id.toLowerCase(),
		);
	});

	it('declares what each step needs: assign/action on every identity, the new workspace and its role asked at the resource group', async () => {
		azure = await startEmulatedAzure();
		const run = await runScenario(azure, scenario, fraud.id, {
			...baseAnswers,
			workspaceName: 'mlw-fraud-pf',
			keyVault: fraud.keyVaultId,
			primaryIdentity: createNew,
			primaryIdentityName: 'id-mlw-fraud-pf',
			moreIdentities1: true,
			extra1Identity: SEED.identities.fraudAcrPull.id,
			moreIdentities2: false,
			cmk: false,
		});
		const requires = Object.fromEntries(run.plan.steps.map((step) => [step.id, step.requires ?? []]));
		const group = `/subscriptions/${production}/resourceGroups/rg-ml-fraud-prod`;
		expect(requires['create-workspace']).toEqual([
			{scope: group, action: 'Microsoft.MachineLearningServices/workspaces/write'},
			{scope: group, action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'},
			{scope: SEED.identities.fraudAcrPull.id, action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'},
		]);
		expect(requires['key-vault-access-policy']).toEqual([{scope: fraud.keyVaultId, action: 'Microsoft.KeyVault/vaults/accessPolicies/write'}]);
		expect(requires['storage-contributor']).toEqual([{scope: fraud.storageAccountId, action: 'Microsoft.Authorization/roleAssignments/write'}]);
		expect(requires['workspace-contributor']).toEqual([{scope: group, action: 'Microsoft.Authorization/roleAssignments/write'}]);
		expect(requires['workspace-yaml']).toEqual([]);
	});

	it('passes the permission preflight before anything exists (Ada is Owner)', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(fraud.id);
		const context = {gateway: azure.gateway, workspace, outputDirectory: '/tmp'};
		const preparation = await scenario.prepare(context);
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const plan = scenario.buildPlan(context, preparation.facts, {
			...baseAnswers,
			workspaceName: 'mlw-fraud-pf',
			keyVault: fraud.keyVaultId,
			primaryIdentity: createNew,
			primaryIdentityName: 'id-mlw-fraud-pf',
			moreIdentities1: false,
			cmk: false,
		});
		const verdicts = await preflight(plan, azure.gateway);
		expect(Object.entries(verdicts).filter(([, verdict]) => verdict.status !== 'allowed')).toEqual([]);
	});

	it('where Ada is only Contributor (Dev/Test), the preflight denies the role assignments and allows the workspace', async () => {
		azure = await startEmulatedAzure();
		const vision = SEED.workspaces.visionDev;
		const workspace = await azure.gateway.getWorkspace(vision.id);
		const context = {gateway: azure.gateway, workspace, outputDirectory: '/tmp'};
		const preparation = await scenario.prepare(context);
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const plan = scenario.buildPlan(context, preparation.facts, {
			resourceGroup: 'rg-ml-dev',
			workspaceName: 'mlw-vision-uai',
			location: 'eastus2',
			storageAccount: vision.storageAccountId,
			keyVault: vision.keyVaultId,
			registry: SEED.registries.visionDev.id,
			applicationInsights: vision.applicationInsightsId,
			primaryIdentity: SEED.identities.visionTrain.id,
			moreIdentities1: false,
			cmk: false,
		});
		const verdicts = await preflight(plan, azure.gateway);
		expect(verdicts['storage-contributor']).toMatchObject({status: 'denied', missing: [{action: 'Microsoft.Authorization/roleAssignments/write'}]});
		expect(verdicts['key-vault-administrator']?.status).toBe('denied');
		expect(verdicts['workspace-contributor']?.status).toBe('denied');
		expect(verdicts['create-workspace']?.status).toBe('allowed');
	});

	it('refuses bad values with a message naming them', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(fraud.id);
		const preparation = await scenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/tmp'});
		if (preparation.kind !== 'ready') throw new Error('blocked');
		const question = (answers: Answers, id: string): TextQuestion => {
			const found = preparation.questions(answers).find((candidate: Question) => candidate.id === id);
			if (found?.kind !== 'text') throw new Error(`no text question ${id}`);
			return found;
		};

		// The current workspace's group comes first.
		const groups = preparation.questions({}).find((candidate) => candidate.id === 'resourceGroup');
		expect(groups?.kind === 'select' && groups.choices[0]?.value).toBe('rg-ml-fraud-prod');

		const name = question({resourceGroup: 'rg-ml-fraud-prod'}, 'workspaceName');
		for (const bad of ['ml', '-mlw-fraud', 'mlw.fraud', 'mlw fraud', 'm'.repeat(34)]) {
			expect(name.validate?.(bad)).toContain(`"${bad}" is not a valid workspace name`);
		}
		expect(name.validate?.('m'.repeat(33))).toBeUndefined();
		expect(name.validate?.('9_ws-ok')).toBeUndefined();
		expect(await name.check?.('mlw-fraud-prod')).toContain('A workspace named "mlw-fraud-prod" already exists in rg-ml-fraud-prod');
		expect(await name.check?.('mlw-fraud-new')).toBeUndefined();

		const location = question({resourceGroup: 'rg-ml-fraud-prod', workspaceName: 'mlw-x'}, 'location');
		expect(location.defaultValue).toBe('eastus');
		expect(location.validate?.('east-us!')).toContain('"east-us!" is not an Azure region name');
		expect(location.validate?.('West Europe')).toBeUndefined();

		const picked = {...baseAnswers, workspaceName: 'mlw-x', keyVault: fraud.keyVaultId, primaryIdentity: createNew};
		const identityName = question(picked, 'primaryIdentityName');
		expect(identityName.validate?.('id fraud')).toContain('"id fraud" is not a valid identity name');
		expect(identityName.validate?.('id-fraud-acr-pull')).toContain('"id-fraud-acr-pull" already exists');

		const extra = question({...picked, primaryIdentityName: 'id-new-primary', moreIdentities1: true, extra1Identity: createNew}, 'extra1IdentityName');
		expect(extra.validate?.('id-new-primary')).toContain('"id-new-primary" is already one of this workspace\'s identities');
		// An identity already chosen is not offered again.
		const extraSelect = preparation
			.questions({...picked, primaryIdentity: SEED.identities.fraudAcrPull.id, moreIdentities1: true})
			.find((candidate) => candidate.id === 'extra1Identity');
		expect(extraSelect?.kind === 'select' && extraSelect.choices.map((choice) => choice.value)).not.toContain(SEED.identities.fraudAcrPull.id);

		const cmk = {...picked, primaryIdentityName: 'id-new-primary', moreIdentities1: false, cmk: true, cmkIdentity: samePrimary};
		const key = question(cmk, 'cmkKey');
		for (const bad of ['https://kv-fraud-prod-4c8e1a.vault.azure.net/keys/cmk', 'http://kv.vault.azure.net/keys/cmk/0123456789abcdef0123456789abcdef', 'cmk']) {
			expect(key.validate?.(bad)).toContain(`"${bad}" is not a key identifier`);
		}
		const elsewhere = 'https://kv-somewhere-else.vault.azure.net/keys/cmk/0123456789abcdef0123456789abcdef';
		expect(key.validate?.(elsewhere)).toBeUndefined();
		expect(await key.check?.(elsewhere)).toContain(`"${elsewhere}" names key vault kv-somewhere-else`);
	});
});
