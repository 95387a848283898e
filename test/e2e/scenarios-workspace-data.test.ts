/**
 * End-to-end, the workspace identity and data access scenarios (items 8–11 of the Scenario screen)
 * and the permission preflight: the built binary in a real terminal (tmux) against the demo tenant,
 * walked from Welcome to the summary with the answers test/scenarios/ uses headless; then the
 * emulator's persisted state; then the same walk again in a new process, where every step is
 * already in place. Each test has its own AML_IDENTITY_HOME (emulator state, sessions) and --output.
 * Run alone with `npm run build && npx vitest run test/e2e/scenarios-workspace-data.test.ts`.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {createSeedState, SEED, type EmulatorState} from '../../src/emulator/index.js';
import {accessPolicyPermissions, workspaceYamlFileName} from '../../src/scenarios/workspace-with-user-assigned-identity.js';
import {keys, type Terminal} from '../helpers/terminal.js';
import {
	answerText,
	assertBuilt,
	choose,
	DemoWorld,
	filterList,
	finish,
	grant,
	grantsOf,
	ROLE_GUIDS,
	runPlan,
	STARTUP_TIMEOUT_MS,
	RUN_TIMEOUT_MS,
	summarySection,
	walkToScenarioList,
} from '../helpers/wizard-terminal.js';

const TEST_TIMEOUT_MS = 60_000;

const FRAUD = SEED.workspaces.fraudProd;
const VISION = SEED.workspaces.visionDev;
const LAKE = SEED.storageAccounts.fraudLake;
const CONTOSO_BASE = SEED.registries.contosoBase;
const CPU_CLUSTER = SEED.computes.cpuCluster;
const GPU_TRAIN = SEED.computes.gpuTrain;
const ACR_PULL_ID = SEED.identities.fraudAcrPull;
const fraudWorkspace = {name: FRAUD.name, filter: 'fraud'};

const ROLES = {
	contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
	storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
	storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
} as const;

const ALLOWED = /^ {3}✔ you are allowed to do this$/gm;
const AUTHORIZATION_ROLES = 'Role Based Access Control Administrator, User Access Administrator, Owner';

let world: DemoWorld;

beforeAll(() => assertBuilt());
beforeEach(() => {
	world = new DemoWorld();
});
afterEach(async () => {
	await world.dispose();
});

/** A second run's summary: everything already in place, nothing changed. */
function expectAllInPlace(summary: string, lines: number): void {
	expect(summarySection(summary, 'Changed'), summary).toBeUndefined();
	expect(summarySection(summary, 'Already in place'), summary).toHaveLength(lines);
}

/** Role assignments of a principal as "role-guid@scope:principalType" (scope lower-cased). */
function assignmentsOf(state: EmulatorState, principalId: string): string[] {
	return Object.values(state.roleAssignments)
		.map((assignment) => assignment['properties'] as {principalId: string; roleDefinitionId: string; scope: string; principalType: string})
		.filter((properties) => properties.principalId.toLowerCase() === principalId.toLowerCase())
		.map((properties) => `${properties.roleDefinitionId.split('/').pop()?.toLowerCase()}@${properties.scope.toLowerCase()}:${properties.principalType}`);
}

function datastoreNamed(state: EmulatorState, name: string): {id: string; properties: Record<string, unknown>} | undefined {
	return Object.values(state.datastores).find((candidate) => candidate['name'] === name) as never;
}

interface StoredWorkspace {
	identity: {type: string; principalId?: string; userAssignedIdentities?: Record<string, unknown>};
	properties: Record<string, unknown>;
}

function storedWorkspace(state: EmulatorState, id: string): StoredWorkspace | undefined {
	return state.workspaces[id.toLowerCase()] as never;
}

function identityNamed(state: EmulatorState, name: string): {id: string; principalId: string} | undefined {
	const found = Object.values(state.identities).filter((candidate) => candidate.name === name);
	if (found.length > 1) throw new Error(`${found.length} identities named ${name}`);
	return found[0] ? {id: found[0].id, principalId: String(found[0].properties['principalId'])} : undefined;
}

/**
 * The plan screen once the permission preflight has finished ("Checking your permissions for each
 * step…" gone): the ✔/✖ lines under the steps come a moment after the plan itself.
 */
