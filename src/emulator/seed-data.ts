/**
 * Seed for identity-based data access: the ADLS Gen2 lake of the fraud team, blob containers on
 * every storage account, and the datastores of each workspace (the defaults Azure ML makes, plus
 * `fraud-raw-sas` on mlw-fraud-prod, a datastore holding a SAS token: when a datastore has a key
 * or SAS, that credential is used instead of any identity).
 *
 * `seedDataState(state)` runs after seedIdentityState() (it needs the storage accounts). Like
 * seed-identity.ts it spells out the few ids it needs; tests cross-check them against SEED.
 */
import {addBlobContainer, addDefaultDatastores, storeDatastore} from './datastores.js';
import {storageAccountResource} from './seed-identity.js';
import type {EmulatorState} from './state.js';

const PRODUCTION = '3f2b8c4e-1a7d-4e9b-8c6f-5d2a9b1e7c40';
const FRAUD_RG = `/subscriptions/${PRODUCTION}/resourceGroups/rg-ml-fraud-prod`;
const FRAUD_WORKSPACE = `${FRAUD_RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-prod`;
const LAKE_CREATED_AT = '2024-03-18T07:45:10.2500000Z';
const SAS_DATASTORE_CREATED_AT = '2024-04-02T16:20:44.8100000Z';

/** Storage accounts seeded for data access (the workspaces' own accounts are in SEED.workspaces.*.storageAccountId). */
export const SEED_STORAGE_ACCOUNTS = {
	/** ADLS Gen2 (isHnsEnabled true) data lake of the fraud team in rg-ml-fraud-prod; containers raw and curated. */
	fraudLake: {
		id: `${FRAUD_RG}/providers/Microsoft.Storage/storageAccounts/stfraudlake7d2e9c`,
		name: 'stfraudlake7d2e9c',
		subscriptionId: PRODUCTION,
		resourceGroup: 'rg-ml-fraud-prod',
		location: 'eastus',
		isHnsEnabled: true,
		containers: ['raw', 'curated'] as const,
	},
} as const;

/** Containers every workspace storage account has: `azureml` and the one behind workspaceblobstore (`azureml-blobstore-<workspaceId>`). */
export const WORKSPACE_STORAGE_CONTAINERS = (workspaceId: string) => ['azureml', `azureml-blobstore-${workspaceId}`];

/** The datastores Azure ML makes with every workspace (both with account-key credentials). */
export const DEFAULT_DATASTORE_NAMES = ['workspaceblobstore', 'workspaceworkingdirectory'] as const;

/** Extra seeded datastores. */
export const SEED_DATASTORES = {
	/** mlw-fraud-prod: AzureBlob on stfraudlake7d2e9c/raw with **Sas** credentials (the SAS wins over identity). */
	fraudRawSas: {
		id: `${FRAUD_WORKSPACE}/datastores/fraud-raw-sas`,
		name: 'fraud-raw-sas',
		workspaceId: FRAUD_WORKSPACE,
		datastoreType: 'AzureBlob',
		accountName: 'stfraudlake7d2e9c',
		containerName: 'raw',
		credentialsType: 'Sas',
		sasToken: 'sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-12-31T23:59:59Z&st=2024-04-02T00:00:00Z&spr=https&sig=Q2xHcE1vY2tTaWduYXR1cmVGb3JUaGVFbXVsYXRvcg%3D%3D',
	},
} as const;

const key = (id: string) => id.toLowerCase();

export function seedDataState(state: EmulatorState): void {
	// The lake (ADLS Gen2) and its containers.
	const lake = SEED_STORAGE_ACCOUNTS.fraudLake;
	const lakeBody = storageAccountResource(lake.id, lake.location, LAKE_CREATED_AT, {team: 'fraud-detection', purpose: 'data-lake'}, true);
	state.genericResources[key(lake.id)] = lakeBody;
	for (const container of lake.containers) addBlobContainer(state, lakeBody, container, LAKE_CREATED_AT);

	// Every workspace: its default datastores (and the containers behind them).
	for (const workspace of Object.values(state.workspaces)) {
		addDefaultDatastores(state, workspace, workspace.systemData?.createdAt ?? LAKE_CREATED_AT);
	}

	// mlw-fraud-prod: a SAS datastore on the lake's raw container.
	const fraud = state.workspaces[key(FRAUD_WORKSPACE)];
	if (fraud) {
		const sas = SEED_DATASTORES.fraudRawSas;
		storeDatastore(
			state,
			fraud,
			sas.name,
			{
				description: 'Raw card transactions (landing zone), read with a SAS token',
				tags: {source: 'card-processor'},
				properties: {},
				isDefault: false,
				credentials: {credentialsType: 'Sas', secrets: {secretsType: 'Sas', sasToken: sas.sasToken}},
				datastoreType: 'AzureBlob',
				accountName: sas.accountName,
				containerName: sas.containerName,
				endpoint: 'core.windows.net',
				protocol: 'https',
				serviceDataAccessAuthIdentity: 'None',
			},
			SAS_DATASTORE_CREATED_AT,
		);
	}
}
