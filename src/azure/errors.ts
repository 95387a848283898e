/** An Azure failure reduced to what the wizard shows and matches on: always by `code`, never by message. */
export interface AzureFailure {
	readonly code: string;
	readonly message: string;
	readonly statusCode?: number;
	/** A failed sign-in: each credential tried, why it could not sign in, and how to fix it. */
	readonly attempts?: ReadonlyArray<{readonly label: string; readonly reason: string; readonly fix: string}>;
}

interface ErrorLike {
	code?: unknown;
	statusCode?: unknown;
	message?: unknown;
	details?: unknown;
	name?: unknown;
	attempts?: unknown;
}

export function toAzureFailure(error: unknown): AzureFailure {
	if (error && typeof error === 'object') {
		const candidate = error as ErrorLike;
		const details = candidate.details as {error?: {code?: string; message?: string}} | undefined;
		const code =
			details?.error?.code ??
			(typeof candidate.code === 'string' && candidate.code ? candidate.code : undefined) ??
			(candidate.name === 'CredentialUnavailableError' ? 'CredentialUnavailable' : undefined) ??
			(candidate.name === 'AuthenticationError' ? 'AuthenticationFailed' : undefined) ??
			'UnexpectedError';
		const message =
			details?.error?.message ??
			(typeof candidate.message === 'string' ? candidate.message : String(error));
		const statusCode = typeof candidate.statusCode === 'number' ? candidate.statusCode : undefined;
		const attempts = Array.isArray(candidate.attempts) && candidate.attempts.length > 0 ? (candidate.attempts as AzureFailure['attempts']) : undefined;
		return {code, message, ...(statusCode === undefined ? {} : {statusCode}), ...(attempts ? {attempts} : {})};
	}
	return {code: 'UnexpectedError', message: String(error)};
}

/** Codes that mean "the thing you asked about is not there": callers turn them into a plain answer. */
export function isNotFound(failure: AzureFailure): boolean {
	return (
		failure.statusCode === 404 ||
		['ResourceNotFound', 'ResourceGroupNotFound', 'SubscriptionNotFound', 'NotFound'].includes(failure.code)
	);
}
