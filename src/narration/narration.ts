/**
 * What Azure is doing, in a few plain sentences per scenario and per plan step, each naming the
 * document section it comes from. Data only: the screens show it in demo mode and with --explain.
 * Keyed by scenario ID and step ID pattern ("create-identity-*"), so the scenario modules stay as they are.
 */
import {sections, type NarrationSource} from './sources.js';

export interface Narration {
	readonly text: string;
	readonly source: NarrationSource;
}

export interface StepNarration extends Narration {
	/** Said when the step found its work already in place: who did it. */
	readonly skipped?: string;
	/** Said when the step had to write: why Azure had not done it. */
	readonly done?: string;
}

export interface ScenarioNarration extends Narration {
	/** What to remember once it ran: shown on the summary. */
	readonly takeaway: Narration;
}

interface ScenarioEntry {
	readonly scenario: ScenarioNarration;
	/** Step ID patterns: exact, or ending in * for a prefix. */
	readonly steps: Readonly<Record<string, StepNarration>>;
}

/** Steps several scenarios share (src/scenarios/shared.ts, data-access-shared.ts). */
const sharedSteps: Readonly<Record<string, StepNarration>> = {
	'create-identity-*': {
		text: 'A user-assigned identity is a resource of its own, with a life independent of any compute or workspace: it can be shared, and its role assignments stay when a compute goes. Microsoft Entra ID takes a moment to know a new one, so the grants after it may wait.',
		source: sections.identityTypes,
	},
	'set-identity-*': {
		text: 'A cluster has one system-assigned identity or user-assigned ones, never both. Azure cannot patch only the identity here, so the whole compute is sent back with the new one; a new system-assigned identity is a new principal that holds no roles yet.',
		source: sections.computeCluster,
		skipped: 'The cluster already had this identity.',
	},
	'disable-admin-user-*': {
		text: 'One PATCH of the registry: adminUserEnabled false. The registry and its images stay; only the shared admin password stops working, and builds and pulls authenticate as managed identities.',
		source: sections.autoCreatedAcr,
		skipped: 'The admin user was already off.',
	},
	'datastore-*': {
		text: 'The datastore stores the account and container only: no key, no SAS token, nothing in the workspace key vault for others to read. Whoever reads through it is checked against the storage account’s role assignments.',
		source: sections.dataStorage,
	},
};

const acrPullOutcome = {
	skipped: 'Azure had granted it already: the compute was created after the workspace registry existed.',
	done: 'Azure had not granted it: the compute was created before the workspace registry existed, or got its identity later, so the wizard assigned it.',
};

const workspaceRoleTable = (what: string): StepNarration => ({
	text: `${what} The role table for a user-assigned workspace identity lists it; Azure grants none of them by itself.`,
	source: sections.userAssigned,
});

