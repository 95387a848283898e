/**
 * ARM envelope: errors, request context, route table, paging. Provider modules
 * (resources.ts, machine-learning.ts, container-registry.ts, ...) export a `ProviderModule`
 * built from these pieces; server.ts composes them.
 */
import type {Caller} from './entra-id.js';
import type {EmulatorState, OperationRecord} from './state.js';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST' | 'HEAD';

/** An ARM error response (`{"error":{"code","message"}}`) thrown from a handler. */
export class ArmError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = 'ArmError';
	}
}

export interface ArmResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface ResolvedOptions {
	lroDurationMs: number;
	retryAfterSeconds: number;
	latencyMs: number;
	pageSize: number;
}

export interface RequestContext {
	method: HttpMethod;
	/** Path as the client sent it (original casing, still percent-encoded). */
	path: string;
	/** First value of each query parameter, keys as sent. */
	query: Record<string, string>;
	apiVersion: string;
	/** Route parameters, percent-decoded, with the client's casing. */
	params: Record<string, string>;
	/** Parsed JSON body (undefined when there was none). */
	body: unknown;
	state: EmulatorState;
	/** Who sent the request (the token's principal; the demo user for the demo's opaque token). */
	caller: Caller;
	options: ResolvedOptions;
	/** e.g. https://127.0.0.1:41234 */
	baseUrl: string;
	now(): number;
	/** Persist state after a mutation (no-op without stateDir). */
	commit(): void;
	/** Register a long-running operation (persists and arms its completion timer). */
	startOperation(operation: OperationRecord): void;
}

export type Handler = (ctx: RequestContext) => ArmResponse | Promise<ArmResponse>;

export interface Route {
	/** e.g. `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}`; `{*scope}` matches one or more segments. */
	pattern: string;
	/** Exactly the api-versions this route serves. */
	apiVersions: readonly string[];
	methods: Partial<Record<HttpMethod, Handler>>;
}

/** Completes (or fails) a pending long-running operation of one `kind`, mutating state. */
export type OperationApplier = (state: EmulatorState, operation: OperationRecord, now: number) => void;

export interface ProviderModule {
	/** Resource provider namespaces served (for "unknown namespace" vs "unknown type" errors). */
	namespaces: readonly string[];
	routes: readonly Route[];
	operations?: Record<string, OperationApplier>;
}

// ---------------------------------------------------------------- routing

type Segment = {literal: string} | {param: string} | {rest: string};

export interface CompiledRoute extends Route {
	segments: Segment[];
}

export function compileRoute(route: Route): CompiledRoute {
	const segments = route.pattern
		.split('/')
		.filter(Boolean)
		.map((part): Segment => {
			const rest = /^\{\*(\w+)\}$/.exec(part);
			if (rest) return {rest: rest[1]!};
			const param = /^\{(\w+)\}$/.exec(part);
			if (param) return {param: param[1]!};
			return {literal: part.toLowerCase()};
		});
	return {...route, segments};
}

