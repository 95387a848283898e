import {AsyncLocalStorage} from 'node:async_hooks';
import {RestError, isRestError, type PipelinePolicy, type PipelineRequest, type PipelineResponse} from '@azure/core-rest-pipeline';

/** The SDK clients' retry tuning (core-rest-pipeline's retryOptions): its own policies retry, these bound them. */
export interface RetryTuning {
	/** Retries after the first attempt; the SDK's default is 3. */
	readonly maxRetries: number;
	/** First delay of the exponential backoff (5xx, dropped connections); Retry-After always wins for 429 and 503. */
	readonly retryDelayInMs: number;
	readonly maxRetryDelayInMs: number;
}

export const defaultRetryTuning: RetryTuning = {maxRetries: 5, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000};

/** One retry the SDK is about to make, as the step that is running hears of it. */
export interface RetryNotice {
	readonly method: string;
	readonly url: string;
	/** The HTTP status that will be retried; none for a connection that failed or dropped. */
	readonly status?: number;
	/** The ARM error code, or the connection error's code (ECONNRESET). */
	readonly code?: string;
	/** What Azure asked for (Retry-After); none when the SDK backs off on its own. */
	readonly retryAfterMs?: number;
	/** 1 for the first retry. */
	readonly retry: number;
	readonly maxRetries: number;
}

export type RetryListener = (notice: RetryNotice) => void;

const listeners = new AsyncLocalStorage<RetryListener>();

/**
 * Runs `work` with `listener` hearing of every retry the SDK makes for it, whichever client makes
 * the call: the runner sets one for each step, so a throttled call shows on the step that made it.
 */
export function withRetryNotices<T>(listener: RetryListener, work: () => Promise<T>): Promise<T> {
	return listeners.run(listener, work);
}

const RETRY_AFTER_HEADERS: ReadonlyArray<[string, number]> = [
	['retry-after-ms', 1],
	['x-ms-retry-after-ms', 1],
	['retry-after', 1000],
];

/** The wait Azure asked for, as the SDK's throttling strategy reads it (429 and 503 only). */
function retryAfterMs(response: PipelineResponse): number | undefined {
	if (response.status !== 429 && response.status !== 503) return undefined;
	for (const [name, factor] of RETRY_AFTER_HEADERS) {
		const value = response.headers.get(name);
		if (value === undefined || value === '') continue;
		const number = Number(value);
		if (Number.isFinite(number)) return number * factor;
		const date = Date.parse(value);
		if (name === 'retry-after' && Number.isFinite(date)) return Math.max(0, date - Date.now());
	}
	return undefined;
}

/** What the SDK's exponential strategy retries: 408, and 5xx but 501 and 505. */
function retriedStatus(status: number): boolean {
	return status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

const SYSTEM_ERRORS = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOTFOUND']);

function armCode(response: PipelineResponse): string | undefined {
	try {
		const code = (JSON.parse(response.bodyAsText ?? '') as {error?: {code?: unknown}}).error?.code;
		return typeof code === 'string' ? code : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Placed after the SDK's retry policy (perRetry), it sees every attempt: when an attempt is one the
 * retry policy will make again, the running step hears why and for how long. It retries nothing itself.
 */
export function retryNoticePolicy(maxRetries: number): PipelinePolicy {
	const attempts = new WeakMap<PipelineRequest, number>();
	return {
		name: 'aml-identity-retry-notices',
		async sendRequest(request, next) {
			const attempt = (attempts.get(request) ?? 0) + 1;
			attempts.set(request, attempt);
			const listener = listeners.getStore();
			const notify = (fields: Pick<RetryNotice, 'status' | 'code' | 'retryAfterMs'>) => {
				if (!listener || attempt > maxRetries) return;
				try {
					listener({method: request.method, url: request.url, retry: attempt, maxRetries, ...fields});
				} catch {
					// A listener's trouble is never the request's.
				}
			};
			try {
				const response = await next(request);
				const wait = retryAfterMs(response);
				if (response.status === 429 ? wait !== undefined : retriedStatus(response.status)) {
					const code = armCode(response);
					notify({status: response.status, ...(code ? {code} : {}), ...(wait === undefined ? {} : {retryAfterMs: wait})});
				}
				return response;
			} catch (error) {
				// isRestError, not instanceof: the SDK clients may load another copy of the class (CommonJS).
				const code = isRestError(error) ? error.code : undefined;
				if (code && SYSTEM_ERRORS.has(code)) notify({code});
				throw error;
			}
		},
	};
}

/**
 * A connection dropped while the answer was arriving surfaces from the HTTP client as PARSE_ERROR,
 * which the SDK's retry strategies do not retry (they retry a connection dropped before the answer).
 * Inside the retry loop nothing else raises PARSE_ERROR (the JSON is parsed outside it), so this
 * says what happened (ECONNRESET) and the SDK's own strategy retries it. ARM's PUTs are idempotent.
 */
export function droppedResponsePolicy(): PipelinePolicy {
	return {
		name: 'aml-identity-dropped-response',
		async sendRequest(request, next) {
			try {
				return await next(request);
			} catch (error) {
				if (isRestError(error) && error.code === RestError.PARSE_ERROR && !error.response) {
					throw new RestError(`The connection dropped while the answer arrived (${error.message}).`, {code: 'ECONNRESET', request});
				}
				throw error;
			}
		},
	};
}

/** What a step shows while the SDK waits to retry: "throttled, retrying in 8 s". */
export function describeRetry(notice: RetryNotice): string {
	const when = notice.retryAfterMs === undefined ? 'retrying' : `retrying in ${formatWait(notice.retryAfterMs)}`;
	const of = `retry ${notice.retry} of ${notice.maxRetries}`;
	if (notice.status === 429) return `throttled by Azure (429${notice.code ? ` ${notice.code}` : ''}), ${when} · ${of}`;
	if (notice.status === undefined) return `the connection to Azure dropped (${notice.code ?? 'network error'}), ${when} · ${of}`;
	return `Azure answered ${notice.status}${notice.code ? ` ${notice.code}` : ''}, ${when} · ${of}`;
}

function formatWait(ms: number): string {
	if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
	const seconds = Math.round(ms / 1000);
	return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
