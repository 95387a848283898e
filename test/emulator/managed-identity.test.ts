import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {ManagedServiceIdentityClient} from '@azure/arm-msi';
import {SEED, SEED_IDENTITIES, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, sdkOptions, staticCredential, UUID_RE} from './helpers.js';

const MSI = '2024-11-30';
const rg = SEED.resourceGroups.mlDev;
const uaiUrl = (group: {id: string}, name: string) => `${group.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${MSI}`;

describe('Microsoft.ManagedIdentity over raw HTTPS', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 1});
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
	});

	it('serves the seeded identities as in IdentityGet.json', async () => {
		const uai = SEED_IDENTITIES.fraudAcrPull;
		const res = await armRequest(emulator, 'GET', uaiUrl(SEED.resourceGroups.fraudProd, uai.name));
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			id: uai.id,
			name: 'id-fraud-acr-pull',
			type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
			location: 'eastus',
			properties: {tenantId: SEED.tenantId, principalId: uai.principalId, clientId: uai.clientId, isolationScope: 'None'},
		});
		// MSI spells the resource group segment in lower case.
		expect(uai.id).toContain('/resourcegroups/rg-ml-fraud-prod/');
		const vision = await armRequest(emulator, 'GET', uaiUrl(rg, 'id-vision-train'));
		expect(vision.body.location).toBe('eastus2');
	});

	it('creates (201, new uuids, principal registered now), updates by PUT (200, same ids), PATCHes tags', async () => {
		const before = Date.now();
		const created = await armRequest(emulator, 'PUT', uaiUrl(rg, 'id-new_one-1'), {body: {location: 'eastus2', tags: {team: 'vision'}}});
		expect(created.status, created.text).toBe(201);
		expect(created.body).toMatchObject({
			name: 'id-new_one-1',
			type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
			location: 'eastus2',
			tags: {team: 'vision'},
			properties: {tenantId: SEED.tenantId, isolationScope: 'None'},
		});
		expect(created.body.id.toLowerCase()).toBe(`${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new_one-1`.toLowerCase());
		const {principalId, clientId} = created.body.properties;
		expect(principalId).toMatch(UUID_RE);
		expect(clientId).toMatch(UUID_RE);
		expect(principalId).not.toBe(clientId);
		const principal = emulator.state.principals[principalId.toLowerCase()];
		expect(principal?.kind).toBe('ServicePrincipal');
		expect(principal!.createdAt).toBeGreaterThanOrEqual(before);

		const updated = await armRequest(emulator, 'PUT', uaiUrl(rg, 'id-new_one-1'), {body: {location: 'eastus2', tags: {team: 'cv'}}});
		expect(updated.status).toBe(200);
		expect(updated.body.properties).toEqual(created.body.properties);
		expect(updated.body.tags).toEqual({team: 'cv'});

		const patched = await armRequest(emulator, 'PATCH', uaiUrl(rg, 'id-new_one-1'), {body: {tags: {team: 'patched'}, properties: {isolationScope: 'Regional'}}});
		expect(patched.status).toBe(200);
		expect(patched.body.tags).toEqual({team: 'patched'});
		expect(patched.body.properties).toEqual({...created.body.properties, isolationScope: 'Regional'});

		const moved = await armRequest(emulator, 'PUT', uaiUrl(rg, 'id-new_one-1'), {body: {location: 'westeurope'}});
		expect(moved.status).toBe(400);
		expect(moved.body.error.code).toBe('InvalidResourceLocation');
	});

	it('rejects a missing location, invalid names, unknown groups and subscriptions', async () => {
		const noLocation = await armRequest(emulator, 'PUT', uaiUrl(rg, 'id-x-1'), {body: {tags: {}}});
		expect(noLocation.status).toBe(400);
		expect(noLocation.body.error.code).toBe('LocationRequired');

		for (const name of ['ab', '-starts-with-dash', 'has.dot', 'a'.repeat(129)]) {
			const res = await armRequest(emulator, 'PUT', uaiUrl(rg, name), {body: {location: 'eastus2'}});
			expect(res.status, name).toBe(400);
			expect(res.body.error.code, name).toBe('InvalidResourceName');
		}
		const longest = await armRequest(emulator, 'PUT', uaiUrl(rg, 'a'.repeat(128)), {body: {location: 'eastus2'}});
		expect(longest.status).toBe(201);

		const noGroup = await armRequest(emulator, 'PUT', uaiUrl({id: `${SEED.subscriptions.devTest.id}/resourceGroups/rg-nope`}, 'id-x-1'), {body: {location: 'eastus2'}});
		expect(noGroup.status).toBe(404);
		expect(noGroup.body.error.code).toBe('ResourceGroupNotFound');

		const noSub = await armRequest(emulator, 'GET', `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI}`);
		expect(noSub.status).toBe(404);
		expect(noSub.body.error.code).toBe('SubscriptionNotFound');

		const missing = await armRequest(emulator, 'GET', uaiUrl(rg, 'id-missing'));
		expect(missing.status).toBe(404);
		expect(missing.body.error.code).toBe('ResourceNotFound');

		const oldVersion = await armRequest(emulator, 'GET', uaiUrl(rg, 'id-vision-train').replace(MSI, '2023-01-31'));
		expect(oldVersion.status).toBe(400);
		expect(oldVersion.body.error.code).toBe('InvalidApiVersionParameter');
	});

	it('lists by resource group and by subscription with nextLink; deletes (200, then 204)', async () => {
		await armRequest(emulator, 'PUT', uaiUrl(rg, 'id-extra'), {body: {location: 'eastus2'}});
		const names = async (target: string) => {
			const out: string[] = [];
			let next: string | undefined = target;
			while (next) {
				const res = await armRequest(emulator, 'GET', next);
				expect(res.status).toBe(200);
				out.push(...res.body.value.map((v: {name: string}) => v.name));
				next = res.body.nextLink;
			}
			return out.sort();
		};
		expect(await names(`${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI}`)).toEqual(['id-extra', 'id-vision-train']);
		expect(await names(`${SEED.subscriptions.production.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI}`)).toEqual(['id-fraud-acr-pull']);

		const deleted = await armRequest(emulator, 'DELETE', uaiUrl(rg, 'id-extra'));
		expect(deleted.status).toBe(200);
		const again = await armRequest(emulator, 'DELETE', uaiUrl(rg, 'id-extra'));
		expect(again.status).toBe(204);
		expect(await names(`${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI}`)).toEqual(['id-vision-train']);
	});
});

