import {appendFileSync} from 'node:fs';
import {Agent} from 'node:https';
import type {Pipeline, PipelinePolicy} from '@azure/core-rest-pipeline';

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
			const base = {
				time: new Date(started).toISOString(),
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

export function clientPolicies(options: {caCertPem?: string}): AdditionalPolicyConfig[] {
	return options.caCertPem ? [{policy: trustCertificatePolicy(options.caCertPem), position: 'perCall'}] : [];
}

/**
 * Traces after signing, so the log shows each request exactly as sent (every retry and LRO poll
 * included), with the Authorization header replaced.
 */
export function attachTrace(pipeline: Pipeline, sink: TraceSink): void {
	pipeline.addPolicy(tracePolicy(sink), {afterPhase: 'Sign'});
}
