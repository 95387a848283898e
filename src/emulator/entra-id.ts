/**
 * Microsoft Entra ID as the emulator plays it, on the same HTTPS listener as Resource Manager:
 * - OpenID configuration and signing keys: `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/discovery/v2.0/keys`;
 * - `/{tenant}/oauth2/v2.0/token`: client credentials (client_secret), the device code grant, refresh tokens;
 * - `/{tenant}/oauth2/v2.0/devicecode` and a sign-in page at `/devicelogin` (POST approves a code as Ada);
 * - the App Service managed identity protocol (2019-08-01, `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`) at `/msi/token`,
 *   answering for the user-assigned identities in the emulator's state.
 * Access tokens are RS256 JWTs signed with a key made at every start, with Resource Manager's v1 claims
 * (aud, iss, tid, oid, name, upn or appid, iat, nbf, exp). `authenticate()` checks them for ARM requests.
 */
import {generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject} from 'node:crypto';
import {ArmError, isPlainObject} from './arm.js';
import {DEMO_TENANT} from './seed.js';
import {DEMO_SERVICE_PRINCIPAL} from './seed-identity.js';
import type {EmulatorState} from './state.js';

/** A second tenant where Ada is a guest and which holds no subscriptions: the tenant picker's other choice. */
export const FABRIKAM_TENANT = {tenantId: '7e3b9d1f-4a6c-4e2b-8d5f-1c9a3e7b5d20', domain: 'fabrikam.com', displayName: 'Fabrikam'} as const;

export {DEMO_SERVICE_PRINCIPAL};

/** The Azure CLI's public client id, which DeviceCodeCredential uses by default. */
export const DEVELOPER_SIGN_ON_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** The audiences Resource Manager accepts (as its InvalidAuthenticationTokenAudience message lists them). */
export const ARM_AUDIENCES = [
	'https://management.core.windows.net/',
	'https://management.core.windows.net',
	'https://management.azure.com/',
	'https://management.azure.com',
] as const;

export interface EntraOptions {
	/** Lifetime of issued access tokens; default 3600 (Entra ID issues 60-90 minutes). */
	tokenLifetimeSeconds?: number;
	/** Audiences Resource Manager accepts; default ARM_AUDIENCES. */
	audiences?: readonly string[];
	/** Polling interval the device code endpoint asks for; default 1 second. */
	deviceCodeIntervalSeconds?: number;
}

/** Who a token speaks for. */
export interface Principal {
	readonly objectId: string;
	readonly tenantId: string;
	readonly kind: 'User' | 'ServicePrincipal';
	readonly name: string;
	/** Users: the sign-in name. */
	readonly upn?: string;
	/** Service principals and managed identities: the application (client) id. */
	readonly appId?: string;
}

/** The caller of an ARM request, as access control sees it. */
export interface Caller {
	readonly objectId: string;
	/** Users' upn, or a service principal's appid: what ARM's AuthorizationFailed names. */
	readonly displayName: string;
	readonly tenantId: string;
}

export const ADA: Principal = {
	objectId: DEMO_TENANT.user.objectId,
	tenantId: DEMO_TENANT.tenantId,
	kind: 'User',
	name: DEMO_TENANT.user.name,
	upn: DEMO_TENANT.user.upn,
};

/** Opaque (non-JWT) bearer tokens, such as the demo's `aml-identity-demo-token`, are Ada. */
export const DEMO_CALLER: Caller = {objectId: ADA.objectId, displayName: DEMO_TENANT.user.upn, tenantId: DEMO_TENANT.tenantId};

interface DeviceCodeRecord {
	readonly deviceCode: string;
	readonly userCode: string;
	readonly clientId: string;
	readonly tenantId: string;
	readonly scopes: readonly string[];
	readonly expiresAt: number;
	approvedBy?: Principal;
	redeemed?: boolean;
}

interface RefreshRecord {
	readonly principal: Principal;
	readonly clientId: string;
}

export interface EntraResponse {
	status: number;
	body?: unknown;
	/** HTML pages (the device login page) instead of JSON. */
	html?: string;
	headers?: Record<string, string>;
}

export interface EntraRequest {
	readonly method: string;
	readonly path: string;
	readonly query: Record<string, string>;
	readonly headers: Record<string, string | string[] | undefined>;
	readonly rawBody: string;
	/** e.g. https://127.0.0.1:41234 */
	readonly baseUrl: string;
}