export function splitPath(path: string): string[] {
	return path.split('/').filter(Boolean);
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Case-insensitive match of literal segments; returns decoded params or undefined. */
export function matchRoute(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
	const params: Record<string, string> = {};
	const walk = (si: number, pi: number): boolean => {
		if (si === route.segments.length) return pi === parts.length;
		const segment = route.segments[si]!;
		if ('rest' in segment) {
			// Greedy with backtracking: at least one segment.
			for (let end = parts.length; end > pi; end--) {
				if (walk(si + 1, end)) {
					params[segment.rest] = '/' + parts.slice(pi, end).map(safeDecode).join('/');
					return true;
				}
			}
			return false;
		}
		const part = parts[pi];
		if (part === undefined) return false;
		if ('literal' in segment) {
			return safeDecode(part).toLowerCase() === segment.literal && walk(si + 1, pi + 1);
		}
		params[segment.param] = safeDecode(part);
		return walk(si + 1, pi + 1);
	};
	return walk(0, 0) ? params : undefined;
}

// ---------------------------------------------------------------- errors (ARM wording)

export const errors = {
	authenticationMissing: (tenantId: string) =>
		new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
			'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
		}),
	authenticationInvalid: (tenantId: string) =>
		new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
			'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="invalid_token", error_description="The access token is invalid."`,
		}),
	missingApiVersion: () =>
		new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."),
	invalidApiVersion: (apiVersion: string, supported: readonly string[]) =>
		new ArmError(
			400,
			'InvalidApiVersionParameter',
			`The api-version '${apiVersion}' is invalid. The supported versions are '${[...supported].sort().reverse().join(',')}'.`,
		),
	subscriptionNotFound: (subscriptionId: string) =>
		new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`),
	resourceGroupNotFound: (resourceGroupName: string) =>
		new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroupName}' could not be found.`),
	resourceNotFound: (resourceType: string, name: string, resourceGroupName: string) =>
		new ArmError(
			404,
			'ResourceNotFound',
			`The Resource '${resourceType}/${name}' under resource group '${resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
		),
	invalidResourceType: (type: string, namespace: string, apiVersion: string) =>
		new ArmError(
			404,
			'InvalidResourceType',
			`The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`,
		),
	noRegisteredProvider: (namespace: string) =>
		new ArmError(404, 'NoRegisteredProviderFound', `No registered resource provider found for namespace '${namespace}'.`),
	methodNotAllowed: (method: string) =>
		new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`),
	invalidRequestContent: (detail: string) =>
		new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`),
} as const;

export function errorBody(code: string, message: string): {error: {code: string; message: string}} {
	return {error: {code, message}};
}

// ---------------------------------------------------------------- lookups shared by providers

export function requireSubscription(ctx: RequestContext, subscriptionId: string) {
	const sub = ctx.state.subscriptions[`/subscriptions/${subscriptionId}`.toLowerCase()];
	if (!sub) throw errors.subscriptionNotFound(subscriptionId);
	return sub;
}

export function requireResourceGroup(ctx: RequestContext, subscriptionId: string, resourceGroupName: string) {
	requireSubscription(ctx, subscriptionId);
	const group = ctx.state.resourceGroups[`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`.toLowerCase()];
	if (!group) throw errors.resourceGroupNotFound(resourceGroupName);
	return group;
}

/** Values of a state map whose lower-cased key starts with `prefix` (case-insensitive) and has no further `/`. */
export function childrenOf<T>(map: Record<string, T>, prefix: string): T[] {
	const lower = prefix.toLowerCase().replace(/\/?$/, '/');
	return Object.entries(map)
		.filter(([key]) => key.startsWith(lower) && !key.slice(lower.length).includes('/'))
		.map(([, value]) => value);
}

/** Values of a state map whose key is under `scope` and of the given `/providers/<ns>/<type>/` shape. */
export function resourcesOfTypeUnder<T>(map: Record<string, T>, scope: string, providerType: string): T[] {
	const scopeLower = scope.toLowerCase().replace(/\/$/, '');
	const typeLower = `/providers/${providerType.toLowerCase()}/`;
	return Object.entries(map)
		.filter(([key]) => {
			if (!key.startsWith(scopeLower + '/')) return false;
			const at = key.lastIndexOf(typeLower);
			return at >= 0 && !key.slice(at + typeLower.length).includes('/');
		})
		.map(([, value]) => value);
}

// ---------------------------------------------------------------- paging

/** Keeps `$` readable in query keys/values while encoding everything else. */
function encodeQueryComponent(value: string): string {
	return encodeURIComponent(value).replace(/%24/g, '$');
}

/**
 * One page of `items` per ARM convention: `{value, nextLink}`; nextLink is an absolute URL back to
 * the emulator with the same path and query plus `$skiptoken`. With `alwaysNextLink`, the last page
 * carries `nextLink: ""` (for specs that declare nextLink required, e.g. Subscriptions_List).
 */
export function page<T>(ctx: RequestContext, items: readonly T[], opts: {alwaysNextLink?: boolean} = {}): {value: T[]; nextLink?: string} {
	const token = Object.entries(ctx.query).find(([k]) => k.toLowerCase() === '$skiptoken')?.[1];
	let offset = 0;
	if (token !== undefined) {
		offset = Number.parseInt(token, 10);
		if (!/^\d+$/.test(token) || !Number.isSafeInteger(offset)) {
			throw new ArmError(400, 'InvalidSkipToken', `The skip token '${token}' is invalid.`);
		}
	}
	const size = Math.max(1, ctx.options.pageSize);
	const value = items.slice(offset, offset + size);
	const next = offset + size;
	if (next >= items.length) return opts.alwaysNextLink ? {value, nextLink: ''} : {value};
	const query = Object.entries(ctx.query)
		.filter(([k]) => k.toLowerCase() !== '$skiptoken')
		.concat([['$skiptoken', String(next)]])
		.map(([k, v]) => `${encodeQueryComponent(k)}=${encodeQueryComponent(v)}`)
		.join('&');
	return {value, nextLink: `${ctx.baseUrl}${ctx.path}?${query}`};
}

// ---------------------------------------------------------------- body helpers

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON body as an object, or 400 InvalidRequestContent. */
export function requireObjectBody(ctx: RequestContext): Record<string, unknown> {
	if (ctx.body === undefined) throw errors.invalidRequestContent('The request content is missing');
	if (!isPlainObject(ctx.body)) throw errors.invalidRequestContent('Expected a JSON object');
	return ctx.body;
}

export function isoNow(ctx: RequestContext): string {
	return new Date(ctx.now()).toISOString();
}
