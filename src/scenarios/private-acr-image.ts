import {join} from 'node:path';
import YAML from 'yaml';
import type {ComputeSummary, IdentitySummary, RegistrySummary, SubscriptionSummary} from '../azure/gateway.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import {writeFileStep} from '../steps/write-file.js';
import {imageProblem} from './names.js';
import type {Answers, Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {
	chosenIdentityId,
	computeChoice,
	computePrincipal,
	computePrincipalShellVariable,
	createIdentityStep,
	createNew,
	failedInAzure,
	listVisibleRegistries,
	registryChoice,
	setComputeIdentityStep,
	userAssignedIdentityQuestions,
	type ComputeIdentityChoice,
} from './shared.js';

/**
 * Document 004, "Pull Docker base image to machine learning compute cluster for training as is"
 * (also 001): the cluster's identity pulls a private base image straight from another registry,
 * and the environment uses that image unchanged.
 */
export interface PrivateAcrImageFacts {
	readonly computes: readonly ComputeSummary[];
	readonly registries: readonly RegistrySummary[];
	readonly subscriptions: readonly SubscriptionSummary[];
	readonly identities: readonly IdentitySummary[];
}

export function environmentName(image: string): string {
	return (image.split('/').pop() ?? image).replace(/[:@].*$/, '').replace(/[^a-zA-Z0-9-_]/g, '-') || 'private-acr';
}

export function environmentYaml(name: string, imageUri: string): string {
	return YAML.stringify({
		$schema: 'https://azuremlschemas.azureedge.net/latest/environment.schema.json',
		name,
		image: imageUri,
		description: 'Environment from a private ACR base image, used as is (pulled by the compute cluster identity).',
	});
}

export function environmentV1Python(name: string, imageUri: string): string {
	return [
		'# Azure ML SDK v1 (document 001): use the private base image as is.',
		'from azureml.core import Environment',
		'',
		`env = Environment(name="${name}")`,
		`env.docker.base_image = "${imageUri}"`,
		'# Without this, Azure ML would build a new image from the base, and that build cannot pull',
		'# it: only the compute cluster has access to the private registry.',
		'env.python.user_managed_dependencies = True',
		'',
	].join('\n');
}

function picked(facts: PrivateAcrImageFacts, answers: Answers) {
	const compute = facts.computes.find((candidate) => candidate.id === answers['compute']);
	const registry = facts.registries.find((candidate) => candidate.id === answers['registry']);
	return {compute, registry};
}

export const privateAcrImageScenario: Scenario<PrivateAcrImageFacts> = {
	id: 'private-acr-image',
	title: 'Pull a private ACR base image for training as is',
	description:
		"Let a compute cluster's identity pull a base image from a private registry (any resource group or subscription) and write the environment definition that uses it unchanged.",
	source: {document: '004', section: 'Pull Docker base image to machine learning compute cluster for training as is'},
	answerKeys: ['compute', 'identityType', 'userIdentity', 'userIdentityName', 'registry', 'image'],

	async prepare({gateway, workspace}) {
		const [computes, visible, identities] = await Promise.all([
			gateway.listComputes(workspace.id),
			listVisibleRegistries(gateway),
			gateway.listIdentities(workspace.subscriptionId),
		]);
		const clusters = computes.filter((compute) => compute.computeType === 'AmlCompute');
		if (clusters.length === 0) {
			return {
				kind: 'blocked',
				reason: `Workspace ${workspace.name} has no compute clusters.`,
				nextSteps: ['Create one with a managed identity first: the "Compute cluster with a managed identity" scenario.'],
			};
		}
		const facts: PrivateAcrImageFacts = {computes: clusters, identities, ...visible};
		return {
			kind: 'ready',
			facts,
			findings: [`${visible.registries.length} registries visible across ${visible.subscriptions.length} subscriptions.`],
			questions: (answers) => {
				const questions: Question[] = [{kind: 'select', id: 'compute', prompt: 'Which compute cluster runs the training?', choices: clusters.map(computeChoice)}];
				const {compute} = picked(facts, answers);
				if (compute?.identity.type === 'None') {
					questions.push({
						kind: 'select',
						id: 'identityType',
						prompt: `${compute.name} has no managed identity. Which kind should it get?`,
						choices: [
							{value: 'SystemAssigned', label: 'System-assigned', detail: 'recommended'},
							{value: 'UserAssigned', label: 'User-assigned'},
						],
					});
					if (answers['identityType'] === 'UserAssigned') {
						questions.push(...userAssignedIdentityQuestions('user', identities, answers, 'Which user-assigned identity?'));
					}
				}
				questions.push(
					{
						kind: 'select',
						id: 'registry',
						prompt: 'Which private registry holds the base image?',
						choices: visible.registries.map((registry) => registryChoice(registry, visible.subscriptions)),
					},
					{
						kind: 'text',
						id: 'image',
						prompt: 'Image (repository:tag, without the registry host):',
						defaultValue: 'base/pytorch-train:latest',
						validate: imageProblem,
					},
				);
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace, outputDirectory, replicationTiming}, facts, answers): Plan {
		const {compute, registry} = picked(facts, answers);
		if (!compute || !registry) throw new Error('The compute or registry chosen is not in the lists read before planning.');
		const steps: PlanStep[] = [];
		let wanted: ComputeIdentityChoice | undefined;
		if (compute.identity.type === 'None') {
			wanted = {type: 'SystemAssigned'};
			if (answers['identityType'] === 'UserAssigned') {
				const identityId = chosenIdentityId('user', workspace, answers);
				if (!identityId) throw new Error('No user-assigned identity was chosen.');
				if (answers['userIdentity'] === createNew) steps.push(createIdentityStep(gateway, identityId, workspace.location));
				wanted = {type: 'UserAssigned', identityId};
			}
			steps.push(setComputeIdentityStep(gateway, compute, wanted));
		} else if (failedInAzure(compute)) {
			// The identity was given by a change that failed in Azure (an earlier attempt): give it again.
			const userAssignedId = compute.identity.userAssigned[0]?.id;
			wanted = compute.identity.principalId || !userAssignedId ? {type: 'SystemAssigned'} : {type: 'UserAssigned', identityId: userAssignedId};
			steps.push(setComputeIdentityStep(gateway, compute, wanted));
		}
		steps.push(
			roleAssignmentStep({
				id: 'acr-pull',
				gateway,
				roles: new RoleResolver(gateway),
				roleName: 'AcrPull',
				scope: registry.id,
				scopeLabel: `registry ${registry.name}`,
				principalLabel: `${compute.name}'s identity`,
				principalId: computePrincipal(gateway, compute.id),
				assignee: {variable: computePrincipalShellVariable(compute, compute.identity, wanted)},
				...(replicationTiming ? {timing: replicationTiming} : {}),
			}),
		);
		const image = String(answers['image']);
		const imageUri = `${registry.loginServer ?? `${registry.name.toLowerCase()}.azurecr.io`}/${image}`;
		const name = environmentName(image);
		// The files need nothing from Azure: written at the same time as the chain above
		// (identity, then the compute's identity, then AcrPull for it).
		steps.push(
			writeFileStep({
				id: 'environment-yaml',
				title: `Write the environment definition ${name}.yml (CLI v2)`,
				path: join(outputDirectory, `${name}.yml`),
				content: environmentYaml(name, imageUri),
				note: `Then: az ml environment create --file ${name}.yml --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup}`,
			}),
			writeFileStep({
				id: 'environment-v1',
				title: `Write the SDK v1 snippet ${name}_v1.py (user_managed_dependencies = True)`,
				path: join(outputDirectory, `${name}_v1.py`),
				content: environmentV1Python(name, imageUri),
			}),
		);
		const files = new Set(['environment-yaml', 'environment-v1']);
		return {scenarioId: 'private-acr-image', title: `${compute.name} pulls ${imageUri}`, steps: steps.map((step) => (files.has(step.id) ? {...step, after: []} : step))};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const {compute, registry} = picked(facts, answers);
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				`Create the environment: az ml environment create --file <the .yml above>, then use it in jobs on ${compute?.name ?? 'the cluster'}.`,
				`The image is used as is: user_managed_dependencies = True keeps Azure ML from building on it, a build that would fail because only ${compute?.name ?? 'the cluster'} can pull from ${registry?.name ?? 'the registry'}.`,
			],
		};
	},
};
