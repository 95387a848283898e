import {readFile, rm, writeFile} from 'node:fs/promises';
import type {AzureGateway} from '../azure/gateway.js';
import {isNotFound, toAzureFailure} from '../azure/errors.js';
import {withFreshReads} from '../azure/fresh-reads.js';
import {parseResourceId, sameResourceId} from '../azure/resource-id.js';
import type {Plan, PlanStep, RequiredPermission, Reversal} from '../plan/plan.js';
import type {StepJournalEntry} from '../plan/runner.js';
import {describeIdentity} from '../scenarios/shared.js';

/** A change the session made that undo lists but does not attempt. */
export interface IrreversibleChange {
	readonly label: string;
	readonly reason: string;
}

export interface UndoPlan {
	/** The reversals, newest change first; empty when the session changed nothing undo can take back. */
	readonly plan: Plan;
	readonly irreversible: readonly IrreversibleChange[];
	/** Resources the session created that stay, because an irreversible change still uses them. */
	readonly kept: readonly string[];
}

type Reversible = Exclude<Reversal, {kind: 'irreversible'}>;

/**
 * The undo of a session, from its journal: every step that wrote (its reversal was saved before the
 * write) is reversed, newest first, so role assignments go before the identities they name. Steps
 * the check found already in place have no reversal: undo never touches what was there before.
 */
export function buildUndoPlan(gateway: AzureGateway, journal: Readonly<Record<string, StepJournalEntry>>, title: string): UndoPlan {
	// Newest first: a step finished before any step that waited for it started, so what depends on a
	// change is taken back before it, also when steps ran at the same time. Undo runs one step after
	// another (its plan declares no dependencies): two deletes may touch one resource.
	const written = Object.entries(journal)
		.filter(([, entry]) => entry.reversal !== undefined && entry.state !== 'skipped')
		.sort(([, a], [, b]) => b.at.localeCompare(a.at));

	const irreversible: IrreversibleChange[] = [];
	const keep: string[] = [];
	for (const [, entry] of written) {
		if (entry.reversal?.kind !== 'irreversible') continue;
		irreversible.push({label: entry.reversal.label, reason: entry.reversal.reason});
		keep.push(...(entry.reversal.keeps ?? []));
	}

	const kept: string[] = [];
	const steps: PlanStep[] = [];
	for (const [stepId, entry] of written) {
		const reversal = entry.reversal!;
		if (reversal.kind === 'irreversible') continue;
		if (reversal.kind === 'delete' && keep.some((id) => sameResourceId(id, reversal.id))) {
			kept.push(`${reversal.label}: still used by a change that cannot be undone`);
			continue;
		}
		steps.push(checkingAfresh(undoStep(gateway, stepId, reversal)));
	}
	return {plan: {scenarioId: 'undo', title, steps}, irreversible, kept};
}

/** Undo looks at Azure as it is now, not as the run (or anything else moments ago) last read it. */
function checkingAfresh(step: PlanStep): PlanStep {
	return {...step, check: (report) => withFreshReads(() => step.check(report))};
}

