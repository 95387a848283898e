/** The emulator process: HTTPS listener, ARM request pipeline, state persistence, LRO timers. */
import https from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {randomUUID} from 'node:crypto';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {
	ArmError,
	compileRoute,
	errorBody,
	errors,
	matchRoute,
	splitPath,
	type ArmResponse,
	type CompiledRoute,
	type HttpMethod,
	type OperationApplier,
	type ProviderModule,
	type RequestContext,
	type ResolvedOptions,
} from './arm.js';
import {createEmulatorCertificate} from './certificate.js';
import {enforceRouteAction, permissionsProvider} from './access-control.js';
import {createEntraId, type EntraId, type EntraResponse} from './entra-id.js';
import {authorizationProvider, DEFAULT_REPLICATION_DELAY_MS, type AuthorizationOptions} from './authorization.js';
import {containerRegistryProvider} from './container-registry.js';
import {datastoresProvider} from './datastores.js';
import {genericResourcesProvider} from './generic-resources.js';
import {keyVaultProvider} from './key-vault.js';
import {storageProvider} from './storage.js';
import {managedIdentityProvider} from './managed-identity.js';
import {machineLearningProvider} from './machine-learning.js';
import {resourcesProvider} from './resources.js';
import {DEMO_TENANT} from './seed.js';
import {createFaultInjector, parseFaultSpec, type FaultInjector, type FaultPlan} from './faults.js';
import {createScaledSeedState, type DemoScale} from './seed-scale.js';
import {
	CA_CERT_FILE,
	emptyState,
	loadStateFile,
	saveStateFile,
	writeFileAtomic,
	type EmulatorState,
	type OperationRecord,
} from './state.js';

export interface EmulatorOptions {
	/** default 0 = ephemeral; always listens on 127.0.0.1 */
	port?: number;
	/** if set: state persisted to `${stateDir}/state.json` (atomic) and loaded from there at start; CA cert written to `${stateDir}/ca.pem` */
	stateDir?: string;
	/** how long a long-running operation stays InProgress; default 2000 */
	lroDurationMs?: number;
	/** Retry-After header value on LRO responses; default 1 */
	retryAfterSeconds?: number;
	/** delay added before every response (a network round trip, for benchmarks); default 0 */
	latencyMs?: number;
	/** the tenant made when `stateDir` has none, and by reset(): 'default' (the demo tenant) or 'large' (50 subscriptions, 2,000 workspaces) */
	scale?: DemoScale;
	/** max items per list page before nextLink; default 20 */
	pageSize?: number;
	/** a principal created less than this many ms ago is PrincipalNotFound to role assignments unless principalType is sent; default 10000 */
	replicationDelayMs?: number;
	/** lifetime of the access tokens the emulated Entra ID issues; default 3600 */
	tokenLifetimeSeconds?: number;
	/** audiences Resource Manager accepts in a token; default ARM's four (management.azure.com, management.core.windows.net, with and without '/') */
	tokenAudiences?: readonly string[];
	/** Azure's faults on demand (faults.ts): a plan, or its compact form (`429:times=2;drop:path=roleAssignments`). */
	faults?: FaultPlan | string;
	/** Seed for a compact `faults` string; default 1. */
	faultSeed?: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	status: number;
	/** Epoch ms at which the request arrived. */
	at: number;
	/** Epoch ms at which the response was sent (after `latencyMs`). */
	endedAt: number;
	/** Faults injected into this request (faults.ts), e.g. ['429']. */
	faults?: string[];
}

export interface RunningEmulator {
	url: string;
	port: number;
	caCertPem: string;
	caCertPath?: string;
	/** Live in-memory state (the same object across reset()). */
	state: EmulatorState;
	requests: RecordedRequest[];
	/** The emulated Microsoft Entra ID: authority host is `url`; test hooks approve device codes, move the token clock. */
	entra: EntraId;
	/** For ManagedIdentityCredential: set IDENTITY_ENDPOINT to this and IDENTITY_HEADER to `entra.identityHeader` (App Service 2019-08-01). */
	identityEndpoint: string;
	/** The fault plan in force, and how often each rule fired; undefined without `faults`. */
	faults?: FaultInjector;
	reset(): Promise<void>;
	close(): Promise<void>;
}