describe('Microsoft.ManagedIdentity with ManagedServiceIdentityClient (arm-msi 2.2, 2024-11-30)', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({pageSize: 1});
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('createOrUpdate, get, listByResourceGroup, listBySubscription, delete', async () => {
		const client = new ManagedServiceIdentityClient(staticCredential, SEED.subscriptions.devTest.subscriptionId, sdkOptions(emulator).options);
		const created = await client.userAssignedIdentities.createOrUpdate(rg.name, 'id-sdk-train', {location: 'eastus2', tags: {owner: 'ada'}});
		expect(created.name).toBe('id-sdk-train');
		expect(created.principalId).toMatch(UUID_RE);
		expect(created.clientId).toMatch(UUID_RE);
		expect(created.tenantId).toBe(SEED.tenantId);

		const got = await client.userAssignedIdentities.get(rg.name, 'id-sdk-train');
		expect(got).toMatchObject({id: created.id, principalId: created.principalId, clientId: created.clientId, tags: {owner: 'ada'}});

		const inGroup = [];
		for await (const i of client.userAssignedIdentities.listByResourceGroup(rg.name)) inGroup.push(i.name);
		expect(inGroup.sort()).toEqual(['id-sdk-train', 'id-vision-train']);
		const inSub = [];
		for await (const i of client.userAssignedIdentities.listBySubscription()) inSub.push(i.name);
		expect(inSub.sort()).toEqual(['id-sdk-train', 'id-vision-train']);

		await expect(client.userAssignedIdentities.get(rg.name, 'id-nope')).rejects.toMatchObject({statusCode: 404, code: 'ResourceNotFound'});
		await client.userAssignedIdentities.delete(rg.name, 'id-sdk-train');
		await expect(client.userAssignedIdentities.get(rg.name, 'id-sdk-train')).rejects.toMatchObject({statusCode: 404});
	});
});
