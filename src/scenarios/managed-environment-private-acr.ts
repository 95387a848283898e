import {join} from 'node:path';
import YAML from 'yaml';
import type {ConnectionSummary, IdentitySummary, RegistrySummary, SubscriptionSummary} from '../azure/gateway.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import {identityClientIdVariable, identityPrincipalVariable} from '../steps/shell.js';
import {writeFileStep} from '../steps/write-file.js';
import {imageProblem} from './names.js';
import type {Answers, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {chosenIdentityId, createIdentityStep, createNew, identityPrincipal, listVisibleRegistries, registryChoice, userAssignedIdentityQuestions} from './shared.js';
import {environmentName} from './private-acr-image.js';

/**
 * Documents 001 and 000, "Build Azure Machine Learning managed environment into base image from
 * private ACR": the image build runs in the workspace registry (ACR Tasks), so it needs an identity
 * of its own that can pull from the private registry, which the workspace may hand to the build.
 */
export interface ManagedEnvironmentFacts {
	readonly registries: readonly RegistrySummary[];
	readonly subscriptions: readonly SubscriptionSummary[];
	readonly identities: readonly IdentitySummary[];
	readonly workspacePrincipalId: string;
}

const unsupportedCaveat =
	'Document 004 says connecting to a private ACR with a user-assigned identity "is not currently supported" (admin key only); documents 001/000 describe this procedure. The wizard follows 001 and shows both.';

export function connectionName(registryName: string): string {
	return `acr-${registryName.toLowerCase()}`;
}

export function managedEnvironmentV1Python(name: string, imageUri: string, identity: {id: string; clientId: string}): string {
	return [
		'# Azure ML SDK v1 (document 001): build a managed environment on a private base image.',
		'from azureml.core import Environment',
		'from azureml.core.container_registry import RegistryIdentity',
		'',
		`env = Environment(name="${name}")`,
		`env.docker.base_image = "${imageUri}"`,
		'',
		'# Optional: name the identity here too. It overrides the workspace connection.',
		'identity = RegistryIdentity()',
		`identity.resource_id = "${identity.id}"`,
		`identity.client_id = "${identity.clientId}"`,
		'env.docker.base_image_registry.registry_identity = identity',
		'',
	].join('\n');
}

/** The v2 connection file (az ml connection create) for a registry reached with a user-assigned identity. */
export function connectionYaml(name: string, loginServer: string, identityId: string): string {
	return YAML.stringify({
		name,
		type: 'container_registry',
		target: loginServer,
		credentials: {type: 'managed_identity', resource_id: identityId},
	});
}

function pickedRegistry(facts: ManagedEnvironmentFacts, answers: Answers): RegistrySummary | undefined {
	return facts.registries.find((registry) => registry.id === answers['registry']);
}

export const managedEnvironmentScenario: Scenario<ManagedEnvironmentFacts> = {
	id: 'managed-environment-private-acr',
	title: 'Build a managed environment from a private ACR base image',
	description:
		'A user-assigned identity with AcrPull on the private registry, Managed Identity Operator for the workspace identity on it, and a workspace connection to the registry, so Azure ML builds environments on your base image.',
	source: {
		document: '001',
		section: 'Een door Azure Machine Learning beheerde omgeving bouwen in de basisinstallatiekopie van een persoonlijke ACR voor training of deductie',
		inEnglish: 'Build an Azure Machine Learning managed environment into a base image from a private ACR for training or inference',
	},
	answerKeys: ['registry', 'buildIdentity', 'buildIdentityName', 'image'],
	caveat: unsupportedCaveat,

	async prepare({gateway, workspace}) {
		const workspacePrincipalId = workspace.identity.principalId;
		if (!workspacePrincipalId || !workspace.identity.type.includes('SystemAssigned')) {
			return {
				kind: 'blocked',
				reason: `Workspace ${workspace.name} has no system-assigned identity, and this procedure gives that identity the Managed Identity Operator role.`,
				nextSteps: ['Use a workspace with a system-assigned identity (the default for new workspaces).'],
			};
		}
		const [visible, identities] = await Promise.all([listVisibleRegistries(gateway), gateway.listIdentities(workspace.subscriptionId)]);
		const facts: ManagedEnvironmentFacts = {...visible, identities, workspacePrincipalId};
		return {
			kind: 'ready',
			facts,
			findings: [`${workspace.name}'s system-assigned identity: ${workspacePrincipalId}.`],
			questions: (answers) => [
				{
					kind: 'select',
					id: 'registry',
					prompt: 'Which private registry holds the base image?',
					choices: visible.registries.map((registry) => registryChoice(registry, visible.subscriptions)),
				},
				...userAssignedIdentityQuestions('build', identities, answers, 'Which user-assigned identity pulls the base image for the build?'),
				{kind: 'text', id: 'image', prompt: 'Base image (repository:tag, without the registry host):', defaultValue: 'base/python-ml:latest', validate: imageProblem},
			],
		};
	},

	buildPlan({gateway, workspace, outputDirectory, replicationTiming}, facts, answers): Plan {
		const registry = pickedRegistry(facts, answers);
		const identityId = chosenIdentityId('build', workspace, answers);
		if (!registry || !identityId) throw new Error('The registry or identity chosen is not in the lists read before planning.');
		const identityName = identityId.split('/').pop() ?? identityId;
		const roles = new RoleResolver(gateway);
		const timing = replicationTiming ? {timing: replicationTiming} : {};
		const loginServer = registry.loginServer ?? `${registry.name.toLowerCase()}.azurecr.io`;
		const connection = connectionName(registry.name);
		const steps: PlanStep[] = [];
		// What may run at the same time: everything else needs only the identity to exist (its role at
		// the registry, the workspace's role on it, the connection and the file read its client ID);
		// none of them writes the same resource as another.
		const identityStep = answers['buildIdentity'] === createNew ? createIdentityStep(gateway, identityId, workspace.location) : undefined;
		if (identityStep) steps.push(identityStep);
		const afterIdentity = identityStep ? [identityStep.id] : [];
		steps.push(
			roleAssignmentStep({
				id: 'acr-pull',
				gateway,
				roles,
				roleName: 'AcrPull',
				scope: registry.id,
				scopeLabel: `registry ${registry.name}`,
				principalLabel: `identity ${identityName}`,
				principalId: identityPrincipal(gateway, identityId),
				assignee: {variable: identityPrincipalVariable(identityId)},
				...timing,
			}),
			roleAssignmentStep({
				id: 'managed-identity-operator',
				gateway,
				roles,
				roleName: 'Managed Identity Operator',
				scope: identityId,
				scopeLabel: `identity ${identityName}`,
				principalLabel: `${workspace.name}'s system-assigned identity`,
				principalId: async () => facts.workspacePrincipalId,
				assignee: {objectId: facts.workspacePrincipalId},
				note: 'Lets the workspace hand this identity to the ACR Tasks build of the managed environment.',
				...timing,
			}),
		);

		const connectionFile = `connection-${connection}.yml`;
		const clientId = identityClientIdVariable(identityId);
		steps.push({
			id: 'workspace-connection',
			title: `Create workspace connection ${connection} to ${loginServer}`,
			target: {kind: 'Workspace connection', name: connection, id: `${workspace.id}/connections/${connection}`},
			// The client ID exists only once the identity does: the command sets it over the file's.
			azCommand: `az ml connection create --file ${connectionFile} --set credentials.client_id="$${clientId.name}" --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup}`,
			shellVariables: [clientId],
			documents: [{fileName: connectionFile, content: connectionYaml(connection, loginServer, identityId)}],
			note: `Authenticates with identity ${identityName}; the v2 form of document 001's workspace.set_connection(category="ACR", authType="RegistryConnection").`,
			requires: [{scope: workspace.id, action: 'Microsoft.MachineLearningServices/workspaces/connections/write'}],
			async reversal() {
				return (await gateway.findConnection(workspace.id, connection))
					? {kind: 'irreversible', label: `connection ${connection}, replaced`, reason: 'it existed before with another target, and undo does not keep a copy of it'}
					: {kind: 'delete', resourceType: 'connection', id: `${workspace.id}/connections/${connection}`, label: `workspace connection ${connection}`};
			},
			async check() {
				const existing: ConnectionSummary | undefined = await gateway.findConnection(workspace.id, connection);
				return existing && existing.target === loginServer && existing.authType === 'ManagedIdentity'
					? {satisfied: true, detail: `connection ${connection} to ${loginServer} already exists`}
					: {satisfied: false, detail: existing ? `connection ${connection} points elsewhere: it will be replaced` : 'no connection yet'};
			},
			async apply() {
				const identity = await gateway.findIdentity(identityId);
				if (!identity) throw Object.assign(new Error(`Identity ${identityName} does not exist.`), {code: 'ResourceNotFound'});
				await gateway.createManagedIdentityConnection(workspace.id, connection, {
					category: 'ContainerRegistry',
					target: loginServer,
					identityResourceId: identityId,
					clientId: identity.clientId,
				});
			},
			async verify() {
				const existing = await gateway.findConnection(workspace.id, connection);
				return existing?.target === loginServer
					? {ok: true, detail: `connection ${connection} points at ${loginServer}`}
					: {ok: false, detail: `connection ${connection} is not there yet`};
			},
		});

		const image = String(answers['image']);
		const imageUri = `${loginServer}/${image}`;
		const name = environmentName(image);
		const envPath = join(outputDirectory, `${name}_managed_v1.py`);
		steps.push(
			writeFileStep({
				id: 'environment-v1',
				title: `Write the environment definition ${name}_managed_v1.py`,
				path: envPath,
				// The client ID is known only once the identity exists; its ID is written as Azure returns it.
				content: async () => {
					const identity = await gateway.findIdentity(identityId);
					return managedEnvironmentV1Python(name, imageUri, {id: identity?.id ?? identityId, clientId: identity?.clientId ?? ''});
				},
			}),
		);
		return {
			scenarioId: 'managed-environment-private-acr',
			title: `Managed environments on ${imageUri}`,
			steps: steps.map((step) => (step === identityStep ? step : {...step, after: afterIdentity})),
			caveats: [unsupportedCaveat],
		};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const registry = pickedRegistry(facts, answers);
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				`Environments built in this workspace can now start FROM images in ${registry?.name ?? 'the private registry'}: use the snippet listed under Files written.`,
				unsupportedCaveat,
			],
		};
	},
};
