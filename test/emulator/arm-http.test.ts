import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {X509Certificate} from 'node:crypto';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, IN_PROGRESS_LRO_MS, pollUntil, UUID_RE, waitForOperation} from './helpers.js';

const ML = '2022-10-01';
const ACR = '2025-11-01';
const SUBS = '2022-12-01';

describe('ARM emulator over raw HTTPS', () => {
	let emulator: RunningEmulator;
	beforeAll(async () => {
		// The only operations here are the two registry PATCHes, whose tests check them while they run.
		emulator = await startEmulator({pageSize: 2, lroDurationMs: IN_PROGRESS_LRO_MS});
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(async () => {
		await emulator.reset();
	});

	it('serves HTTPS on 127.0.0.1 with a certificate for 127.0.0.1 and localhost', async () => {
		expect(emulator.url).toBe(`https://127.0.0.1:${emulator.port}`);
		const cert = new X509Certificate(emulator.caCertPem);
		expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
		expect(cert.checkHost('localhost')).toBe('localhost');
		const viaLocalhost = await armRequest({url: `https://localhost:${emulator.port}`, caCertPem: emulator.caCertPem}, 'GET', `/subscriptions?api-version=${SUBS}`);
		expect(viaLocalhost.status).toBe(200);
		// A client that does not trust the certificate is refused.
		await expect(armRequest({url: emulator.url, caCertPem: ''}, 'GET', `/subscriptions?api-version=${SUBS}`)).rejects.toThrow();
	});

	it('answers 401 AuthenticationFailed with WWW-Authenticate when there is no bearer token', async () => {
		const res = await armRequest(emulator, 'GET', `/subscriptions?api-version=${SUBS}`, {token: null});
		expect(res.status).toBe(401);
		expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer /);
		expect(res.body.error.code).toBe('AuthenticationFailed');
		expect(res.headers['x-ms-request-id']).toMatch(UUID_RE);

		const basic = await armRequest(emulator, 'GET', `/subscriptions?api-version=${SUBS}`, {token: null, headers: {authorization: 'Basic Zm9vOmJhcg=='}});
		expect(basic.status).toBe(401);
		expect(basic.body.error.code).toBe('InvalidAuthenticationToken');
	});

	it('requires a supported api-version per provider', async () => {
		const missing = await armRequest(emulator, 'GET', '/subscriptions');
		expect(missing.status).toBe(400);
		expect(missing.body.error.code).toBe('MissingApiVersionParameter');

		const wrong = await armRequest(emulator, 'GET', `/subscriptions?api-version=2099-01-01`);
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.code).toBe('InvalidApiVersionParameter');
		expect(wrong.body.error.message).toContain("'2099-01-01'");
		expect(wrong.body.error.message).toContain('2022-12-01');

		// Resource groups serve three versions; the ML version is not one of them.
		const rg = `${SEED.resourceGroups.fraudProd.id}`;
		for (const version of ['2021-04-01', '2022-09-01', '2024-03-01']) {
			expect((await armRequest(emulator, 'GET', `${rg}?api-version=${version}`)).status).toBe(200);
		}
		const rgWrong = await armRequest(emulator, 'GET', `${rg}?api-version=${ML}`);
		expect(rgWrong.status).toBe(400);
		expect(rgWrong.body.error.message).toContain("'2025-04-01,2024-03-01,2022-09-01,2021-04-01'");

		const acrWithMlVersion = await armRequest(emulator, 'GET', `${SEED.registries.fraudProd.id}?api-version=${ML}`);
		expect(acrWithMlVersion.status).toBe(400);
		expect(acrWithMlVersion.body.error.message).toContain(ACR);
	});

	it('uses the ARM error envelope and headers for not-found and unknown routes', async () => {
		const cases: Array<[string, number, string]> = [
			[`/subscriptions/00000000-0000-0000-0000-000000000000?api-version=${SUBS}`, 404, 'SubscriptionNotFound'],
			[`/subscriptions/${SEED.subscriptions.production.subscriptionId}/resourceGroups/rg-nope?api-version=2021-04-01`, 404, 'ResourceGroupNotFound'],
			[`${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.ContainerRegistry/registries/crnope?api-version=${ACR}`, 404, 'ResourceNotFound'],
			[`${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.MachineLearningServices/workspaces/mlw-nope?api-version=${ML}`, 404, 'ResourceNotFound'],
			[`${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.Nope/things/x?api-version=${ML}`, 404, 'NoRegisteredProviderFound'],
			[`${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.MachineLearningServices/gadgets/x?api-version=${ML}`, 404, 'InvalidResourceType'],
		];
		const requestIds = new Set<string>();
		for (const [path, status, code] of cases) {
			const res = await armRequest(emulator, 'GET', path);
			expect(res.status, path).toBe(status);
			expect(res.body, path).toEqual({error: {code, message: expect.any(String)}});
			expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
			expect(res.headers['x-ms-request-id']).toMatch(UUID_RE);
			expect(res.headers['x-ms-correlation-request-id']).toMatch(UUID_RE);
			requestIds.add(String(res.headers['x-ms-request-id']));
		}
		expect(requestIds.size).toBe(cases.length);

		const correlated = await armRequest(emulator, 'GET', `/subscriptions?api-version=${SUBS}`, {
			headers: {'x-ms-correlation-request-id': 'c0ffee00-0000-4000-8000-000000000001'},
		});
		expect(correlated.headers['x-ms-correlation-request-id']).toBe('c0ffee00-0000-4000-8000-000000000001');

		const notAllowed = await armRequest(emulator, 'POST', `${SEED.registries.fraudProd.id}?api-version=${ACR}`, {body: {}});
		expect([notAllowed.status, notAllowed.body.error.code]).toEqual([405, 'MethodNotAllowed']);
	});

	it('rejects malformed PATCH bodies without starting an operation', async () => {
		const path = `${SEED.registries.fraudProd.id}?api-version=${ACR}`;
		const badJson = await armRequest(emulator, 'PATCH', path, {rawBody: '{"properties": {'});
		expect(badJson.status).toBe(400);
		expect(badJson.body.error.code).toBe('InvalidRequestContent');

		const badSku = await armRequest(emulator, 'PATCH', path, {body: {sku: {name: 'Platinum'}}});
		expect(badSku.status).toBe(400);
		expect(badSku.body.error.message).toContain('Platinum');

		const badType = await armRequest(emulator, 'PATCH', path, {body: {properties: {adminUserEnabled: 'no'}}});
		expect(badType.status).toBe(400);
		expect(badType.body.error.code).toBe('InvalidRequestContent');

		const arrayBody = await armRequest(emulator, 'PATCH', path, {body: [1, 2]});
		expect(arrayBody.status).toBe(400);

		expect(Object.keys(emulator.state.operations)).toHaveLength(0);
		const after = await armRequest(emulator, 'GET', path);
		expect(after.body.properties).toMatchObject({adminUserEnabled: true, provisioningState: 'Succeeded'});
	});

	it('pages lists with an absolute nextLink carrying $skiptoken and api-version', async () => {
		const collect = async (first: string) => {
			const items: Array<{id: string}> = [];
			const links: string[] = [];
			let next: string | undefined = first;
			while (next) {
				const res = await armRequest(emulator, 'GET', next);
				expect(res.status, next).toBe(200);
				items.push(...res.body.value);
				next = res.body.nextLink || undefined;
				if (next) links.push(next);
			}
			return {items, links};
		};

		const subs = await collect(`/subscriptions?api-version=${SUBS}`);
		expect(subs.items.map((s) => s.id).sort()).toEqual(Object.values(SEED.subscriptions).map((s) => s.id).sort());
		expect(subs.links).toHaveLength(1);
		const link = new URL(subs.links[0]!);
		expect(link.origin).toBe(emulator.url);
		expect(link.searchParams.get('$skiptoken')).toBe('2');
		expect(link.searchParams.get('api-version')).toBe(SUBS);
		// Subscriptions_List declares nextLink required: the last page carries it, empty.
		const last = await armRequest(emulator, 'GET', subs.links[0]!);
		expect(last.body).toHaveProperty('nextLink', '');

		const devTest = SEED.subscriptions.devTest.id;
		const registries = await collect(`${devTest}/providers/Microsoft.ContainerRegistry/registries?api-version=${ACR}`);
		expect(registries.items.map((r) => r.id).sort()).toEqual(
			[SEED.registries.visionDev.id, SEED.registries.nlpDev.id, SEED.registries.contosoShared.id].sort(),
		);
		expect(registries.links).toHaveLength(1);

		const single = await armRequest(emulator, 'GET', `${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.ContainerRegistry/registries?api-version=${ACR}`);
		expect(single.body.value).toHaveLength(1);
		expect(single.body).not.toHaveProperty('nextLink');

		const bad = await armRequest(emulator, 'GET', `/subscriptions?api-version=${SUBS}&$skiptoken=zzz`);
		expect(bad.status).toBe(400);
	});

	it('matches paths case-insensitively and echoes stored casing', async () => {
		const reg = SEED.registries.visionDev;
		const shouted = `/SUBSCRIPTIONS/${reg.subscriptionId.toUpperCase()}/RESOURCEGROUPS/${reg.resourceGroup.toUpperCase()}/PROVIDERS/microsoft.containerregistry/REGISTRIES/${reg.name.toUpperCase()}?api-version=${ACR}`;
		const res = await armRequest(emulator, 'GET', shouted);
		expect(res.status).toBe(200);
		expect(res.body.id).toBe(reg.id);
		expect(res.body.name).toBe('crvisiondev');

		const ws = SEED.workspaces.fraudProd;
		const lower = await armRequest(emulator, 'GET', `${ws.id.toLowerCase()}?api-version=${ML}`);
		expect(lower.status).toBe(200);
		expect(lower.body.id).toBe(ws.id);
		expect(lower.body.type).toBe('Microsoft.MachineLearningServices/workspaces');
	});

	it('serves the seeded tenant in the shapes of the spec examples', async () => {
		const fraud = (await armRequest(emulator, 'GET', `${SEED.workspaces.fraudProd.id}?api-version=${ML}`)).body;
		expect(fraud).toMatchObject({
			name: 'mlw-fraud-prod',
			location: 'eastus',
			identity: {type: 'SystemAssigned', principalId: SEED.workspaces.fraudProd.principalId, tenantId: SEED.tenantId},
			sku: {name: 'Basic'},
			systemData: {createdBy: 'ada@contoso.com'},
			properties: {
				containerRegistry: SEED.registries.fraudProd.id,
				storageAccount: SEED.workspaces.fraudProd.storageAccountId,
				keyVault: SEED.workspaces.fraudProd.keyVaultId,
				applicationInsights: SEED.workspaces.fraudProd.applicationInsightsId,
				provisioningState: 'Succeeded',
				workspaceId: expect.stringMatching(UUID_RE),
				discoveryUrl: expect.stringMatching(/^https:\/\//),
			},
		});
		const forecast = (await armRequest(emulator, 'GET', `${SEED.workspaces.demandForecast.id}?api-version=${ML}`)).body;
		expect(forecast.properties).not.toHaveProperty('containerRegistry');

		const autoAcr = (await armRequest(emulator, 'GET', `${SEED.registries.fraudProd.id}?api-version=${ACR}`)).body;
		expect(autoAcr.name).toMatch(/^[0-9a-f]{32}$/);
		expect(autoAcr).toMatchObject({
			type: 'Microsoft.ContainerRegistry/registries',
			sku: {name: 'Basic', tier: 'Basic'},
			properties: {adminUserEnabled: true, loginServer: `${autoAcr.name}.azurecr.io`, provisioningState: 'Succeeded'},
		});

		const sub = (await armRequest(emulator, 'GET', `${SEED.subscriptions.production.id}?api-version=${SUBS}`)).body;
		expect(sub).toMatchObject({displayName: 'Contoso ML Production', state: 'Enabled', tenantId: SEED.tenantId});

		const sandboxWs = await armRequest(emulator, 'GET', `${SEED.subscriptions.sandbox.id}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${ML}`);
		expect(sandboxWs.body.value).toEqual([]);

		const devRgWs = await armRequest(emulator, 'GET', `${SEED.resourceGroups.mlDev.id}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${ML}`);
		expect(devRgWs.body.value.map((w: {name: string}) => w.name).sort()).toEqual(['mlw-nlp-dev', 'mlw-vision-dev']);

		const head = await armRequest(emulator, 'HEAD', `${SEED.resourceGroups.mlShared.id}?api-version=2021-04-01`);
		expect(head.status).toBe(204);
	});

	it('runs a registry PATCH as an async operation: 201 + Azure-AsyncOperation, Updating, 409, then Succeeded', async () => {
		const reg = SEED.registries.nlpDev;
		const patch = await armRequest(emulator, 'PATCH', `${reg.id}?api-version=${ACR}`, {body: {properties: {adminUserEnabled: false}}});
		expect(patch.status).toBe(201);
		expect(patch.body.properties).toMatchObject({provisioningState: 'Updating', adminUserEnabled: false});
		expect(patch.headers['retry-after']).toBe('1');
		const asyncUrl = String(patch.headers['azure-asyncoperation']);
		expect(asyncUrl).toMatch(new RegExp(`^${emulator.url}${reg.id}/operationStatuses/registries-[0-9a-f-]{36}\\?api-version=${ACR}$`));

		const during = await armRequest(emulator, 'GET', `${reg.id}?api-version=${ACR}`);
		expect(during.body.properties).toMatchObject({provisioningState: 'Updating', adminUserEnabled: true});

		const conflict = await armRequest(emulator, 'PATCH', `${reg.id}?api-version=${ACR}`, {body: {properties: {adminUserEnabled: true}}});
		expect(conflict.status).toBe(409);
		expect(conflict.body.error.code).toBe('Conflict');

		const running = await armRequest(emulator, 'GET', asyncUrl);
		expect(running.status).toBe(200);
		expect(running.body).toMatchObject({status: 'InProgress', name: expect.stringMatching(/^registries-/), startTime: expect.any(String)});
		expect(running.body).not.toHaveProperty('endTime');

		const done = await waitForOperation(emulator, asyncUrl);
		expect(done.body).toMatchObject({status: 'Succeeded', endTime: expect.any(String)});
		const after = await armRequest(emulator, 'GET', `${reg.id}?api-version=${ACR}`);
		expect(after.body.properties).toMatchObject({provisioningState: 'Succeeded', adminUserEnabled: false});
	});

	it('completes an operation on its timer even when nobody polls', async () => {
		const reg = SEED.registries.contosoShared;
		const patch = await armRequest(emulator, 'PATCH', `${reg.id}?api-version=${ACR}`, {body: {tags: {owner: 'ada'}, sku: {name: 'standard'}}});
		expect(patch.status).toBe(201);
		const key = reg.id.toLowerCase();
		expect(emulator.state.registries[key]!.properties.provisioningState).toBe('Updating');
		// Watch the in-memory state, not the status URL: no request may be what completes it.
		await pollUntil(() => emulator.state.registries[key]!.properties.provisioningState, (state) => state !== 'Updating');
		expect(emulator.requests.filter((r) => r.path.toLowerCase().startsWith(`${key}/operationstatuses/`))).toEqual([]);
		expect(emulator.state.registries[key]).toMatchObject({tags: {owner: 'ada'}, sku: {name: 'Standard', tier: 'Standard'}, properties: {provisioningState: 'Succeeded'}});
	});

	it('adds the configured latency and records every request', async () => {
		const slow = await startEmulator({latencyMs: 150});
		try {
			const started = Date.now();
			const res = await armRequest(slow, 'GET', `/subscriptions?api-version=${SUBS}`);
			expect(res.status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(140);
			await armRequest(slow, 'GET', `/subscriptions`, {token: null});
			expect(slow.requests.map((r) => [r.method, r.path, r.status])).toEqual([
				['GET', '/subscriptions', 200],
				['GET', '/subscriptions', 401],
			]);
			expect(slow.requests[0]!.query).toEqual({'api-version': SUBS});
		} finally {
			await slow.close();
		}
	});
});