async function planReady(term: Terminal, title = ''): Promise<string> {
	const escaped = `Plan: ${title}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return term.waitFor(new RegExp(`^(?![\\s\\S]*Checking your permissions)[\\s\\S]*${escaped}[\\s\\S]*Enter run the plan`));
}

/**
 * Welcome → "Start a new setup" → a subscription and a workspace, each narrowed with a filter to
 * one row (`total` rows before filtering) → the scenario list. walkToScenarioList does this for
 * Production when the workspace filter leaves 1 of 2; this one takes any subscription and counts.
 */
async function walkToWorkspace(
	term: Terminal,
	target: {subscription: string; subscriptionFilter: string; workspace: string; workspaceFilter: string; workspaces: number},
): Promise<void> {
	const highlighted = (label: string) => new RegExp(`^❯ ${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}( {2}.*)?$`, 'm');
	await term.waitFor('Start a new setup', {timeoutMs: STARTUP_TIMEOUT_MS});
	await choose(term, 'Start a new setup');
	await term.waitFor('Choose a subscription');
	await term.waitFor(target.subscription);
	expect(await filterList(term, target.subscriptionFilter, 1, 3)).toMatch(highlighted(target.subscription));
	await term.press(keys.enter);
	await term.waitFor(`Choose a workspace in ${target.subscription}`);
	await term.waitFor(target.workspace);
	expect(await filterList(term, target.workspaceFilter, 1, target.workspaces)).toMatch(highlighted(target.workspace));
	await term.press(keys.enter);
	await term.waitFor(`What do you want to set up on ${target.workspace}?`);
}

describe('Create a workspace with a user-assigned identity, in a real terminal', () => {
	const title = 'Create a workspace with a user-assigned identity';
	const identityName = 'id-mlw-fraud-uai';
	const groupId = `/subscriptions/${FRAUD.subscriptionId}/resourceGroups/${FRAUD.resourceGroup}`;
	const workspaceId = (name: string) => `${groupId}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
	const keyVaultName = 'kv-fraud-prod-4c8e1a';
	const storageName = FRAUD.storageAccountId.split('/').pop()!;

	/** Scenario → resource group, up to the workspace name; `workspaces`: how many Production has now. */
	async function walkToName(term: Terminal, workspaces: number): Promise<void> {
		await walkToWorkspace(term, {
			subscription: SEED.subscriptions.production.displayName,
			subscriptionFilter: 'prod',
			workspace: FRAUD.name,
			workspaceFilter: 'mlw-fraud-prod', // 'fraud-prod' would also match mlw-fraud-uai's resource group
			workspaces,
		});
		await choose(term, title);
		await term.waitFor('Resource group of the new workspace:');
		await choose(term, FRAUD.resourceGroup);
		await term.waitFor(`Name of the new workspace (in ${FRAUD.resourceGroup}):`);
	}

	/** Region (kept) → storage → key vault → registry → Application Insights, up to the primary identity. */
	async function answerResources(term: Terminal): Promise<string> {
		await answerText(term, {current: FRAUD.location, keep: FRAUD.location, text: '', next: 'Storage account the workspace uses'});
		await choose(term, storageName);
		await term.waitFor('Key vault the workspace uses');
		await choose(term, keyVaultName);
		await term.waitFor('Container registry the workspace uses');
		await choose(term, CONTOSO_BASE.name);
		await term.waitFor('Application Insights the workspace uses');
		await choose(term, 'appi-fraud-prod');
		return term.waitFor('Primary user-assigned identity of the workspace');
	}

	/** After the primary identity: one more (id-fraud-acr-pull), no more, no customer-managed key; returns the plan. */
	async function answerExtrasToPlan(term: Terminal, workspaceName: string): Promise<string> {
		await term.waitFor('Add more user-assigned identities to the workspace?');
		await choose(term, 'Yes, add one (workspace_creation_with_multiple_UAIs)');
		await term.waitFor('User-assigned identity 2 of the workspace:');
		await choose(term, ACR_PULL_ID.name);
		await term.waitFor('Add another user-assigned identity?');
		await choose(term, 'No, that is all');
		await term.waitFor('Encrypt the workspace with a customer-managed key?');
		await choose(term, 'No, Microsoft-managed keys');
		return planReady(term, `Create workspace ${workspaceName} with user-assigned identity ${identityName}`);
	}

	it(
		"creates id-mlw-fraud-uai, its roles and access policy, then mlw-fraud-uai with two identities; again: mlw-fraud-prod's name is refused (SystemAssigned), and with the same answers every Azure step is already in place",
		async () => {
			expect(SEED.keyVaultRbac[keyVaultName]).toBe(false); // an access-policy vault
			const yamlPath = join(world.workspaceOutput(FRAUD.name), 'mlw-fraud-uai', workspaceYamlFileName);

			const first = await world.start();
			await walkToName(first, 2);
			await answerText(first, {current: '', text: 'mlw-fraud-uai', next: 'Region of the new workspace:'});
			const identities = await answerResources(first);
			expect(identities).toMatch(new RegExp(`^. ${ACR_PULL_ID.name} {2}${FRAUD.resourceGroup} · ${FRAUD.location}$`, 'm'));
			await choose(first, 'Create a new user-assigned identity');
			await first.waitFor(`Name of the new user-assigned identity (created in ${FRAUD.resourceGroup}):`);
			await answerText(first, {current: '', text: identityName, next: 'Add more user-assigned identities to the workspace?'});
			const plan = await answerExtrasToPlan(first, 'mlw-fraud-uai');

			expect(plan).toContain('1. Create user-assigned identity id-mlw-fraud-uai');
			expect(plan).toContain(`$ az identity create --name ${identityName} --resource-group ${FRAUD.resourceGroup} --location ${FRAUD.location}`);
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id "$ID_MLW_FRAUD_UAI_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "Storage Blob Data Contributor" --scope ${FRAUD.storageAccountId}`,
			);
			expect(plan).toContain(`5. Give identity ${identityName} an access policy on key vault ${keyVaultName} (every permission but purge)`);
			expect(plan).toContain(
				`$ az keyvault set-policy --name ${keyVaultName} --resource-group ${FRAUD.resourceGroup} --object-id "$ID_MLW_FRAUD_UAI_PRINCIPAL_ID" --key-permissions get list update`,
			);
			const setPolicy = plan.slice(plan.indexOf('$ az keyvault set-policy'), plan.indexOf(`${keyVaultName} uses the access-policy permission model`));
			expect(setPolicy).toContain('wrapKey');
			expect(setPolicy).not.toContain('purge');
			expect(plan).toContain(`8. Write mlw-fraud-uai/${workspaceYamlFileName}`);
			expect(plan).toContain(`File: ${yamlPath}`);
			expect(plan).toContain(`9. Create workspace mlw-fraud-uai with user-assigned identity ${identityName} (+1 more)`);
			expect(plan).toContain(
				`$ az ml workspace create --file ${workspaceYamlFileName} --subscription ${FRAUD.subscriptionId} --resource-group ${FRAUD.resourceGroup} --name mlw-fraud-uai`,
			);
			expect(plan).toContain(
				`10. Grant Contributor to identity ${identityName} on workspace mlw-fraud-uai (after 9)\n   Role assignment: Contributor on workspace mlw-fraud-uai\n   $ ID_MLW_FRAUD_UAI_PRINCIPAL_ID=$(az identity show --name ${identityName} --resource-group ${FRAUD.resourceGroup} --query principalId -o tsv)\n   $ az role assignment create --assignee-object-id "$ID_MLW_FRAUD_UAI_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "Contributor" --scope ${workspaceId('mlw-fraud-uai')}`,
			);
			expect(plan.match(ALLOWED)).toHaveLength(9); // every step but the file
			expect(plan).not.toContain('✖ you lack');

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([
				`Create user-assigned identity ${identityName}.`,
				`Grant Contributor to identity ${identityName} on storage account ${storageName}.`,
				`Grant Storage Blob Data Contributor to identity ${identityName} on storage account ${storageName}.`,
				`Grant Contributor to identity ${identityName} on key vault ${keyVaultName}.`,
				`Give identity ${identityName} an access policy on key vault ${keyVaultName} (every permission but purge).`,
				`Grant Contributor to identity ${identityName} on registry ${CONTOSO_BASE.name}.`,
				`Grant Contributor to identity ${identityName} on Application Insights appi-fraud-prod.`,
				`Write mlw-fraud-uai/${workspaceYamlFileName}.`,
				`Create workspace mlw-fraud-uai with user-assigned identity ${identityName} (+1 more).`,
				`Grant Contributor to identity ${identityName} on workspace mlw-fraud-uai.`,
			]);
			expect(summarySection(summary, 'Already in place')).toBeUndefined();
			expect(summarySection(summary, 'Files written')).toEqual([yamlPath]);
			expect(await finish(first)).toBe(0);

			const state = world.state();
			const identity = identityNamed(state, identityName);
			expect(identity, `no identity ${identityName} in the emulator state`).toBeDefined();
			const workspace = storedWorkspace(state, workspaceId('mlw-fraud-uai'));
			expect(workspace, 'no workspace mlw-fraud-uai in the emulator state').toBeDefined();
			expect(workspace!.identity.type).toBe('UserAssigned');
			expect(Object.keys(workspace!.identity.userAssignedIdentities ?? {}).map((id) => id.toLowerCase()).sort()).toEqual(
				[identity!.id.toLowerCase(), ACR_PULL_ID.id.toLowerCase()].sort(),
			);
			expect(String(workspace!.properties['primaryUserAssignedIdentity']).toLowerCase()).toBe(identity!.id.toLowerCase());
			expect(workspace!.properties).toMatchObject({
				storageAccount: FRAUD.storageAccountId,
				keyVault: FRAUD.keyVaultId,
				containerRegistry: CONTOSO_BASE.id,
				applicationInsights: FRAUD.applicationInsightsId,
			});
			const grants = [
				grant(ROLES.contributor, FRAUD.storageAccountId),
				grant(ROLES.storageBlobDataContributor, FRAUD.storageAccountId),
				grant(ROLES.contributor, FRAUD.keyVaultId),
				grant(ROLES.contributor, CONTOSO_BASE.id),
				grant(ROLES.contributor, FRAUD.applicationInsightsId),
			];
			expect(grantsOf(state, identity!.principalId).sort()).toEqual([...grants, grant(ROLES.contributor, workspaceId('mlw-fraud-uai'))].sort());
			expect(grantsOf(state, ACR_PULL_ID.principalId)).toEqual([]); // attached, granted nothing
			const policies = (state.genericResources[FRAUD.keyVaultId.toLowerCase()]?.properties['accessPolicies'] ?? []) as {
				objectId: string;
				permissions: Record<string, string[]>;
			}[];
			const policy = policies.find((candidate) => candidate.objectId === identity!.principalId);
			expect(policy, `no access policy for ${identityName} on ${keyVaultName}`).toBeDefined();
			for (const category of ['keys', 'secrets', 'certificates', 'storage'] as const) {
				expect(policy!.permissions[category]?.map((p) => p.toLowerCase()).sort()).toEqual(accessPolicyPermissions[category].map((p) => p.toLowerCase()).sort());
			}
			const firstYaml = readFileSync(yamlPath, 'utf8');
			const written = YAML.parse(firstYaml) as Record<string, unknown>;
			expect(written).toMatchObject({name: 'mlw-fraud-uai', location: FRAUD.location, identity: {type: 'user_assigned'}, key_vault: FRAUD.keyVaultId});
			await first.close();

			// Again with the same answers: the name of the workspace this scenario made (UserAssigned) is
			// accepted, the identity (now existing) is picked from the list, and every Azure step is in
			// place. The name of a workspace with a system-assigned identity is still refused.
			const second = await world.start();
			await walkToName(second, 3); // mlw-fraud-uai is listed too now
			const refused = await answerText(second, {current: '', text: FRAUD.name, next: '✖ '});
			expect(refused).toContain(
				`✖ A workspace named "${FRAUD.name}" already exists in ${FRAUD.resourceGroup} with a SystemAssigned identity: choose another name (this scenario creates a workspace with user-assigned identities).`,
			);
			expect(refused).not.toContain('✔ Name of the new workspace');
			await answerText(second, {current: FRAUD.name, keep: 'mlw-fraud-', text: 'uai', next: 'Region of the new workspace:'});
			const again = await answerResources(second);
			expect(again).toMatch(new RegExp(`^. ${identityName} {2}${FRAUD.resourceGroup} · ${FRAUD.location}$`, 'm'));
			await choose(second, identityName);
			const plan2 = await answerExtrasToPlan(second, 'mlw-fraud-uai');
			expect(plan2).not.toContain('az identity create');
			expect(plan2).toContain(`7. Write mlw-fraud-uai/${workspaceYamlFileName}`);
			expect(plan2).toContain(`8. Create workspace mlw-fraud-uai with user-assigned identity ${identityName} (+1 more)`);
			expect(plan2.match(ALLOWED)).toHaveLength(8);
			const rerun = await runPlan(second);
			// Identity IDs in the file are spelled as Azure returns them, so the file is found unchanged too.
			expect(summarySection(rerun, 'Changed')).toBeUndefined();
			expect(readFileSync(yamlPath, 'utf8')).toBe(firstYaml);
			expect(summarySection(rerun, 'Already in place')?.map((line) => line.split(': ')[0])).toEqual([
				`Grant Contributor to identity ${identityName} on storage account ${storageName}`,
				`Grant Storage Blob Data Contributor to identity ${identityName} on storage account ${storageName}`,
				`Grant Contributor to identity ${identityName} on key vault ${keyVaultName}`,
				`Give identity ${identityName} an access policy on key vault ${keyVaultName} (every permission but purge)`,
				`Grant Contributor to identity ${identityName} on registry ${CONTOSO_BASE.name}`,
				`Grant Contributor to identity ${identityName} on Application Insights appi-fraud-prod`,
				`Write mlw-fraud-uai/${workspaceYamlFileName}`,
				`Create workspace mlw-fraud-uai with user-assigned identity ${identityName} (+1 more)`,
				`Grant Contributor to identity ${identityName} on workspace mlw-fraud-uai`,
			]);
			expect(await finish(second)).toBe(0);
			const after = world.state();
			expect(identityNamed(after, identityName)?.principalId).toBe(identity!.principalId);
			expect(Object.keys(after.identities).sort()).toEqual(Object.keys(state.identities).sort()); // no new identity
			expect(Object.keys(after.roleAssignments).sort()).toEqual(Object.keys(state.roleAssignments).sort()); // no new role assignment
			expect(String(storedWorkspace(after, workspaceId('mlw-fraud-uai'))?.properties['primaryUserAssignedIdentity']).toLowerCase()).toBe(
				identity!.id.toLowerCase(),
			);
			expect(grantsOf(after, identity!.principalId)).toHaveLength(6); // no repeats
		},
		TEST_TIMEOUT_MS,
	);
});

