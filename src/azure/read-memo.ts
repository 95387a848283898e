import {createHttpHeaders, type PipelinePolicy, type PipelineRequest, type PipelineResponse} from '@azure/core-rest-pipeline';
import {freshSince, nextSequence} from './fresh-reads.js';

export {withFreshReads} from './fresh-reads.js';

/**
 * How long an answer stands for Azure as it is. Long enough for one plan and its run (a step's
 * check, then its verify), short enough that a user back from minutes on the plan screen reads afresh.
 */
export const DEFAULT_READ_MEMO_MAX_AGE_MS = 30_000;

export interface ReadMemoOptions {
	readonly maxAgeMs?: number;
	readonly now?: () => number;
}

/** An answer as remembered: what a GET of its URL would answer, sent at `seq` (see fresh-reads.ts). */
interface Remembered {
	readonly status: number;
	readonly headers: Record<string, string>;
	readonly bodyAsText: string;
	readonly at: number;
	readonly seq: number;
}

/** The operation-status headers of a long-running operation's answers. */
const OPERATION_HEADERS = ['azure-asyncoperation', 'operation-location', 'location'];
/** Not-found codes (ARM's error.code) whose 404 stands until a write: nothing to see there. */
const NOT_FOUND_CODES = new Set(['ResourceNotFound', 'ResourceGroupNotFound', 'ParentResourceNotFound', 'NotFound']);
const TERMINAL_STATES = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);

/** Resource Manager's paths are case-insensitive, and `//subscriptions/…` (a scope joined to a path) is `/subscriptions/…`. */
function pathOf(parsed: URL): string {
	return parsed.pathname.replace(/\/{2,}/g, '/').toLowerCase();
}

function keyOf(url: string): string {
	const parsed = new URL(url);
	return `${parsed.origin}${pathOf(parsed)}${parsed.search}`;
}

/** Operations are known by path: a poll is the same operation whatever its query says. */
function operationKeyOf(url: string): string {
	const parsed = new URL(url);
	return `${parsed.origin}${pathOf(parsed)}`;
}

