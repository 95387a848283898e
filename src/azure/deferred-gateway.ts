import type {AzureGateway} from './gateway.js';

/** Gateway methods that return an async iterable (a page at a time) rather than a promise. */
const pagedMethods = new Set<string>(['listWorkspacePages']);

/**
 * A gateway usable before it exists: every call waits for the real one, then goes to it. The
 * first screen is drawn while the demo tenant starts (or the SDKs load) behind it; a call made
 * before then simply takes a little longer, and fails as the connection failed.
 */
export function deferredGateway(ready: Promise<AzureGateway>): AzureGateway {
	// Seen (and reported) by whoever awaits the connection; not an unhandled rejection here.
	ready.catch(() => {});
	return new Proxy({} as AzureGateway, {
		get(_target, property) {
			if (typeof property !== 'string' || property === 'then') return undefined;
			if (pagedMethods.has(property)) {
				return (...args: unknown[]) =>
					(async function* () {
						const gateway = (await ready) as unknown as Record<string, (...a: unknown[]) => AsyncIterable<unknown>>;
						yield* gateway[property]!(...args);
					})();
			}
			return async (...args: unknown[]) => {
				const gateway = (await ready) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
				return gateway[property]!(...args);
			};
		},
	});
}