function undoStep(gateway: AzureGateway, stepId: string, reversal: Reversible): PlanStep {
	const base = {id: `undo-${stepId}`};
	switch (reversal.kind) {
		case 'delete':
			return {...base, ...deleteStep(gateway, reversal)};
		case 'set-admin-user': {
			const {resourceGroup, name} = parseResourceId(reversal.registryId);
			const wanted = reversal.enabled;
			const read = async () => (await gateway.findRegistry(reversal.registryId))?.adminUserEnabled;
			return {
				...base,
				title: `${wanted ? 'Enable' : 'Disable'} the admin user on registry ${name} again`,
				target: {kind: 'Container registry', name, id: reversal.registryId},
				azCommand: `az acr update --name ${name} --resource-group ${resourceGroup} --admin-enabled ${wanted}`,
				requires: [{scope: reversal.registryId, action: 'Microsoft.ContainerRegistry/registries/write'}],
				async check() {
					const enabled = await read();
					if (enabled === undefined) return {satisfied: true, detail: `registry ${name} no longer exists`};
					return enabled === wanted
						? {satisfied: true, detail: `the admin user on ${name} is already ${wanted ? 'enabled' : 'disabled'}`}
						: {satisfied: false, detail: `the admin user on ${name} is ${enabled ? 'enabled' : 'disabled'}`};
				},
				async apply(report) {
					await gateway.setRegistryAdminUser(reversal.registryId, wanted, ({status}) => report({operationStatus: status}));
				},
				async verify() {
					return (await read()) === wanted
						? {ok: true, detail: `the admin user on ${name} is ${wanted ? 'enabled' : 'disabled'}`}
						: {ok: false, detail: `registry ${name} does not show the admin user ${wanted ? 'enabled' : 'disabled'} yet`};
				},
			};
		}
		case 'set-compute-identity': {
			const name = reversal.computeId.split('/').pop() ?? reversal.computeId;
			const wanted = reversal.identity;
			const matches = (identity: {type: string; userAssigned: readonly {id: string}[]}) =>
				identity.type === wanted.type &&
				(wanted.type !== 'UserAssigned' ||
					(identity.userAssigned.length === wanted.userAssignedIds.length &&
						wanted.userAssignedIds.every((id) => identity.userAssigned.some((uai) => sameResourceId(uai.id, id)))));
			const workspaceName = reversal.computeId.split('/')[8];
			const {resourceGroup} = parseResourceId(reversal.computeId.split('/computes/')[0]!);
			const identityArguments =
				wanted.type === 'UserAssigned'
					? `--identity-type UserAssigned --user-assigned-identities ${wanted.userAssignedIds.join(' ')}`
					: `--identity-type ${wanted.type}`;
			return {
				...base,
				title: `Give compute ${name} its earlier identity back`,
				target: {kind: 'Compute cluster', name, id: reversal.computeId},
				azCommand: `az ml compute update --name ${name} --workspace-name ${workspaceName} --resource-group ${resourceGroup} ${identityArguments}`,
				note: reversal.label,
				requires: [
					{scope: reversal.computeId, action: 'Microsoft.MachineLearningServices/workspaces/computes/write'},
					...(wanted.type === 'UserAssigned'
						? wanted.userAssignedIds.map((id) => ({scope: id, action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'}))
						: []),
				],
				async check() {
					const current = await gateway.findCompute(reversal.computeId);
					if (!current) return {satisfied: true, detail: `compute ${name} no longer exists`};
					return matches(current.identity)
						? {satisfied: true, detail: `compute ${name} already has ${describeIdentity(current.identity)}`}
						: {satisfied: false, detail: `compute ${name} has ${describeIdentity(current.identity)}`};
				},
				async apply(report) {
					const current = await gateway.findCompute(reversal.computeId);
					// The system-assigned identity the session gave it goes away: so must what it was granted.
					if (current?.identity.type === 'SystemAssigned' && wanted.type !== 'SystemAssigned') {
						await removeRoleAssignmentsOf(gateway, parseResourceId(reversal.computeId.split('/computes/')[0]!).subscriptionId, current.identity.principalId, report);
					}
					await gateway.setComputeIdentity(
						reversal.computeId,
						wanted.type === 'UserAssigned' ? {type: 'UserAssigned', userAssignedIds: [...wanted.userAssignedIds]} : {type: wanted.type},
						({status}) => report({operationStatus: status}),
					);
				},
				async verify() {
					const current = await gateway.findCompute(reversal.computeId);
					return current && matches(current.identity)
						? {ok: true, detail: `compute ${name} has ${describeIdentity(current.identity)}`}
						: {ok: false, detail: `compute ${name} does not show its earlier identity yet`};
				},
			};
		}
		case 'attach-registry': {
			const workspace = parseResourceId(reversal.workspaceId);
			const registryName = reversal.registryId.split('/').pop();
			const read = async () => (await gateway.getWorkspace(reversal.workspaceId)).containerRegistryId;
			return {
				...base,
				title: `Point workspace ${workspace.name} back at registry ${registryName}`,
				target: {kind: 'Workspace', name: workspace.name, id: reversal.workspaceId},
				azCommand: `az ml workspace update --update-dependent-resources --name ${workspace.name} --resource-group ${workspace.resourceGroup} --container-registry ${reversal.registryId}`,
				requires: [{scope: reversal.workspaceId, action: 'Microsoft.MachineLearningServices/workspaces/write'}],
				async check() {
					return sameResourceId(await read(), reversal.registryId)
						? {satisfied: true, detail: `${workspace.name} already uses ${registryName}`}
						: {satisfied: false, detail: `${workspace.name} uses another registry`};
				},
				async apply(report) {
					await gateway.attachRegistry(reversal.workspaceId, reversal.registryId, ({status}) => report({operationStatus: status}));
				},
				async verify() {
					return sameResourceId(await read(), reversal.registryId)
						? {ok: true, detail: `${workspace.name} uses ${registryName}`}
						: {ok: false, detail: `${workspace.name} does not show ${registryName} yet`};
				},
			};
		}
		case 'set-workspace-user-assigned': {
			const workspace = parseResourceId(reversal.workspaceId);
			const matches = async () => {
				const current = (await gateway.getWorkspace(reversal.workspaceId)).identity.userAssigned;
				return current.length === reversal.userAssignedIds.length && reversal.userAssignedIds.every((id) => current.some((uai) => sameResourceId(uai.id, id)));
			};
			return {
				...base,
				title: `Set ${workspace.name}'s user-assigned identities back`,
				target: {kind: 'Workspace', name: workspace.name, id: reversal.workspaceId},
				azCommand: `az ml workspace update --resource-group ${workspace.resourceGroup} --name ${workspace.name} --file workspace_identity.yml`,
				note: reversal.label,
				requires: [{scope: reversal.workspaceId, action: 'Microsoft.MachineLearningServices/workspaces/write'}],
				async check() {
					return (await matches()) ? {satisfied: true, detail: reversal.label} : {satisfied: false, detail: `${workspace.name} has other identities now`};
				},
				async apply(report) {
					await gateway.updateWorkspaceIdentity(
						reversal.workspaceId,
						{type: 'SystemAssigned,UserAssigned', userAssignedIds: [...reversal.userAssignedIds]},
						({status}) => report({operationStatus: status}),
					);
				},
				async verify() {
					return (await matches()) ? {ok: true, detail: reversal.label} : {ok: false, detail: `${workspace.name} does not show its earlier identities yet`};
				},
			};
		}
		case 'remove-access-policy': {
			const vault = parseResourceId(reversal.vaultId);
			const present = async () =>
				(await gateway.findKeyVault(reversal.vaultId))?.accessPolicies.some((policy) => policy.objectId.toLowerCase() === reversal.objectId.toLowerCase()) ?? false;
			return {
				...base,
				title: `Remove ${reversal.label}`,
				target: {kind: 'Key vault access policy', name: reversal.label, id: reversal.vaultId},
				azCommand: `az keyvault delete-policy --name ${vault.name} --resource-group ${vault.resourceGroup} --object-id ${reversal.objectId}`,
				requires: [{scope: reversal.vaultId, action: 'Microsoft.KeyVault/vaults/accessPolicies/write'}],
				async check() {
					return (await present()) ? {satisfied: false, detail: 'the access policy is there'} : {satisfied: true, detail: 'the access policy is already gone'};
				},
				async apply() {
					await gateway.removeKeyVaultAccessPolicy(reversal.vaultId, reversal.objectId);
				},
				async verify() {
					return (await present()) ? {ok: false, detail: 'the access policy is still there'} : {ok: true, detail: 'the access policy is gone'};
				},
			};
		}
		case 'restore-file': {
			const wanted = reversal.previousContent;
			const read = async () => {
				try {
					return await readFile(reversal.path, 'utf8');
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
					throw error;
				}
			};
			return {
				...base,
				title: wanted === undefined ? `Delete the generated file ${reversal.path}` : `Give ${reversal.path} its earlier content back`,
				target: {kind: 'File', name: reversal.path},
				azCommand: '',
				async check() {
					return (await read()) === wanted
						? {satisfied: true, detail: wanted === undefined ? `${reversal.path} is already gone` : `${reversal.path} already has its earlier content`}
						: {satisfied: false, detail: `${reversal.path} has the generated content`};
				},
				async apply() {
					if (wanted === undefined) await rm(reversal.path, {force: true});
					else await writeFile(reversal.path, wanted, 'utf8');
				},
				async verify() {
					return (await read()) === wanted
						? {ok: true, detail: wanted === undefined ? `deleted ${reversal.path}` : `restored ${reversal.path}`}
						: {ok: false, detail: `${reversal.path} was not restored`};
				},
			};
		}
	}
}

/**
 * Deletes every role assignment a principal the session created still holds (Azure grants some by
 * itself, e.g. AcrPull on the workspace registry to a new compute): left behind, they would show as
 * "Identity not found" assignments once the principal is gone.
 */
async function removeRoleAssignmentsOf(
	gateway: AzureGateway,
	subscriptionId: string,
	principalId: string | undefined,
	report: (update: {message?: string}) => void,
): Promise<void> {
	if (!principalId) return;
	const held = await gateway.listRoleAssignments(`/subscriptions/${subscriptionId}`, {principalId, below: true});
	const own = held.filter((assignment) => assignment.principalId.toLowerCase() === principalId.toLowerCase());
	if (own.length) report({message: `removing the ${own.length} role assignment${own.length === 1 ? '' : 's'} it holds`});
	for (const assignment of own) await gateway.deleteRoleAssignment(assignment.id);
}

/** How each kind of resource is found, deleted, and named in az. */
function deleteStep(gateway: AzureGateway, reversal: Extract<Reversal, {kind: 'delete'}>): Omit<PlanStep, 'id'> {
	const {id} = reversal;
	let exists: () => Promise<boolean>;
	let remove: (report: (update: {operationStatus?: string; message?: string}) => void) => Promise<void>;
	let azCommand: string;
	let kind: string;
	let action: string;
	const name = id.split('/').pop() ?? id;
	const present = async <T>(read: Promise<T | undefined>) => (await read) !== undefined;

	switch (reversal.resourceType) {
		case 'roleAssignment': {
			const scope = id.slice(0, id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/roleassignments/'));
			kind = 'Role assignment';
			action = 'Microsoft.Authorization/roleAssignments/delete';
			azCommand = `az role assignment delete --ids ${id}`;
			exists = async () => (await gateway.listRoleAssignments(scope)).some((assignment) => sameResourceId(assignment.id, id));
			remove = () => gateway.deleteRoleAssignment(id);
			break;
		}
		case 'identity': {
			const parts = parseResourceId(id);
			kind = 'User-assigned identity';
			action = 'Microsoft.ManagedIdentity/userAssignedIdentities/delete';
			azCommand = `az identity delete --name ${parts.name} --resource-group ${parts.resourceGroup}`;
			exists = () => present(gateway.findIdentity(id));
			remove = async (report) => {
				await removeRoleAssignmentsOf(gateway, parts.subscriptionId, (await gateway.findIdentity(id))?.principalId, report);
				await gateway.deleteIdentity(id);
			};
			break;
		}
		case 'connection':
		case 'datastore': {
			const workspaceId = id.slice(0, id.toLowerCase().lastIndexOf(`/${reversal.resourceType}s/`));
			const workspace = parseResourceId(workspaceId);
			const isConnection = reversal.resourceType === 'connection';
			kind = isConnection ? 'Workspace connection' : 'Datastore';
			action = `Microsoft.MachineLearningServices/workspaces/${reversal.resourceType}s/delete`;
			azCommand = `az ml ${reversal.resourceType} delete --name ${name} --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup}${isConnection ? '' : ' --yes'}`;
			exists = () => present(isConnection ? gateway.findConnection(workspaceId, name) : gateway.findDatastore(workspaceId, name));
			remove = () => (isConnection ? gateway.deleteConnection(workspaceId, name) : gateway.deleteDatastore(workspaceId, name));
			break;
		}
		case 'compute': {
			const workspaceId = id.slice(0, id.toLowerCase().lastIndexOf('/computes/'));
			const workspace = parseResourceId(workspaceId);
			kind = 'Compute cluster';
			action = 'Microsoft.MachineLearningServices/workspaces/computes/delete';
			azCommand = `az ml compute delete --name ${name} --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup} --yes`;
			exists = () => present(gateway.findCompute(id));
			remove = async (report) => {
				const compute = await gateway.findCompute(id);
				// A user-assigned identity lives on without the compute; a system-assigned one does not.
				if (compute?.identity.type.startsWith('SystemAssigned')) await removeRoleAssignmentsOf(gateway, workspace.subscriptionId, compute.identity.principalId, report);
				await gateway.deleteCompute(id, ({status}) => report({operationStatus: status}));
			};
			break;
		}
		case 'registry': {
			const parts = parseResourceId(id);
			kind = 'Container registry';
			action = 'Microsoft.ContainerRegistry/registries/delete';
			azCommand = `az acr delete --name ${parts.name} --resource-group ${parts.resourceGroup} --yes`;
			exists = () => present(gateway.findRegistry(id));
			remove = (report) => gateway.deleteRegistry(id, ({status}) => report({operationStatus: status}));
			break;
		}
		case 'workspace': {
			const parts = parseResourceId(id);
			kind = 'Workspace';
			action = 'Microsoft.MachineLearningServices/workspaces/delete';
			azCommand = `az ml workspace delete --name ${parts.name} --resource-group ${parts.resourceGroup} --yes`;
			exists = async () => {
				try {
					await gateway.getWorkspace(id);
					return true;
				} catch (error) {
					if (isNotFound(toAzureFailure(error))) return false;
					throw error;
				}
			};
			remove = (report) => gateway.deleteWorkspace(id, ({status}) => report({operationStatus: status}));
			break;
		}
	}
	const requires: RequiredPermission[] = [
		{scope: id, action},
		...(reversal.resourceType === 'identity' || reversal.resourceType === 'compute'
			? [{scope: `/subscriptions/${id.split('/')[2]}`, action: 'Microsoft.Authorization/roleAssignments/delete'}]
			: []),
	];
	return {
		title: `Delete ${reversal.label}`,
		target: {kind, name, id},
		azCommand,
		...(reversal.resourceType === 'workspace'
			? {note: 'Azure keeps what the workspace stored in its storage account (the azureml-blobstore-… containers): delete them yourself if nothing else needs them.'}
			: {}),
		requires,
		async check() {
			return (await exists()) ? {satisfied: false, detail: `${reversal.label} is there`} : {satisfied: true, detail: `${reversal.label} is already gone`};
		},
		async apply(report) {
			await remove(report);
		},
		async verify() {
			return (await exists()) ? {ok: false, detail: `${reversal.label} is still there`} : {ok: true, detail: `deleted ${reversal.label}`};
		},
	};
}
