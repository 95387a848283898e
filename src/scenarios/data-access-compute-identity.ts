import {join} from 'node:path';
import type {ComputeSummary, DatastoreSummary} from '../azure/gateway.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import {writeFileStep} from '../steps/write-file.js';
import {identityDatastoreStep, jobYaml, readStorage, storageQuestions, type StorageChoice} from './data-access-shared.js';
import type {Answers, Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {computeChoice, computePrincipal, computePrincipalShellVariable, setComputeIdentityStep} from './shared.js';

/**
 * Document 004, "Access data for training jobs on compute using managed identity": the compute's
 * identity reads the data, so data scientists need no access of their own.
 */
export interface ComputeDataAccessFacts {
	readonly computes: readonly ComputeSummary[];
	readonly storage: readonly StorageChoice[];
	readonly datastores: readonly DatastoreSummary[];
}

const idleShutdownNote =
	'A compute instance with idle shutdown only shuts down when its identity holds Contributor on the workspace (document 004).';

function chosen(facts: ComputeDataAccessFacts, answers: Answers) {
	return {
		compute: facts.computes.find((compute) => compute.id === answers['compute']),
		storage: facts.storage.find(({account}) => account.id === answers['storageAccount']),
	};
}

export const computeDataAccessScenario: Scenario<ComputeDataAccessFacts> = {
	id: 'data-access-compute-identity',
	title: 'Identity-based data access for training on compute',
	description:
		"Grant a cluster's or instance's managed identity Storage Blob Data Reader, create a datastore that stores no credentials, and write a job that reads through it.",
	source: {document: '004', section: 'Access data for training jobs on compute using managed identity'},
	answerKeys: ['compute', 'idleShutdownContributor', 'storageAccount', 'container', 'datastoreName'],

	async prepare({gateway, workspace}) {
		const [computes, storage, datastores] = await Promise.all([
			gateway.listComputes(workspace.id),
			readStorage(gateway, workspace.subscriptionId),
			gateway.listDatastores(workspace.id),
		]);
		const candidates = computes.filter((compute) => compute.computeType === 'AmlCompute' || compute.computeType === 'ComputeInstance');
		if (candidates.length === 0) {
			return {kind: 'blocked', reason: `Workspace ${workspace.name} has no compute cluster or instance.`, nextSteps: ['Create one with the "Compute cluster with a managed identity" scenario.']};
		}
		const facts: ComputeDataAccessFacts = {computes: candidates, storage, datastores};
		return {
			kind: 'ready',
			facts,
			findings: [`${storage.length} storage accounts in the subscription; ${datastores.length} datastores in ${workspace.name}.`],
			questions: (answers) => {
				const questions: Question[] = [{kind: 'select', id: 'compute', prompt: 'Which compute reads the data?', choices: candidates.map(computeChoice)}];
				questions.push(...storageQuestions(storage, datastores, answers));
				const {compute} = chosen(facts, answers);
				if (compute?.computeType === 'ComputeInstance' && answers['datastoreName'] !== undefined) {
					questions.push({
						kind: 'confirm',
						id: 'idleShutdownContributor',
						prompt: `Grant ${compute.name}'s identity Contributor on the workspace, so idle shutdown works?`,
						warning: idleShutdownNote,
						yesLabel: 'Yes, grant Contributor on the workspace',
						noLabel: 'No, this instance does not use idle shutdown',
						requiredYes: false,
					});
				}
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace, outputDirectory, replicationTiming}, facts, answers): Plan {
		const {compute, storage} = chosen(facts, answers);
		const container = String(answers['container']);
		const datastore = String(answers['datastoreName']);
		if (!compute || !storage) throw new Error('The compute or storage account chosen is not in the lists read before planning.');
		const roles = new RoleResolver(gateway);
		const timing = replicationTiming ? {timing: replicationTiming} : {};
		const steps: PlanStep[] = [];
		const principal = computePrincipalShellVariable(compute, compute.identity, compute.identity.type === 'None' ? {type: 'SystemAssigned'} : undefined);
		// What may run at the same time: the role assignments (one role each, at their own scopes) need
		// only the compute's identity; the datastore and the job file come once the compute can read
		// through them (a grant refused leaves nothing half-made), side by side.
		const identityStep = compute.identity.type === 'None' ? setComputeIdentityStep(gateway, compute, {type: 'SystemAssigned'}) : undefined;
		if (identityStep) steps.push(identityStep);
		const afterIdentity = identityStep ? [identityStep.id] : [];
		steps.push({
			...roleAssignmentStep({
				id: 'storage-blob-data-reader',
				gateway,
				roles,
				roleName: 'Storage Blob Data Reader',
				scope: storage.account.id,
				scopeLabel: `storage account ${storage.account.name}`,
				principalLabel: `${compute.name}'s identity`,
				principalId: computePrincipal(gateway, compute.id),
				assignee: {variable: principal},
				...timing,
			}),
			after: afterIdentity,
		});
		if (answers['idleShutdownContributor'] === true) {
			steps.push({
				...roleAssignmentStep({
					id: 'workspace-contributor',
					gateway,
					roles,
					roleName: 'Contributor',
					scope: workspace.id,
					scopeLabel: `workspace ${workspace.name}`,
					principalLabel: `${compute.name}'s identity`,
					principalId: computePrincipal(gateway, compute.id),
					assignee: {variable: principal},
					note: idleShutdownNote,
					...timing,
				}),
				after: afterIdentity,
			});
		}
		const grants = steps.filter((step) => step !== identityStep).map((step) => step.id);
		steps.push(
			{...identityDatastoreStep(gateway, workspace, datastore, storage.account, container), after: grants},
			{
				...writeFileStep({
					id: 'job-yaml',
					title: `Write a sample job that reads through ${datastore}`,
					path: join(outputDirectory, `job-${datastore}.yml`),
					content: jobYaml(datastore, compute.name, false),
					note: `Then: az ml job create --file job-${datastore}.yml --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup}`,
				}),
				after: grants,
			},
		);
		return {scenarioId: 'data-access-compute-identity', title: `${compute.name} reads ${storage.account.name}/${container}`, steps};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const {compute} = chosen(facts, answers);
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				`Jobs on ${compute?.name ?? 'the compute'} read through datastore ${String(answers['datastoreName'])} with the compute's identity by default; data scientists need no storage role themselves.`,
				...(compute?.computeType === 'ComputeInstance' && answers['idleShutdownContributor'] !== true ? [idleShutdownNote] : []),
			],
		};
	},
};
