import {join} from 'node:path';
import YAML from 'yaml';
import type {AzureGateway, IdentitySummary, KeyVaultAccessPolicy, KeyVaultSummary, RegistrySummary, ResourceSummary, StorageAccountSummary, SubscriptionSummary} from '../azure/gateway.js';
import {isNotFound, toAzureFailure} from '../azure/errors.js';
import {sameResourceId} from '../azure/resource-id.js';
import type {Plan, PlanStep, RequiredPermission, ShellVariable} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import {identityPrincipalVariable} from '../steps/shell.js';
import {writeFileStep} from '../steps/write-file.js';
import type {Answers, Choice, Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {createIdentityStep, createNew, failedInAzure, identityPrincipal, registryChoice, userAssignedIdentityQuestions} from './shared.js';

/**
 * Document 004 "User-assigned managed identity" (001/000 "Create workspace with user-assigned
 * managed identity"): a new workspace whose primary identity is one of yours. Azure makes none of
 * the role assignments for it, so the identity gets them on every resource the workspace links
 * first, and the workspace is created only then (with every user-assigned identity chosen, the
 * primary one, and optionally a customer-managed key with its own identity).
 */
export interface WorkspaceWithUaiFacts {
	readonly subscriptionId: string;
	/** Resource groups holding storage accounts, the current workspace's first. */
	readonly resourceGroups: readonly string[];
	readonly storageAccounts: readonly StorageAccountSummary[];
	readonly keyVaults: readonly KeyVaultSummary[];
	readonly registries: readonly RegistrySummary[];
	readonly subscriptions: readonly SubscriptionSummary[];
	readonly applicationInsights: readonly ResourceSummary[];
	readonly identities: readonly IdentitySummary[];
}

export const workspaceYamlFileName = 'workspace_creation_with_multiple_UAIs.yml';
/** How many identities beyond the primary one the wizard asks for. */
export const maxExtraIdentities = 4;
/** The CMK identity choice that means "the primary identity". */
export const samePrimary = '__primary__';

const machineLearningApiVersion = '2022-10-01';

/**
 * Everything an access policy can grant except purge (document 004: "any access policy
 * permissions besides purge operations"), by category, as Key Vault spells them.
 */
export const accessPolicyPermissions = {
	keys: ['get', 'list', 'update', 'create', 'import', 'delete', 'recover', 'backup', 'restore', 'decrypt', 'encrypt', 'unwrapKey', 'wrapKey', 'verify', 'sign', 'release', 'rotate', 'getrotationpolicy', 'setrotationpolicy'],
	secrets: ['get', 'list', 'set', 'delete', 'recover', 'backup', 'restore'],
	certificates: ['get', 'list', 'update', 'create', 'import', 'delete', 'recover', 'backup', 'restore', 'managecontacts', 'manageissuers', 'getissuers', 'listissuers', 'setissuers', 'deleteissuers'],
	storage: ['get', 'list', 'delete', 'set', 'update', 'regeneratekey', 'recover', 'backup', 'restore', 'setsas', 'listsas', 'getsas', 'deletesas'],
} as const satisfies Record<'keys' | 'secrets' | 'certificates' | 'storage', readonly string[]>;

// ---------------------------------------------------------------- names and values

export function workspaceNameProblem(name: string): string | undefined {
	if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name)) {
		return `"${name}" is not a valid workspace name: use 3 to 33 letters, digits, hyphens and underscores, starting with a letter or digit, e.g. mlw-fraud-uai.`;
	}
	return undefined;
}

export function regionProblem(region: string): string | undefined {
	if (!/^[a-z][a-z0-9]{2,}$/.test(normalizeRegion(region))) {
		return `"${region}" is not an Azure region name: type it as az account list-locations shows it, e.g. eastus or westeurope.`;
	}
	return undefined;
}

export function normalizeRegion(region: string): string {
	return region.replace(/\s+/g, '').toLowerCase();
}

const keyIdentifierPattern = /^https:\/\/([a-zA-Z0-9-]{3,24})\.vault\.azure\.net\/keys\/([a-zA-Z0-9-]{1,127})\/([0-9a-fA-F]{32})$/;

/** The vault and key a key identifier names, or undefined when it does not look like one. */
export function parseKeyIdentifier(url: string): {vaultName: string; keyName: string; version: string} | undefined {
	const match = keyIdentifierPattern.exec(url.trim());
	if (!match) return undefined;
	const [, vaultName, keyName, version] = match as unknown as [string, string, string, string];
	return {vaultName, keyName, version};
}

