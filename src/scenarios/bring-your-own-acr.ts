import type {RegistrySummary, SubscriptionSummary} from '../azure/gateway.js';
import {sameResourceId} from '../azure/resource-id.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import {registryNameProblem} from './names.js';
import type {Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {aciWarning, createNew, disableAdminUserStep, failedInAzure, registryChoice} from './shared.js';

/**
 * Document 004, "Bring your own ACR" (also 000/001): when subscription policy forbids the admin
 * user, use a registry without it (create one, or pick one and turn the admin user off) and point
 * the workspace at it.
 */
export interface BringYourOwnAcrFacts {
	readonly registries: readonly RegistrySummary[];
	readonly subscriptions: readonly SubscriptionSummary[];
	readonly current?: RegistrySummary;
}

const skus = [
	{value: 'Standard', label: 'Standard', detail: 'most production workloads'},
	{value: 'Basic', label: 'Basic', detail: 'lowest cost, for learning and small teams'},
	{value: 'Premium', label: 'Premium', detail: 'private endpoints, geo-replication'},
];

export const bringYourOwnAcrScenario: Scenario<BringYourOwnAcrFacts> = {
	id: 'bring-your-own-acr',
	title: 'Bring your own ACR with the admin user disabled',
	description:
		'Pick a registry in the subscription, or create one with the admin user disabled, and attach it to the workspace in place of an auto-created one.',
	source: {document: '004', section: 'Bring your own ACR'},
	answerKeys: ['registry', 'registryName', 'sku', 'disableAdminUser', 'replaceRegistry'],

	async prepare({gateway, workspace}) {
		const [registries, subscriptions] = await Promise.all([
			gateway.listRegistries(workspace.subscriptionId),
			gateway.listSubscriptions(),
		]);
		const current = registries.find((registry) => sameResourceId(registry.id, workspace.containerRegistryId));
		return {
			kind: 'ready',
			facts: {registries, subscriptions, ...(current ? {current} : {})},
			findings: [
				current
					? `${workspace.name} uses registry ${current.name} now (admin user ${current.adminUserEnabled ? 'on' : 'off'}).`
					: workspace.containerRegistryId
						? `${workspace.name} points at ${workspace.containerRegistryId}, which you cannot see.`
						: `${workspace.name} has no registry yet.`,
			],
			questions: (answers) => {
				const questions: Question[] = [
					{
						kind: 'select',
						id: 'registry',
						prompt: 'Which registry should the workspace use?',
						choices: [
							...registries.map((registry) => {
								const choice = registryChoice(registry, subscriptions);
								return registry.id === current?.id ? {...choice, detail: `${choice.detail} · attached now`} : choice;
							}),
							{value: createNew, label: 'Create a new registry with the admin user disabled'},
						],
					},
				];
				if (answers['registry'] === createNew) {
					questions.push(
						{
							kind: 'text',
							id: 'registryName',
							prompt: `Name of the new registry (in ${workspace.resourceGroup}, ${workspace.location}; registry names are global):`,
							validate: registryNameProblem,
							async check(name) {
								const status = await gateway.checkRegistryName(workspace.subscriptionId, name);
								return status.available ? undefined : `"${name}" cannot be used: ${status.message ?? status.reason ?? 'the name is taken'}. Choose another name.`;
							},
						},
						{kind: 'select', id: 'sku', prompt: 'Registry tier:', choices: skus},
					);
				}
				const picked = registries.find((registry) => registry.id === answers['registry']);
				if (picked?.adminUserEnabled) {
					questions.push({
						kind: 'confirm',
						id: 'disableAdminUser',
						prompt: `${picked.name} has its admin user enabled. Turn it off?`,
						warning: aciWarning,
						yesLabel: 'Yes, turn the admin user off',
						noLabel: 'No, leave it on (not what this scenario is for)',
						requiredYes: false,
					});
				}
				const replaces = current && answers['registry'] !== undefined && answers['registry'] !== current.id;
				if (replaces) {
					questions.push({
						kind: 'confirm',
						id: 'replaceRegistry',
						prompt: `Replace ${current.name} as ${workspace.name}'s registry?`,
						warning: `Images already in ${current.name} stay there but the workspace stops using them: environments are rebuilt in the new registry on their next use.`,
						yesLabel: 'Yes, attach the new registry (--update-dependent-resources)',
						noLabel: 'No, go back',
						requiredYes: true,
					});
				}
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace}, facts, answers): Plan {
		const steps: PlanStep[] = [];
		let registryId: string;
		let registryName: string;
		if (answers['registry'] === createNew) {
			registryName = String(answers['registryName']);
			const sku = String(answers['sku'] ?? 'Standard');
			registryId = `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${registryName}`;
			steps.push({
				id: `create-registry-${registryName}`,
				title: `Create registry ${registryName} (${sku}) with the admin user disabled`,
				target: {kind: 'Container registry', name: registryName, id: registryId},
				azCommand: `az acr create --name ${registryName} --resource-group ${workspace.resourceGroup} --location ${workspace.location} --sku ${sku}`,
				note: 'Created without --admin-enabled, so the admin user stays off.',
				requires: [{scope: `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}`, action: 'Microsoft.ContainerRegistry/registries/write'}],
				async reversal() {
					return {kind: 'delete', resourceType: 'registry', id: registryId, label: `registry ${registryName}`};
				},
				async check() {
					const found = await gateway.findRegistry(registryId);
					if (found?.adminUserEnabled) {
						throw Object.assign(new Error(`Registry ${registryName} exists with its admin user enabled: pick it from the list instead.`), {code: 'Conflict'});
					}
					if (failedInAzure(found)) return {satisfied: false, detail: `registry ${registryName}'s creation failed in Azure: creating it again`};
					return found ? {satisfied: true, detail: `registry ${registryName} already exists without an admin user`} : {satisfied: false, detail: 'not created yet'};
				},
				async apply(report) {
					await gateway.createRegistry(registryId, {location: workspace.location, sku}, ({status}) => report({operationStatus: status}));
				},
				async verify() {
					const found = await gateway.findRegistry(registryId);
					return found && !found.adminUserEnabled && found.provisioningState !== 'Creating'
						? {ok: true, detail: `registry ${registryName} exists, admin user off`}
						: {ok: false, detail: `registry ${registryName} is not ready yet`};
				},
			});
		} else {
			const picked = facts.registries.find((registry) => registry.id === answers['registry']);
			if (!picked) throw new Error(`Registry ${String(answers['registry'])} is not in the list read before planning.`);
			registryId = picked.id;
			registryName = picked.name;
			if (picked.adminUserEnabled && answers['disableAdminUser'] === true) steps.push(disableAdminUserStep(gateway, picked));
		}

		// One step after another: the workspace is pointed at the registry only once it exists with its
		// admin user off, so the workspace never uses a registry in the middle of a change.
		steps.push({
			id: 'attach-registry',
			title: `Attach registry ${registryName} to workspace ${workspace.name}`,
			target: {kind: 'Workspace', name: workspace.name, id: workspace.id},
			requires: [{scope: workspace.id, action: 'Microsoft.MachineLearningServices/workspaces/write'}],
			azCommand: `az ml workspace update --update-dependent-resources --name ${workspace.name} --resource-group ${workspace.resourceGroup} --container-registry ${registryId}`,
			async reversal() {
				const before = (await gateway.getWorkspace(workspace.id)).containerRegistryId;
				return before
					? {kind: 'attach-registry', workspaceId: workspace.id, registryId: before, label: `workspace ${workspace.name} back to registry ${before.split('/').pop()}`}
					: {
							kind: 'irreversible',
							label: `registry ${registryName} attached to workspace ${workspace.name}`,
							reason: 'a workspace that had no container registry cannot be set back to none',
							keeps: [registryId],
						};
			},
			async check() {
				const current = await gateway.getWorkspace(workspace.id);
				return sameResourceId(current.containerRegistryId, registryId) && !failedInAzure(current)
					? {satisfied: true, detail: `${workspace.name} already uses ${registryName}`}
					: {satisfied: false, detail: `${workspace.name} uses ${current.containerRegistryId?.split('/').pop() ?? 'no registry'}`};
			},
			async apply(report) {
				await gateway.attachRegistry(workspace.id, registryId, ({status}) => report({operationStatus: status}));
			},
			async verify() {
				const current = await gateway.getWorkspace(workspace.id);
				return sameResourceId(current.containerRegistryId, registryId)
					? {ok: true, detail: `${workspace.name} uses ${registryName}`}
					: {ok: false, detail: `${workspace.name} does not show ${registryName} yet`};
			},
		});
		return {scenarioId: 'bring-your-own-acr', title: `Use registry ${registryName} for ${workspace.name}`, steps};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const picked = facts.registries.find((registry) => registry.id === answers['registry']);
		const adminLeftOn = picked?.adminUserEnabled && answers['disableAdminUser'] === false;
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				...(adminLeftOn ? [`The admin user on ${picked.name} is still on: turn it off later with az acr update --name ${picked.name} --admin-enabled false.`] : []),
				'Compute clusters pull from the new registry with their managed identities: the "Compute cluster with a managed identity" scenario checks their AcrPull.',
			],
		};
	},
};
