import {AsyncLocalStorage} from 'node:async_hooks';
import type {PipelinePolicy} from '@azure/core-rest-pipeline';

/** The error a long-running operation's status reported, as Azure sent it. */
export interface OperationError {
	readonly code: string;
	readonly message: string;
}

const watches = new AsyncLocalStorage<OperationWatch>();

/**
 * The SDK's pollers report a failed operation as an Error whose code is only in its message; the
 * status response had it as data. Requests made inside `run` (the begin call, which polls once, and
 * the polling) leave the error of any Failed or Canceled status they read here, to throw by code.
 */
export class OperationWatch {
	failure?: OperationError;

	run<T>(work: () => T): T {
		return watches.run(this, work);
	}
}

/** Reads operation status bodies ({status: 'Failed', error: {code, message}}) for OperationWatch. */
export function operationFailurePolicy(): PipelinePolicy {
	return {
		name: 'aml-identity-operation-failure',
		async sendRequest(request, next) {
			const response = await next(request);
			const watch = watches.getStore();
			if (watch && response.status === 200 && response.bodyAsText) {
				try {
					const body = JSON.parse(response.bodyAsText) as {status?: unknown; error?: {code?: unknown; message?: unknown}};
					if ((body.status === 'Failed' || body.status === 'Canceled') && typeof body.error?.code === 'string') {
						watch.failure = {code: body.error.code, message: typeof body.error.message === 'string' ? body.error.message : body.error.code};
					}
				} catch {
					// Not JSON: not a status.
				}
			}
			return response;
		},
	};
}