describe('Add a user-assigned identity to a workspace, keeping its system-assigned one, in a real terminal', () => {
	const title = 'Add a user-assigned identity to a workspace, keeping its system-assigned one';
	const IRREVERSIBLE = '⚠ This cannot be undone: a workspace cannot go back from SystemAssigned,UserAssigned to SystemAssigned only (document 004).';
	const identityFile = () => join(world.workspaceOutput(FRAUD.name), 'workspace_identity.yml');
	const updateCommand = () => `$ az ml workspace update --resource-group ${FRAUD.resourceGroup} --name ${FRAUD.name} --file workspace_identity.yml`;

	it(
		'creates id-fraud-data, writes workspace_identity.yml and makes mlw-fraud-prod SystemAssigned,UserAssigned with it; again, keeping them all: not asked to confirm, already in place',
		async () => {
			const first = await world.start();
			await walkToScenarioList(first, fraudWorkspace);
			await choose(first, title);
			const question = await first.waitFor('Which user-assigned identity should the workspace get?');
			expect(question).toContain(IRREVERSIBLE);
			expect(question).toContain(`• ${FRAUD.name}: SystemAssigned.`);
			expect(question).not.toContain('Remove one of the user-assigned identities'); // it has none
			await choose(first, 'Create a new user-assigned identity');
			await first.waitFor('Name of the new user-assigned identity (created in the workspace resource group):');
			const confirm = await answerText(first, {current: '', text: 'id-fraud-data', next: 'Update the workspace identity?'});
			expect(confirm).toMatch(/^❯ No, go back$/m); // the cautious answer first
			expect(confirm.split(IRREVERSIBLE).length - 1).toBeGreaterThanOrEqual(2); // scenario caveat and the question's warning
			await choose(first, 'Yes, update it');

			const plan = await planReady(first, `User-assigned identities of ${FRAUD.name}: id-fraud-data`);
			expect(plan).toContain(IRREVERSIBLE);
			expect(plan).toContain('1. Create user-assigned identity id-fraud-data');
			expect(plan).toContain(`$ az identity create --name id-fraud-data --resource-group ${FRAUD.resourceGroup} --location ${FRAUD.location}`);
			expect(plan).toContain('2. Write workspace_identity.yml (the az ml workspace update file)');
			expect(plan).toContain(`File: ${identityFile()}`);
			expect(plan).toContain(`3. Set ${FRAUD.name}'s identity to SystemAssigned,UserAssigned: id-fraud-data`);
			expect(plan).toContain(updateCommand());
			expect(plan).toContain('User-assigned identities before: none; after: id-fraud-data. Every kept identity is sent, or Azure removes it.');
			expect(plan.match(ALLOWED)).toHaveLength(2);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([
				'Create user-assigned identity id-fraud-data.',
				'Write workspace_identity.yml (the az ml workspace update file).',
				`Set ${FRAUD.name}'s identity to SystemAssigned,UserAssigned: id-fraud-data.`,
			]);
			expect(summarySection(summary, 'Already in place')).toBeUndefined();
			expect(summarySection(summary, 'Files written')).toEqual([identityFile()]);
			expect(await finish(first)).toBe(0);

			const state = world.state();
			const identity = identityNamed(state, 'id-fraud-data');
			expect(identity, 'no identity id-fraud-data in the emulator state').toBeDefined();
			const workspace = storedWorkspace(state, FRAUD.id);
			expect(workspace?.identity.type).toBe('SystemAssigned,UserAssigned');
			expect(workspace?.identity.principalId).toBe(FRAUD.principalId); // the system-assigned identity is kept
			expect(Object.keys(workspace?.identity.userAssignedIdentities ?? {}).map((id) => id.toLowerCase())).toEqual([identity!.id.toLowerCase()]);
			expect(readdirSync(world.output)).toEqual([FRAUD.name]);
			const identityYaml = readFileSync(identityFile(), 'utf8');
			expect(identityYaml).toContain('type: system_assigned,user_assigned');
			expect(identityYaml).toContain(identity!.id);
			await first.close();

			// Again: keep them all, add none; the update is already in place.
			const second = await world.start();
			await walkToScenarioList(second, fraudWorkspace);
			await choose(second, title);
			const now = await second.waitFor('Remove one of the user-assigned identities it has?');
			expect(now).toContain(`• ${FRAUD.name}: SystemAssigned,UserAssigned, user-assigned: id-fraud-data.`);
			expect(now).toMatch(/^. Remove id-fraud-data$/m);
			await choose(second, 'No, keep them all');
			const add = await second.waitFor('Which user-assigned identity should the workspace get?');
			// It has it already: still listed, so the same answers given again find it in place.
			expect(add).toMatch(/^. id-fraud-data\s+·?\s*already on the workspace: nothing to add/m);
			// Already SystemAssigned,UserAssigned: nothing irreversible is left to confirm, the plan follows.
			await choose(second, 'None');
			const plan2 = await planReady(second, `User-assigned identities of ${FRAUD.name}: id-fraud-data`);
			expect(plan2).not.toContain('Update the workspace identity?');
			expect(plan2).not.toContain('az identity create');
			expect(plan2).toContain('1. Write workspace_identity.yml (the az ml workspace update file)');
			expect(plan2).toContain(`2. Set ${FRAUD.name}'s identity to SystemAssigned,UserAssigned: id-fraud-data`);
			expect(plan2).toContain(updateCommand());
			expect(plan2).toContain('User-assigned identities before: id-fraud-data; after: id-fraud-data.');
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 2);
			expect(summarySection(rerun, 'Already in place')).toEqual([
				`Write workspace_identity.yml (the az ml workspace update file): ${identityFile()} already has this content.`,
				`Set ${FRAUD.name}'s identity to SystemAssigned,UserAssigned: id-fraud-data: ${FRAUD.name} already has id-fraud-data.`,
			]);
			expect(await finish(second)).toBe(0);
			const after = storedWorkspace(world.state(), FRAUD.id);
			expect(after?.identity.type).toBe('SystemAssigned,UserAssigned');
			expect(Object.keys(after?.identity.userAssignedIdentities ?? {})).toHaveLength(1);
		},
		TEST_TIMEOUT_MS,
	);
});

