import YAML from 'yaml';
import type {ComputeSummary, IdentitySummary, RegistrySummary} from '../azure/gateway.js';
import {parseResourceId} from '../azure/resource-id.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import {computeNameProblem, nodeCountProblem} from './names.js';
import type {Answers, Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {
	chosenIdentityId,
	computeChoice,
	computePrincipal,
	computePrincipalShellVariable,
	createIdentityStep,
	createNew,
	describeIdentity,
	failedInAzure,
	computeWriteRequirements,
	setComputeIdentityStep,
	userAssignedIdentityQuestions,
	type ComputeIdentityChoice,
} from './shared.js';

/**
 * Document 004, "Create compute with managed identity to access Docker images for training":
 * a compute cluster pulls training images from the workspace registry with its managed identity.
 * Azure grants that identity AcrPull by itself, except when the compute was created before the
 * workspace had a registry: then the role must be assigned by hand.
 */
export interface ComputeAcrPullFacts {
	readonly registry: RegistrySummary;
	readonly computes: readonly ComputeSummary[];
	readonly identities: readonly IdentitySummary[];
}

const vmSizes = [
	{value: 'Standard_DS3_v2', label: 'Standard_DS3_v2', detail: '4 cores, 14 GB, CPU'},
	{value: 'Standard_DS11_v2', label: 'Standard_DS11_v2', detail: '2 cores, 14 GB, CPU'},
	{value: 'Standard_F4s_v2', label: 'Standard_F4s_v2', detail: '4 cores, 8 GB, CPU'},
	{value: 'Standard_NC6s_v3', label: 'Standard_NC6s_v3', detail: '6 cores, 112 GB, 1 × V100 GPU'},
];

function chosenCompute(facts: ComputeAcrPullFacts, answers: Answers): ComputeSummary | undefined {
	return facts.computes.find((compute) => compute.id === answers['compute']);
}

function wantedIdentity(facts: ComputeAcrPullFacts, answers: Answers, workspace: Parameters<typeof chosenIdentityId>[1]): ComputeIdentityChoice | undefined {
	if (answers['identityType'] === 'SystemAssigned') return {type: 'SystemAssigned'};
	if (answers['identityType'] === 'UserAssigned') {
		const identityId = chosenIdentityId('user', workspace, answers);
		return identityId ? {type: 'UserAssigned', identityId} : undefined;
	}
	return undefined;
}

/** create-cluster.yml of document 004 ("Compute cluster"), for this cluster. */
export function computeYaml(name: string, definition: {vmSize: string; minNodes: number; maxNodes: number}, identity: ComputeIdentityChoice): string {
	return YAML.stringify({
		$schema: 'https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json',
		name,
		type: 'amlcompute',
		size: definition.vmSize,
		min_instances: definition.minNodes,
		max_instances: definition.maxNodes,
		identity: identity.type === 'SystemAssigned' ? {type: 'system_assigned'} : {type: 'user_assigned', user_assigned_identities: [{resource_id: identity.identityId}]},
	});
}

export const computeAcrPullScenario: Scenario<ComputeAcrPullFacts> = {
	id: 'compute-acr-pull',
	title: 'Compute cluster with a managed identity that pulls from the workspace ACR',
	description:
		'Give a training cluster a managed identity and make sure it holds AcrPull on the workspace registry, so jobs pull images without admin keys.',
	source: {document: '004', section: 'Create compute with managed identity to access Docker images for training'},
	answerKeys: ['compute', 'computeName', 'vmSize', 'minNodes', 'maxNodes', 'identityType', 'userIdentity', 'userIdentityName'],

	async prepare({gateway, workspace}) {
		if (!workspace.containerRegistryId) {
			return {
				kind: 'blocked',
				reason: `Workspace ${workspace.name} has no container registry yet, so there is nothing to pull from.`,
				nextSteps: ['Attach a registry first: the "Bring your own ACR with the admin user disabled" scenario.'],
			};
		}
		const [registry, computes, identities] = await Promise.all([
			gateway.findRegistry(workspace.containerRegistryId),
			gateway.listComputes(workspace.id),
			gateway.listIdentities(workspace.subscriptionId),
		]);
		if (!registry) {
			return {
				kind: 'blocked',
				reason: `The workspace points at registry ${workspace.containerRegistryId}, which does not exist or which you cannot see.`,
				nextSteps: ['Check your access to that registry, or attach another one ("Bring your own ACR").'],
			};
		}
		const clusters = computes.filter((compute) => compute.computeType === 'AmlCompute');
		return {
			kind: 'ready',
			facts: {registry, computes: clusters, identities},
			findings: [
				`Workspace registry: ${registry.name} (${registry.resourceGroup}).`,
				clusters.length === 0
					? 'The workspace has no compute clusters yet: create one below.'
					: `Compute clusters: ${clusters.map((compute) => `${compute.name} (${describeIdentity(compute.identity)})`).join(', ')}.`,
			],
			questions: (answers) => {
				const questions: Question[] = [
					{
						kind: 'select',
						id: 'compute',
						prompt: 'Which compute cluster?',
						choices: [...clusters.map(computeChoice), {value: createNew, label: 'Create a new compute cluster'}],
					},
				];
				if (answers['compute'] === createNew) {
					questions.push(
						{
							kind: 'text',
							id: 'computeName',
							prompt: 'Name of the new cluster:',
							defaultValue: 'cpu-cluster-mi',
							validate: (name) =>
								computeNameProblem(name) ??
								(computes.some((compute) => compute.name.toLowerCase() === name.toLowerCase())
									? `Workspace ${workspace.name} already has a compute named "${name}": choose another name, or pick it from the list (Esc).`
									: undefined),
						},
						{kind: 'select', id: 'vmSize', prompt: 'Virtual machine size:', choices: vmSizes},
						{kind: 'text', id: 'minNodes', prompt: 'Minimum nodes (0 lets it scale to zero when idle):', defaultValue: '0', validate: (value) => nodeCountProblem(value, 'the minimum')},
						{
							kind: 'text',
							id: 'maxNodes',
							prompt: 'Maximum nodes:',
							defaultValue: '4',
							validate: (value) =>
								nodeCountProblem(value, 'the maximum') ??
								(Number(value) < Number(answers['minNodes'] ?? 0) || Number(value) === 0
									? `${value} is below the minimum (${String(answers['minNodes'])}) or zero: type a maximum of at least 1 and at least the minimum.`
									: undefined),
						},
					);
				}
				const compute = clusters.find((candidate) => candidate.id === answers['compute']);
				const needsIdentity = answers['compute'] === createNew || (compute !== undefined && compute.identity.type === 'None');
				if (needsIdentity) {
					questions.push({
						kind: 'select',
						id: 'identityType',
						prompt: 'Which kind of managed identity? (a cluster has one system-assigned identity or user-assigned ones, never both)',
						choices: [
							{value: 'SystemAssigned', label: 'System-assigned', detail: 'created and deleted with the cluster (recommended)'},
							{value: 'UserAssigned', label: 'User-assigned', detail: 'an identity you manage, reusable across clusters'},
						],
					});
					if (answers['identityType'] === 'UserAssigned') {
						questions.push(...userAssignedIdentityQuestions('user', identities, answers, 'Which user-assigned identity?'));
					}
				}
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace, replicationTiming}, facts, answers): Plan {
		const steps: PlanStep[] = [];
		const existing = chosenCompute(facts, answers);
		const wanted = wantedIdentity(facts, answers, workspace);
		const {resourceGroup} = parseResourceId(workspace.id);
		if (wanted?.type === 'UserAssigned' && answers['userIdentity'] === createNew) {
			steps.push(createIdentityStep(gateway, wanted.identityId, workspace.location));
		}

		let computeId: string;
		let computeName: string;
		if (existing) {
			computeId = existing.id;
			computeName = existing.name;
			if (wanted) steps.push(setComputeIdentityStep(gateway, existing, wanted));
		} else {
			computeName = String(answers['computeName']);
			computeId = `${workspace.id}/computes/${computeName}`;
			const identity: ComputeIdentityChoice = wanted ?? {type: 'SystemAssigned'};
			const definition = {
				location: workspace.location,
				vmSize: String(answers['vmSize']),
				minNodes: Number(answers['minNodes']),
				maxNodes: Number(answers['maxNodes']),
				identity: identity.type === 'SystemAssigned' ? {type: 'SystemAssigned' as const} : {type: 'UserAssigned' as const, userAssignedIds: [identity.identityId]},
			};
			const fileName = `compute-${computeName}.yml`;
			steps.push({
				id: `create-compute-${computeName}`,
				title: `Create compute cluster ${computeName} with a ${identity.type === 'SystemAssigned' ? 'system' : 'user'}-assigned identity`,
				target: {kind: 'Compute cluster', name: computeName, id: computeId},
				requires: computeWriteRequirements(workspace.id, identity),
				azCommand: `az ml compute create --file ${fileName} --workspace-name ${workspace.name} --resource-group ${resourceGroup}`,
				documents: [{fileName, content: computeYaml(computeName, definition, identity)}],
				async reversal() {
					return {kind: 'delete', resourceType: 'compute', id: computeId, label: `compute cluster ${computeName}`};
				},
				async check() {
					const found = await gateway.findCompute(computeId);
					if (failedInAzure(found)) return {satisfied: false, detail: `compute ${computeName}'s creation failed in Azure: creating it again`};
					return found ? {satisfied: true, detail: `compute ${computeName} already exists`} : {satisfied: false, detail: 'not created yet'};
				},
				async apply(report) {
					await gateway.createAmlCompute(computeId, definition, ({status}) => report({operationStatus: status}));
				},
				async verify() {
					const found = await gateway.findCompute(computeId);
					return found && found.identity.type !== 'None'
						? {ok: true, detail: `compute ${computeName} exists with ${describeIdentity(found.identity)}`}
						: {ok: false, detail: `compute ${computeName} is not there with an identity yet`};
				},
			});
		}

		// One step after another: the compute's identity needs the identity to exist, and AcrPull needs
		// the compute's identity (its principal is read when the step runs).
		steps.push(
			roleAssignmentStep({
				id: 'acr-pull',
				gateway,
				roles: new RoleResolver(gateway),
				roleName: 'AcrPull',
				scope: facts.registry.id,
				scopeLabel: `registry ${facts.registry.name}`,
				principalLabel: `${computeName}'s identity`,
				principalId: computePrincipal(gateway, computeId),
				assignee: {variable: computePrincipalShellVariable({name: computeName, workspaceId: workspace.id}, existing?.identity, wanted)},
				note: 'Azure grants this itself when the compute is created after the workspace registry; the step checks first.',
				...(replicationTiming ? {timing: replicationTiming} : {}),
			}),
		);
		return {scenarioId: 'compute-acr-pull', title: `AcrPull on ${facts.registry.name} for compute ${computeName}`, steps};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const acrPull = result.steps.find((step) => step.stepId === 'acr-pull');
		const computeName = chosenCompute(facts, answers)?.name ?? String(answers['computeName']);
		const isNew = answers['compute'] === createNew;
		const explanation =
			acrPull?.state === 'skipped'
				? isNew
					? `Azure granted ${computeName}'s identity AcrPull on ${facts.registry.name} when the cluster was created, as it does for computes created after the workspace registry exists.`
					: `${computeName}'s identity already holds AcrPull on ${facts.registry.name}: Azure grants it to computes created after the workspace registry exists, and an earlier run or an administrator may have assigned it.`
				: acrPull?.state === 'done'
					? `${computeName}'s identity did not hold AcrPull on ${facts.registry.name}, as happens when a compute was created before the workspace had a registry (or got its identity later): the wizard assigned it.`
					: undefined;
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				...(explanation ? [explanation] : []),
				`Training jobs on ${computeName} now pull images from ${facts.registry.loginServer ?? facts.registry.name} with the cluster's managed identity.`,
			],
		};
	},
};
