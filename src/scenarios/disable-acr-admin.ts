import type {RegistrySummary} from '../azure/gateway.js';
import type {Plan} from '../plan/plan.js';
import {aciWarning, disableAdminUserStep} from './shared.js';
import type {Scenario} from './scenario.js';

/**
 * Document 004, "Azure Machine Learning with auto-created ACR instance" (also 000/001):
 * the registry Azure creates for a workspace has its admin user on; turn it off so images are
 * built and pulled with managed identities instead of the admin password.
 */
export interface DisableAcrAdminFacts {
	readonly registry: RegistrySummary;
}

const aciQuestionId = 'noAciDeployments';

export const disableAcrAdminScenario: Scenario<DisableAcrAdminFacts> = {
	id: 'acr-disable-admin-user',
	title: "Disable the admin user on the workspace's auto-created ACR",
	description:
		'The registry Azure Machine Learning creates for a workspace has its admin user enabled. Turn it off so images are built and pulled with managed identities.',
	source: {document: '004', section: 'Azure Machine Learning with auto-created ACR instance'},
	answerKeys: ['noAciDeployments'],

	async prepare({gateway, workspace}) {
		if (!workspace.containerRegistryId) {
			return {
				kind: 'blocked',
				reason: `Workspace ${workspace.name} has no container registry yet. Azure creates one the first time it needs one (a training run, an environment build).`,
				nextSteps: [
					'Bring your own ACR with the admin user disabled and attach it to the workspace (document 004, "Bring your own ACR").',
					'Or run a training job first, then come back to disable the admin user on the registry Azure created.',
				],
			};
		}
		const registry = await gateway.findRegistry(workspace.containerRegistryId);
		if (!registry) {
			return {
				kind: 'blocked',
				reason: `The workspace points at registry ${workspace.containerRegistryId}, which does not exist or which you cannot see.`,
				nextSteps: ['Check that your account can read that registry, or attach another one (document 004, "Bring your own ACR").'],
			};
		}
		return {
			kind: 'ready',
			facts: {registry},
			findings: [
				`Registry ${registry.name} (${registry.sku}, ${registry.resourceGroup}): admin user ${registry.adminUserEnabled ? 'enabled' : 'already disabled'}.`,
			],
			questions: () =>
				registry.adminUserEnabled
				? [
						{
							kind: 'confirm',
							id: aciQuestionId,
							prompt: `Disable the admin user on ${registry.name}?`,
							warning: aciWarning,
							yesLabel: 'Yes, I do not deploy to ACI: disable the admin user',
							noLabel: 'No, go back',
							requiredYes: true,
						},
					]
				: [],
		};
	},

	buildPlan({gateway}, {registry}): Plan {
		return {
			scenarioId: 'acr-disable-admin-user',
			title: `Disable the admin user on ${registry.name}`,
			steps: [disableAdminUserStep(gateway, registry)],
		};
	},

	summarize({registry}, _answers, result) {
		const step = result.steps[0];
		const disabledNow = step?.state === 'done';
		return {
			changed: disabledNow ? [`Admin user disabled on ${registry.name}.`] : [],
			alreadyInPlace: step?.state === 'skipped' ? [`The admin user on ${registry.name} was already disabled: nothing to write.`] : [],
			nextSteps: [
				'Builds and pulls now use the workspace managed identity; compute clusters need AcrPull on this registry (the compute-identity scenario).',
				`To deploy to ACI later, re-enable the admin user: az acr update --name ${registry.name} --admin-enabled true`,
			],
		};
	},
};
