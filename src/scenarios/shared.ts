import type {
	AzureGateway,
	ComputeSummary,
	IdentitySummary,
	RegistrySummary,
	SubscriptionSummary,
	WorkspaceSummary,
} from '../azure/gateway.js';
import {parseResourceId} from '../azure/resource-id.js';
import type {PlanStep, RequiredPermission, ShellVariable} from '../plan/plan.js';
import {computePrincipalVariable} from '../steps/shell.js';
import type {Answers, Choice, Question} from './scenario.js';
import {identityNameProblem} from './names.js';

/** A choice that means "create a new one" in a select question. */
export const createNew = '__new__';

export function describeIdentity(identity: ComputeSummary['identity']): string {
	if (identity.type === 'None') return 'no identity';
	if (identity.type === 'SystemAssigned') return 'system-assigned identity';
	const names = identity.userAssigned.map((uai) => uai.id.split('/').pop()).join(', ');
	return `user-assigned: ${names}`;
}

export function computeChoice(compute: ComputeSummary): Choice {
	const size = compute.vmSize ? ` · ${compute.vmSize} · ${compute.minNodes ?? 0}–${compute.maxNodes ?? '?'} nodes` : '';
	return {value: compute.id, label: compute.name, detail: `${describeIdentity(compute.identity)}${size}`};
}

export function identityChoices(identities: readonly IdentitySummary[]): Choice[] {
	return [
		...identities.map((identity) => ({value: identity.id, label: identity.name, detail: `${identity.resourceGroup} · ${identity.location}`})),
		{value: createNew, label: 'Create a new user-assigned identity'},
	];
}

/** Every registry the user can see, in every subscription, read in parallel. */
export async function listVisibleRegistries(
	gateway: AzureGateway,
): Promise<{registries: RegistrySummary[]; subscriptions: SubscriptionSummary[]}> {
	const subscriptions = (await gateway.listSubscriptions()).filter((subscription) => subscription.state === 'Enabled');
	const lists = await Promise.all(subscriptions.map((subscription) => gateway.listRegistries(subscription.subscriptionId)));
	return {registries: lists.flat(), subscriptions};
}

export function registryChoice(registry: RegistrySummary, subscriptions: readonly SubscriptionSummary[]): Choice {
	const subscription = subscriptions.find((candidate) => candidate.subscriptionId === registry.subscriptionId)?.name ?? registry.subscriptionId;
	return {
		value: registry.id,
		label: registry.name,
		detail: `${subscription} · ${registry.resourceGroup} · ${registry.sku} · admin user ${registry.adminUserEnabled ? 'on' : 'off'}`,
	};
}

