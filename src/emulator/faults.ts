/**
 * Azure's faults on demand: throttling, server errors, dropped connections, long-running operations
 * that fail or outlast the client, conflicts, replication and propagation delays. A fault plan is a
 * list of rules with a seed; the same plan and seed fault the same calls on every run.
 */
import type {EmulatorState, OperationRecord} from './state.js';
import type {ArmResponse} from './arm.js';
import {errorBody} from './arm.js';

export const FAULT_NAMES = ['latency', '429', '500', '503', 'drop', 'lro-fail', 'lro-stuck', '409', 'pnf', '403', 'propagation'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Other spellings the compact form accepts. */
const FAULT_ALIASES: Readonly<Record<string, FaultName>> = {
	throttle: '429',
	'server-error': '500',
	unavailable: '503',
	conflict: '409',
	forbidden: '403',
	'principal-not-found': 'pnf',
	'lro-failed': 'lro-fail',
};

export interface FaultMatch {
	/** e.g. PUT; several as "PUT|PATCH". Default: any method (writes only for 409 and 403, PUT role assignments for pnf). */
	readonly method?: string;
	/** A part of the request path, case-insensitive, e.g. "roleAssignments". */
	readonly pathIncludes?: string;
	/** The resource type, full ("Microsoft.ContainerRegistry/registries") or its last part ("registries"). */
	readonly resourceType?: string;
}

export interface FaultRule {
	readonly fault: FaultName;
	readonly match?: FaultMatch;
	/** Fault only the next N matching calls (operations, for lro-*). */
	readonly times?: number;
	/** Fault a matching call with this probability (0..1), drawn from the plan's seeded source. */
	readonly probability?: number;
	/** latency: the delay; lro-stuck: how much longer the operation runs; pnf, propagation: the window. */
	readonly ms?: number;
	/** latency: up to this much more, drawn from the seeded source. */
	readonly jitterMs?: number;
	/** 429, 503: the Retry-After header in seconds. */
	readonly retryAfterSeconds?: number;
	/** 429, 503: a retry-after-ms header instead (short waits for tests). */
	readonly retryAfterMs?: number;
	/** The error code sent (lro-fail, 409, 403, 500, 503 have ARM's usual ones by default). */
	readonly code?: string;
	/** drop: 'after' (the default: the request is carried out, the answer is lost) or 'before' (nothing reaches the service). */
	readonly when?: 'before' | 'after';
}

export interface FaultPlan {
	readonly rules: readonly FaultRule[];
	/** Seed of the random source for probabilities and jitter; default 1. */
	readonly seed?: number;
}

export class FaultSpecError extends Error {}

const KEYS: Readonly<Record<string, string>> = {
	times: 'times',
	n: 'times',
	p: 'probability',
	probability: 'probability',
	method: 'method',
	path: 'pathIncludes',
	type: 'resourceType',
	ms: 'ms',
	jitter: 'jitterMs',
	retryafter: 'retryAfterSeconds',
	retryafterms: 'retryAfterMs',
	code: 'code',
	when: 'when',
};

/**
 * The compact form, for environment variables and flags: rules separated by ';', each a fault name
 * followed by ':key=value' parameters, e.g. `429:times=2:retryAfter=1;500:p=0.2;drop:path=roleAssignments:times=1`.
 */
export function parseFaultSpec(spec: string, seed?: number): FaultPlan {
	const rules: FaultRule[] = [];
	for (const text of spec.split(';').map((part) => part.trim()).filter(Boolean)) {
		const [head, ...parameters] = text.split(':').map((part) => part.trim());
		const name = (head ?? '').toLowerCase();
		const fault = (FAULT_NAMES as readonly string[]).includes(name) ? (name as FaultName) : FAULT_ALIASES[name];
		if (!fault) throw new FaultSpecError(`"${head}" is not a fault. Use one of: ${FAULT_NAMES.join(', ')}.`);
		const rule: Record<string, unknown> = {fault};
		const match: Record<string, string> = {};
		for (const parameter of parameters) {
			const at = parameter.indexOf('=');
			const key = KEYS[(at < 0 ? parameter : parameter.slice(0, at)).toLowerCase()];
			const value = at < 0 ? '' : parameter.slice(at + 1);
			if (!key) throw new FaultSpecError(`"${parameter}" in "${text}" is not a fault parameter. Use ${Object.keys(KEYS).join(', ')} (as key=value).`);
			if (value === '') throw new FaultSpecError(`"${parameter}" in "${text}" has no value: write it as key=value.`);
			if (key === 'method' || key === 'pathIncludes' || key === 'resourceType') {
				match[key] = value;
			} else if (key === 'code') {
				rule[key] = value;
			} else if (key === 'when') {
				if (value !== 'before' && value !== 'after') throw new FaultSpecError(`"${parameter}" in "${text}": when is before or after.`);
				rule[key] = value;
			} else {
				const number = Number(value);
				const valid = key === 'probability' ? number >= 0 && number <= 1 : Number.isInteger(number) && number >= 0;
				if (!Number.isFinite(number) || !valid) {
					throw new FaultSpecError(
						`"${parameter}" in "${text}": ${key === 'probability' ? 'p is a probability from 0 to 1, e.g. p=0.2' : `${parameter.slice(0, at)} is a whole number, e.g. ${parameter.slice(0, at)}=2`}.`,
					);
				}
				rule[key] = number;
			}
		}
		if (Object.keys(match).length) rule['match'] = match;
		rules.push(rule as unknown as FaultRule);
	}
	return seed === undefined ? {rules} : {rules, seed};
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The ARM resource type a path names: the provider namespace and every type segment after it. */
export function resourceTypeOf(path: string): string | undefined {
	const parts = path.split('/').filter(Boolean);
	const at = parts.map((part) => part.toLowerCase()).lastIndexOf('providers');
	if (at < 0 || !parts[at + 1]) return undefined;
	return [parts[at + 1], ...parts.slice(at + 2).filter((_, index) => index % 2 === 0)].join('/');
}

// Not POST: Azure's POSTs here are reads (name checks, list keys).
const WRITES = 'PUT|PATCH|DELETE';

function defaultMatch(fault: FaultName): FaultMatch {
	if (fault === '409' || fault === '403') return {method: WRITES};
	if (fault === 'pnf') return {method: 'PUT', resourceType: 'Microsoft.Authorization/roleAssignments'};
	return {};
}

function matches(match: FaultMatch, method: string, path: string): boolean {
	if (match.method && !match.method.toUpperCase().split('|').includes(method.toUpperCase())) return false;
	if (match.pathIncludes && !path.toLowerCase().includes(match.pathIncludes.toLowerCase())) return false;
	if (match.resourceType) {
		const type = resourceTypeOf(path)?.toLowerCase();
		const wanted = match.resourceType.toLowerCase();
		if (!type || (type !== wanted && !type.endsWith(`/${wanted}`))) return false;
	}
	return true;
}

/** What the server does with one request. */
export interface InjectedFaults {
	/** Wait this long before answering. */
	readonly delayMs: number;
	/** Answer this instead of carrying out the request. */
	readonly response?: ArmResponse;
	/** Destroy the connection: before carrying out the request, or after, halfway through the answer. */
	readonly drop?: 'before' | 'after';
	/** The faults applied, for the request log. */
	readonly applied: readonly string[];
}

export interface FaultInjector {
	readonly plan: FaultPlan;
	/** How many times each rule fired, by index in plan.rules. */
	readonly fired: readonly number[];
	forRequest(request: {method: string; path: string; rawBody: string; state: EmulatorState; now: number}): InjectedFaults;
	/** A long-running operation is starting: it may be made to fail, or to run longer. */
	forOperation(request: {method: string; path: string}, operation: OperationRecord): string[];
	/** Role assignments younger than this are left out of reads (role assignment propagation). */
	readonly propagationDelayMs: number;
	/** A read left out a role assignment still propagating: counted as the propagation rules firing. */
	notePropagation(): void;
}

const FAULT_ERRORS: Partial<Record<FaultName, {status: number; code: string; message: string}>> = {
	'429': {
		status: 429,
		code: 'SubscriptionRequestsThrottled',
		message: 'Number of requests for subscription exceeded the limit. Please try again after some time. (injected)',
	},
	'500': {status: 500, code: 'InternalServerError', message: 'Encountered internal server error. (injected)'},
	'503': {status: 503, code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. (injected)'},
	'409': {status: 409, code: 'Conflict', message: 'The resource is being updated by another operation. Retry after it completes. (injected)'},
	'403': {
		status: 403,
		code: 'AuthorizationFailed',
		message: 'The client does not have authorization to perform this action over this scope, or the scope is invalid. (injected)',
	},
};

function principalOfBody(rawBody: string): string | undefined {
	try {
		const id = (JSON.parse(rawBody) as {properties?: {principalId?: unknown}}).properties?.principalId;
		return typeof id === 'string' ? id : undefined;
	} catch {
		return undefined;
	}
}

export function createFaultInjector(plan: FaultPlan): FaultInjector {
	const random = seededRandom(plan.seed ?? 1);
	const fired = plan.rules.map(() => 0);
	const left = plan.rules.map((rule) => rule.times);

	/** Whether rule `index` applies to this call; counts it when it does. */
	const fires = (index: number, method: string, path: string): boolean => {
		const rule = plan.rules[index]!;
		if (!matches({...defaultMatch(rule.fault), ...rule.match}, method, path)) return false;
		if (left[index] !== undefined && left[index]! <= 0) return false;
		if (rule.probability !== undefined && random() >= rule.probability) return false;
		if (left[index] !== undefined) left[index]!--;
		fired[index]!++;
		return true;
	};

	const propagation = plan.rules.filter((rule) => rule.fault === 'propagation').map((rule) => rule.ms ?? 0);

	return {
		plan,
		fired,
		propagationDelayMs: Math.max(0, ...propagation),
		notePropagation() {
			plan.rules.forEach((rule, index) => {
				if (rule.fault === 'propagation') fired[index]!++;
			});
		},
		forRequest({method, path, rawBody, state, now}) {
			let delayMs = 0;
			let response: ArmResponse | undefined;
			let drop: 'before' | 'after' | undefined;
			const applied: string[] = [];
			plan.rules.forEach((rule, index) => {
				if (rule.fault === 'lro-fail' || rule.fault === 'lro-stuck' || rule.fault === 'propagation') return;
				if (rule.fault === 'pnf' && rule.ms !== undefined) {
					// A replication window: the principal is unknown until `ms` after it was made, principalType or not.
					const principalId = principalOfBody(rawBody);
					const principal = principalId ? state.principals[principalId.toLowerCase()] : undefined;
					if (!principal || now - principal.createdAt >= rule.ms) return;
				}
				if (response || drop) return;
				if (!fires(index, method, path)) return;
				applied.push(rule.fault);
				if (rule.fault === 'latency') {
					delayMs += (rule.ms ?? 100) + Math.floor(random() * (rule.jitterMs ?? 0));
				} else if (rule.fault === 'drop') {
					drop = rule.when ?? 'after';
				} else if (rule.fault === 'pnf') {
					const principalId = principalOfBody(rawBody) ?? 'unknown';
					response = {
						status: 400,
						body: errorBody(
							'PrincipalNotFound',
							`Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${state.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. (injected)`,
						),
					};
				} else {
					const error = FAULT_ERRORS[rule.fault]!;
					const headers: Record<string, string> = {};
					if (rule.fault === '429' || rule.fault === '503') {
						if (rule.retryAfterMs !== undefined) headers['retry-after-ms'] = String(rule.retryAfterMs);
						if (rule.retryAfterSeconds !== undefined || rule.fault === '429') headers['Retry-After'] = String(rule.retryAfterSeconds ?? 1);
					}
					response = {status: error.status, body: errorBody(rule.code ?? error.code, error.message), headers};
				}
			});
			return {delayMs, ...(response ? {response} : {}), ...(drop ? {drop} : {}), applied};
		},
		forOperation({method, path}, operation) {
			const applied: string[] = [];
			plan.rules.forEach((rule, index) => {
				if (rule.fault !== 'lro-fail' && rule.fault !== 'lro-stuck') return;
				if (rule.fault === 'lro-fail' && operation.injectedFailure) return;
				if (!fires(index, method, path)) return;
				applied.push(rule.fault);
				if (rule.fault === 'lro-fail') {
					operation.injectedFailure = {
						code: rule.code ?? 'InternalServerError',
						message: `The operation '${operation.kind}' failed. (injected)`,
					};
				} else {
					operation.completesAt += rule.ms ?? 60_000;
				}
			});
			return applied;
		},
	};
}