describe('Identity-based data access for training on compute, in a real terminal', () => {
	const title = 'Identity-based data access for training on compute';

	async function walkToPlan(term: Terminal): Promise<string> {
		await walkToScenarioList(term, fraudWorkspace);
		await choose(term, title);
		const computes = await term.waitFor('Which compute reads the data?');
		expect(computes).toMatch(/^. cpu-cluster {2}system-assigned identity · Standard_DS3_v2 · 0–4 nodes$/m);
		expect(computes).not.toContain('aks-inference'); // clusters and instances only
		await choose(term, CPU_CLUSTER.name);
		const accounts = await term.waitFor('Which storage account holds the data?');
		expect(accounts).toMatch(new RegExp(`^. ${LAKE.name} {2}ADLS Gen2 · ${LAKE.resourceGroup} · ${LAKE.location}$`, 'm'));
		await choose(term, LAKE.name);
		await term.waitFor('Which filesystem?'); // ADLS Gen2: a filesystem, not a container
		await choose(term, 'curated');
		const name = await term.waitFor('Name of the identity-based datastore:');
		expect(name).not.toContain('⚠'); // no credential datastore reaches curated
		await answerText(term, {current: 'curated_identity', keep: 'curated_identity', text: '', next: 'Plan: '});
		return planReady(term);
	}

	it(
		"grants cpu-cluster's identity Storage Blob Data Reader on the lake, creates curated_identity without credentials and writes the job; again: already in place",
		async () => {
			const jobPath = join(world.workspaceOutput(FRAUD.name), 'job-curated_identity.yml');
			const first = await world.start();
			const plan = await walkToPlan(first);
			expect(plan).toContain(`Plan: ${CPU_CLUSTER.name} reads ${LAKE.name}/curated`);
			expect(plan).toContain(`1. Grant Storage Blob Data Reader to ${CPU_CLUSTER.name}'s identity on storage account ${LAKE.name}`);
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id "$CPU_CLUSTER_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "Storage Blob Data Reader" --scope ${LAKE.id}`,
			);
			expect(plan).toContain('2. Create datastore curated_identity (ADLS Gen2, no stored credentials)');
			expect(plan).toContain(
				`$ az ml datastore create --file datastore-curated_identity.yml --workspace-name ${FRAUD.name} --resource-group ${FRAUD.resourceGroup}`,
			);
			expect(plan).toContain('(datastore-curated_identity.yml has no credentials section)');
			expect(plan).toContain('3. Write a sample job that reads through curated_identity');
			expect(plan).toContain(`File: ${jobPath}`);
			expect(plan.match(ALLOWED)).toHaveLength(2);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([
				`Grant Storage Blob Data Reader to ${CPU_CLUSTER.name}'s identity on storage account ${LAKE.name}.`,
				'Create datastore curated_identity (ADLS Gen2, no stored credentials).',
				'Write a sample job that reads through curated_identity.',
			]);
			expect(summarySection(summary, 'Files written')).toEqual([jobPath]);
			expect(summarySection(summary, 'Next steps')?.[0]).toBe(
				`Jobs on ${CPU_CLUSTER.name} read through datastore curated_identity with the compute's identity by default; data scientists need no storage role themselves.`,
			);
			expect(await finish(first)).toBe(0);

			const state = world.state();
			expect(assignmentsOf(state, CPU_CLUSTER.principalId!)).toContain(`${ROLES.storageBlobDataReader}@${LAKE.id.toLowerCase()}:ServicePrincipal`);
			const datastore = datastoreNamed(state, 'curated_identity');
			expect(datastore?.id).toBe(`${FRAUD.id}/datastores/curated_identity`);
			expect(datastore?.properties).toMatchObject({datastoreType: 'AzureDataLakeGen2', accountName: LAKE.name, filesystem: 'curated', credentials: {credentialsType: 'None'}});
			const job = YAML.parse(readFileSync(jobPath, 'utf8')) as Record<string, unknown>;
			expect(job).toMatchObject({compute: `azureml:${CPU_CLUSTER.name}`, inputs: {census_csv: {path: 'azureml://datastores/curated_identity/paths/census.csv'}}});
			expect(job['identity']).toBeUndefined();
			await first.close();

			const second = await world.start();
			await walkToPlan(second);
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 3);
			expect(summarySection(rerun, 'Already in place')?.[1]).toBe(
				`Create datastore curated_identity (ADLS Gen2, no stored credentials): datastore curated_identity already points at ${LAKE.name}/curated without credentials.`,
			);
			expect(await finish(second)).toBe(0);
			const after = world.state();
			expect(assignmentsOf(after, CPU_CLUSTER.principalId!).filter((entry) => entry.startsWith(ROLES.storageBlobDataReader))).toHaveLength(1);
		},
		TEST_TIMEOUT_MS,
	);
});