/** The ID a new identity will have: in the workspace's resource group, named by the user. */
export function newIdentityId(workspace: WorkspaceSummary, name: string): string {
	return `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

/**
 * "Which user-assigned identity?", with "create a new one" and then its name. Answers land in
 * `${prefix}Identity` (an ID or createNew) and `${prefix}IdentityName`.
 */
export function userAssignedIdentityQuestions(
	prefix: string,
	identities: readonly IdentitySummary[],
	answers: Answers,
	prompt: string,
): Question[] {
	const questions: Question[] = [{kind: 'select', id: `${prefix}Identity`, prompt, choices: identityChoices(identities)}];
	if (answers[`${prefix}Identity`] === createNew) {
		questions.push({
			kind: 'text',
			id: `${prefix}IdentityName`,
			prompt: 'Name of the new user-assigned identity (created in the workspace resource group):',
			validate: (name) =>
				identityNameProblem(name) ??
				(identities.some((identity) => identity.name.toLowerCase() === name.toLowerCase())
					? `An identity named "${name}" already exists: pick it from the list instead (Esc), or choose another name.`
					: undefined),
		});
	}
	return questions;
}

/** The identity ID the answers name (an existing one, or the one the plan creates). */
export function chosenIdentityId(prefix: string, workspace: WorkspaceSummary, answers: Answers): string | undefined {
	const chosen = answers[`${prefix}Identity`];
	if (chosen === createNew) return newIdentityId(workspace, String(answers[`${prefix}IdentityName`]));
	return typeof chosen === 'string' ? chosen : undefined;
}

export function createIdentityStep(gateway: AzureGateway, identityId: string, location: string): PlanStep {
	const {name, resourceGroup} = parseResourceId(identityId);
	return {
		id: `create-identity-${name}`,
		title: `Create user-assigned identity ${name}`,
		target: {kind: 'User-assigned identity', name, id: identityId},
		azCommand: `az identity create --name ${name} --resource-group ${resourceGroup} --location ${location}`,
		requires: [{scope: resourceGroupOf(identityId), action: 'Microsoft.ManagedIdentity/userAssignedIdentities/write'}],
		async reversal() {
			return {kind: 'delete', resourceType: 'identity', id: identityId, label: `user-assigned identity ${name}`};
		},
		async check() {
			const existing = await gateway.findIdentity(identityId);
			return existing ? {satisfied: true, detail: `identity ${name} already exists`} : {satisfied: false, detail: 'not created yet'};
		},
		async apply() {
			await gateway.createIdentity(identityId, location);
		},
		async verify() {
			const created = await gateway.findIdentity(identityId);
			return created?.principalId
				? {ok: true, detail: `identity ${name} exists (principal ${created.principalId})`}
				: {ok: false, detail: `identity ${name} is not visible yet`};
		},
	};
}

/**
 * A read made once, when first needed, and kept once it succeeds: a step asks for its principal in
 * its check, apply, verify and reversal, and Azure need be asked only the first time. A failure is
 * not kept (the identity may not exist yet), so the next call asks again.
 */
export function readOnce<T>(read: () => Promise<T>): () => Promise<T> {
	let kept: Promise<T> | undefined;
	return () => {
		kept ??= read().catch((error: unknown) => {
			kept = undefined;
			throw error;
		});
		return kept;
	};
}

/** The principal an identity ID stands for, read when a step first needs it (it may have just been created). */
export function identityPrincipal(gateway: AzureGateway, identityId: string): () => Promise<string> {
	return readOnce(async () => {
		const identity = await gateway.findIdentity(identityId);
		if (!identity?.principalId) throw Object.assign(new Error(`Identity ${identityId} does not exist.`), {code: 'ResourceNotFound'});
		return identity.principalId;
	});
}

/**
 * The principal a compute pulls images with: its system-assigned identity, else its first
 * user-assigned one. Read when the step first needs it: after earlier steps changed the identity.
 */
export function computePrincipal(gateway: AzureGateway, computeId: string): () => Promise<string> {
	return readOnce(async () => {
		const compute = await gateway.findCompute(computeId);
		if (!compute) throw Object.assign(new Error(`Compute ${computeId} does not exist.`), {code: 'ResourceNotFound'});
		const principalId = compute.identity.principalId ?? compute.identity.userAssigned[0]?.principalId;
		if (!principalId) {
			throw Object.assign(new Error(`Compute ${compute.name} has no managed identity.`), {code: 'ComputeHasNoIdentity'});
		}
		return principalId;
	});
}

/**
 * The shell variable for the principal computePrincipal reads when the step runs, given the identity
 * the compute has now and the one the plan gives it (if any).
 */
export function computePrincipalShellVariable(
	compute: {readonly name: string; readonly workspaceId: string},
	current: ComputeSummary['identity'] | undefined,
	wanted: ComputeIdentityChoice | undefined,
): ShellVariable {
	const {resourceGroup, name: workspaceName} = parseResourceId(compute.workspaceId);
	const userAssignedId = wanted
		? wanted.type === 'UserAssigned'
			? wanted.identityId
			: undefined
		: current && !current.principalId
			? current.userAssigned[0]?.id
			: undefined;
	return computePrincipalVariable({name: compute.name, workspaceName, resourceGroup}, userAssignedId);
}

export type ComputeIdentityChoice = {readonly type: 'SystemAssigned'} | {readonly type: 'UserAssigned'; readonly identityId: string};

function sameIdentity(current: ComputeSummary['identity'], wanted: ComputeIdentityChoice): boolean {
	if (wanted.type === 'SystemAssigned') return current.type === 'SystemAssigned';
	return current.type === 'UserAssigned' && current.userAssigned.length === 1 && current.userAssigned[0]!.id.toLowerCase() === wanted.identityId.toLowerCase();
}

export function identityArguments(wanted: ComputeIdentityChoice): string {
	return wanted.type === 'SystemAssigned'
		? '--identity-type SystemAssigned'
		: `--identity-type UserAssigned --user-assigned-identities ${wanted.identityId}`;
}

/** Gives an existing compute the identity the user chose (API 2022-10-01: a full PUT of the compute). */
export function setComputeIdentityStep(gateway: AzureGateway, compute: ComputeSummary, wanted: ComputeIdentityChoice): PlanStep {
	const {resourceGroup} = parseResourceId(compute.workspaceId);
	const workspaceName = compute.workspaceId.split('/').pop();
	const label = wanted.type === 'SystemAssigned' ? 'a system-assigned identity' : `user-assigned identity ${wanted.identityId.split('/').pop()}`;
	return {
		id: `set-identity-${compute.name}`,
		title: `Give compute ${compute.name} ${label}`,
		target: {kind: 'Compute cluster', name: compute.name, id: compute.id},
		azCommand: `az ml compute update --name ${compute.name} --workspace-name ${workspaceName} --resource-group ${resourceGroup} ${identityArguments(wanted)}`,
		note: 'API 2022-10-01 cannot PATCH a compute identity: the step PUTs the whole compute again with the new identity.',
		requires: computeWriteRequirements(compute.id, wanted),
		async reversal() {
			// Read now, before the write: this is what undo gives back.
			const before = (await gateway.findCompute(compute.id))?.identity ?? compute.identity;
			return {
				kind: 'set-compute-identity',
				computeId: compute.id,
				identity:
					before.type === 'UserAssigned'
						? {type: 'UserAssigned', userAssignedIds: before.userAssigned.map((uai) => uai.id)}
						: {type: before.type === 'SystemAssigned' ? 'SystemAssigned' : 'None'},
				label: `compute ${compute.name} back to ${describeIdentity(before)}${before.type === 'SystemAssigned' ? ' (Azure issues a new principal: roles the old one held do not carry over)' : ''}`,
			};
		},
		async check() {
			const current = await gateway.findCompute(compute.id);
			if (!current) throw Object.assign(new Error(`Compute ${compute.name} no longer exists.`), {code: 'ResourceNotFound'});
			if (failedInAzure(current)) return {satisfied: false, detail: `compute ${compute.name}'s last change failed in Azure: writing it again`};
			return sameIdentity(current.identity, wanted)
				? {satisfied: true, detail: `compute ${compute.name} already has ${label}`}
				: {satisfied: false, detail: `compute ${compute.name} has ${describeIdentity(current.identity)}`};
		},
		async apply(report) {
			await gateway.setComputeIdentity(
				compute.id,
				wanted.type === 'SystemAssigned' ? {type: 'SystemAssigned'} : {type: 'UserAssigned', userAssignedIds: [wanted.identityId]},
				({status}) => report({operationStatus: status}),
			);
		},
		async verify() {
			const current = await gateway.findCompute(compute.id);
			return current && sameIdentity(current.identity, wanted) && !failedInAzure(current)
				? {ok: true, detail: `compute ${compute.name} has ${label}`}
				: {ok: false, detail: `compute ${compute.name} does not show ${label} yet`};
		},
	};
}

