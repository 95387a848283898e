import {useCallback, useEffect, useState} from 'react';
import {toAzureFailure, type AzureFailure} from '../src/azure/errors.js';

export type AsyncState<T> =
	| {readonly status: 'loading'}
	| {readonly status: 'ready'; readonly value: T}
	| {readonly status: 'failed'; readonly failure: AzureFailure};

/** Runs a load once per `key`, and again on retry; results of a stale load are dropped. */
export function useAsync<T>(load: () => Promise<T>, key: string): [AsyncState<T>, () => void] {
	const [attempt, setAttempt] = useState(0);
	const [state, setState] = useState<AsyncState<T>>({status: 'loading'});
	useEffect(() => {
		let current = true;
		setState({status: 'loading'});
		load().then(
			(value) => current && setState({status: 'ready', value}),
			(error: unknown) => current && setState({status: 'failed', failure: toAzureFailure(error)}),
		);
		return () => {
			current = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [key, attempt]);
	const retry = useCallback(() => setAttempt((value) => value + 1), []);
	return [state, retry];
}

export type PagedState<T> =
	| {readonly status: 'loading'}
	| {readonly status: 'ready'; readonly value: readonly T[]; readonly complete: boolean}
	| {readonly status: 'failed'; readonly failure: AzureFailure; readonly value: readonly T[]};

/**
 * Loads a list a page at a time: ready (and shown) with the first page, growing as the others
 * arrive, complete after the last. Once per `key`, again on retry; a stale load is abandoned.
 */
export function usePagedLoad<T>(load: () => AsyncIterable<readonly T[]>, key: string): [PagedState<T>, () => void] {
	const [attempt, setAttempt] = useState(0);
	const [state, setState] = useState<PagedState<T>>({status: 'loading'});
	useEffect(() => {
		let current = true;
		setState({status: 'loading'});
		void (async () => {
			let value: readonly T[] = [];
			try {
				for await (const page of load()) {
					if (!current) return;
					value = [...value, ...page];
					setState({status: 'ready', value, complete: false});
				}
				if (current) setState({status: 'ready', value, complete: true});
			} catch (error) {
				if (current) setState({status: 'failed', failure: toAzureFailure(error), value});
			}
		})();
		return () => {
			current = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [key, attempt]);
	const retry = useCallback(() => setAttempt((value) => value + 1), []);
	return [state, retry];
}
