import https from 'node:https';
import {createPublicKey, generateKeyPairSync, sign, verify} from 'node:crypto';
import {afterEach, describe, expect, it} from 'vitest';
import {startEmulator, SEED, type RunningEmulator} from '../../src/emulator/index.js';
import {ADA, DEMO_SERVICE_PRINCIPAL, FABRIKAM_TENANT} from '../../src/emulator/entra-id.js';
import {armRequest, type RawResponse} from './helpers.js';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
	await emulator?.close();
	emulator = undefined;
});

async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
	emulator = await startEmulator(options);
	return emulator;
}

/** A request to the emulator's Entra ID: form-encoded POST or GET, no bearer token. */
function entraRequest(target: RunningEmulator, method: 'GET' | 'POST', path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
	const body = form ? new URLSearchParams(form).toString() : undefined;
	return armRequest(target, method, path, {
		token: null,
		...(body === undefined ? {} : {rawBody: body}),
		headers: {...headers, ...(body === undefined ? {} : {'content-type': 'application/x-www-form-urlencoded'})},
	});
}

function claimsOf(token: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function servicePrincipalToken(target: RunningEmulator, secret: string = DEMO_SERVICE_PRINCIPAL.clientSecret, scope = 'https://management.azure.com/.default') {
	return entraRequest(target, 'POST', `/${SEED.tenantId}/oauth2/v2.0/token`, {
		grant_type: 'client_credentials',
		client_id: DEMO_SERVICE_PRINCIPAL.appId,
		client_secret: secret,
		scope,
	});
}

const subscriptionsPath = '/subscriptions?api-version=2022-12-01';

describe('the emulator as Microsoft Entra ID', () => {
	it('publishes an OpenID configuration whose endpoints are its own, and keys that verify its tokens', async () => {
		const target = await start();
		const configuration = await entraRequest(target, 'GET', `/${SEED.tenantId}/v2.0/.well-known/openid-configuration`);
		expect(configuration.status).toBe(200);
		expect(configuration.body.token_endpoint).toBe(`${target.url}/${SEED.tenantId}/oauth2/v2.0/token`);
		expect(configuration.body.device_authorization_endpoint).toBe(`${target.url}/${SEED.tenantId}/oauth2/v2.0/devicecode`);

		const issued = await servicePrincipalToken(target);
		expect(issued.status).toBe(200);
		expect(issued.body).toMatchObject({token_type: 'Bearer', expires_in: 3600});
		const token = issued.body.access_token as string;
		const keys = await entraRequest(target, 'GET', new URL(configuration.body.jwks_uri as string).pathname);
		const publicKey = createPublicKey({key: keys.body.keys[0], format: 'jwk'});
		const [header, payload, signature] = token.split('.') as [string, string, string];
		expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
		expect(claimsOf(token)).toMatchObject({
			aud: 'https://management.azure.com',
			iss: `https://sts.windows.net/${SEED.tenantId}/`,
			tid: SEED.tenantId,
			oid: DEMO_SERVICE_PRINCIPAL.objectId,
			appid: DEMO_SERVICE_PRINCIPAL.appId,
		});
	});

	it('refuses a wrong client secret and an unknown application as Entra ID does', async () => {
		const target = await start();
		const wrong = await servicePrincipalToken(target, 'not-the-secret');
		expect(wrong.status).toBe(401);
		expect(wrong.body).toMatchObject({error: 'invalid_client', error_codes: [7000215]});
		const unknown = await entraRequest(target, 'POST', `/${SEED.tenantId}/oauth2/v2.0/token`, {
			grant_type: 'client_credentials',
			client_id: '00000000-0000-4000-8000-000000000000',
			client_secret: 'x',
			scope: 'https://management.azure.com/.default',
		});
		expect(unknown.body).toMatchObject({error: 'unauthorized_client', error_codes: [700016]});
	});

	it('makes the token\'s principal the ARM caller: the service principal sees only the subscription it has a role in', async () => {
		const target = await start();
		const token = (await servicePrincipalToken(target)).body.access_token as string;
		const asServicePrincipal = await armRequest(target, 'GET', subscriptionsPath, {token});
		expect(asServicePrincipal.status).toBe(200);
		expect(asServicePrincipal.body.value.map((s: {displayName: string}) => s.displayName)).toEqual([SEED.subscriptions.production.displayName]);
		// The demo's opaque bearer is still Ada, who has a role in all three.
		const asAda = await armRequest(target, 'GET', subscriptionsPath, {token: 'aml-identity-demo-token'});
		expect(asAda.body.value).toHaveLength(3);

		const identityPath = `${SEED.resourceGroups.mlDev.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new?api-version=2024-11-30`;
		const denied = await armRequest(target, 'PUT', identityPath, {token, body: {location: 'eastus'}});
		expect(denied.status).toBe(403);
		expect(denied.body.error.code).toBe('AuthorizationFailed');
		expect(denied.body.error.message).toContain(`'${DEMO_SERVICE_PRINCIPAL.appId}' with object id '${DEMO_SERVICE_PRINCIPAL.objectId}'`);
	});

	it('answers ARM 401s for a token it did not sign, one for another audience, and an expired one', async () => {
		const target = await start();
		const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048});
		const header = Buffer.from(JSON.stringify({alg: 'RS256', typ: 'JWT'})).toString('base64url');
		const payload = Buffer.from(JSON.stringify({aud: 'https://management.azure.com', tid: SEED.tenantId, oid: ADA.objectId, exp: Math.floor(Date.now() / 1000) + 600})).toString('base64url');
		const forged = `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url')}`;
		const notOurs = await armRequest(target, 'GET', subscriptionsPath, {token: forged});
		expect(notOurs.status).toBe(401);
		expect(notOurs.body.error.code).toBe('InvalidAuthenticationToken');
		expect(notOurs.headers['www-authenticate']).toMatch(/^Bearer authorization_uri="https:\/\/login\.windows\.net\/", error="invalid_token"/);

		const vaultToken = target.entra.issueAccessToken(ADA, 'https://vault.azure.net');
		const otherAudience = await armRequest(target, 'GET', subscriptionsPath, {token: vaultToken});
		expect(otherAudience.status).toBe(401);
		expect(otherAudience.body.error.code).toBe('InvalidAuthenticationTokenAudience');
		expect(otherAudience.body.error.message).toContain("wrong audience or resource 'https://vault.azure.net'");

		const token = (await servicePrincipalToken(target)).body.access_token as string;
		expect((await armRequest(target, 'GET', subscriptionsPath, {token})).status).toBe(200);
		target.entra.advanceClock(2 * 60 * 60 * 1000);
		const expired = await armRequest(target, 'GET', subscriptionsPath, {token});
		expect(expired.status).toBe(401);
		expect(expired.body.error.code).toBe('ExpiredAuthenticationToken');
		expect(expired.body.error.message).toMatch(/^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/);
		// A token issued now (on the moved clock) is accepted again.
		const fresh = (await servicePrincipalToken(target)).body.access_token as string;
		expect((await armRequest(target, 'GET', subscriptionsPath, {token: fresh})).status).toBe(200);
	});

	it('honours the token lifetime option', async () => {
		const target = await start({tokenLifetimeSeconds: 1});
		const issued = await servicePrincipalToken(target);
		expect(issued.body.expires_in).toBe(1);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const late = await armRequest(target, 'GET', subscriptionsPath, {token: issued.body.access_token});
		expect(late.body.error.code).toBe('ExpiredAuthenticationToken');
	});

	it('runs the device code flow: pending until the code is approved on the sign-in page, then tokens and a refresh token', async () => {
		const target = await start();
		const clientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
		const scope = 'https://management.azure.com/.default openid profile offline_access';
		const started = await entraRequest(target, 'POST', `/${SEED.tenantId}/oauth2/v2.0/devicecode`, {client_id: clientId, scope});
		expect(started.body).toMatchObject({verification_uri: `${target.url}/devicelogin`, interval: 1});
		const poll = () =>
			entraRequest(target, 'POST', `/${SEED.tenantId}/oauth2/v2.0/token`, {
				grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
				client_id: clientId,
				device_code: started.body.device_code,
			});
		expect((await poll()).body.error).toBe('authorization_pending');
		expect(target.entra.pendingDeviceCodes()).toEqual([started.body.user_code]);

		const page = await entraRequest(target, 'POST', '/devicelogin', {code: started.body.user_code.toLowerCase()});
		expect(page.text).toContain(`Signed in as ${ADA.upn}`);
		const tokens = await poll();
		expect(tokens.status).toBe(200);
		expect(claimsOf(tokens.body.access_token)).toMatchObject({upn: ADA.upn, name: ADA.name, oid: ADA.objectId, tid: SEED.tenantId});
		expect(claimsOf(tokens.body.id_token)).toMatchObject({preferred_username: ADA.upn, aud: clientId});
		expect((await poll()).body.error).toBe('invalid_grant');

		const refreshed = await entraRequest(target, 'POST', `/${FABRIKAM_TENANT.tenantId}/oauth2/v2.0/token`, {
			grant_type: 'refresh_token',
			client_id: clientId,
			refresh_token: tokens.body.refresh_token,
			scope,
		});
		expect(claimsOf(refreshed.body.access_token)).toMatchObject({oid: ADA.objectId, tid: FABRIKAM_TENANT.tenantId});
		// Ada in Fabrikam: a tenant with no subscriptions.
		expect((await armRequest(target, 'GET', subscriptionsPath, {token: refreshed.body.access_token})).body.value).toEqual([]);
	});

	it('serves App Service managed identity tokens for the user-assigned identities it knows', async () => {
		const target = await start();
		const path = (query: string) => `${new URL(target.identityEndpoint).pathname}?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com')}${query}`;
		const withHeader = {'x-identity-header': target.entra.identityHeader};
		expect((await entraRequest(target, 'GET', path(`&client_id=${SEED.identities.visionTrain.clientId}`))).status).toBe(401);
		expect((await entraRequest(target, 'GET', path(''), undefined, withHeader)).status).toBe(400);
		const issued = await entraRequest(target, 'GET', path(`&client_id=${SEED.identities.visionTrain.clientId}`), undefined, withHeader);
		expect(issued.status).toBe(200);
		expect(Number(issued.body.expires_on)).toBeGreaterThan(Date.now() / 1000);
		expect(claimsOf(issued.body.access_token)).toMatchObject({oid: SEED.identities.visionTrain.principalId, appid: SEED.identities.visionTrain.clientId});
		const subscriptions = await armRequest(target, 'GET', subscriptionsPath, {token: issued.body.access_token});
		// Its only role (AcrPull on crvisiondev) is in Dev/Test.
		expect(subscriptions.body.value.map((s: {displayName: string}) => s.displayName)).toEqual([SEED.subscriptions.devTest.displayName]);
	});

	it('lists tenants: Ada\'s home and the one she is a guest in; the service principal\'s home only', async () => {
		const target = await start();
		const asAda = await armRequest(target, 'GET', '/tenants?api-version=2022-12-01', {token: 'aml-identity-demo-token'});
		expect(asAda.body.value.map((t: {displayName: string}) => t.displayName)).toEqual(['Contoso', 'Fabrikam']);
		const token = (await servicePrincipalToken(target)).body.access_token as string;
		const asServicePrincipal = await armRequest(target, 'GET', '/tenants?api-version=2022-12-01', {token});
		expect(asServicePrincipal.body.value.map((t: {tenantId: string}) => t.tenantId)).toEqual([SEED.tenantId]);
	});

	it('refuses writes in a disabled subscription with ReadOnlyDisabledSubscription', async () => {
		const target = await start();
		target.state.subscriptions[SEED.subscriptions.devTest.id.toLowerCase()]!.state = 'Disabled';
		const write = await armRequest(target, 'PUT', `${SEED.resourceGroups.mlDev.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new?api-version=2024-11-30`, {body: {location: 'eastus'}});
		expect(write.status).toBe(409);
		expect(write.body.error.code).toBe('ReadOnlyDisabledSubscription');
	});
});
