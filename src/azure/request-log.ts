import type {StepEvent} from '../plan/plan.js';
import type {TraceEntry, TraceSink} from './pipeline.js';

/** A Resource Manager request as the log keeps it: bodies redacted, times as epoch ms. */
export interface LoggedRequest {
	readonly startedAt: number;
	readonly method: string;
	readonly url: string;
	readonly status?: number;
	readonly durationMs: number;
	readonly requestBody?: unknown;
	readonly responseBody?: unknown;
	readonly error?: string;
	/** The plan step that made it (the trace entry's); none for reads while planning. */
	readonly step?: string;
}

/** Keys whose values are secrets in ARM bodies: keys, passwords, tokens, SAS, connection strings. */
const secretKey = /secret|password|token|connectionstring|sas|^keys?$|accountkey|primarykey|secondarykey|clientsecret|certificate$/i;
/** Objects that hold secrets beside harmless fields (a datastore's credentials keep their credentialsType). */
const secretHolder = /^credentials$/i;

/** A deep copy with every secret value replaced by "<redacted>". */
export function redactBody(value: unknown, holder = false): unknown {
	if (Array.isArray(value)) return value.map((item) => redactBody(item, holder));
	if (typeof value !== 'object' || value === null) return holder ? '<redacted>' : value;
	const copy: Record<string, unknown> = {};
	for (const [key, inner] of Object.entries(value)) {
		if (/type$/i.test(key)) copy[key] = inner;
		else if (secretKey.test(key)) copy[key] = inner === null || inner === undefined ? inner : '<redacted>';
		else copy[key] = redactBody(inner, holder || secretHolder.test(key));
	}
	return copy;
}

/**
 * The last requests of a connection, in memory (a ring buffer; never a token, bodies redacted),
 * and which plan step made each: the trace entry says it (several steps may run at once).
 */
export class RequestLog {
	readonly #capacity: number;
	readonly #entries: LoggedRequest[] = [];
	readonly #ran = new Set<string>();

	constructor(options: {readonly capacity?: number} = {}) {
		this.#capacity = options.capacity ?? 500;
	}

	/** The trace sink to give the SDK pipeline. */
	readonly sink: TraceSink = (entry: TraceEntry) => this.record(entry);

	record(entry: TraceEntry): void {
		this.#entries.push({
			startedAt: Date.parse(entry.time),
			method: entry.method,
			url: entry.url,
			durationMs: entry.durationMs,
			...(entry.status === undefined ? {} : {status: entry.status}),
			...(entry.requestBody === undefined ? {} : {requestBody: redactBody(entry.requestBody)}),
			...(entry.responseBody === undefined ? {} : {responseBody: redactBody(entry.responseBody)}),
			...(entry.error ? {error: entry.error} : {}),
			...(entry.step === undefined ? {} : {step: entry.step}),
		});
		if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
	}

	/** Hears the runner's events: which steps ran in this process (a step taken from the journal did not). */
	observe(event: StepEvent): void {
		if (event.state === 'pending' || event.startedAt === undefined) return;
		this.#ran.add(event.stepId);
	}

	/** The requests a step made, in the order they were answered; none if it did not run in this process. */
	requestsFor(stepId: string): readonly LoggedRequest[] {
		return this.#entries.filter((entry) => entry.step === stepId);
	}

	/** Whether the step ran in this process (even with no requests). */
	hasRun(stepId: string): boolean {
		return this.#ran.has(stepId);
	}

	entries(): readonly LoggedRequest[] {
		return [...this.#entries];
	}
}

/** Several observers of one pipeline: the --trace file and the request log. */
export function combineSinks(...sinks: readonly (TraceSink | undefined)[]): TraceSink {
	const present = sinks.filter((sink): sink is TraceSink => sink !== undefined);
	return (entry) => {
		for (const sink of present) sink(entry);
	};
}