/** The Entra ID side of a running emulator; `server.ts` routes requests to it and asks it who ARM callers are. */
export interface EntraId {
	/** The value `IDENTITY_HEADER` must carry for the managed identity endpoint. */
	readonly identityHeader: string;
	/** Approve a pending device code (what the user does in the browser); default as Ada. Returns false for an unknown code. */
	approveDeviceCode(userCode: string, principal?: Principal): boolean;
	/** The user code of each device code waiting for approval, oldest first. */
	pendingDeviceCodes(): string[];
	/**
	 * Moves the clock Entra ID and Resource Manager check tokens with forward (tokens already issued
	 * expire while their holders still think them valid: a laptop that slept, a skewed clock).
	 */
	advanceClock(ms: number): void;
	/** Issue an access token directly (tests: a token for another audience, a stale one). */
	issueAccessToken(principal: Principal, audience: string, lifetimeSeconds?: number): string;
	/** Serves an Entra ID or managed identity request; undefined when the path is not Entra ID's. */
	handle(request: EntraRequest): EntraResponse | undefined;
	/** Who an ARM request's bearer token speaks for; throws ARM's 401 ArmError when the token is not acceptable. */
	authenticate(token: string): Caller;
	/** Epoch ms on the token clock. */
	now(): number;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function decodeJson(part: string): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
		return isPlainObject(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** ARM's date format in its expiry message: 10/17/2019 10:21:40 PM. */
function armUtc(ms: number): string {
	const d = new Date(ms);
	const hours = d.getUTCHours() % 12 || 12;
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function challenge(description: string): Record<string, string> {
	return {'WWW-Authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${description}"`};
}

export const tokenErrors = {
	invalid: () => new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', challenge('The access token is invalid.')),
	signature: () =>
		new ArmError(
			401,
			'InvalidAuthenticationToken',
			'The received access token is not valid: the signature could not be validated with the issuer\'s keys.',
			challenge('The access token is invalid.'),
		),
	expired: (exp: number, now: number) =>
		new ArmError(
			401,
			'ExpiredAuthenticationToken',
			`The access token expiry UTC time '${armUtc(exp)}' is earlier than current UTC time '${armUtc(now)}'.`,
			challenge('The access token has expired.'),
		),
	audience: (audience: string, allowed: readonly string[]) =>
		new ArmError(
			401,
			'InvalidAuthenticationTokenAudience',
			`The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
			challenge('The access token has been obtained for wrong audience or resource.'),
		),
} as const;

/** An OAuth error body as Entra ID answers it (AADSTS code in the description, numeric in error_codes). */
function oauthError(status: number, error: string, aadsts: number, description: string): EntraResponse {
	return {
		status,
		body: {
			error,
			error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
			error_codes: [aadsts],
			timestamp: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
			trace_id: randomUUID(),
			correlation_id: randomUUID(),
		},
	};
}

/** `https://management.azure.com/.default` → `https://management.azure.com`; OpenID scopes dropped. */
export function resourceOfScopes(scopes: readonly string[]): string | undefined {
	const resource = scopes.find((s) => !['openid', 'profile', 'offline_access', 'email'].includes(s.toLowerCase()));
	if (!resource) return undefined;
	return resource.endsWith('/.default') ? resource.slice(0, -'/.default'.length) : resource;
}

function formBody(raw: string): Record<string, string> {
	const params: Record<string, string> = {};
	for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
	return params;
}

/** Letters users type without confusion (no 0/O, 1/I). */
function userCode(): string {
	const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
	return Array.from(randomBytes(9), (b) => alphabet[b % alphabet.length]).join('');
}

export function createEntraId(state: EmulatorState, options: EntraOptions = {}): EntraId {
	const lifetime = options.tokenLifetimeSeconds ?? 3600;
	const audiences = options.audiences ?? ARM_AUDIENCES;
	const interval = options.deviceCodeIntervalSeconds ?? 1;
	// Made when the first token is signed or checked, not at start: an RSA key takes a few hundred
	// milliseconds, and the demo (its fixed bearer token) never needs one.
	let signingKey: {privateKey: KeyObject; publicKey: KeyObject} | undefined;
	const keyPair = () => (signingKey ??= generateKeyPairSync('rsa', {modulusLength: 2048}));
	const kid = base64url(randomBytes(12));
	const identityHeader = randomUUID();
	const deviceCodes = new Map<string, DeviceCodeRecord>();
	const refreshTokens = new Map<string, RefreshRecord>();
	let clockOffsetMs = 0;
	const now = () => Date.now() + clockOffsetMs;

	const tenants = new Map<string, {tenantId: string; domain: string}>([
		[DEMO_TENANT.tenantId, {tenantId: DEMO_TENANT.tenantId, domain: DEMO_TENANT.domain}],
		[DEMO_TENANT.domain, {tenantId: DEMO_TENANT.tenantId, domain: DEMO_TENANT.domain}],
		[FABRIKAM_TENANT.tenantId, {tenantId: FABRIKAM_TENANT.tenantId, domain: FABRIKAM_TENANT.domain}],
		[FABRIKAM_TENANT.domain, {tenantId: FABRIKAM_TENANT.tenantId, domain: FABRIKAM_TENANT.domain}],
	]);
	/** `organizations` and `common` sign users in to their home tenant (Contoso for Ada). */
	const resolveTenant = (segment: string) =>
		['organizations', 'common'].includes(segment.toLowerCase()) ? tenants.get(DEMO_TENANT.tenantId) : tenants.get(segment.toLowerCase());

	const signJwt = (claims: Record<string, unknown>, key: KeyObject = keyPair().privateKey) => {
		const header = base64url(JSON.stringify({typ: 'JWT', alg: 'RS256', kid}));
		const payload = base64url(JSON.stringify(claims));
		const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
		return `${header}.${payload}.${base64url(signature)}`;
	};

	const issueAccessToken = (principal: Principal, audience: string, lifetimeSeconds = lifetime) => {
		const iat = Math.floor(now() / 1000);
		return signJwt({
			aud: audience,
			iss: `https://sts.windows.net/${principal.tenantId}/`,
			iat,
			nbf: iat,
			exp: iat + lifetimeSeconds,
			...(principal.appId ? {appid: principal.appId, idtyp: 'app'} : {idtyp: 'user', name: principal.name, upn: principal.upn, unique_name: principal.upn}),
			...(principal.kind === 'ServicePrincipal' ? {name: principal.name} : {}),
			oid: principal.objectId,
			sub: principal.objectId,
			tid: principal.tenantId,
			ver: '1.0',
			uti: base64url(randomBytes(16)),
		});
	};

	const idToken = (principal: Principal, clientId: string, authority: string) => {
		const iat = Math.floor(now() / 1000);
		return signJwt({
			aud: clientId,
			iss: `${authority}/${principal.tenantId}/v2.0`,
			iat,
			nbf: iat,
			exp: iat + lifetime,
			name: principal.name,
			oid: principal.objectId,
			preferred_username: principal.upn,
			sub: principal.objectId,
			tid: principal.tenantId,
			ver: '2.0',
		});
	};

	/** A user's tokens for a public client: access, refresh and ID tokens plus client_info, as MSAL expects. */
	const userTokens = (principal: Principal, clientId: string, scopes: readonly string[], baseUrl: string): EntraResponse => {
		const resource = resourceOfScopes(scopes);
		if (!resource) return oauthError(400, 'invalid_scope', 70011, 'The provided value for the input parameter \'scope\' is not valid.');
		const refreshToken = base64url(randomBytes(32));
		refreshTokens.set(refreshToken, {principal, clientId});
		return {
			status: 200,
			body: {
				token_type: 'Bearer',
				scope: scopes.filter((s) => !s.endsWith('/.default')).concat(`${resource}/user_impersonation`).join(' '),
				expires_in: lifetime,
				ext_expires_in: lifetime,
				access_token: issueAccessToken(principal, resource),
				refresh_token: refreshToken,
				id_token: idToken(principal, clientId, baseUrl),
				client_info: base64url(JSON.stringify({uid: principal.objectId, utid: principal.tenantId})),
			},
		};
	};

	const managedIdentityPrincipal = (query: Record<string, string>): Principal | undefined => {
		const clientId = query['client_id']?.toLowerCase();
		const objectId = (query['object_id'] ?? query['principal_id'])?.toLowerCase();
		const resourceId = query['mi_res_id']?.toLowerCase();
		for (const identity of Object.values(state.identities)) {
			const props = identity.properties as Record<string, unknown>;
			const matches =
				(clientId !== undefined && String(props.clientId).toLowerCase() === clientId) ||
				(objectId !== undefined && String(props.principalId).toLowerCase() === objectId) ||
				(resourceId !== undefined && identity.id.toLowerCase() === resourceId);
			if (matches) {
				return {objectId: String(props.principalId), tenantId: String(props.tenantId ?? state.tenantId), kind: 'ServicePrincipal', name: identity.name, appId: String(props.clientId)};
			}
		}
		return undefined;
	};

	const token = (tenantSegment: string, request: EntraRequest): EntraResponse => {
		const tenant = resolveTenant(tenantSegment);
		if (!tenant) return oauthError(400, 'invalid_request', 90002, `Tenant '${tenantSegment}' not found.`);
		const form = formBody(request.rawBody);
		const scopes = (form['scope'] ?? '').split(/\s+/).filter(Boolean);
		const clientId = form['client_id'] ?? '';
		switch (form['grant_type']) {
			case 'client_credentials': {
				if (clientId.toLowerCase() !== DEMO_SERVICE_PRINCIPAL.appId || tenant.tenantId !== DEMO_TENANT.tenantId) {
					return oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'.`);
				}
				if (form['client_secret'] !== DEMO_SERVICE_PRINCIPAL.clientSecret) {
					return oauthError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
				}
				const resource = resourceOfScopes(scopes);
				if (!resource || !scopes.every((s) => s.endsWith('/.default'))) {
					return oauthError(400, 'invalid_scope', 1002012, `The provided value for scope ${form['scope'] ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
				}
				const principal: Principal = {
					objectId: DEMO_SERVICE_PRINCIPAL.objectId,
					tenantId: tenant.tenantId,
					kind: 'ServicePrincipal',
					name: DEMO_SERVICE_PRINCIPAL.displayName,
					appId: DEMO_SERVICE_PRINCIPAL.appId,
				};
				return {status: 200, body: {token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issueAccessToken(principal, resource)}};
			}
			case 'urn:ietf:params:oauth:grant-type:device_code':
			case 'device_code': {
				const record = deviceCodes.get(form['device_code'] ?? '');
				if (!record || record.clientId !== clientId) return oauthError(400, 'invalid_grant', 70000, 'The provided value for the \'device_code\' is not valid.');
				if (record.expiresAt < now()) return oauthError(400, 'expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.');
				if (!record.approvedBy) return oauthError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
				if (record.redeemed) return oauthError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed.');
				record.redeemed = true;
				return userTokens({...record.approvedBy, tenantId: tenant.tenantId}, clientId, record.scopes, request.baseUrl);
			}
			case 'refresh_token': {
				const record = refreshTokens.get(form['refresh_token'] ?? '');
				if (!record || record.clientId !== clientId) return oauthError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
				return userTokens({...record.principal, tenantId: tenant.tenantId}, clientId, scopes, request.baseUrl);
			}
			default:
				return oauthError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form['grant_type'] ?? ''}'.`);
		}
	};

	const deviceCode = (tenantSegment: string, request: EntraRequest): EntraResponse => {
		const tenant = resolveTenant(tenantSegment);
		if (!tenant) return oauthError(400, 'invalid_request', 90002, `Tenant '${tenantSegment}' not found.`);
		const form = formBody(request.rawBody);
		const record: DeviceCodeRecord = {
			deviceCode: base64url(randomBytes(32)),
			userCode: userCode(),
			clientId: form['client_id'] ?? '',
			tenantId: tenant.tenantId,
			scopes: (form['scope'] ?? '').split(/\s+/).filter(Boolean),
			expiresAt: now() + 15 * 60 * 1000,
		};
		deviceCodes.set(record.deviceCode, record);
		const verificationUri = `${request.baseUrl}/devicelogin`;
		return {
			status: 200,
			body: {
				user_code: record.userCode,
				device_code: record.deviceCode,
				verification_uri: verificationUri,
				expires_in: 900,
				interval,
				message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${record.userCode} to authenticate.`,
			},
		};
	};

	const approveDeviceCode = (code: string, principal: Principal = ADA): boolean => {
		const record = [...deviceCodes.values()].find((r) => r.userCode === code.trim().toUpperCase() && !r.approvedBy && r.expiresAt >= now());
		if (!record) return false;
		record.approvedBy = principal;
		return true;
	};

	const deviceLoginPage = (request: EntraRequest): EntraResponse => {
		let message = '';
		if (request.method === 'POST') {
			const code = formBody(request.rawBody)['code'] ?? '';
			message = approveDeviceCode(code)
				? `<p>Signed in as ${ADA.upn}. You can close this page and return to aml-identity.</p>`
				: '<p>That code is unknown or has expired. Check the code and try again.</p>';
		}
		return {
			status: 200,
			html: `<!doctype html><html><head><title>Sign in (aml-identity demo tenant)</title></head><body><h1>Enter code</h1>${message}<form method="post" action="/devicelogin"><input name="code" autofocus> <button>Sign in as ${ADA.upn}</button></form></body></html>`,
		};
	};

	const managedIdentityToken = (request: EntraRequest): EntraResponse => {
		const header = request.headers['x-identity-header'];
		if (header !== identityHeader) return {status: 401, body: {statusCode: 401, message: 'The X-IDENTITY-HEADER is missing or has the wrong value.'}};
		if (request.query['api-version'] !== '2019-08-01') return {status: 400, body: {statusCode: 400, message: `api-version '${request.query['api-version'] ?? ''}' is not supported: use 2019-08-01.`}};
		const resource = request.query['resource'];
		if (!resource) return {status: 400, body: {statusCode: 400, message: 'The resource parameter is required.'}};
		const principal = managedIdentityPrincipal(request.query);
		if (!principal) {
			return {status: 400, body: {statusCode: 400, message: 'No managed identity found for the specified ClientId/ResourceId/PrincipalId (this host has no system-assigned identity).', correlationId: randomUUID()}};
		}
		const expiresOn = Math.floor(now() / 1000) + lifetime;
		return {
			status: 200,
			body: {access_token: issueAccessToken(principal, resource), expires_on: String(expiresOn), resource, token_type: 'Bearer', client_id: principal.appId},
		};
	};

	const openIdConfiguration = (tenantSegment: string, baseUrl: string): EntraResponse => {
		const tenant = resolveTenant(tenantSegment);
		if (!tenant) return oauthError(400, 'invalid_tenant', 90002, `Tenant '${tenantSegment}' not found.`);
		const root = `${baseUrl}/${tenantSegment}`;
		return {
			status: 200,
			body: {
				token_endpoint: `${root}/oauth2/v2.0/token`,
				token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
				jwks_uri: `${baseUrl}/${tenant.tenantId}/discovery/v2.0/keys`,
				response_modes_supported: ['query', 'fragment', 'form_post'],
				subject_types_supported: ['pairwise'],
				id_token_signing_alg_values_supported: ['RS256'],
				response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
				scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
				issuer: `${baseUrl}/${tenant.tenantId}/v2.0`,
				request_uri_parameter_supported: false,
				authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
				device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
				end_session_endpoint: `${root}/oauth2/v2.0/logout`,
				claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
				tenant_region_scope: 'NA',
				cloud_instance_name: 'microsoftonline.com',
				cloud_graph_host_name: 'graph.windows.net',
				msgraph_host: 'graph.microsoft.com',
			},
		};
	};

	const keys = (): EntraResponse => {
		const jwk = keyPair().publicKey.export({format: 'jwk'});
		return {status: 200, body: {keys: [{kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e}]}};
	};

	const authenticate = (bearer: string): Caller => {
		const parts = bearer.split('.');
		// Opaque tokens (the demo's fixed bearer, the tests' placeholders) are the demo user.
		if (parts.length !== 3) return DEMO_CALLER;
		const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
		const header = decodeJson(headerPart);
		const claims = decodeJson(payloadPart);
		if (!header || !claims) throw tokenErrors.invalid();
		const signed = header['alg'] === 'RS256' && verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), keyPair().publicKey, Buffer.from(signaturePart, 'base64url'));
		if (!signed) throw tokenErrors.signature();
		const audience = String(claims['aud']);
		if (!audiences.includes(audience)) throw tokenErrors.audience(audience, audiences);
		const exp = Number(claims['exp']) * 1000;
		if (!(exp > now())) throw tokenErrors.expired(exp, now());
		const objectId = String(claims['oid']);
		const displayName = String(claims['upn'] ?? claims['appid'] ?? objectId);
		return {objectId, displayName, tenantId: String(claims['tid'])};
	};

	const handle = (request: EntraRequest): EntraResponse | undefined => {
		const segments = request.path.split('/').filter(Boolean);
		const [first, ...rest] = segments;
		const tail = rest.join('/').toLowerCase();
		if (request.path.toLowerCase() === '/msi/token' && request.method === 'GET') return managedIdentityToken(request);
		if (request.path.toLowerCase() === '/devicelogin' && (request.method === 'GET' || request.method === 'POST')) return deviceLoginPage(request);
		if (!first || first.toLowerCase() === 'subscriptions' || first.toLowerCase() === 'tenants' || first.toLowerCase() === 'providers') return undefined;
		if (tail === 'v2.0/.well-known/openid-configuration' && request.method === 'GET') return openIdConfiguration(first, request.baseUrl);
		if (tail === 'discovery/v2.0/keys' && request.method === 'GET') return keys();
		if (tail === 'oauth2/v2.0/token' && request.method === 'POST') return token(first, request);
		if (tail === 'oauth2/v2.0/devicecode' && request.method === 'POST') return deviceCode(first, request);
		return undefined;
	};

	return {
		identityHeader,
		approveDeviceCode,
		pendingDeviceCodes: () => [...deviceCodes.values()].filter((r) => !r.approvedBy && r.expiresAt >= now()).map((r) => r.userCode),
		advanceClock: (ms) => {
			clockOffsetMs += ms;
		},
		issueAccessToken,
		handle,
		authenticate,
		now,
	};
}