describe("Identity-based data access with the user's own identity, in a real terminal", () => {
	const title = "Identity-based data access with the user's own identity";
	const SAS_WARNING =
		'⚠ Datastore fraud-raw-sas (Sas) already reaches this container with stored credentials: jobs using it authenticate with the key or SAS, not with an identity. Use the new datastore.';
	const LIMITATIONS = [
		'Jobs submitted from the Azure ML CLI and Python SDK v2 only, not from ML Studio.',
		'User identity and compute managed identity cannot be used for authentication within the same job.',
		'In pipeline jobs, set the user identity on each step that runs on a compute, not at the pipeline root.',
	];

	async function walkToPlan(term: Terminal): Promise<string> {
		await walkToScenarioList(term, fraudWorkspace);
		await choose(term, title);
		const whose = await term.waitFor('Whose identity reads the data?');
		// The limitations are findings here (and plan caveats later), not a ⚠ scenario caveat.
		for (const limitation of LIMITATIONS) expect(whose).toContain(`• ${limitation}`);
		expect(whose).not.toContain('⚠');
		expect(whose).toMatch(new RegExp(`^. Mine \\(${SEED.user.name}\\) {2}${SEED.user.objectId}$`, 'm'));
		await choose(term, `Mine (${SEED.user.name})`);
		await term.waitFor('Which storage account holds the data?');
		await choose(term, LAKE.name);
		await term.waitFor('Which filesystem?');
		await choose(term, 'raw');
		const name = await term.waitFor('Name of the identity-based datastore:');
		expect(name).toContain(SAS_WARNING);
		await answerText(term, {current: 'raw_identity', keep: 'raw_', text: 'user', next: 'Which cluster should the sample job use?'});
		await choose(term, CPU_CLUSTER.name);
		return planReady(term);
	}

	it(
		'grants Ada Storage Blob Data Reader as a User on the lake after the SAS datastore warning, creates raw_user and a user_identity job; again: already in place',
		async () => {
			const jobPath = join(world.workspaceOutput(FRAUD.name), 'job-raw_user-user-identity.yml');
			const first = await world.start();
			const plan = await walkToPlan(first);
			expect(plan).toContain(`Plan: ${SEED.user.name} reads ${LAKE.name}/raw`);
			for (const limitation of LIMITATIONS) expect(plan.split(`⚠ ${limitation}`)).toHaveLength(2); // once, as a plan caveat
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id ${SEED.user.objectId} --assignee-principal-type User --role "Storage Blob Data Reader" --scope ${LAKE.id}`,
			);
			expect(plan).toContain(
				`$ az ml datastore create --file datastore-raw_user.yml --workspace-name ${FRAUD.name} --resource-group ${FRAUD.resourceGroup}`,
			);
			expect(plan).toContain('(datastore-raw_user.yml has no credentials section)');
			expect(plan).toContain('3. Write a sample job with identity: user_identity reading through raw_user');
			expect(plan).toContain(`File: ${jobPath}`);
			expect(plan.match(ALLOWED)).toHaveLength(2);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([
				`Grant Storage Blob Data Reader to ${SEED.user.name} on storage account ${LAKE.name}.`,
				'Create datastore raw_user (ADLS Gen2, no stored credentials).',
				'Write a sample job with identity: user_identity reading through raw_user.',
			]);
			expect(summarySection(summary, 'Files written')).toEqual([jobPath]);
			expect(summarySection(summary, 'Next steps')?.[0]).toBe('Jobs through fraud-raw-sas still use their stored key or SAS: switch them to raw_user.');
			expect(await finish(first)).toBe(0);

			const state = world.state();
			expect(assignmentsOf(state, SEED.user.objectId)).toContain(`${ROLES.storageBlobDataReader}@${LAKE.id.toLowerCase()}:User`);
			expect(datastoreNamed(state, 'raw_user')?.properties).toMatchObject({datastoreType: 'AzureDataLakeGen2', filesystem: 'raw', credentials: {credentialsType: 'None'}});
			// The SAS datastore is left as it was.
			expect(datastoreNamed(state, 'fraud-raw-sas')?.properties).toMatchObject({credentials: {credentialsType: 'Sas'}});
			const job = readFileSync(jobPath, 'utf8');
			expect(job).toContain('identity:\n  type: user_identity');
			expect(job).toContain(`compute: azureml:${CPU_CLUSTER.name}`);
			expect(job).toContain('path: azureml://datastores/raw_user/paths/census.csv');
			await first.close();

			const second = await world.start();
			await walkToPlan(second); // the SAS warning again: fraud-raw-sas still reaches raw
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 3);
			expect(await finish(second)).toBe(0);
			expect(assignmentsOf(world.state(), SEED.user.objectId).filter((entry) => entry.startsWith(ROLES.storageBlobDataReader))).toHaveLength(1);
		},
		TEST_TIMEOUT_MS,
	);
});

describe('The permission preflight in Dev/Test, where the demo user is only Contributor, in a real terminal', () => {
	const devTest = SEED.subscriptions.devTest;
	const visionRegistry = SEED.registries.visionDev;
	const VISION_STORAGE = VISION.storageAccountId;

	const walkToVisionScenarios = (term: Terminal) =>
		walkToWorkspace(term, {subscription: devTest.displayName, subscriptionFilter: 'dev', workspace: VISION.name, workspaceFilter: 'vision', workspaces: 2});

	function roleAssignmentIds(state: EmulatorState): string[] {
		return Object.keys(state.roleAssignments).sort();
	}

	it(
		'shows that Ada lacks roleAssignments/write on crvisiondev for gpu-train; run anyway, the step is skipped (id-vision-train already holds AcrPull) and nothing is written',
		async () => {
			// The seed decides the outcome: gpu-train runs as id-vision-train, which already holds AcrPull on crvisiondev.
			const seed = createSeedState();
			expect(GPU_TRAIN.identityType).toBe('UserAssigned');
			expect(GPU_TRAIN.userAssignedIdentityId?.toLowerCase()).toBe(SEED.identities.visionTrain.id.toLowerCase());
			expect(grantsOf(seed, SEED.identities.visionTrain.principalId)).toContain(grant(ROLE_GUIDS.acrPull, visionRegistry.id));

			const term = await world.start();
			await walkToVisionScenarios(term);
			await choose(term, 'Compute cluster with a managed identity that pulls from the workspace ACR');
			const computes = await term.waitFor('Which compute cluster?');
			expect(computes).toContain(`• Workspace registry: ${visionRegistry.name} (${VISION.resourceGroup}).`);
			await choose(term, GPU_TRAIN.name);
			const plan = await planReady(term, `AcrPull on ${visionRegistry.name} for compute ${GPU_TRAIN.name}`);
			expect(plan).toContain(`1. Grant AcrPull to ${GPU_TRAIN.name}'s identity on registry ${visionRegistry.name}`);
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id "$ID_VISION_TRAIN_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${visionRegistry.id}`,
			);
			// Ada may not write role assignments there, but the step's check finds AcrPull in place: no ✖ to worry about.
			expect(plan.replace(/\s+/g, ' ')).toContain(
				`↷ already in place, so your permissions do not matter here: ${GPU_TRAIN.name}'s identity already holds AcrPull on registry ${visionRegistry.name}`,
			);
			expect(plan).not.toContain('will likely fail with AuthorizationFailed');
			expect(plan).not.toContain('✔ you are allowed to do this');

			// Run anyway: the step checks first and finds AcrPull in place, so it writes nothing.
			const summary = await runPlan(term);
			expectAllInPlace(summary, 1);
			expect(summarySection(summary, 'Already in place')).toEqual([
				`Grant AcrPull to ${GPU_TRAIN.name}'s identity on registry ${visionRegistry.name}: ${GPU_TRAIN.name}'s identity already holds AcrPull on registry ${visionRegistry.name}.`,
			]);
			expect(summary).not.toContain('The step needs');
			expect(await finish(term)).toBe(0);

			const state = world.state();
			expect(roleAssignmentIds(state)).toEqual(roleAssignmentIds(seed));
			expect(state.computes[GPU_TRAIN.id.toLowerCase()]?.['identity']).toEqual(seed.computes[GPU_TRAIN.id.toLowerCase()]?.['identity']);
			expect(readdirSync(world.output)).toEqual([]);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		"a step not already in place fails with AuthorizationFailed: gpu-train's data access in Dev/Test says what the step needs, exits 1 and writes nothing",
		async () => {
			const seed = createSeedState();
			expect(grantsOf(seed, SEED.identities.visionTrain.principalId).some((entry) => entry.startsWith(ROLES.storageBlobDataReader))).toBe(false);

			const term = await world.start();
			await walkToVisionScenarios(term);
			await choose(term, 'Identity-based data access for training on compute');
			await term.waitFor('Which compute reads the data?');
			await choose(term, GPU_TRAIN.name);
			await term.waitFor('Which storage account holds the data?');
			const storageName = VISION_STORAGE.split('/').pop()!;
			await choose(term, storageName);
			await term.waitFor('Which container?');
			await choose(term, 'azureml');
			await answerText(term, {current: 'azureml_identity', keep: 'azureml_identity', text: '', next: 'Plan: '});
			const plan = await planReady(term);
			expect(plan).toContain(
				`   ✖ you lack Microsoft.Authorization/roleAssignments/write on storageAccounts/${storageName}; granted by ${AUTHORIZATION_ROLES}`,
			);
			expect(plan.match(ALLOWED)).toHaveLength(1); // Contributor may create the datastore
			expect(plan).toContain('⚠ 1 step will likely fail with AuthorizationFailed: ask for the roles named above, or run the plan anyway.');

			await term.press(keys.enter);
			const failed = await term.waitFor(/: complete and verified|: stopped at a failed step/, {timeoutMs: RUN_TIMEOUT_MS});
			expect(failed).toContain(`✖ ${GPU_TRAIN.name} reads ${storageName}/azureml: stopped at a failed step`);
			expect(failed).toContain(`✖ Grant Storage Blob Data Reader to ${GPU_TRAIN.name}'s identity on storage account ${storageName}: AuthorizationFailed`);
			expect(failed).toContain(`does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'`);
			expect(summarySection(failed, 'The step needs')?.join(' ')).toBe(
				`Microsoft.Authorization/roleAssignments/write on ${VISION_STORAGE} (granted by ${AUTHORIZATION_ROLES})`,
			);
			expect(summarySection(failed, 'Changed')).toBeUndefined();
			expect(await finish(term)).toBe(1);
			await term.waitFor(/The run stopped at a failed step; session \S+ is saved\. Retry with: aml-identity demo --resume/);

			const state = world.state();
			expect(roleAssignmentIds(state)).toEqual(roleAssignmentIds(seed));
			expect(datastoreNamed(state, 'azureml_identity')).toBeUndefined();
			expect(readdirSync(world.output)).toEqual([]);
		},
		TEST_TIMEOUT_MS,
	);
});
