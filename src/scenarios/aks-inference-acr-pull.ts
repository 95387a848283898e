import type {ComputeSummary, RegistrySummary} from '../azure/gateway.js';
import type {Plan} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import type {Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';

/**
 * Documents 004 and 000, "Use Docker images for inference": an AKS cluster attached to the workspace
 * pulls inference images from the workspace registry without admin keys, with its own identity.
 */
export interface AksInferenceFacts {
	readonly registry: RegistrySummary;
	readonly clusters: readonly AksCluster[];
}

export interface AksCluster {
	readonly compute: ComputeSummary;
	/** The identity the cluster's nodes pull images with (kubelet identity), if the cluster uses managed identities. */
	readonly pullPrincipalId?: string;
	readonly pullIdentityLabel: string;
}

/** The AKS API version the wizard reads clusters with (a generic resource read). */
export const managedClusterApiVersion = '2024-09-01';

const servicePrincipalCaveat =
	'If you bring your own AKS cluster, the cluster must have a service principal enabled instead of a managed identity (document 004).';

interface ManagedClusterBody {
	identity?: {type?: string; principalId?: string};
	properties?: {identityProfile?: {kubeletidentity?: {objectId?: string; resourceId?: string}}; servicePrincipalProfile?: {clientId?: string}};
}

export const aksInferenceScenario: Scenario<AksInferenceFacts> = {
	id: 'aks-inference-acr-pull',
	title: 'Inference images from AKS without admin keys',
	description: "Make sure an attached AKS cluster's identity holds AcrPull on the workspace registry, so inference deployments pull images without the admin user.",
	source: {document: '004', section: 'Use Docker images for inference'},
	answerKeys: ['cluster'],
	caveat: servicePrincipalCaveat,

	async prepare({gateway, workspace}) {
		if (!workspace.containerRegistryId) {
			return {kind: 'blocked', reason: `Workspace ${workspace.name} has no container registry yet.`, nextSteps: ['Attach one first: "Bring your own ACR with the admin user disabled".']};
		}
		const [registry, computes] = await Promise.all([gateway.findRegistry(workspace.containerRegistryId), gateway.listComputes(workspace.id)]);
		if (!registry) {
			return {kind: 'blocked', reason: `The workspace registry ${workspace.containerRegistryId} does not exist or you cannot see it.`, nextSteps: ['Check your access to it.']};
		}
		const attached = computes.filter((compute) => (compute.computeType === 'AKS' || compute.computeType === 'Kubernetes') && compute.resourceId);
		if (attached.length === 0) {
			return {
				kind: 'blocked',
				reason: `Workspace ${workspace.name} has no attached AKS or Kubernetes compute.`,
				nextSteps: ['Attach an AKS cluster in the studio or with az ml compute attach --type Kubernetes, then come back.'],
			};
		}
		const clusters: AksCluster[] = await Promise.all(
			attached.map(async (compute) => {
				const body = (await gateway.findResource(compute.resourceId!, managedClusterApiVersion)) as ManagedClusterBody | undefined;
				const kubelet = body?.properties?.identityProfile?.kubeletidentity?.objectId;
				if (kubelet) return {compute, pullPrincipalId: kubelet, pullIdentityLabel: `${compute.name}'s kubelet identity`};
				if (body?.identity?.principalId) return {compute, pullPrincipalId: body.identity.principalId, pullIdentityLabel: `${compute.name}'s cluster identity`};
				return {compute, pullIdentityLabel: body ? 'a service principal' : 'an identity the wizard cannot read'};
			}),
		);
		return {
			kind: 'ready',
			facts: {registry, clusters},
			findings: clusters.map((cluster) =>
				cluster.pullPrincipalId
					? `${cluster.compute.name} (${cluster.compute.resourceId?.split('/').pop()}) pulls with ${cluster.pullIdentityLabel} ${cluster.pullPrincipalId}.`
					: `${cluster.compute.name} uses ${cluster.pullIdentityLabel}: grant it AcrPull with az aks update --attach-acr, or ask its owner.`,
			),
			questions: () => [
				{
					kind: 'select',
					id: 'cluster',
					prompt: 'Which AKS compute?',
					choices: clusters
						.filter((cluster) => cluster.pullPrincipalId)
						.map((cluster) => ({value: cluster.compute.id, label: cluster.compute.name, detail: cluster.pullIdentityLabel})),
				},
			],
		};
	},

	buildPlan({gateway, replicationTiming}, facts, answers): Plan {
		const cluster = facts.clusters.find((candidate) => candidate.compute.id === answers['cluster']);
		if (!cluster?.pullPrincipalId) throw new Error('The AKS compute chosen has no managed identity to grant.');
		const principalId = cluster.pullPrincipalId;
		const aksName = cluster.compute.resourceId?.split('/').pop() ?? cluster.compute.name;
		return {
			scenarioId: 'aks-inference-acr-pull',
			title: `AcrPull on ${facts.registry.name} for AKS ${aksName}`,
			caveats: [servicePrincipalCaveat],
			steps: [
				roleAssignmentStep({
					id: 'acr-pull',
					gateway,
					roles: new RoleResolver(gateway),
					roleName: 'AcrPull',
					scope: facts.registry.id,
					scopeLabel: `registry ${facts.registry.name}`,
					principalLabel: cluster.pullIdentityLabel,
					principalId: async () => principalId,
					assignee: {objectId: principalId},
					note: `Azure assigns this when AKS is created or attached from the workspace; the step checks first. The same grant: az aks update --name ${aksName} --resource-group ${cluster.compute.resourceId?.split('/')[4] ?? '<group>'} --attach-acr ${facts.registry.id}`,
					...(replicationTiming ? {timing: replicationTiming} : {}),
				}),
			],
		};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const cluster = facts.clusters.find((candidate) => candidate.compute.id === answers['cluster']);
		return {
			changed,
			alreadyInPlace,
			nextSteps: [`Deployments to ${cluster?.compute.name ?? 'the cluster'} now pull from ${facts.registry.name} without admin keys.`, servicePrincipalCaveat],
		};
	},
};
