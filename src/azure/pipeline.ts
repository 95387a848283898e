import {appendFileSync} from 'node:fs';
import {Agent} from 'node:https';
import type {TokenCredential} from '@azure/core-auth';
import {droppedResponsePolicy, retryNoticePolicy} from './retry-notices.js';
import {operationFailurePolicy} from './operation-failure.js';
import {currentStep} from '../plan/step-context.js';
import {bearerTokenAuthenticationPolicy, bearerTokenAuthenticationPolicyName, type Pipeline, type PipelinePolicy} from '@azure/core-rest-pipeline';

export interface AdditionalPolicyConfig {
	readonly policy: PipelinePolicy;
	readonly position: 'perCall' | 'perRetry';
}

/**
 * Trusts one extra CA (the emulator's self-signed certificate) for this client's requests only.
 * TLS verification stays on; nothing global changes.
 */
export function trustCertificatePolicy(caCertPem: string): PipelinePolicy {
	const agent = new Agent({ca: caCertPem, keepAlive: true});
	return {
		name: 'aml-identity-trust-certificate',
		async sendRequest(request, next) {
			request.agent = agent;
			return next(request);
		},
	};
}

const hiddenHeaders = new Set(['authorization', 'cookie', 'set-cookie']);

function visibleHeaders(headers: Iterable<[string, string]>): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of headers) {
		result[name] = hiddenHeaders.has(name.toLowerCase()) ? '<redacted>' : value;
	}
	return result;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string' || body === '') return body ?? undefined;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

export interface TraceEntry {
	readonly time: string;
	readonly method: string;
	readonly url: string;
	readonly status?: number;
	readonly durationMs: number;
	readonly requestHeaders: Record<string, string>;
	readonly requestBody?: unknown;
	readonly responseHeaders?: Record<string, string>;
	readonly responseBody?: unknown;
	readonly error?: string;
	/** The plan step that made the request; none for reads while planning (preflight, the scenarios' questions). */
	readonly step?: string;
}

/** Observers of Resource Manager traffic: the --trace file, and anything else that wants to see calls. */
export type TraceSink = (entry: TraceEntry) => void;

export function traceFileSink(path: string): TraceSink {
	return (entry) => appendFileSync(path, `${JSON.stringify(entry)}\n`, {mode: 0o600});
}

/** Records every request and response (the Authorization header never) for --trace. */
export function tracePolicy(sink: TraceSink): PipelinePolicy {
	return {
		name: 'aml-identity-trace',
		async sendRequest(request, next) {
			const started = Date.now();
			const step = currentStep();
			const base = {
				time: new Date(started).toISOString(),
				...(step === undefined ? {} : {step}),
				method: request.method,
				url: request.url,
				requestHeaders: visibleHeaders(request.headers),
				requestBody: parseBody(request.body),
			};
			try {
				const response = await next(request);
				sink({
					...base,
					status: response.status,
					durationMs: Date.now() - started,
					responseHeaders: visibleHeaders(response.headers),
					responseBody: parseBody(response.bodyAsText),
				});
				return response;
			} catch (error) {
				sink({...base, durationMs: Date.now() - started, error: error instanceof Error ? error.message : String(error)});
				throw error;
			}
		},
	};
}

/**
 * Our policies for every ARM client: the emulator's certificate, failed operations' codes, and inside the SDK's retry loop
 * (perRetry, in this order) the retry notices, then dropped answers made retryable.
 */
export function clientPolicies(options: {caCertPem?: string; maxRetries?: number}): AdditionalPolicyConfig[] {
	return [
		...(options.caCertPem ? [{policy: trustCertificatePolicy(options.caCertPem), position: 'perCall' as const}] : []),
		{policy: operationFailurePolicy(), position: 'perCall'},
		...(options.maxRetries === undefined
			? []
			: [
					{policy: retryNoticePolicy(options.maxRetries), position: 'perRetry' as const},
					{policy: droppedResponsePolicy(), position: 'perRetry' as const},
				]),
	];
}

/**
 * Traces after signing, so the log shows each request exactly as sent (every retry and LRO poll
 * included), with the Authorization header replaced.
 */
export function attachTrace(pipeline: Pipeline, sink: TraceSink): void {
	pipeline.addPolicy(tracePolicy(sink), {afterPhase: 'Sign'});
}

/** Resource Manager's 401 codes that a new token cures (not InvalidAuthenticationTokenAudience: a new one would be the same). */
const RENEWABLE_TOKEN_CODES = new Set(['ExpiredAuthenticationToken', 'InvalidAuthenticationToken']);

function armErrorCode(bodyAsText: string | null | undefined): string | undefined {
	if (!bodyAsText) return undefined;
	try {
		const code = (JSON.parse(bodyAsText) as {error?: {code?: unknown}}).error?.code;
		return typeof code === 'string' ? code : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The claims Resource Manager's own CAE challenges carry: a token issued from now on. Passing them makes
 * the token cache let go of the rejected token and MSAL skip its cache (credentials that cannot take
 * claims get a plain request, see SignInCredential).
 */
export function freshTokenClaims(now = Date.now()): string {
	return JSON.stringify({access_token: {nbf: {essential: true, value: String(Math.floor(now / 1000))}}});
}

/**
 * The ARM clients' bearer policy, plus one thing: when Resource Manager rejects the token as expired or
 * invalid (a token that outlived its welcome, a revoked session), get a new one and send the request
 * again, once. Continuous access evaluation challenges (insufficient_claims) are handled as before.
 */
export function renewingBearerPolicy(credential: TokenCredential, scopes: string[]): PipelinePolicy {
	return bearerTokenAuthenticationPolicy({
		credential,
		scopes,
		challengeCallbacks: {
			async authorizeRequestOnChallenge({request, response, getAccessToken}) {
				if (!RENEWABLE_TOKEN_CODES.has(armErrorCode(response.bodyAsText) ?? '')) return false;
				const token = await getAccessToken(scopes, {claims: freshTokenClaims(), enableCae: true, abortSignal: request.abortSignal});
				if (!token) return false;
				request.headers.set('Authorization', `Bearer ${token.token}`);
				return true;
			},
		},
	});
}

/** Swaps a client's bearer policy for renewingBearerPolicy, in the same phase. */
export function useRenewingBearerPolicy(pipeline: Pipeline, credential: TokenCredential, scopes: string[]): void {
	pipeline.removePolicy({name: bearerTokenAuthenticationPolicyName});
	pipeline.addPolicy(renewingBearerPolicy(credential, scopes), {phase: 'Sign'});
}