const entries: Readonly<Record<string, ScenarioEntry>> = {
	'acr-disable-admin-user': {
		scenario: {
			text: 'When Azure Machine Learning creates a workspace’s registry on the first image build, it turns the admin user on: one shared username and password. With it off, the workspace builds and pulls images as its managed identity instead.',
			source: sections.autoCreatedAcr,
			takeaway: {
				text: 'Nothing else had to change: the workspace identity already has what it needs on its own registry. What breaks: deployments to Azure Container Instances need the admin user, so turn it back on before deploying there.',
				source: sections.configureV1,
			},
		},
		steps: {},
	},
	'bring-your-own-acr': {
		scenario: {
			text: 'When a subscription policy forbids registries with an admin user, create the registry without one and attach it to the workspace. Azure Machine Learning then builds every image into it, authenticating with managed identities.',
			source: sections.bringYourOwnAcr,
			takeaway: {
				text: 'Compute clusters created from now on get AcrPull on this registry automatically; clusters that already exist do not, and need it granted (the compute cluster scenario).',
				source: sections.computeAcr,
			},
		},
		steps: {
			'create-registry-*': {
				text: 'A registry created without --admin-enabled starts with the admin user off, which is what such a policy wants.',
				source: sections.bringYourOwnAcr,
				skipped: 'The registry already existed without an admin user.',
			},
			'disable-admin-user-*': {
				text: 'The registry you picked has its admin user on: it is turned off before the workspace uses it.',
				source: sections.bringYourOwnAcr,
				skipped: 'The admin user was already off.',
			},
			'attach-registry': {
				text: 'The workspace is updated to point at the registry (az ml workspace update --container-registry). A workspace that had no registry cannot be set back to none, so undo lists this step as one it cannot take back.',
				source: sections.bringYourOwnAcr,
				skipped: 'The workspace already used this registry.',
			},
		},
	},
	'compute-acr-pull': {
		scenario: {
			text: 'A compute cluster pulls training images from the workspace registry as its own managed identity. Azure grants that identity AcrPull automatically, but only when the registry existed before the compute: a cluster created first must be granted AcrPull by hand.',
			source: sections.computeAcr,
			takeaway: {
				text: 'Computes created after the workspace registry get AcrPull for free; older ones do not, and fail to pull images until someone grants it.',
				source: sections.computeAcr,
			},
		},
		steps: {
			'create-compute-*': {
				text: 'The cluster is created with a managed identity. Because the workspace registry already exists, Azure grants the new identity AcrPull on it by itself: watch the next step find it in place.',
				source: sections.computeAcr,
				skipped: 'The cluster already existed.',
			},
			'acr-pull': {
				text: 'AcrPull on the workspace registry lets the cluster’s identity pull images, nothing more. The step checks first, since Azure may have granted it when the cluster was created.',
				source: sections.computeAcr,
				...acrPullOutcome,
			},
		},
	},
	'aks-inference-acr-pull': {
		scenario: {
			text: 'With the admin user off, AKS pulls inference images with its own identity. Azure gives the cluster AcrPull on the workspace registry when AKS is created or attached from the workspace; a cluster that was attached another way may lack it.',
			source: sections.inference,
			takeaway: {
				text: 'Inference images now come from the workspace registry without admin keys. A cluster you bring yourself must have a service principal enabled instead of a managed identity.',
				source: sections.inference,
			},
		},
		steps: {
			'acr-pull': {
				text: 'The identity the cluster’s nodes pull images with (its kubelet identity) gets AcrPull on the workspace registry: the grant az aks update --attach-acr makes.',
				source: sections.inference,
				skipped: 'Azure had granted it when the cluster was attached to the workspace.',
				done: 'The cluster could not pull from the workspace registry before: the wizard assigned AcrPull.',
			},
		},
	},
	'private-acr-image': {
		scenario: {
			text: 'To train on your own base image as it is, the compute cluster pulls it straight from the private registry with its managed identity. Azure grants nothing here, because that registry is not the workspace’s: the cluster needs an identity and AcrPull on it.',
			source: sections.pullAsIs,
			takeaway: {
				text: 'Only the cluster can pull this image, so Azure Machine Learning must not try to build on it: the environment uses the image as it is (user_managed_dependencies = True in SDK v1).',
				source: sections.pullAsIsV1,
			},
		},
		steps: {
			'acr-pull': {
				text: 'AcrPull on the private registry for the cluster’s identity, as az role assignment create in the document. Unlike the workspace registry, Azure never grants this by itself.',
				source: sections.pullAsIs,
				skipped: 'The cluster’s identity already held AcrPull on this registry.',
				done: 'The cluster’s identity could not pull from this registry before.',
			},
			'environment-yaml': {
				text: 'The environment names the image by its full registry path; az ml environment create registers it. Nothing is built: the cluster pulls the image as it is.',
				source: sections.pullAsIs,
			},
			'environment-v1': {
				text: 'The SDK v1 form sets user_managed_dependencies = True and no Dockerfile, so Azure Machine Learning does not build a new image, which would fail: only the cluster may pull from this registry.',
				source: sections.pullAsIsV1,
			},
		},
	},
	'managed-environment-private-acr': {
		scenario: {
			text: 'Here Azure Machine Learning builds a managed environment on your private base image. The build runs in the workspace registry with ACR Tasks, so it needs an identity that can pull from the private registry, and the workspace must be allowed to hand that identity to the build.',
			source: sections.buildManagedV1,
			takeaway: {
				text: 'The current document says a private-registry connection with a user-assigned identity is not currently supported and only the admin key works; the older one describes this procedure. Try one build before relying on it.',
				source: sections.buildManagedCurrent,
			},
		},
		steps: {
			'acr-pull': {
				text: 'AcrPull on the private registry for the user-assigned identity: the build pulls the base image as this identity.',
				source: sections.buildManagedV1,
				skipped: 'The identity already held AcrPull on the private registry.',
			},
			'managed-identity-operator': {
				text: 'Managed Identity Operator on the identity, for the workspace’s system-assigned identity: this is what lets the workspace assign the identity to the ACR Tasks build. Without it the build cannot act as the identity.',
				source: sections.buildManagedV1,
				skipped: 'The workspace identity was already allowed to assign this identity.',
			},
			'workspace-connection': {
				text: 'A workspace connection of category ACR names the registry and the identity (resource ID and client ID); builds from that registry authenticate through it. It is the v2 form of document 001’s workspace.set_connection.',
				source: sections.buildManagedV1,
				skipped: 'The connection was already there.',
			},
			'environment-v1': {
				text: 'The environment names the base image by its registry path; with the connection in place, no credentials appear in it.',
				source: sections.buildManagedV1,
			},
		},
	},
	'switch-compute-identity': {
		scenario: {
			text: 'A cluster uses one system-assigned identity or user-assigned ones, never both, and you can switch between them. Role assignments belong to the identity, not to the cluster: whatever the old identity could reach is lost unless the new one is granted the same.',
			source: sections.computeCluster,
			takeaway: {
				text: 'The cluster’s default identity is now the new one: jobs mount storage, pull images and read datastores as it. Switching back to system-assigned later gives yet another principal, with no roles.',
				source: sections.computeCluster,
			},
		},
		steps: {
			'copy-role-*': {
				text: 'A role the old identity held, granted again to the new one at the same scope: role assignments never move with a compute.',
				source: sections.computeCluster,
				skipped: 'The new identity already held this role.',
			},
		},
	},
	'workspace-with-user-assigned-identity': {
		scenario: {
			text: 'A workspace can use a user-assigned identity you manage instead of one Azure makes for it. Azure then grants that identity nothing: it needs its roles on the storage account, key vault, registry and Application Insights before the workspace uses them.',
			source: sections.userAssigned,
			takeaway: {
				text: 'Every role in the document’s table is in place, so the workspace reaches its resources as your identity from its first minute. The identity outlives the workspace: delete it yourself if you delete the workspace.',
				source: sections.userAssigned,
			},
		},
		steps: {
			'storage-contributor': workspaceRoleTable('Contributor on the storage account: the control plane, so the workspace can manage it.'),
			'storage-blob-data-contributor': workspaceRoleTable('Storage Blob Data Contributor: the data plane, optional, so the studio can preview data.'),
			'key-vault-contributor': workspaceRoleTable('Contributor on the key vault: the control plane.'),
			'key-vault-administrator': workspaceRoleTable('This vault uses the RBAC permission model, so the data-plane role is Key Vault Administrator.'),
			'key-vault-access-policy': {
				text: 'This vault uses access policies, where Azure RBAC data roles do not apply: the identity gets an access policy with every permission except purge, as the role table says.',
				source: sections.userAssigned,
				skipped: 'The identity already had those permissions in the vault’s access policies.',
			},
			'registry-contributor': workspaceRoleTable('Contributor on the container registry, where the workspace builds and keeps images.'),
			'application-insights-contributor': workspaceRoleTable('Contributor on Application Insights, where the workspace sends telemetry.'),
			'workspace-yaml': {
				text: 'The file az ml workspace create reads: the user-assigned identities, the primary one, and the linked resources. It repeats this creation by hand.',
				source: sections.userAssigned,
			},
			'create-workspace': {
				text: 'Only now is the workspace created, with the identity as its primary user-assigned identity: its roles are already in place.',
				source: sections.userAssigned,
				skipped: 'The workspace already existed with these identities.',
			},
			'workspace-contributor': workspaceRoleTable('Contributor on the workspace itself, the first row of the table: granted last, as the workspace did not exist before.'),
		},
	},
	'workspace-add-user-assigned-identity': {
		scenario: {
			text: 'A workspace keeps its system-assigned identity and gets user-assigned ones beside it, for example to access data in training jobs.',
			source: sections.addUserAssigned,
			takeaway: {
				text: 'This cannot be undone: a workspace can go from SystemAssigned to SystemAssigned,UserAssigned, but not back.',
				source: sections.identityTypes,
			},
		},
		steps: {
			'identity-yaml': {
				text: 'The YAML file the document passes to az ml workspace update --file: type system_assigned,user_assigned and the list of user-assigned identities.',
				source: sections.addUserAssigned,
			},
			'update-workspace-identity': {
				text: 'The update sends the whole list of user-assigned identities: one left out of the list is removed from the workspace. Once the type is SystemAssigned,UserAssigned, it cannot go back.',
				source: sections.userAssigned,
				skipped: 'The workspace already had exactly these identities.',
			},
		},
	},
	'data-access-compute-identity': {
		scenario: {
			text: 'With identity-based data access the datastore keeps no key: the cluster reads data as its own managed identity and storage checks that identity’s roles. Data scientists need no access to the data themselves.',
			source: sections.computeData,
			takeaway: {
				text: 'Jobs on this compute now read the data as its managed identity, the default once identity-based access is set up; a job can ask for the user’s identity instead.',
				source: sections.computeData,
			},
		},
		steps: {
			'storage-blob-data-reader': {
				text: 'Storage Blob Data Reader on the storage account, for the compute’s identity: the least identity-based access needs.',
				source: sections.accessingStorage,
				skipped: 'The compute’s identity could already read this account.',
			},
			'workspace-contributor': {
				text: 'A compute instance with idle shutdown does not shut down while idle unless its identity is Contributor on the workspace.',
				source: sections.computeData,
			},
			'job-yaml': {
				text: 'A sample job that reads through the datastore. With no identity section it runs as the compute’s managed identity.',
				source: sections.computeData,
			},
		},
	},
	'data-access-user-identity': {
		scenario: {
			text: 'Here jobs read data as the person who submits them: storage logs show who read what, and each user can have different access. It works for jobs submitted with the CLI or SDK v2, not from the studio, and a job cannot mix user and compute identity.',
			source: sections.userData,
			takeaway: {
				text: 'Each submitter needs their own access on the storage: a job from someone without it fails to read, and a datastore with cached credentials would use those instead.',
				source: sections.userData,
			},
		},
		steps: {
			'storage-blob-data-reader': {
				text: 'Storage Blob Data Reader on the storage account for the person (or group): their own Microsoft Entra token is what storage checks.',
				source: sections.userData,
				skipped: 'They could already read this account.',
			},
			'datastore-*': {
				text: 'A datastore without cached credentials: with a key stored in it, jobs would use the key instead of the user’s identity.',
				source: sections.userData,
			},
			'job-yaml': {
				text: 'The job sets identity: type: user_identity. Left out, the compute’s managed identity is the fallback.',
				source: sections.userData,
			},
		},
	},
};

