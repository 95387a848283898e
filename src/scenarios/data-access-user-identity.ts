import {join} from 'node:path';
import type {ComputeSummary, DatastoreSummary} from '../azure/gateway.js';
import type {Plan} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import {writeFileStep} from '../steps/write-file.js';
import {credentialDatastores, identityDatastoreStep, jobYaml, readStorage, storageQuestions, type StorageChoice} from './data-access-shared.js';
import type {Answers, Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';

/**
 * Document 004, "Access data for training jobs on compute clusters using user identity": jobs read
 * storage with the submitting user's own Microsoft Entra token.
 */
export interface UserDataAccessFacts {
	readonly computes: readonly ComputeSummary[];
	readonly storage: readonly StorageChoice[];
	readonly datastores: readonly DatastoreSummary[];
	readonly signedInUser?: {readonly name: string; readonly objectId?: string};
}

export const userIdentityLimitations = [
	'Jobs submitted from the Azure ML CLI and Python SDK v2 only, not from ML Studio.',
	'User identity and compute managed identity cannot be used for authentication within the same job.',
	'In pipeline jobs, set the user identity on each step that runs on a compute, not at the pipeline root.',
];

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function principal(facts: UserDataAccessFacts, answers: Answers): {id: string; type: 'User' | 'Group'; label: string} | undefined {
	if (answers['grantee'] === 'me' && facts.signedInUser?.objectId) {
		return {id: facts.signedInUser.objectId, type: 'User', label: facts.signedInUser.name};
	}
	if (answers['grantee'] === 'other' && typeof answers['granteeObjectId'] === 'string') {
		const type = answers['granteeType'] === 'Group' ? 'Group' : 'User';
		return {id: answers['granteeObjectId'], type, label: `${type.toLowerCase()} ${answers['granteeObjectId']}`};
	}
	return undefined;
}

export const userDataAccessScenario: Scenario<UserDataAccessFacts> = {
	id: 'data-access-user-identity',
	title: "Identity-based data access with the user's own identity",
	description:
		'Grant a user (you, or another user or group) Storage Blob Data Reader, create a datastore without cached credentials, and write a job with identity: user_identity.',
	source: {document: '004', section: 'Access data for training jobs on compute clusters using user identity'},
	answerKeys: ['grantee', 'granteeObjectId', 'granteeType', 'storageAccount', 'container', 'datastoreName', 'compute'],

	async prepare({gateway, workspace, signedInUser}) {
		const [computes, storage, datastores] = await Promise.all([
			gateway.listComputes(workspace.id),
			readStorage(gateway, workspace.subscriptionId),
			gateway.listDatastores(workspace.id),
		]);
		const clusters = computes.filter((compute) => compute.computeType === 'AmlCompute');
		const facts: UserDataAccessFacts = {computes: clusters, storage, datastores, ...(signedInUser ? {signedInUser} : {})};
		return {
			kind: 'ready',
			facts,
			findings: ['Limitations (document 004):', ...userIdentityLimitations],
			questions: (answers) => {
				const questions: Question[] = [
					{
						kind: 'select',
						id: 'grantee',
						prompt: 'Whose identity reads the data?',
						choices: [
							...(signedInUser?.objectId ? [{value: 'me', label: `Mine (${signedInUser.name})`, detail: signedInUser.objectId}] : []),
							{value: 'other', label: 'Another user or group, by object ID'},
						],
					},
				];
				if (answers['grantee'] === 'other') {
					questions.push(
						{
							kind: 'text',
							id: 'granteeObjectId',
							prompt: 'Object ID of the user or group (Microsoft Entra ID):',
							validate: (value) => (guidPattern.test(value) ? undefined : `"${value}" is not an object ID: paste the GUID from Microsoft Entra ID, e.g. 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b.`),
						},
						{
							kind: 'select',
							id: 'granteeType',
							prompt: 'Is it a user or a group?',
							choices: [
								{value: 'User', label: 'User'},
								{value: 'Group', label: 'Group'},
							],
						},
					);
				}
				questions.push(...storageQuestions(storage, datastores, answers));
				if (answers['datastoreName'] !== undefined && clusters.length > 0) {
					questions.push({kind: 'select', id: 'compute', prompt: 'Which cluster should the sample job use?', choices: clusters.map((compute) => ({value: compute.name, label: compute.name}))});
				}
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace, outputDirectory, replicationTiming}, facts, answers): Plan {
		const grantee = principal(facts, answers);
		const storage = facts.storage.find(({account}) => account.id === answers['storageAccount']);
		if (!grantee || !storage) throw new Error('The grantee or storage account chosen is not known.');
		const container = String(answers['container']);
		const datastore = String(answers['datastoreName']);
		const compute = typeof answers['compute'] === 'string' ? answers['compute'] : 'cpu-cluster';
		return {
			scenarioId: 'data-access-user-identity',
			title: `${grantee.label} reads ${storage.account.name}/${container}`,
			caveats: userIdentityLimitations,
			// The datastore and the job file come once the grantee can read through them (a grant refused
			// leaves nothing half-made), side by side.
			steps: [
				roleAssignmentStep({
					id: 'storage-blob-data-reader',
					gateway,
					roles: new RoleResolver(gateway),
					roleName: 'Storage Blob Data Reader',
					scope: storage.account.id,
					scopeLabel: `storage account ${storage.account.name}`,
					principalLabel: grantee.label,
					principalId: async () => grantee.id,
					principalType: grantee.type,
					assignee: {objectId: grantee.id},
					...(replicationTiming ? {timing: replicationTiming} : {}),
				}),
				{...identityDatastoreStep(gateway, workspace, datastore, storage.account, container), after: ['storage-blob-data-reader']},
				{
					...writeFileStep({
						id: 'job-yaml',
						title: `Write a sample job with identity: user_identity reading through ${datastore}`,
						path: join(outputDirectory, `job-${datastore}-user-identity.yml`),
						content: jobYaml(datastore, compute, true),
						note: `Then: az ml job create --file job-${datastore}-user-identity.yml --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup}`,
					}),
					after: ['storage-blob-data-reader'],
				},
			],
		};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const storage = facts.storage.find(({account}) => account.id === answers['storageAccount']);
		const caching = storage ? credentialDatastores(facts.datastores, storage.account.name, String(answers['container'])) : [];
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				...(caching.length ? [`Jobs through ${caching.map((datastore) => datastore.name).join(', ')} still use their stored key or SAS: switch them to ${String(answers['datastoreName'])}.`] : []),
				'Without identity: user_identity and without stored credentials, a job falls back to the compute managed identity.',
				...userIdentityLimitations,
			],
		};
	},
};
