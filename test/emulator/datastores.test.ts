import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AzureMachineLearningWorkspaces, type AzureBlobDatastore} from '@azure/arm-machinelearning';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, sdkOptions, staticCredential} from './helpers.js';

const ML = '2022-10-01';
const fraud = SEED.workspaces.fraudProd;
const lake = SEED.storageAccounts.fraudLake;
const dsUrl = (name: string, workspaceId: string = fraud.id, query = '') => `${workspaceId}/datastores/${name}?api-version=${ML}${query}`;
const identityBased = (containerName = 'curated') => ({
	properties: {
		datastoreType: 'AzureBlob',
		accountName: lake.name,
		containerName,
		credentials: {credentialsType: 'None'},
		serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
		description: 'Curated features (identity-based)',
	},
});

describe('datastores (MachineLearningServices 2022-10-01, mfe.json)', () => {
	let emulator: RunningEmulator;
	let options: ReturnType<typeof sdkOptions>['options'];
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 2});
		options = sdkOptions(emulator).options;
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
		emulator.requests.length = 0;
	});

	it('seed: every workspace has workspaceblobstore (default, AccountKey) and workspaceworkingdirectory (AzureFile); fraud has fraud-raw-sas (Sas)', async () => {
		for (const ws of Object.values(SEED.workspaces)) {
			const list = await armRequest(emulator, 'GET', `${ws.id}/datastores?api-version=${ML}&count=30&orderBy=name&orderByAsc=true`);
			const names = list.body.value.map((d: {name: string}) => d.name);
			expect(names).toEqual(ws === fraud ? ['fraud-raw-sas', ...SEED.datastores.defaultNames] : [...SEED.datastores.defaultNames]);
			const blob = await armRequest(emulator, 'GET', dsUrl('workspaceblobstore', ws.id));
			expect(blob.body).toMatchObject({
				id: `${ws.id}/datastores/workspaceblobstore`,
				type: 'Microsoft.MachineLearningServices/workspaces/datastores',
				properties: {
					datastoreType: 'AzureBlob',
					isDefault: true,
					accountName: ws.storageAccountId.split('/').pop(),
					containerName: `azureml-blobstore-${ws.workspaceId}`,
					credentials: {credentialsType: 'AccountKey'},
					serviceDataAccessAuthIdentity: 'None',
				},
			});
			expect(blob.body.properties.credentials.secrets).toBeUndefined();
			const file = await armRequest(emulator, 'GET', dsUrl('workspaceworkingdirectory', ws.id));
			expect(file.body.properties).toMatchObject({datastoreType: 'AzureFile', isDefault: false, credentials: {credentialsType: 'AccountKey'}});
		}
		const sas = await armRequest(emulator, 'GET', dsUrl('fraud-raw-sas'));
		expect(sas.body.id).toBe(SEED.datastores.fraudRawSas.id);
		expect(sas.body.properties).toMatchObject({datastoreType: 'AzureBlob', accountName: lake.name, containerName: 'raw', credentials: {credentialsType: 'Sas'}});
		expect(sas.text).not.toContain('sig=');
		const secrets = await armRequest(emulator, 'POST', `${SEED.datastores.fraudRawSas.id}/listSecrets?api-version=${ML}`);
		expect(secrets.body).toEqual({secretsType: 'Sas', sasToken: SEED.datastores.fraudRawSas.sasToken});
		const key = await armRequest(emulator, 'POST', `${fraud.id}/datastores/workspaceblobstore/listSecrets?api-version=${ML}`);
		expect(key.body.secretsType).toBe('AccountKey');
		expect(key.body.key).toMatch(/^[A-Za-z0-9+/]{86}==$/);
	});

	it('raw: PUT 201 then 200, secrets never echoed; identity-based listSecrets is refused; DELETE 200 then 204', async () => {
		const created = await armRequest(emulator, 'PUT', dsUrl('fraud-curated'), {body: identityBased()});
		expect(created.status).toBe(201);
		expect(created.body.properties).toMatchObject({credentials: {credentialsType: 'None'}, serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity', isDefault: false, endpoint: 'core.windows.net', protocol: 'https'});
		const withKey = {properties: {...identityBased().properties, credentials: {credentialsType: 'AccountKey', secrets: {secretsType: 'AccountKey', key: 'c2VjcmV0LWtleQ=='}}}};
		const updated = await armRequest(emulator, 'PUT', dsUrl('fraud-curated'), {body: withKey});
		expect(updated.status).toBe(200);
		expect(updated.text).not.toContain('c2VjcmV0LWtleQ==');
		expect((await armRequest(emulator, 'POST', `${fraud.id}/datastores/fraud-curated/listSecrets?api-version=${ML}`)).body).toEqual({secretsType: 'AccountKey', key: 'c2VjcmV0LWtleQ=='});
		await armRequest(emulator, 'PUT', dsUrl('fraud-curated'), {body: identityBased()});
		const none = await armRequest(emulator, 'POST', `${fraud.id}/datastores/fraud-curated/listSecrets?api-version=${ML}`);
		expect(none.status).toBe(400);
		expect((await armRequest(emulator, 'DELETE', dsUrl('fraud-curated'))).status).toBe(200);
		expect((await armRequest(emulator, 'DELETE', dsUrl('fraud-curated'))).status).toBe(204);
		expect((await armRequest(emulator, 'GET', dsUrl('fraud-curated'))).status).toBe(404);
		expect((await armRequest(emulator, 'DELETE', dsUrl('workspaceblobstore'))).status).toBe(400);
	});

	it('validates names, required fields, members, credentials, immutability and the storage it points at', async () => {
		const gen2 = (extra: Record<string, unknown> = {}) => ({properties: {datastoreType: 'AzureDataLakeGen2', accountName: lake.name, filesystem: 'raw', credentials: {credentialsType: 'None'}, ...extra}});
		expect((await armRequest(emulator, 'PUT', dsUrl('lake-raw'), {body: gen2()})).status).toBe(201);
		const cases: Array<[string, string, unknown, string?]> = [
			['bad name', '-bad', gen2()],
			['no credentials', 'x1', {properties: {datastoreType: 'AzureBlob', accountName: lake.name, containerName: 'raw'}}],
			['no filesystem', 'x2', {properties: {datastoreType: 'AzureDataLakeGen2', accountName: lake.name, credentials: {credentialsType: 'None'}}}],
			['member of another type', 'x3', gen2({containerName: 'raw'})],
			['envelope member', 'x4', {...gen2(), location: 'eastus'}],
			['None with secrets', 'x5', gen2({credentials: {credentialsType: 'None', secrets: {secretsType: 'Sas', sasToken: 'x'}}})],
			['Sas without token', 'x6', gen2({credentials: {credentialsType: 'Sas', secrets: {secretsType: 'Sas'}}})],
			['unknown account', 'x7', gen2({accountName: 'stnope'})],
			['unknown container', 'x8', gen2({filesystem: 'nope'})],
			['Gen2 on a non-HNS account', 'x9', gen2({accountName: fraud.storageAccountId.split('/').pop(), filesystem: 'azureml'})],
			['changed account', 'lake-raw', gen2({filesystem: 'curated'})],
			['UAI auth without a primary UAI', 'x10', gen2({serviceDataAccessAuthIdentity: 'WorkspaceUserAssignedIdentity'})],
		];
		for (const [label, name, body] of cases) {
			const res = await armRequest(emulator, 'PUT', dsUrl(name), {body});
			expect([label, res.status]).toEqual([label, 400]);
		}
		// skipValidation=true accepts an account the emulator does not know.
		expect((await armRequest(emulator, 'PUT', dsUrl('elsewhere', fraud.id, '&skipValidation=true'), {body: gen2({accountName: 'stelsewhere'})})).status).toBe(201);
	});

	it('lists with count/$skip paging and the isDefault, names and searchText filters', async () => {
		for (const name of ['a-one', 'a-two', 'a-three']) await armRequest(emulator, 'PUT', dsUrl(name), {body: identityBased()});
		const first = await armRequest(emulator, 'GET', `${fraud.id}/datastores?api-version=${ML}&count=2&orderBy=name&orderByAsc=true`);
		expect(first.body.value.map((d: {name: string}) => d.name)).toEqual(['a-one', 'a-three']);
		expect(first.body.nextLink).toContain('$skip=2');
		const second = await armRequest(emulator, 'GET', first.body.nextLink);
		expect(second.body.value.map((d: {name: string}) => d.name)).toEqual(['a-two', 'fraud-raw-sas']);
		const isDefault = await armRequest(emulator, 'GET', `${fraud.id}/datastores?api-version=${ML}&isDefault=true`);
		expect(isDefault.body.value.map((d: {name: string}) => d.name)).toEqual(['workspaceblobstore']);
		const names = await armRequest(emulator, 'GET', `${fraud.id}/datastores?api-version=${ML}&names=a-one,fraud-raw-sas&orderBy=name&orderByAsc=true`);
		expect(names.body.value.map((d: {name: string}) => d.name)).toEqual(['a-one', 'fraud-raw-sas']);
		const search = await armRequest(emulator, 'GET', `${fraud.id}/datastores?api-version=${ML}&searchText=workspace`);
		expect(search.body.value).toHaveLength(2);
	});

	it('with @azure/arm-machinelearning: createOrUpdate, get, list (all pages), listSecrets, delete', async () => {
		const client = new AzureMachineLearningWorkspaces(staticCredential, fraud.subscriptionId, options);
		const created = await client.datastores.createOrUpdate(fraud.resourceGroup, fraud.name, 'fraud-curated', {
			properties: {
				datastoreType: 'AzureBlob',
				accountName: lake.name,
				containerName: 'curated',
				credentials: {credentialsType: 'None'},
				serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
			} as AzureBlobDatastore,
		});
		expect(created.properties).toMatchObject({datastoreType: 'AzureBlob', credentials: {credentialsType: 'None'}, serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity'});
		const got = await client.datastores.get(fraud.resourceGroup, fraud.name, 'fraud-raw-sas');
		expect(got.properties.credentials.credentialsType).toBe('Sas');
		const names: string[] = [];
		for await (const d of client.datastores.list(fraud.resourceGroup, fraud.name, {count: 1})) names.push(d.name!);
		expect(names.sort()).toEqual(['fraud-curated', 'fraud-raw-sas', 'workspaceblobstore', 'workspaceworkingdirectory']);
		expect(emulator.requests.filter((r) => r.path.endsWith('/datastores')).length).toBe(4);
		const secrets = await client.datastores.listSecrets(fraud.resourceGroup, fraud.name, 'fraud-raw-sas');
		expect(secrets).toEqual({secretsType: 'Sas', sasToken: SEED.datastores.fraudRawSas.sasToken});
		await client.datastores.delete(fraud.resourceGroup, fraud.name, 'fraud-curated');
		await expect(client.datastores.get(fraud.resourceGroup, fraud.name, 'fraud-curated')).rejects.toMatchObject({statusCode: 404});
	});
});