/** Turns a registry's admin user off (document 004: the auto-created registry has it on). */
export function disableAdminUserStep(gateway: AzureGateway, registry: RegistrySummary): PlanStep {
	return {
		id: `disable-admin-user-${registry.name}`,
		title: `Disable the admin user on registry ${registry.name}`,
		target: {kind: 'Container registry', name: registry.name, id: registry.id},
		azCommand: `az acr update --name ${registry.name} --resource-group ${registry.resourceGroup} --admin-enabled false`,
		note: 'Azure Machine Learning then uses managed identities to build and pull images.',
		requires: [{scope: registry.id, action: 'Microsoft.ContainerRegistry/registries/write'}],
		async reversal() {
			return {kind: 'set-admin-user', registryId: registry.id, enabled: true, label: `the admin user on registry ${registry.name}, enabled again`};
		},
		async check() {
			const current = await gateway.findRegistry(registry.id);
			if (!current) throw Object.assign(new Error(`Registry ${registry.name} no longer exists.`), {code: 'ResourceNotFound'});
			return current.adminUserEnabled || failedInAzure(current)
				? {satisfied: false, detail: current.adminUserEnabled ? 'admin user is enabled' : `registry ${registry.name}'s last change failed in Azure: writing it again`}
				: {satisfied: true, detail: `admin user on ${registry.name} is already disabled`};
		},
		async apply(report) {
			await gateway.setRegistryAdminUser(registry.id, false, ({status}) => report({operationStatus: status}));
		},
		async verify() {
			const current = await gateway.findRegistry(registry.id);
			return current && !current.adminUserEnabled
				? {ok: true, detail: `admin user on ${registry.name} is disabled`}
				: {ok: false, detail: `registry ${registry.name} still reports the admin user enabled`};
		},
	};
}

/**
 * A resource whose last change failed in Azure (an operation that ended Failed) may show the new
 * settings without Azure having applied them: a step's check does not count it as in place.
 */
export function failedInAzure(resource: {readonly provisioningState?: string} | undefined): boolean {
	return resource?.provisioningState === 'Failed';
}

/** The resource group a resource ID belongs to, as a scope. */
export function resourceGroupOf(resourceId: string): string {
	const {subscriptionId, resourceGroup} = parseResourceId(resourceId);
	return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** Writing a compute, and linking a user-assigned identity to it (assign/action on the identity). */
export function computeWriteRequirements(computeOrWorkspaceId: string, identity: ComputeIdentityChoice): RequiredPermission[] {
	return [
		{scope: computeOrWorkspaceId, action: 'Microsoft.MachineLearningServices/workspaces/computes/write'},
		...(identity.type === 'UserAssigned' ? [{scope: identity.identityId, action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'}] : []),
	];
}

export const aciWarning =
	'Deploying models to Azure Container Instances (ACI) needs the ACR admin user. Do not disable it if you plan to deploy to ACI.';
