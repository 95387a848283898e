import {AsyncLocalStorage} from 'node:async_hooks';

/**
 * Orders answers and fresh-read scopes for the read memo (read-memo.ts). Apart from it, so that
 * the runner and the screens' code can ask for fresh reads without loading the SDK.
 */
let sequence = 0;
const freshReads = new AsyncLocalStorage<{readonly since: number}>();

/** The next number in the order of answers and scopes. */
export function nextSequence(): number {
	return ++sequence;
}

/** Inside withFreshReads: answers numbered up to this one are too old; else 0. */
export function freshSince(): number {
	return freshReads.getStore()?.since ?? 0;
}

/**
 * Runs `work` so that its reads see Azure as it is now: no answer the read memo got before this
 * call is used (reads inside still share what they read among themselves). For code that looks
 * again on purpose: waiting for a change to show, a conflict to clear, a saved session to meet Azure again.
 */
export function withFreshReads<T>(work: () => Promise<T>): Promise<T> {
	return freshReads.run({since: nextSequence()}, work);
}
