import YAML from 'yaml';
import type {AzureGateway, DatastoreSummary, StorageAccountSummary} from '../azure/gateway.js';
import type {PlanStep} from '../plan/plan.js';
import type {Answers, Choice, Question} from './scenario.js';

/** Storage accounts with their containers, read once before the questions. */
export interface StorageChoice {
	readonly account: StorageAccountSummary;
	readonly containers: readonly string[];
}

export async function readStorage(gateway: AzureGateway, subscriptionId: string): Promise<StorageChoice[]> {
	const accounts = await gateway.listStorageAccounts(subscriptionId);
	return Promise.all(accounts.map(async (account) => ({account, containers: await gateway.listBlobContainers(account.id)})));
}

export function storageKind(account: StorageAccountSummary): string {
	return account.isHnsEnabled ? 'ADLS Gen2' : 'Blob';
}

/** "Which storage account?" then "Which container?" (filesystem, for ADLS Gen2), then the datastore's name. */
export function storageQuestions(storage: readonly StorageChoice[], datastores: readonly DatastoreSummary[], answers: Answers): Question[] {
	const questions: Question[] = [
		{
			kind: 'select',
			id: 'storageAccount',
			prompt: 'Which storage account holds the data?',
			choices: storage.map(({account}): Choice => ({value: account.id, label: account.name, detail: `${storageKind(account)} · ${account.resourceGroup} · ${account.location}`})),
		},
	];
	const chosen = storage.find(({account}) => account.id === answers['storageAccount']);
	if (chosen) {
		questions.push({
			kind: 'select',
			id: 'container',
			prompt: chosen.account.isHnsEnabled ? 'Which filesystem?' : 'Which container?',
			choices: chosen.containers.map((container) => ({value: container, label: container})),
		});
	}
	if (chosen && typeof answers['container'] === 'string') {
		const caching = credentialDatastores(datastores, chosen.account.name, answers['container']);
		questions.push({
			kind: 'text',
			id: 'datastoreName',
			prompt: 'Name of the identity-based datastore:',
			defaultValue: `${answers['container']}_identity`.replace(/[^a-zA-Z0-9_-]/g, '_'),
			...(caching.length
				? {
						warning: `Datastore${caching.length > 1 ? 's' : ''} ${caching.map((datastore) => `${datastore.name} (${datastore.credentialsType})`).join(', ')} already ${caching.length > 1 ? 'reach' : 'reaches'} this container with stored credentials: jobs using ${caching.length > 1 ? 'them' : 'it'} authenticate with the key or SAS, not with an identity. Use the new datastore.`,
					}
				: {}),
			validate: (name) => {
				if (!/^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/.test(name)) {
					return `"${name}" is not a valid datastore name: use letters, digits, hyphens and underscores, starting with a letter or digit, e.g. raw_identity.`;
				}
				const existing = datastores.find((datastore) => datastore.name.toLowerCase() === name.toLowerCase());
				if (existing && existing.credentialsType !== 'None') {
					return `Datastore "${name}" exists and stores ${existing.credentialsType} credentials, which win over identities: choose another name.`;
				}
				return undefined;
			},
		});
	}
	return questions;
}

/** Datastores pointing at this account and container that keep an account key or SAS. */
export function credentialDatastores(datastores: readonly DatastoreSummary[], accountName: string, container: string): DatastoreSummary[] {
	return datastores.filter(
		(datastore) =>
			datastore.accountName?.toLowerCase() === accountName.toLowerCase() &&
			datastore.containerName === container &&
			(datastore.credentialsType === 'AccountKey' || datastore.credentialsType === 'Sas'),
	);
}

export function identityDatastoreStep(gateway: AzureGateway, workspace: {id: string; name: string; resourceGroup: string}, name: string, account: StorageAccountSummary, container: string): PlanStep {
	const datastoreType = account.isHnsEnabled ? ('AzureDataLakeGen2' as const) : ('AzureBlob' as const);
	const fileName = `datastore-${name}.yml`;
	const description = 'Identity-based access, created by aml-identity.';
	return {
		id: `datastore-${name}`,
		title: `Create datastore ${name} (${storageKind(account)}, no stored credentials)`,
		target: {kind: 'Datastore', name, id: `${workspace.id}/datastores/${name}`},
		azCommand: `az ml datastore create --file ${fileName} --workspace-name ${workspace.name} --resource-group ${workspace.resourceGroup}`,
		documents: [{fileName, content: datastoreYaml(name, account, container, description)}],
		note: `No key, no SAS: access is checked against the identity that reads the data (${fileName} has no credentials section).`,
		requires: [{scope: workspace.id, action: 'Microsoft.MachineLearningServices/workspaces/datastores/write'}],
		async reversal() {
			return (await gateway.findDatastore(workspace.id, name))
				? {kind: 'irreversible', label: `datastore ${name}, updated`, reason: 'it existed before with other settings, and undo does not keep a copy of them'}
				: {kind: 'delete', resourceType: 'datastore', id: `${workspace.id}/datastores/${name}`, label: `datastore ${name}`};
		},
		async check() {
			const existing = await gateway.findDatastore(workspace.id, name);
			if (!existing) return {satisfied: false, detail: 'not created yet'};
			const same = existing.credentialsType === 'None' && existing.accountName === account.name && existing.containerName === container;
			return same ? {satisfied: true, detail: `datastore ${name} already points at ${account.name}/${container} without credentials`} : {satisfied: false, detail: `datastore ${name} differs: it will be updated`};
		},
		async apply() {
			await gateway.createIdentityDatastore(workspace.id, name, {datastoreType, accountName: account.name, containerName: container, description});
		},
		async verify() {
			const existing = await gateway.findDatastore(workspace.id, name);
			return existing?.credentialsType === 'None'
				? {ok: true, detail: `datastore ${name} stores no credentials`}
				: {ok: false, detail: `datastore ${name} is not there without credentials`};
		},
	};
}

/** The v2 datastore file without a credentials section, which makes it identity-based. */
export function datastoreYaml(name: string, account: StorageAccountSummary, container: string, description: string): string {
	return YAML.stringify(
		account.isHnsEnabled
			? {
					$schema: 'https://azuremlschemas.azureedge.net/latest/azureDataLakeGen2.schema.json',
					name,
					type: 'azure_data_lake_gen2',
					description,
					account_name: account.name,
					filesystem: container,
				}
			: {
					$schema: 'https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json',
					name,
					type: 'azure_blob',
					description,
					account_name: account.name,
					container_name: container,
				},
	);
}

/** A command job that reads a file through the datastore (the documents' hello-census example). */
export function jobYaml(datastore: string, compute: string, userIdentity: boolean): string {
	return YAML.stringify({
		$schema: 'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
		command: 'python hello-census.py --census-csv ${{inputs.census_csv}}',
		code: 'src',
		inputs: {census_csv: {type: 'uri_file', path: `azureml://datastores/${datastore}/paths/census.csv`}},
		environment: 'azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest',
		compute: `azureml:${compute}`,
		...(userIdentity ? {identity: {type: 'user_identity'}} : {}),
	});
}