function matches(pattern: string, stepId: string): boolean {
	return pattern.endsWith('*') ? stepId.startsWith(pattern.slice(0, -1)) : pattern === stepId;
}

function lookup(table: Readonly<Record<string, StepNarration>>, stepId: string): StepNarration | undefined {
	return table[stepId] ?? Object.entries(table).find(([pattern]) => matches(pattern, stepId))?.[1];
}

/** The scenario's story; undefined for a scenario not narrated. */
export function narrationFor(scenarioId: string): ScenarioNarration | undefined {
	return entries[scenarioId]?.scenario;
}

/** What a plan step does in Azure and why, by the scenario's own table first, then the shared one. */
export function narrationForStep(scenarioId: string, step: {readonly id: string}): StepNarration | undefined {
	const own = entries[scenarioId];
	return (own && lookup(own.steps, step.id)) ?? lookup(sharedSteps, step.id);
}

/** What a finished step's outcome says: who had done it, or why the wizard had to. */
export function narrationForOutcome(scenarioId: string, step: {readonly stepId: string; readonly state: string}): string | undefined {
	const narration = narrationForStep(scenarioId, {id: step.stepId});
	if (step.state === 'skipped') return narration?.skipped;
	if (step.state === 'done') return narration?.done;
	return undefined;
}

/** Every scenario ID narrated, for tests. */
export const narratedScenarioIds: readonly string[] = Object.keys(entries);

/** Every narration with where it is used, for tests that check each cited section exists. */
export function narrationSources(): {where: string; text: string; source: NarrationSource}[] {
	const all: {where: string; text: string; source: NarrationSource}[] = [];
	const steps = (scope: string, table: Readonly<Record<string, StepNarration>>) => {
		for (const [pattern, narration] of Object.entries(table)) all.push({where: `${scope} step ${pattern}`, text: narration.text, source: narration.source});
	};
	for (const [id, entry] of Object.entries(entries)) {
		all.push({where: id, text: entry.scenario.text, source: entry.scenario.source});
		all.push({where: `${id} takeaway`, text: entry.scenario.takeaway.text, source: entry.scenario.takeaway.source});
		steps(id, entry.steps);
	}
	steps('shared', sharedSteps);
	return all;
}
