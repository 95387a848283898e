import https from 'node:https';
import {setTimeout as delay} from 'node:timers/promises';
import type {IncomingHttpHeaders} from 'node:http';
import type {TokenCredential} from '@azure/core-auth';
import type {PipelinePolicy} from '@azure/core-rest-pipeline';
import {DEMO_TENANT, type RunningEmulator} from '../../src/emulator/index.js';
import {BUILT_IN_ROLES, grantRole, type BuiltInRoleName} from '../../src/emulator/role-grants.js';

export interface RawResponse {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
}

/** A raw HTTPS request to the emulator, trusting only its certificate. `target` is a path+query or an absolute URL. */
export function armRequest(
	emulator: Pick<RunningEmulator, 'url' | 'caCertPem'>,
	method: string,
	target: string,
	options: {token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string>} = {},
): Promise<RawResponse> {
	const url = new URL(target, emulator.url);
	const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
	const headers: Record<string, string> = {...options.headers};
	const token = options.token === undefined ? 'test-token' : options.token;
	if (token !== null) headers.authorization = `Bearer ${token}`;
	if (payload !== undefined) {
		headers['content-type'] = 'application/json';
		headers['content-length'] = String(Buffer.byteLength(payload));
	}
	return new Promise((resolve, reject) => {
		const req = https.request(url, {method, headers, ca: emulator.caCertPem, agent: false}, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = undefined;
				}
				resolve({status: res.statusCode ?? 0, headers: res.headers, text, body});
			});
		});
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** Any token: the emulator accepts every non-empty bearer token for now. */
export const staticCredential: TokenCredential = {
	getToken: async () => ({token: 'emulator-test-token', expiresOnTimestamp: Date.now() + 60 * 60 * 1000}),
};

/** SDK client options that point at the emulator and trust its certificate via `request.agent` only. */
export function sdkOptions(emulator: RunningEmulator) {
	const agent = new https.Agent({ca: emulator.caCertPem});
	const policy: PipelinePolicy = {
		name: 'trust-emulator',
		sendRequest: (request, next) => {
			request.agent = agent;
			return next(request);
		},
	};
	return {
		agent,
		options: {
			endpoint: emulator.url,
			additionalPolicies: [{position: 'perCall' as const, policy}],
			// Never wait long between retries in tests.
			retryOptions: {maxRetries: 0},
		},
	};
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Gives the caller (Ada, the demo user) a role at a scope, directly in the emulator state: for tests
 * that exercise writes where the seed gives her too little (she is only Contributor in Dev/Test).
 */
export function grantCaller(emulator: Pick<RunningEmulator, 'state'>, role: BuiltInRoleName, scope: string): void {
	grantRole(emulator.state, {scope, roleDefinitionGuid: BUILT_IN_ROLES[role], principalId: DEMO_TENANT.user.objectId, principalType: 'User', name: '0a0da0da-0000-4000-8000-000000000001'});
}

/**
 * lroDurationMs for emulators whose tests assert what happens *while* an operation runs (InProgress,
 * Creating/Updating, a 409 for a second write). A request can take hundreds of milliseconds on a loaded
 * two-core CI machine, so these operations must outlast several of them; tests that only need an
 * operation to finish keep short durations and wait with pollUntil/waitForOperation.
 */
export const IN_PROGRESS_LRO_MS = 2000;

/**
 * Reads `read()` every `intervalMs` until `done(value)` holds or `timeoutMs` has passed, and returns the
 * last value read. It never throws on a timeout: the caller asserts on the returned value, so a
 * behaviour that never happens still fails the test, with the last state in the message.
 */
export async function pollUntil<T>(
	read: () => T | Promise<T>,
	done: (value: T) => boolean,
	{intervalMs = 50, timeoutMs = 10_000}: {intervalMs?: number; timeoutMs?: number} = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value) || Date.now() >= deadline) return value;
		await delay(intervalMs);
	}
}

/**
 * GETs an Azure-AsyncOperation URL until the operation is no longer InProgress (or the bound passes)
 * and returns the last response; assert its status yourself.
 */
export function waitForOperation(
	emulator: Pick<RunningEmulator, 'url' | 'caCertPem'>,
	statusUrl: string,
	options?: {intervalMs?: number; timeoutMs?: number},
): Promise<RawResponse> {
	return pollUntil(
		() => armRequest(emulator, 'GET', statusUrl),
		(res) => res.status !== 200 || res.body?.status !== 'InProgress',
		options,
	);
}