export function keyIdentifierProblem(url: string): string | undefined {
	return parseKeyIdentifier(url)
		? undefined
		: `"${url}" is not a key identifier: copy it from the key's version in the portal, https://<vault>.vault.azure.net/keys/<key name>/<32-hex version>.`;
}

function nameOf(resourceId: string): string {
	return resourceId.split('/').pop() ?? resourceId;
}

function workspaceIdOf(subscriptionId: string, resourceGroup: string, name: string): string {
	return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
}

function identityIdIn(subscriptionId: string, resourceGroup: string, name: string): string {
	return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

// ---------------------------------------------------------------- what the answers mean

/** The identity ID a `${prefix}Identity` answer names: an existing identity, or one the plan creates in the new workspace's group. */
function answeredIdentity(facts: WorkspaceWithUaiFacts, answers: Answers, prefix: string): {id: string; isNew: boolean} | undefined {
	const chosen = answers[`${prefix}Identity`];
	if (chosen === createNew) {
		const name = answers[`${prefix}IdentityName`];
		const group = answers['resourceGroup'];
		if (typeof name !== 'string' || typeof group !== 'string') return undefined;
		return {id: identityIdIn(facts.subscriptionId, group, name), isNew: true};
	}
	return typeof chosen === 'string' && chosen !== samePrimary ? {id: chosen, isNew: false} : undefined;
}

/** How many extra identities the answers add (each "add another?" answered yes and then chosen). */
function extraCount(answers: Answers): number {
	let count = 0;
	while (count < maxExtraIdentities && answers[`moreIdentities${count + 1}`] === true) count++;
	return count;
}

interface Chosen {
	readonly workspaceName: string;
	readonly resourceGroup: string;
	readonly location: string;
	readonly workspaceId: string;
	readonly storage: StorageAccountSummary;
	readonly keyVault: KeyVaultSummary;
	readonly registry: RegistrySummary;
	readonly appInsights: ResourceSummary;
	readonly primary: {id: string; isNew: boolean};
	/** Every user-assigned identity of the workspace, the primary first, without repeats. */
	readonly identities: readonly {id: string; isNew: boolean}[];
	readonly cmk?: {readonly identityId: string; readonly keyVault: KeyVaultSummary; readonly keyIdentifier: string};
}

function chosen(facts: WorkspaceWithUaiFacts, answers: Answers): Chosen {
	const pick = <T extends {id: string}>(list: readonly T[], answer: string, what: string): T => {
		const found = list.find((item) => sameResourceId(item.id, String(answers[answer])));
		if (!found) throw new Error(`The ${what} ${String(answers[answer])} is not in the list read before planning.`);
		return found;
	};
	const primary = answeredIdentity(facts, answers, 'primary');
	if (!primary) throw new Error('No primary user-assigned identity was chosen.');
	const identities: {id: string; isNew: boolean}[] = [primary];
	const add = (identity: {id: string; isNew: boolean} | undefined) => {
		if (identity && !identities.some((known) => sameResourceId(known.id, identity.id))) identities.push(identity);
	};
	for (let index = 1; index <= extraCount(answers); index++) add(answeredIdentity(facts, answers, `extra${index}`));
	let cmk: Chosen['cmk'];
	if (answers['cmk'] === true) {
		const cmkIdentity = answers['cmkIdentity'] === samePrimary ? primary : answeredIdentity(facts, answers, 'cmk');
		const keyIdentifier = String(answers['cmkKey']).trim();
		const vaultName = parseKeyIdentifier(keyIdentifier)?.vaultName;
		const keyVault = facts.keyVaults.find((vault) => vault.name.toLowerCase() === vaultName?.toLowerCase());
		if (!cmkIdentity || !keyVault) throw new Error(`The customer-managed key ${keyIdentifier} or its identity is not in the lists read before planning.`);
		// The CMK identity must be one of the workspace's user-assigned identities.
		add(cmkIdentity);
		cmk = {identityId: cmkIdentity.id, keyVault, keyIdentifier};
	}
	const workspaceName = String(answers['workspaceName']);
	const resourceGroup = String(answers['resourceGroup']);
	return {
		workspaceName,
		resourceGroup,
		location: normalizeRegion(String(answers['location'])),
		workspaceId: workspaceIdOf(facts.subscriptionId, resourceGroup, workspaceName),
		storage: pick(facts.storageAccounts, 'storageAccount', 'storage account'),
		keyVault: pick(facts.keyVaults, 'keyVault', 'key vault'),
		registry: pick(facts.registries, 'registry', 'container registry'),
		appInsights: pick(facts.applicationInsights, 'applicationInsights', 'Application Insights component'),
		primary,
		identities,
		...(cmk ? {cmk} : {}),
	};
}

// ---------------------------------------------------------------- questions

/** userAssignedIdentityQuestions, refusing a new name another answer already uses and offering only identities not chosen yet. */
function identityQuestions(facts: WorkspaceWithUaiFacts, answers: Answers, prefix: string, prompt: string, taken: readonly string[]): Question[] {
	const offered = facts.identities.filter((identity) => !taken.some((id) => sameResourceId(id, identity.id)));
	const newNames = taken.map(nameOf);
	return userAssignedIdentityQuestions(prefix, offered, answers, prompt).map((question) => {
		if (question.kind !== 'text') return question;
		const base = question.validate;
		return {
			...question,
			prompt: `Name of the new user-assigned identity (created in ${String(answers['resourceGroup'])}):`,
			validate: (name: string) =>
				base?.(name) ??
				(facts.identities.some((identity) => identity.name.toLowerCase() === name.toLowerCase())
					? `An identity named "${name}" already exists: pick it from the list instead (Esc), or choose another name.`
					: newNames.some((known) => known.toLowerCase() === name.toLowerCase())
						? `"${name}" is already one of this workspace's identities: choose another name.`
						: undefined),
		};
	});
}

function storageChoice(account: StorageAccountSummary): Choice {
	return {value: account.id, label: account.name, detail: `${account.resourceGroup} · ${account.location}${account.isHnsEnabled ? ' · ADLS Gen2' : ''}`};
}

function keyVaultChoice(vault: KeyVaultSummary): Choice {
	return {value: vault.id, label: vault.name, detail: `${vault.resourceGroup} · ${vault.location} · ${vault.rbacAuthorization ? 'Azure RBAC' : 'access policies'}`};
}

function resourceChoice(resource: ResourceSummary): Choice {
	return {value: resource.id, label: resource.name, detail: `${resource.resourceGroup} · ${resource.location}`};
}

/** Same-region resources first: Azure ML wants the linked resources in the workspace's region. */
function sameRegionFirst<T extends {location: string}>(list: readonly T[], region: string): T[] {
	return [...list].sort((a, b) => Number(normalizeRegion(b.location) === region) - Number(normalizeRegion(a.location) === region));
}

const cmkCaveat =
	'With a customer-managed key, the CMK identity (the primary one or another) must be able to use the key in its vault; documents 004 and 001 only say how to pass it (user-assigned-identity-for-cmk-encryption). Encryption settings can be set only when the workspace is created.';

export const workspaceWithUserAssignedIdentityScenario: Scenario<WorkspaceWithUaiFacts> = {
	id: 'workspace-with-user-assigned-identity',
	title: 'Create a workspace with a user-assigned identity',
	description:
		'A new workspace whose primary identity is a user-assigned one (plus any others): the identity gets Contributor and the data roles on the storage account, key vault, registry and Application Insights you bring, then the workspace is created, then Contributor on it.',
	source: {document: '004', section: 'User-assigned managed identity'},
	answerKeys: ['resourceGroup', 'workspaceName', 'location', 'storageAccount', 'keyVault', 'registry', 'applicationInsights', 'primaryIdentity', 'primaryIdentityName', 'moreIdentities#', 'extra#Identity', 'extra#IdentityName', 'cmk', 'cmkIdentity', 'cmkIdentityName', 'cmkKey'],
	caveat:
		'Azure makes no role assignments for a user-assigned workspace identity: the wizard grants them before it creates the workspace, as documents 004 and 001 require.',

	async prepare({gateway, workspace}) {
		const subscriptionId = workspace.subscriptionId;
		const [storageAccounts, keyVaults, registries, subscriptions, applicationInsights, identities] = await Promise.all([
			gateway.listStorageAccounts(subscriptionId),
			gateway.listKeyVaults(subscriptionId),
			gateway.listRegistries(subscriptionId),
			gateway.listSubscriptions(),
			gateway.listResourcesOfType(subscriptionId, 'microsoft.insights/components'),
			gateway.listIdentities(subscriptionId),
		]);
		const missing = [
			storageAccounts.length === 0 ? 'storage account' : undefined,
			keyVaults.length === 0 ? 'key vault' : undefined,
			registries.length === 0 ? 'container registry' : undefined,
			applicationInsights.length === 0 ? 'Application Insights component' : undefined,
		].filter((what): what is string => what !== undefined);
		if (missing.length > 0) {
			return {
				kind: 'blocked',
				reason: `A workspace with a user-assigned identity needs existing resources to link, and the subscription of ${workspace.name} has no ${missing.join(', no ')} you can see.`,
				nextSteps: [`Create the missing resources first (${missing.join(', ')}), in the region of the new workspace, then start this scenario again.`],
			};
		}
		const groups = new Map<string, string>();
		for (const account of storageAccounts) if (!groups.has(account.resourceGroup.toLowerCase())) groups.set(account.resourceGroup.toLowerCase(), account.resourceGroup);
		const resourceGroups = [...groups.values()].sort((a, b) => a.localeCompare(b));
		const current = resourceGroups.find((group) => group.toLowerCase() === workspace.resourceGroup.toLowerCase());
		const facts: WorkspaceWithUaiFacts = {
			subscriptionId,
			resourceGroups: current ? [current, ...resourceGroups.filter((group) => group !== current)] : resourceGroups,
			storageAccounts,
			keyVaults,
			registries,
			subscriptions,
			applicationInsights,
			identities,
		};
		const rbacVaults = keyVaults.filter((vault) => vault.rbacAuthorization).length;
		return {
			kind: 'ready',
			facts,
			findings: [
				`Subscription ${subscriptions.find((s) => s.subscriptionId === subscriptionId)?.name ?? subscriptionId}: ${storageAccounts.length} storage account(s), ${keyVaults.length} key vault(s) (${rbacVaults} on Azure RBAC, ${keyVaults.length - rbacVaults} on access policies), ${registries.length} registr${registries.length === 1 ? 'y' : 'ies'}, ${applicationInsights.length} Application Insights component(s), ${identities.length} user-assigned identit${identities.length === 1 ? 'y' : 'ies'}.`,
				`New resources default to ${workspace.resourceGroup} and ${workspace.location}, where ${workspace.name} is.`,
			],
			questions: (answers) => {
				const questions: Question[] = [
					{
						kind: 'select',
						id: 'resourceGroup',
						prompt: 'Resource group of the new workspace:',
						choices: facts.resourceGroups.map((group) => ({
							value: group,
							label: group,
							detail: group === current ? `where ${workspace.name} is` : `${storageAccounts.filter((account) => account.resourceGroup === group).length} storage account(s)`,
						})),
					},
				];
				const resourceGroup = answers['resourceGroup'];
				if (typeof resourceGroup !== 'string') return questions;
				questions.push(
					{
						kind: 'text',
						id: 'workspaceName',
						prompt: `Name of the new workspace (in ${resourceGroup}):`,
						validate: workspaceNameProblem,
						async check(name) {
							let existing;
							try {
								existing = await gateway.getWorkspace(workspaceIdOf(subscriptionId, resourceGroup, name));
							} catch (error) {
								if (isNotFound(toAzureFailure(error))) return undefined;
								throw error;
							}
							// Running the scenario again (after a stop, or to check it) names the workspace it made.
							if (existing.identity.type === 'UserAssigned') return undefined;
							return `A workspace named "${name}" already exists in ${resourceGroup} with a ${existing.identity.type} identity: choose another name (this scenario creates a workspace with user-assigned identities).`;
						},
					},
					{kind: 'text', id: 'location', prompt: 'Region of the new workspace:', defaultValue: workspace.location, validate: regionProblem},
				);
				const location = typeof answers['location'] === 'string' ? normalizeRegion(answers['location']) : workspace.location;
				questions.push(
					{
						kind: 'select',
						id: 'storageAccount',
						prompt: 'Storage account the workspace uses (its identity gets Contributor and Storage Blob Data Contributor on it):',
						choices: sameRegionFirst(storageAccounts, location).map(storageChoice),
					},
					{
						kind: 'select',
						id: 'keyVault',
						prompt: 'Key vault the workspace uses (RBAC vault: Contributor + Key Vault Administrator; access policies: Contributor + every permission but purge):',
						choices: sameRegionFirst(keyVaults, location).map(keyVaultChoice),
					},
					{
						kind: 'select',
						id: 'registry',
						prompt: 'Container registry the workspace uses (its identity gets Contributor on it):',
						choices: sameRegionFirst(registries, location).map((registry) => registryChoice(registry, subscriptions)),
					},
					{
						kind: 'select',
						id: 'applicationInsights',
						prompt: 'Application Insights the workspace uses (its identity gets Contributor on it):',
						choices: sameRegionFirst(applicationInsights, location).map(resourceChoice),
					},
					...identityQuestions(facts, answers, 'primary', 'Primary user-assigned identity of the workspace (it accesses storage, key vault and registry):', []),
				);
				const taken: string[] = [];
				const primary = answeredIdentity(facts, answers, 'primary');
				if (!primary) return questions;
				taken.push(primary.id);
				for (let index = 1; index <= maxExtraIdentities; index++) {
					questions.push({
						kind: 'confirm',
						id: `moreIdentities${index}`,
						prompt: index === 1 ? 'Add more user-assigned identities to the workspace?' : 'Add another user-assigned identity?',
						yesLabel: 'Yes, add one (workspace_creation_with_multiple_UAIs)',
						noLabel: index === 1 ? 'No, only the primary one' : 'No, that is all',
						requiredYes: false,
					});
					if (answers[`moreIdentities${index}`] !== true) break;
					questions.push(...identityQuestions(facts, answers, `extra${index}`, `User-assigned identity ${index + 1} of the workspace:`, taken));
					const extra = answeredIdentity(facts, answers, `extra${index}`);
					if (!extra) return questions;
					taken.push(extra.id);
				}
				questions.push({
					kind: 'confirm',
					id: 'cmk',
					prompt: 'Encrypt the workspace with a customer-managed key?',
					warning: 'Encryption can be set only now, when the workspace is created.',
					yesLabel: 'Yes, with a key in one of my vaults',
					noLabel: 'No, Microsoft-managed keys',
					requiredYes: false,
				});
				if (answers['cmk'] !== true) return questions;
				const cmkQuestions = identityQuestions(facts, answers, 'cmk', 'Identity that reads the customer-managed key (user-assigned-identity-for-cmk-encryption):', taken);
				const [select, ...rest] = cmkQuestions;
				if (select?.kind === 'select') {
					questions.push({
						...select,
						choices: [{value: samePrimary, label: `The primary identity, ${nameOf(primary.id)}`}, ...select.choices],
					});
				}
				questions.push(...rest, {
					kind: 'text',
					id: 'cmkKey',
					prompt: 'Key identifier of the customer-managed key:',
					validate: keyIdentifierProblem,
					async check(url) {
						const vaultName = parseKeyIdentifier(url)?.vaultName ?? '';
						return keyVaults.some((vault) => vault.name.toLowerCase() === vaultName.toLowerCase())
							? undefined
							: `"${url}" names key vault ${vaultName}, which is not among the key vaults of this subscription you can see.`;
					},
				});
				return questions;
			},
		};
	},

	buildPlan({gateway, outputDirectory, replicationTiming}, facts, answers): Plan {
		const choice = chosen(facts, answers);
		const {workspaceName, resourceGroup, location, workspaceId, storage, keyVault, registry, appInsights, primary} = choice;
		const primaryName = nameOf(primary.id);
		const roles = new RoleResolver(gateway);
		const principalId = identityPrincipal(gateway, primary.id);
		const principalVariable = identityPrincipalVariable(primary.id);
		const groupScope = `/subscriptions/${facts.subscriptionId}/resourceGroups/${resourceGroup}`;
		const steps: PlanStep[] = [];

		// What may run at the same time (Azure allows it): the identities are created side by side; the
		// primary one's role assignments (each a role at its own scope) and the vault's access policy
		// need only that identity to exist; the workspace needs all of them; its own role assignment
		// needs the workspace.
		const created = choice.identities.filter((identity) => identity.isNew).map((identity) => createIdentityStep(gateway, identity.id, location));
		for (const step of created) steps.push({...step, after: []});
		const primaryCreated = created.filter((step) => sameResourceId(step.target.id, primary.id)).map((step) => step.id);

		const grant = (id: string, roleName: string, scope: string, scopeLabel: string, note?: string): PlanStep => ({
			...roleAssignmentStep({
				id,
				gateway,
				roles,
				roleName,
				scope,
				scopeLabel,
				principalLabel: `identity ${primaryName}`,
				principalId,
				assignee: {variable: principalVariable},
				...(note ? {note} : {}),
				...(replicationTiming ? {timing: replicationTiming} : {}),
			}),
			after: primaryCreated,
		});

		steps.push(
			grant('storage-contributor', 'Contributor', storage.id, `storage account ${storage.name}`),
			grant('storage-blob-data-contributor', 'Storage Blob Data Contributor', storage.id, `storage account ${storage.name}`, 'Data plane: lets the studio preview data (optional in document 004).'),
			grant('key-vault-contributor', 'Contributor', keyVault.id, `key vault ${keyVault.name}`),
		);
		if (keyVault.rbacAuthorization) {
			steps.push(grant('key-vault-administrator', 'Key Vault Administrator', keyVault.id, `key vault ${keyVault.name}`, `${keyVault.name} uses the Azure RBAC permission model.`));
		} else {
			steps.push({...accessPolicyStep(gateway, keyVault, primaryName, principalId, principalVariable), after: primaryCreated});
		}
		steps.push(
			grant('registry-contributor', 'Contributor', registry.id, `registry ${registry.name}`),
			grant('application-insights-contributor', 'Contributor', appInsights.id, `Application Insights ${appInsights.name}`),
		);

		const yamlPath = join(outputDirectory, workspaceName, workspaceYamlFileName);
		steps.push({
			...writeFileStep({
				id: 'workspace-yaml',
				title: `Write ${workspaceName}/${workspaceYamlFileName}`,
				path: yamlPath,
				// Identity IDs as Azure spells them, read when the step runs (new ones exist only then),
				// so a second run finds the same file.
				content: async () => {
					const spelled = async (id: string) => (await gateway.findIdentity(id))?.id ?? id;
					const identities = await Promise.all(choice.identities.map(async (identity) => ({...identity, id: await spelled(identity.id)})));
					return workspaceYaml({
						...choice,
						identities,
						primary: {...choice.primary, id: await spelled(choice.primary.id)},
						...(choice.cmk ? {cmk: {...choice.cmk, identityId: await spelled(choice.cmk.identityId)}} : {}),
					});
				},
				note: 'The az ml workspace create file of document 004, for repeating the creation by hand.',
			}),
			// It reads the new identities' IDs as Azure spells them: after they exist.
			after: created.map((step) => step.id),
		});
		// Every role assignment must exist before the workspace uses the identity.
		steps.push({...createWorkspaceStep(gateway, choice), after: steps.map((step) => step.id)});

		const workspaceRole = grant('workspace-contributor', 'Contributor', workspaceId, `workspace ${workspaceName}`);
		// The workspace does not exist at preflight: the permission is asked at its resource group.
		steps.push({...workspaceRole, requires: [{scope: groupScope, action: 'Microsoft.Authorization/roleAssignments/write'}], after: ['create-workspace']});

		return {
			scenarioId: 'workspace-with-user-assigned-identity',
			title: `Create workspace ${workspaceName} with user-assigned identity ${primaryName}`,
			steps,
			...(choice.cmk ? {caveats: [cmkCaveat]} : {}),
		};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const choice = chosen(facts, answers);
		const primaryName = nameOf(choice.primary.id);
		const others = choice.identities.filter((identity) => identity !== choice.primary).map((identity) => nameOf(identity.id));
		const nextSteps =
			result.outcome === 'completed'
				? [
						`${choice.workspaceName} uses ${primaryName} for storage (${choice.storage.name}), key vault (${choice.keyVault.name}) and registry (${choice.registry.name}) access.`,
						...(others.length > 0
							? [
									`${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} attached too. To add or remove identities later, az ml workspace update -f workspace_update_with_multiple_UAIs.yml, listing every identity to keep (those left out are removed).`,
								]
							: []),
						...(choice.cmk
							? [
									`Data is encrypted with ${choice.cmk.keyIdentifier}, read by ${nameOf(choice.cmk.identityId)}: keep that identity able to use the key in ${choice.cmk.keyVault.name}.`,
								]
							: []),
						'Computes do not inherit the workspace identity: give clusters an identity of their own (the compute identity scenarios do it).',
					]
				: [
						`${choice.workspaceName} is not complete yet: run the scenario again with the same answers; steps already done are skipped.`,
						'The role assignments must all exist before the workspace is created: Azure does not make them for a user-assigned identity.',
					];
		return {changed, alreadyInPlace, nextSteps};
	},
};

// ---------------------------------------------------------------- custom steps

function hasAll(granted: readonly string[], wanted: readonly string[]): boolean {
	const lower = granted.map((permission) => permission.toLowerCase());
	return lower.includes('all') || wanted.every((permission) => lower.includes(permission.toLowerCase()));
}

function policyMissing(policies: readonly KeyVaultAccessPolicy[], principalId: string): string[] {
	const policy = policies.find((candidate) => candidate.objectId.toLowerCase() === principalId.toLowerCase());
	if (!policy) return ['keys', 'secrets', 'certificates', 'storage'];
	return (Object.keys(accessPolicyPermissions) as (keyof typeof accessPolicyPermissions)[]).filter((category) => !hasAll(policy[category], accessPolicyPermissions[category]));
}

/** Document 004: on a vault with the access-policy model, every permission but purge. */
function accessPolicyStep(gateway: AzureGateway, vault: KeyVaultSummary, identityName: string, principalId: () => Promise<string>, principalVariable: ShellVariable): PlanStep {
	const list = (permissions: readonly string[]) => permissions.join(' ');
	const read = async () => {
		const current = await gateway.findKeyVault(vault.id);
		if (!current) throw Object.assign(new Error(`Key vault ${vault.name} no longer exists.`), {code: 'ResourceNotFound'});
		return current;
	};
	return {
		id: 'key-vault-access-policy',
		title: `Give identity ${identityName} an access policy on key vault ${vault.name} (every permission but purge)`,
		target: {kind: 'Key vault access policy', name: `${identityName} on ${vault.name}`, id: vault.id},
		azCommand:
			`az keyvault set-policy --name ${vault.name} --resource-group ${vault.resourceGroup} --object-id "$${principalVariable.name}"` +
			` --key-permissions ${list(accessPolicyPermissions.keys)} --secret-permissions ${list(accessPolicyPermissions.secrets)}` +
			` --certificate-permissions ${list(accessPolicyPermissions.certificates)} --storage-permissions ${list(accessPolicyPermissions.storage)}`,
		shellVariables: [principalVariable],
		note: `${vault.name} uses the access-policy permission model: Azure RBAC data roles do not apply to it.`,
		requires: [{scope: vault.id, action: 'Microsoft.KeyVault/vaults/accessPolicies/write'}],
		async reversal() {
			const [current, principal] = await Promise.all([read(), principalId()]);
			const label = `${identityName}'s access policy on key vault ${vault.name}`;
			// Removing the entry would also take away what the identity had before the session.
			return current.accessPolicies.some((policy) => policy.objectId.toLowerCase() === principal.toLowerCase())
				? {kind: 'irreversible', label, reason: 'the identity had some permissions on the vault before, and undo cannot tell them apart'}
				: {kind: 'remove-access-policy', vaultId: vault.id, objectId: principal, label};
		},
		async check() {
			const [current, principal] = await Promise.all([read(), principalId()]);
			const missing = policyMissing(current.accessPolicies, principal);
			return missing.length === 0
				? {satisfied: true, detail: `${identityName} already has every permission but purge on ${vault.name}`}
				: {satisfied: false, detail: `${identityName} lacks ${missing.join(', ')} permissions on ${vault.name}`};
		},
		async apply() {
			await gateway.addKeyVaultAccessPolicy(vault.id, {objectId: await principalId(), ...accessPolicyPermissions});
		},
		async verify() {
			const missing = policyMissing((await read()).accessPolicies, await principalId());
			return missing.length === 0
				? {ok: true, detail: `${identityName} has every permission but purge on ${vault.name}`}
				: {ok: false, detail: `${vault.name} does not show ${identityName}'s ${missing.join(', ')} permissions yet`};
		},
	};
}

/** The workspace's primary identity as Azure reports it (WorkspaceSummary does not carry it: a generic read). */
async function primaryIdentityOf(gateway: AzureGateway, workspaceId: string): Promise<string | undefined> {
	const raw = await gateway.findResource(workspaceId, machineLearningApiVersion);
	const properties = raw?.['properties'] as {primaryUserAssignedIdentity?: unknown} | undefined;
	return typeof properties?.primaryUserAssignedIdentity === 'string' ? properties.primaryUserAssignedIdentity : undefined;
}

function createWorkspaceStep(gateway: AzureGateway, choice: Chosen): PlanStep {
	const {workspaceName, resourceGroup, workspaceId, primary} = choice;
	const primaryName = nameOf(primary.id);
	const groupScope = resourceGroupScope(workspaceId);
	const requires: RequiredPermission[] = [
		{scope: groupScope, action: 'Microsoft.MachineLearningServices/workspaces/write'},
		// Linking an identity: assign/action on it (on its group while it does not exist yet).
		...choice.identities.map((identity) => ({
			scope: identity.isNew ? resourceGroupScope(identity.id) : identity.id,
			action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
		})),
	];
	const cmkArgument = choice.cmk ? ` --user-assigned-identity-for-cmk-encryption ${choice.cmk.identityId}` : '';

	async function current() {
		try {
			return await gateway.getWorkspace(workspaceId);
		} catch (error) {
			if (isNotFound(toAzureFailure(error))) return undefined;
			throw error;
		}
	}

	/** What differs between the workspace Azure has and the one wanted; empty when it is the same. */
	async function differences(): Promise<string[] | undefined> {
		const found = await current();
		if (!found) return undefined;
		const problems: string[] = [];
		if (!found.identity.type.includes('UserAssigned')) problems.push(`its identity is ${found.identity.type}`);
		const missing = choice.identities.filter((identity) => !found.identity.userAssigned.some((uai) => sameResourceId(uai.id, identity.id)));
		if (missing.length > 0) problems.push(`it lacks ${missing.map((identity) => nameOf(identity.id)).join(', ')}`);
		const primaryNow = await primaryIdentityOf(gateway, workspaceId);
		if (!sameResourceId(primaryNow, primary.id)) problems.push(`its primary identity is ${primaryNow ? nameOf(primaryNow) : 'none'}`);
		if (!sameResourceId(found.storageAccountId, choice.storage.id)) problems.push(`it uses storage account ${nameOf(found.storageAccountId ?? 'none')}`);
		if (!sameResourceId(found.keyVaultId, choice.keyVault.id)) problems.push(`it uses key vault ${nameOf(found.keyVaultId ?? 'none')}`);
		return problems;
	}

	return {
		id: 'create-workspace',
		title: `Create workspace ${workspaceName} with user-assigned identity ${primaryName}${choice.identities.length > 1 ? ` (+${choice.identities.length - 1} more)` : ''}`,
		target: {kind: 'Workspace', name: workspaceName, id: workspaceId},
		azCommand: `az ml workspace create --file ${workspaceYamlFileName} --subscription ${parseSubscription(workspaceId)} --resource-group ${resourceGroup} --name ${workspaceName}${cmkArgument}`,
		documents: [{fileName: workspaceYamlFileName, content: workspaceYaml(choice)}],
		note: 'Created only now: the identity needs its roles on the linked resources before the workspace uses them.',
		requires,
		async reversal() {
			return {kind: 'delete', resourceType: 'workspace', id: workspaceId, label: `workspace ${workspaceName}`};
		},
		async check() {
			if (failedInAzure(await current())) return {satisfied: false, detail: `workspace ${workspaceName}'s creation failed in Azure: creating it again`};
			const problems = await differences();
			if (!problems) return {satisfied: false, detail: 'not created yet'};
			if (problems.length > 0) {
				throw Object.assign(new Error(`Workspace ${workspaceName} already exists but ${problems.join('; ')}: choose another name.`), {code: 'Conflict'});
			}
			return {satisfied: true, detail: `workspace ${workspaceName} already exists with primary identity ${primaryName}`};
		},
		async apply(report) {
			await gateway.createWorkspace(
				workspaceId,
				{
					location: choice.location,
					identity: {type: 'UserAssigned', userAssignedIds: choice.identities.map((identity) => identity.id)},
					primaryUserAssignedIdentity: primary.id,
					storageAccount: choice.storage.id,
					keyVault: choice.keyVault.id,
					containerRegistry: choice.registry.id,
					applicationInsights: choice.appInsights.id,
					...(choice.cmk ? {encryption: {identityId: choice.cmk.identityId, keyVaultId: choice.cmk.keyVault.id, keyIdentifier: choice.cmk.keyIdentifier}} : {}),
				},
				({status}) => report({operationStatus: status}),
			);
		},
		async verify() {
			const problems = await differences();
			if (!problems) return {ok: false, detail: `workspace ${workspaceName} is not visible yet`};
			return problems.length === 0
				? {ok: true, detail: `workspace ${workspaceName} exists with primary identity ${primaryName}`}
				: {ok: false, detail: `workspace ${workspaceName} exists but ${problems.join('; ')}`};
		},
	};
}

function resourceGroupScope(resourceId: string): string {
	const match = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(resourceId);
	return match?.[1] ?? resourceId;
}

function parseSubscription(resourceId: string): string {
	return /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? '';
}

/** workspace_creation_with_multiple_UAIs.yml as document 004 shows it (az ml v2 workspace YAML). */
function workspaceYaml(choice: Chosen): string {
	const body: Record<string, unknown> = {
		$schema: 'https://azuremlschemas.azureedge.net/latest/workspace.schema.json',
		name: choice.workspaceName,
		location: choice.location,
		identity: {
			type: 'user_assigned',
			user_assigned_identities: Object.fromEntries(choice.identities.map((identity) => [identity.id, {}])),
		},
		storage_account: choice.storage.id,
		key_vault: choice.keyVault.id,
		container_registry: choice.registry.id,
		application_insights: choice.appInsights.id,
		primary_user_assigned_identity: choice.primary.id,
		...(choice.cmk ? {customer_managed_key: {key_vault: choice.cmk.keyVault.id, key_uri: choice.cmk.keyIdentifier}} : {}),
	};
	const header = choice.cmk
		? `# Pass the CMK identity on the command line: --user-assigned-identity-for-cmk-encryption ${choice.cmk.identityId}\n`
		: '';
	return header + YAML.stringify(body);
}