/** Providers served, in routing order. Add new providers (Authorization, ManagedIdentity, ...) here. */
export const PROVIDERS: readonly ProviderModule[] = [
	resourcesProvider,
	machineLearningProvider,
	datastoresProvider,
	containerRegistryProvider,
	authorizationProvider,
	permissionsProvider,
	managedIdentityProvider,
	storageProvider,
	keyVaultProvider,
	genericResourcesProvider,
];

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD'];
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Replace the contents of `target` with `source`, keeping the object identity (tests hold references). */
function replaceState(target: EmulatorState, source: EmulatorState): void {
	for (const key of Object.keys(target)) delete (target as unknown as Record<string, unknown>)[key];
	Object.assign(target, source);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new ArmError(413, 'RequestEntityTooLarge', 'The request content is too large.'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Entra ID answers: JSON with no-store caching, or the device login page. */
function writeEntraResponse(res: ServerResponse, response: EntraResponse): void {
	const payload = response.html ?? JSON.stringify(response.body ?? {});
	res.writeHead(response.status, {
		'Content-Type': response.html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
		'Cache-Control': 'no-store, no-cache',
		'Content-Length': String(Buffer.byteLength(payload)),
		...response.headers,
	});
	res.end(payload);
}

/** ARM refuses writes in a subscription that is not Enabled (Disabled, Warned past its grace, Deleted). */
function requireWritableSubscription(state: EmulatorState, path: string): void {
	const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
	if (!subscriptionId) return;
	const subscription = state.subscriptions[`/subscriptions/${subscriptionId}`.toLowerCase()];
	if (subscription && (subscription.state === 'Disabled' || subscription.state === 'Deleted')) {
		throw new ArmError(
			409,
			'ReadOnlyDisabledSubscription',
			`The subscription '${subscription.subscriptionId}' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.`,
		);
	}
}

/** The resource an injected operation failure was changing shows provisioningState Failed. */
function markFailed(state: EmulatorState, resourceKey: string): void {
	for (const map of Object.values(state)) {
		if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
		const resource = (map as Record<string, {properties?: {provisioningState?: string}}>)[resourceKey];
		if (resource?.properties && typeof resource.properties === 'object' && 'provisioningState' in resource.properties) {
			resource.properties.provisioningState = 'Failed';
			return;
		}
	}
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const resolved: ResolvedOptions & AuthorizationOptions = {
		lroDurationMs: options.lroDurationMs ?? 2000,
		retryAfterSeconds: options.retryAfterSeconds ?? 1,
		latencyMs: options.latencyMs ?? 0,
		pageSize: options.pageSize ?? 20,
		replicationDelayMs: options.replicationDelayMs ?? DEFAULT_REPLICATION_DELAY_MS,
	};
	const faults = options.faults === undefined || options.faults === '' ? undefined : createFaultInjector(typeof options.faults === 'string' ? parseFaultSpec(options.faults, options.faultSeed) : options.faults);
	if (faults?.propagationDelayMs) {
		resolved.propagationDelayMs = faults.propagationDelayMs;
		resolved.onPropagationHidden = () => faults.notePropagation();
	}
	const stateDir = options.stateDir;
	const routes: CompiledRoute[] = PROVIDERS.flatMap((p) => p.routes.map(compileRoute));
	const appliers: Record<string, OperationApplier> = Object.assign({}, ...PROVIDERS.map((p) => p.operations ?? {}));
	const namespaces = new Set(PROVIDERS.flatMap((p) => p.namespaces.map((n) => n.toLowerCase())));

	const scale = options.scale ?? 'default';
	const certificate = await createEmulatorCertificate();
	const state: EmulatorState = (stateDir ? loadStateFile(stateDir, emptyState(DEMO_TENANT.tenantId)) : undefined) ?? createScaledSeedState(scale);
	const requests: RecordedRequest[] = [];
	const timers = new Map<string, NodeJS.Timeout>();
	let closed = false;

	const persist = () => {
		if (stateDir) saveStateFile(stateDir, state);
	};

	/** Complete every pending operation whose time has come. Returns true if state changed. */
	const settle = (now: number): boolean => {
		let changed = false;
		for (const operation of Object.values(state.operations)) {
			if (operation.status !== 'InProgress' || operation.completesAt > now) continue;
			const applier = appliers[operation.kind];
			if (operation.injectedFailure) {
				// An injected failure: the change is not applied, and the resource says Failed, as Azure's do.
				operation.status = 'Failed';
				operation.error = operation.injectedFailure;
				markFailed(state, operation.resourceKey);
			} else if (applier) {
				applier(state, operation, operation.completesAt);
			} else {
				operation.status = 'Failed';
				operation.error = {code: 'InternalServerError', message: `No handler for operation kind '${operation.kind}'.`};
			}
			if (operation.status === 'InProgress') operation.status = 'Succeeded';
			operation.endTime ??= new Date(operation.completesAt).toISOString();
			changed = true;
		}
		if (changed) persist();
		return changed;
	};

	const armTimer = (operation: OperationRecord) => {
		const key = operation.id.toLowerCase();
		clearTimeout(timers.get(key));
		if (closed || operation.status !== 'InProgress') {
			timers.delete(key);
			return;
		}
		const timer = setTimeout(() => {
			timers.delete(key);
			settle(Date.now());
			// Timers may fire a millisecond early; re-arm if still pending.
			const current = state.operations[key];
			if (current?.status === 'InProgress') armTimer(current);
		}, Math.max(0, operation.completesAt - Date.now()));
		timer.unref();
		timers.set(key, timer);
	};

	const clearTimers = () => {
		for (const timer of timers.values()) clearTimeout(timer);
		timers.clear();
	};

	// Overdue operations from a previous run complete now; the rest are re-armed.
	settle(Date.now());
	for (const operation of Object.values(state.operations)) armTimer(operation);
	persist();

	let caCertPath: string | undefined;
	if (stateDir) {
		caCertPath = path.join(stateDir, CA_CERT_FILE);
		writeFileAtomic(caCertPath, certificate.certPem);
	}

	let baseUrl = '';
	const entra = createEntraId(state, {
		...(options.tokenLifetimeSeconds === undefined ? {} : {tokenLifetimeSeconds: options.tokenLifetimeSeconds}),
		...(options.tokenAudiences === undefined ? {} : {audiences: options.tokenAudiences}),
	});

	const dispatch = async (
		req: IncomingMessage,
		url: URL,
		query: Record<string, string>,
		rawBody: string,
		requestBaseUrl: string,
		appliedFaults: string[],
	): Promise<ArmResponse> => {
		const authorization = req.headers.authorization;
		if (!authorization) throw errors.authenticationMissing(state.tenantId);
		const bearer = /^Bearer\s+(\S+)/i.exec(authorization)?.[1];
		if (!bearer) throw errors.authenticationInvalid(state.tenantId);
		const caller = entra.authenticate(bearer);

		const apiVersion = Object.entries(query).find(([k]) => k.toLowerCase() === 'api-version')?.[1];
		if (!apiVersion) throw errors.missingApiVersion();

		const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
		const parts = splitPath(url.pathname);
		// Several providers may serve the same path at different api-versions (e.g. storage accounts:
		// generic reads at 2023-05-01/2024-01-01, the Storage provider at 2025-06-01): the first route
		// whose path and api-version both match wins; a path match at no version is InvalidApiVersionParameter.
		const versionsForPath: string[] = [];
		for (const route of routes) {
			const params = matchRoute(route, parts);
			if (!params) continue;
			if (!route.apiVersions.some((v) => v.toLowerCase() === apiVersion.toLowerCase())) {
				versionsForPath.push(...route.apiVersions);
				continue;
			}
			const handler = METHODS.includes(method) ? route.methods[method] : undefined;
			if (!handler) throw errors.methodNotAllowed(method);
			if (method !== 'GET' && method !== 'HEAD') requireWritableSubscription(state, url.pathname);
			// Azure RBAC: the caller needs the route's action at the request scope.
			enforceRouteAction(state, method, route.pattern, url.pathname, caller);
			let body: unknown;
			if (rawBody.trim() !== '' && method !== 'GET' && method !== 'HEAD') {
				try {
					body = JSON.parse(rawBody);
				} catch (error) {
					throw errors.invalidRequestContent((error as Error).message);
				}
			}
			const ctx: RequestContext = {
				method,
				path: url.pathname,
				query,
				apiVersion,
				params,
				body,
				state,
				caller,
				options: resolved,
				baseUrl: requestBaseUrl,
				now: () => Date.now(),
				commit: persist,
				startOperation: (operation) => {
					if (faults) appliedFaults.push(...faults.forOperation({method, path: url.pathname}, operation));
					state.operations[operation.id.toLowerCase()] = operation;
					persist();
					armTimer(operation);
				},
			};
			return await handler(ctx);
		}
		if (versionsForPath.length > 0) throw errors.invalidApiVersion(apiVersion, [...new Set(versionsForPath)]);
		// No route: unknown namespace vs unknown resource type, ARM style.
		const lower = parts.map((p) => p.toLowerCase());
		const at = lower.lastIndexOf('providers');
		if (at >= 0 && parts[at + 1] !== undefined) {
			const namespace = parts[at + 1]!;
			if (!namespaces.has(namespace.toLowerCase())) throw errors.noRegisteredProvider(namespace);
			throw errors.invalidResourceType(parts.slice(at + 2).filter((_, i) => i % 2 === 0).join('/') || namespace, namespace, apiVersion);
		}
		throw errors.invalidResourceType(parts[parts.length - 1] ?? '', 'Microsoft.Resources', apiVersion);
	};

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const at = Date.now();
		// SDKs send `/{scope}` with a scope that already starts with '/' as `//subscriptions/...`:
		// collapse leading slashes so the path is not parsed as a protocol-relative URL (host 'subscriptions').
		const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), 'https://127.0.0.1');
		const query: Record<string, string> = {};
		for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
		const host = req.headers.host;
		const requestBaseUrl = host && /^(localhost|127\.0\.0\.1):\d+$/i.test(host) ? `https://${host}` : baseUrl;

		let response: ArmResponse;
		const appliedFaults: string[] = [];
		let delayMs = resolved.latencyMs;
		let drop: 'before' | 'after' | undefined;
		const record = (status: number) =>
			requests.push({method: req.method ?? 'GET', path: url.pathname, query, status, at, endedAt: Date.now(), ...(appliedFaults.length ? {faults: appliedFaults} : {})});
		try {
			const rawBody = await readBody(req);
			const entraResponse = entra.handle({method: req.method ?? 'GET', path: url.pathname, query, headers: req.headers, rawBody, baseUrl: requestBaseUrl});
			if (entraResponse) {
				requests.push({method: req.method ?? 'GET', path: url.pathname, query, status: entraResponse.status, at, endedAt: Date.now()});
				writeEntraResponse(res, entraResponse);
				return;
			}
			settle(Date.now());
			const injected = faults?.forRequest({method: req.method ?? 'GET', path: url.pathname, rawBody, state, now: Date.now()});
			if (injected) {
				appliedFaults.push(...injected.applied);
				delayMs += injected.delayMs;
				drop = injected.drop;
			}
			if (drop === 'before') {
				if (delayMs > 0) await delay(delayMs);
				record(0);
				req.socket.destroy();
				return;
			}
			response = injected?.response ?? (await dispatch(req, url, query, rawBody, requestBaseUrl, appliedFaults));
		} catch (error) {
			if (error instanceof ArmError) {
				response = {status: error.status, body: errorBody(error.code, error.message), headers: error.headers};
			} else {
				response = {status: 500, body: errorBody('InternalServerError', `Emulator error: ${(error as Error)?.message ?? String(error)}`)};
			}
		}
		if (delayMs > 0) await delay(delayMs);

		const clientRequestId = req.headers['x-ms-client-request-id'];
		const correlation = req.headers['x-ms-correlation-request-id'];
		const headers: Record<string, string> = {
			'Content-Type': 'application/json; charset=utf-8',
			'Cache-Control': 'no-cache',
			'x-ms-request-id': randomUUID(),
			'x-ms-correlation-request-id': typeof correlation === 'string' && correlation ? correlation : randomUUID(),
			...(typeof clientRequestId === 'string' ? {'x-ms-client-request-id': clientRequestId} : {}),
			...response.headers,
		};
		const withBody = response.body !== undefined && response.status !== 204 && req.method !== 'HEAD';
		const payload = withBody ? JSON.stringify(response.body) : '';
		headers['Content-Length'] = String(Buffer.byteLength(payload));
		record(response.status);
		res.writeHead(response.status, headers);
		if (drop === 'after') {
			// Carried out, and the answer lost halfway: the client cannot know whether the change happened.
			res.write(payload.slice(0, Math.floor(payload.length / 2)));
			setImmediate(() => res.socket?.destroy());
			return;
		}
		res.end(payload);
	};

	const server = https.createServer({key: certificate.keyPem, cert: certificate.certPem}, (req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) {
				res.writeHead(500, {'Content-Type': 'application/json; charset=utf-8'});
				res.end(JSON.stringify(errorBody('InternalServerError', String(error))));
			} else {
				res.destroy();
			}
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	baseUrl = `https://127.0.0.1:${port}`;

	return {
		url: baseUrl,
		port,
		caCertPem: certificate.certPem,
		...(caCertPath ? {caCertPath} : {}),
		state,
		requests,
		entra,
		identityEndpoint: `${baseUrl}/msi/token`,
		...(faults ? {faults} : {}),
		reset: async () => {
			clearTimers();
			replaceState(state, createScaledSeedState(scale));
			persist();
		},
		close: async () => {
			if (closed) return;
			closed = true;
			clearTimers();
			await new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			});
		},
	};
}