function parseJson(text: string | null | undefined): unknown {
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A resource body's provisioningState (top-level, or in its properties as ARM puts it). */
function stateOf(body: Record<string, unknown>): string | undefined {
	const properties = isObject(body['properties']) ? body['properties'] : {};
	const state = body['provisioningState'] ?? properties['provisioningState'];
	return typeof state === 'string' ? state : undefined;
}

function settled(body: Record<string, unknown>): boolean {
	const state = stateOf(body);
	return state === undefined || TERMINAL_STATES.has(state.toLowerCase());
}

/** POSTs that only read: name checks and list actions (listKeys, listSecrets, …). */
function isReadOnlyPost(url: string): boolean {
	const action = new URL(url).pathname.split('/').at(-1) ?? '';
	return /^(checkNameAvailability|list[A-Za-z]*)$/i.test(action);
}

function headersOf(response: PipelineResponse): Record<string, string> {
	return response.headers.toJSON({preserveCase: true});
}

/** Which remembered reads a write may change, by key. */
type WriteReach = (key: string) => boolean;
const everything: WriteReach = () => true;
const AUTHORIZATION = '/providers/microsoft.authorization/';

/**
 * A role assignment changes what Authorization reads answer (assignments, permissions), never a
 * resource's own body; any other write may change anything (a workspace's identity gets roles, lists change).
 */
function reachOf(url: string): WriteReach {
	return pathOf(new URL(url)).includes(AUTHORIZATION) ? (key) => key.includes(AUTHORIZATION) : everything;
}

/** A read on its way: tainted once a write that may change its answer was under way during it. */
interface ReadUnderWay {
	readonly key: string;
	tainted: boolean;
}

/**
 * Remembers what Resource Manager answered to reads, for every ARM client of one gateway: a GET
 * whose answer is in memory (younger than the max age, no write since that may change it) is
 * answered from it. What counts:
 * - remembered: GET 200 of a settled resource or list (no provisioningState still changing), GET
 *   404 with a not-found code, and the answer of a synchronous PUT/PATCH (200/201, a settled
 *   resource, no operation header) as the GET of its URL;
 * - a write: any request but GET, HEAD and read-only POSTs (name checks, list actions). When sent
 *   and when answered it forgets what it may change: a role assignment, Authorization reads; any
 *   other write, everything. A long-running operation's poll forgets everything (Azure is changing
 *   something). Reads that overlapped a write that may change them are not remembered;
 * - never remembered: polls (URLs named by an answer's Azure-AsyncOperation, Operation-Location or
 *   Location header), other hosts, errors, and reads inside withFreshReads (sent; their answers are
 *   remembered for what follows).
 * Its policy sits outside the retry, signing and trace policies: a remembered answer is no request.
 */
export class ReadMemo {
	readonly #maxAgeMs: number;
	readonly #now: () => number;
	readonly #entries = new Map<string, Remembered>();
	/** Reads in flight that others may join, by key. */
	readonly #shared = new Map<string, {readonly read: ReadUnderWay; readonly answer: Promise<Remembered | undefined>}>();
	readonly #reads = new Set<ReadUnderWay>();
	readonly #writes = new Set<{readonly reach: WriteReach}>();
	readonly #operations = new Set<string>();

	constructor(options: ReadMemoOptions = {}) {
		this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_READ_MEMO_MAX_AGE_MS;
		this.#now = options.now ?? Date.now;
	}

	#forget(reach: WriteReach): void {
		for (const key of this.#entries.keys()) if (reach(key)) this.#entries.delete(key);
		for (const [key, shared] of this.#shared) if (reach(key)) this.#shared.delete(key);
		for (const read of this.#reads) if (reach(read.key)) read.tainted = true;
	}

	/** A policy for one client's pipeline, for requests to `origin` (Resource Manager's). Add it after the Deserialize phase. */
	policy(origin: string): PipelinePolicy {
		const armOrigin = new URL(origin).origin;
		return {
			name: 'aml-identity-read-memo',
			sendRequest: (request, next) => {
				if (new URL(request.url).origin !== armOrigin) return next(request);
				if (request.method === 'GET') return this.#read(request, next);
				if (request.method === 'HEAD' || (request.method === 'POST' && isReadOnlyPost(request.url))) return next(request);
				return this.#write(request, next);
			},
		};
	}

	async #read(request: PipelineRequest, next: (request: PipelineRequest) => Promise<PipelineResponse>): Promise<PipelineResponse> {
		if (this.#operations.has(operationKeyOf(request.url))) {
			// A poll: its answer is news, and says Azure is changing something.
			try {
				const response = await next(request);
				this.#noteOperation(response);
				return response;
			} finally {
				this.#forget(everything);
			}
		}
		const key = keyOf(request.url);
		const since = freshSince();
		const remembered = this.#recall(key, since);
		if (remembered) return answerFrom(remembered, request);
		const shared = this.#shared.get(key);
		if (shared && !shared.read.tainted && !this.#writing(key)) {
			const answer = await shared.answer;
			if (answer && answer.seq > since) return answerFrom(answer, request);
		}

		const read: ReadUnderWay = {key, tainted: this.#writing(key)};
		const seq = nextSequence();
		const at = this.#now();
		this.#reads.add(read);
		const sent = next(request);
		// Remembered the moment it arrives, unless a write that may change it was under way meanwhile.
		const answer = sent.then(
			(response): Remembered | undefined => {
				this.#reads.delete(read);
				const body = rememberableRead(response);
				if (body === undefined || read.tainted) return undefined;
				const remembered = {status: response.status, headers: headersOf(response), bodyAsText: body, at, seq};
				this.#remember(key, remembered);
				return remembered;
			},
			() => {
				this.#reads.delete(read);
				return undefined;
			},
		);
		if (!read.tainted) this.#shared.set(key, {read, answer});
		try {
			return await sent;
		} finally {
			if (this.#shared.get(key)?.answer === answer) this.#shared.delete(key);
		}
	}

	async #write(request: PipelineRequest, next: (request: PipelineRequest) => Promise<PipelineResponse>): Promise<PipelineResponse> {
		const write = {reach: reachOf(request.url)};
		this.#forget(write.reach);
		this.#writes.add(write);
		let response: PipelineResponse | undefined;
		try {
			response = await next(request);
			return response;
		} finally {
			this.#writes.delete(write);
			this.#forget(write.reach);
			if (response) {
				this.#noteOperation(response);
				const key = keyOf(request.url);
				const body = (request.method === 'PUT' || request.method === 'PATCH') && !this.#writing(key) ? finalStateOf(response) : undefined;
				if (body !== undefined) this.#remember(key, {status: 200, headers: headersOf(response), bodyAsText: body, at: this.#now(), seq: nextSequence()});
			}
		}
	}

	/** Whether a write that may change the answer to `key` is under way. */
	#writing(key: string): boolean {
		for (const write of this.#writes) if (write.reach(key)) return true;
		return false;
	}

	#recall(key: string, since: number): Remembered | undefined {
		const remembered = this.#entries.get(key);
		if (!remembered) return undefined;
		if (this.#now() - remembered.at > this.#maxAgeMs) {
			this.#entries.delete(key);
			return undefined;
		}
		return remembered.seq > since && !this.#writing(key) ? remembered : undefined;
	}

	#remember(key: string, remembered: Remembered): void {
		this.#entries.set(key, remembered);
		if (this.#entries.size % 64 === 0) {
			const now = this.#now();
			for (const [other, entry] of this.#entries) if (now - entry.at > this.#maxAgeMs) this.#entries.delete(other);
		}
	}

	#noteOperation(response: PipelineResponse): void {
		const own = operationKeyOf(response.request.url);
		for (const name of OPERATION_HEADERS) {
			const url = response.headers.get(name);
			if (!url) continue;
			try {
				const operation = operationKeyOf(new URL(url, response.request.url).href);
				// A 201's Location may name the resource itself: its reads are no polls (and stay unremembered while it changes).
				if (operation !== own) this.#operations.add(operation);
			} catch {
				// Not a URL: nothing to poll there.
			}
		}
	}
}

/** The body of a GET answer worth remembering, or undefined. */
function rememberableRead(response: PipelineResponse): string | undefined {
	const text = response.bodyAsText;
	if (typeof text !== 'string') return undefined;
	if (OPERATION_HEADERS.some((name) => response.headers.has(name)) || response.headers.has('retry-after')) return undefined;
	const body = parseJson(text);
	if (!isObject(body)) return undefined;
	if (response.status === 404) {
		const code = isObject(body['error']) ? body['error']['code'] : undefined;
		return typeof code === 'string' && NOT_FOUND_CODES.has(code) ? text : undefined;
	}
	if (response.status !== 200 || !settled(body)) return undefined;
	const items = body['value'];
	if (Array.isArray(items) && !items.every((item) => !isObject(item) || settled(item))) return undefined;
	return text;
}

/** The body of a write's answer that is the resource's final state (so what a GET would answer), or undefined. */
function finalStateOf(response: PipelineResponse): string | undefined {
	if (response.status !== 200 && response.status !== 201) return undefined;
	if (OPERATION_HEADERS.some((name) => response.headers.has(name))) return undefined;
	const body = parseJson(response.bodyAsText);
	if (!isObject(body) || typeof body['id'] !== 'string') return undefined;
	const state = stateOf(body);
	return state === undefined || state.toLowerCase() === 'succeeded' ? (response.bodyAsText ?? undefined) : undefined;
}

function answerFrom(remembered: Remembered, request: PipelineRequest): PipelineResponse {
	return {request, status: remembered.status, headers: createHttpHeaders(remembered.headers), bodyAsText: remembered.bodyAsText};
}
