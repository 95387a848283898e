import https from 'node:https';
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth';
import {createDefaultHttpClient, type HttpClient} from '@azure/core-rest-pipeline';
import {
	AzureAuthorityHosts,
	AzureCliCredential,
	AzureDeveloperCliCredential,
	AzurePowerShellCredential,
	ClientCertificateCredential,
	ClientSecretCredential,
	CredentialUnavailableError,
	DeviceCodeCredential,
	ManagedIdentityCredential,
	WorkloadIdentityCredential,
} from '@azure/identity';
import type {AzureCloud} from './clouds.js';

/** --auth: one credential instead of the default chain. */
export const AUTH_METHODS = ['device-code', 'cli', 'env', 'managed-identity'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The credentials tried, in DefaultAzureCredential's order, plus the wizard's own device-code sign-in. */
export type CredentialSource =
	| 'EnvironmentCredential'
	| 'WorkloadIdentityCredential'
	| 'ManagedIdentityCredential'
	| 'AzureCliCredential'
	| 'AzureDeveloperCliCredential'
	| 'AzurePowerShellCredential'
	| 'DeviceCodeCredential';

/** What each credential is called on screen ("Signed in as … via Azure CLI") and how a user makes it work. */
export const CREDENTIAL_SOURCES: Readonly<Record<CredentialSource, {readonly label: string; readonly fix: string}>> = {
	EnvironmentCredential: {
		label: 'environment variables',
		fix: 'Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) for a service principal.',
	},
	WorkloadIdentityCredential: {
		label: 'workload identity',
		fix: 'On Kubernetes with workload identity: AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID (set by the webhook).',
	},
	ManagedIdentityCredential: {
		label: 'managed identity',
		fix: 'Only on an Azure host with a managed identity (VM, App Service, Container Apps, Azure ML compute); for a user-assigned one, set AZURE_CLIENT_ID to its client ID.',
	},
	AzureCliCredential: {label: 'Azure CLI', fix: 'Run az login (add --tenant ID for another tenant); check with az account show.'},
	AzureDeveloperCliCredential: {label: 'Azure Developer CLI', fix: 'Run azd auth login.'},
	AzurePowerShellCredential: {label: 'Azure PowerShell', fix: 'In PowerShell 7, run Connect-AzAccount.'},
	DeviceCodeCredential: {label: 'device code sign-in', fix: 'Sign in with a code in your browser: aml-identity --auth device-code.'},
};

/** One credential the sign-in tried and why it could not sign in. */
export interface CredentialAttempt {
	readonly source: CredentialSource;
	readonly label: string;
	/** What the credential reported (its own words). */
	readonly reason: string;
	/** How to make it work. */
	readonly fix: string;
}

/** What the device-code screen shows: open the URL, type the code. */
export interface DeviceCodePrompt {
	readonly verificationUri: string;
	readonly userCode: string;
	/** Entra ID's own sentence with both. */
	readonly message: string;
}

/**
 * A sign-in that did not work, with a code the next-steps table knows: CredentialUnavailable (nothing in
 * the chain could sign in; `attempts` lists each), InvalidClientCredentials, ApplicationNotFound,
 * DeviceCodeExpired, SignInCancelled, AuthenticationFailed.
 */
export class SignInError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly attempts: readonly CredentialAttempt[] = [],
		readonly statusCode?: number,
	) {
		super(message);
		this.name = 'SignInError';
	}
}

export interface SignInOptions {
	/** Default: the DefaultAzureCredential chain (environment, workload identity, managed identity, Azure CLI, azd, PowerShell). */
	readonly auth?: AuthMethod;
	/** --tenant: the directory to sign in to. */
	readonly tenantId?: string;
	readonly cloud: AzureCloud;
	/** Overrides the cloud's authority host (tests: the emulator). Instance discovery is off for hosts that are not Microsoft's. */
	readonly authorityHost?: string;
	/** A CA to trust for token requests, for these credentials only (the emulator's certificate). */
	readonly caCertPem?: string;
	/** A user-assigned managed identity's client ID; default AZURE_CLIENT_ID. */
	readonly managedIdentityClientId?: string;
	/** Called with the URL and code when a device-code sign-in starts (and again if it must start over). */
	readonly onDeviceCode?: (prompt: DeviceCodePrompt) => void;
	/** Environment to read (AZURE_*); default process.env. Managed identity endpoints are always read from process.env (by MSAL). */
	readonly env?: NodeJS.ProcessEnv;
}

const MICROSOFT_AUTHORITY_HOSTS = new Set<string>(Object.values(AzureAuthorityHosts).map((host) => host.toLowerCase()));

/** An HTTP client that trusts one extra CA for its own requests only: TLS checks stay on, nothing global changes. */
export function trustingHttpClient(caCertPem: string): HttpClient {
	const agent = new https.Agent({ca: caCertPem, keepAlive: true});
	const inner = createDefaultHttpClient();
	return {
		sendRequest(request) {
			request.agent = agent;
			return inner.sendRequest(request);
		},
	};
}

/**
 * The last OAuth error Entra ID answered a token request with (`invalid_client`, `expired_token`, …).
 * @azure/identity 4.13 reports MSAL's server errors as AuthenticationRequiredError with only a message,
 * so the code is taken from the response itself, never from the message text.
 */
export class OAuthErrorRecorder {
	last: {readonly error: string; readonly status: number} | undefined;
}

/** Records OAuth error answers on their way to the credential (polling answers such as authorization_pending are not errors). */
export function observingHttpClient(inner: HttpClient, recorder: OAuthErrorRecorder): HttpClient {
	return {
		async sendRequest(request) {
			const response = await inner.sendRequest(request);
			if (response.status >= 400 && response.bodyAsText) {
				try {
					const error = (JSON.parse(response.bodyAsText) as {error?: unknown}).error;
					if (typeof error === 'string' && error !== 'authorization_pending' && error !== 'slow_down') recorder.last = {error, status: response.status};
				} catch {
					// Not an OAuth answer.
				}
			}
			return response;
		},
	};
}

/** Credentials that cannot take a claims challenge (they throw or ignore it): a renewal asks them plainly. */
const WITHOUT_CLAIMS: ReadonlySet<CredentialSource> = new Set([
	'AzureCliCredential',
	'AzureDeveloperCliCredential',
	'AzurePowerShellCredential',
	'ManagedIdentityCredential',
]);

export interface Candidate {
	readonly source: CredentialSource;
	/** Throws CredentialUnavailableError when the credential cannot even be built (missing settings). */
	readonly create: () => TokenCredential;
}

/**
 * DefaultAzureCredential's chain, built from the same classes in the same order, that remembers which
 * credential signed in (DefaultAzureCredential does not say) and keeps using it, and that explains a
 * failure credential by credential.
 */
export class SignInCredential implements TokenCredential {
	readonly #candidates: readonly Candidate[];
	readonly #recorder: OAuthErrorRecorder | undefined;
	readonly #credentials = new Map<CredentialSource, TokenCredential>();
	#active: CredentialSource | undefined;
	#attempts: CredentialAttempt[] = [];

	constructor(candidates: readonly Candidate[], recorder?: OAuthErrorRecorder) {
		this.#candidates = candidates;
		this.#recorder = recorder;
	}

	/** The credential that signed in, once one has. */
	get signedInWith(): CredentialSource | undefined {
		return this.#active;
	}

	/** "Azure CLI", "managed identity", …: for "Signed in as … via …". */
	get signedInVia(): string | undefined {
		return this.#active ? CREDENTIAL_SOURCES[this.#active].label : undefined;
	}

	/** What the last failed sign-in tried. */
	get attempts(): readonly CredentialAttempt[] {
		return this.#attempts;
	}

	async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken | null> {
		const candidates = this.#active ? this.#candidates.filter((c) => c.source === this.#active) : this.#candidates;
		const attempts: CredentialAttempt[] = [];
		for (const candidate of candidates) {
			const {label, fix} = CREDENTIAL_SOURCES[candidate.source];
			if (this.#recorder) this.#recorder.last = undefined;
			try {
				const credential = this.#credential(candidate);
				const asked = options.claims && WITHOUT_CLAIMS.has(candidate.source) ? {...options, claims: undefined} : options;
				const token = await credential.getToken(scopes, asked);
				if (!token) throw new CredentialUnavailableError(`${candidate.source} returned no token.`);
				this.#active = candidate.source;
				this.#attempts = [];
				return token;
			} catch (error) {
				const name = (error as {name?: unknown})?.name;
				const refused = this.#recorder?.last;
				// Entra ID answered and said no (a wrong secret, an expired code): that is the answer, not a reason to try the next credential.
				if (refused && name !== 'AbortError') throw toSignInError(error, candidate.source, refused);
				if (name === 'CredentialUnavailableError' || name === 'AuthenticationRequiredError') {
					attempts.push({source: candidate.source, label, reason: firstLine(error), fix});
					continue;
				}
				throw toSignInError(error, candidate.source);
			}
		}
		this.#attempts = attempts;
		throw new SignInError(
			this.#active ? 'AuthenticationRequired' : 'CredentialUnavailable',
			this.#active
				? `Signing in again with ${CREDENTIAL_SOURCES[this.#active].label} did not work: ${attempts[0]?.reason ?? 'no token'}`
				: `No credential could sign in. Tried: ${attempts.map((a) => a.label).join(', ')}.`,
			attempts,
		);
	}

	#credential(candidate: Candidate): TokenCredential {
		let credential = this.#credentials.get(candidate.source);
		if (!credential) {
			credential = candidate.create();
			this.#credentials.set(candidate.source, credential);
		}
		return credential;
	}
}

function firstLine(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.split('\n')[0]!.trim();
}

/** Maps @azure/identity's errors by name and OAuth error code (never by message). */
export function toSignInError(error: unknown, source: CredentialSource, refused?: OAuthErrorRecorder['last']): SignInError {
	const candidate = error as {name?: unknown; statusCode?: unknown; errorResponse?: {error?: unknown}};
	const {label, fix} = CREDENTIAL_SOURCES[source];
	const attempt: CredentialAttempt = {source, label, reason: firstLine(error), fix};
	const statusCode = typeof candidate.statusCode === 'number' ? candidate.statusCode : refused?.status;
	if (candidate?.name === 'AbortError') return new SignInError('SignInCancelled', 'Sign-in was cancelled.', [attempt]);
	if (candidate?.name === 'AuthenticationError' || refused) {
		const oauthError = refused?.error ?? candidate.errorResponse?.error;
		const code =
			oauthError === 'invalid_client'
				? 'InvalidClientCredentials'
				: oauthError === 'unauthorized_client'
					? 'ApplicationNotFound'
					: oauthError === 'expired_token'
						? 'DeviceCodeExpired'
						: 'AuthenticationFailed';
		return new SignInError(code, `${label}: ${attempt.reason}`, [attempt], statusCode);
	}
	return new SignInError('AuthenticationFailed', `${label}: ${attempt.reason}`, [attempt], statusCode);
}

/** The credential --auth asks for, or the default chain, configured for a cloud (or the emulator). */
export function createSignInCredential(options: SignInOptions): SignInCredential {
	const env = options.env ?? process.env;
	const authorityHost = options.authorityHost ?? options.cloud.authorityHost;
	const recorder = new OAuthErrorRecorder();
	const httpClient = observingHttpClient(options.caCertPem ? trustingHttpClient(options.caCertPem) : createDefaultHttpClient(), recorder);
	const common = {
		authorityHost,
		// MSAL asks login.microsoftonline.com to validate any authority it does not know; the emulator is not one to ask about.
		...(MICROSOFT_AUTHORITY_HOSTS.has(authorityHost.replace(/\/+$/, '').toLowerCase()) ? {} : {disableInstanceDiscovery: true}),
		httpClient,
	};
	const tenantId = options.tenantId;
	const unavailable = (message: string): never => {
		throw new CredentialUnavailableError(message);
	};

	const environment: Candidate = {
		source: 'EnvironmentCredential',
		create: () => {
			const tenant = tenantId ?? env['AZURE_TENANT_ID'];
			const clientId = env['AZURE_CLIENT_ID'];
			const secret = env['AZURE_CLIENT_SECRET'];
			const certificatePath = env['AZURE_CLIENT_CERTIFICATE_PATH'];
			if (!tenant || !clientId || (!secret && !certificatePath)) {
				return unavailable('EnvironmentCredential is unavailable: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) are not all set.');
			}
			if (secret) return new ClientSecretCredential(tenant, clientId, secret, common);
			const password = env['AZURE_CLIENT_CERTIFICATE_PASSWORD'];
			return new ClientCertificateCredential(tenant, clientId, {certificatePath: certificatePath!, ...(password ? {certificatePassword: password} : {})}, common);
		},
	};
	const workloadIdentity: Candidate = {
		source: 'WorkloadIdentityCredential',
		create: () => {
			const tenant = tenantId ?? env['AZURE_TENANT_ID'];
			const clientId = env['AZURE_CLIENT_ID'];
			const tokenFilePath = env['AZURE_FEDERATED_TOKEN_FILE'];
			if (!tenant || !clientId || !tokenFilePath) {
				return unavailable('WorkloadIdentityCredential is unavailable: AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID are not all set.');
			}
			return new WorkloadIdentityCredential({...common, tenantId: tenant, clientId, tokenFilePath});
		},
	};
	const managedIdentity = (inChain: boolean): Candidate => ({
		source: 'ManagedIdentityCredential',
		create: () => {
			const clientId = options.managedIdentityClientId ?? env['AZURE_CLIENT_ID'];
			const miOptions = {
				httpClient,
				...(clientId ? {clientId} : {}),
				// As in DefaultAzureCredential: probe IMDS briefly so a machine without it moves on quickly.
				...(inChain ? {sendProbeRequest: true, retryOptions: {maxRetries: 5, retryDelayInMs: 800}} : {}),
			};
			return new ManagedIdentityCredential(miOptions);
		},
	});
	const cliOptions = {...(tenantId ? {tenantId} : {})};
	const azureCli: Candidate = {source: 'AzureCliCredential', create: () => new AzureCliCredential(cliOptions)};
	const azureDeveloperCli: Candidate = {source: 'AzureDeveloperCliCredential', create: () => new AzureDeveloperCliCredential(cliOptions)};
	const azurePowerShell: Candidate = {source: 'AzurePowerShellCredential', create: () => new AzurePowerShellCredential(cliOptions)};
	const deviceCode: Candidate = {
		source: 'DeviceCodeCredential',
		create: () =>
			new DeviceCodeCredential({
				...common,
				tenantId: tenantId ?? 'organizations',
				userPromptCallback: (info) => {
					options.onDeviceCode?.({verificationUri: info.verificationUri, userCode: info.userCode, message: info.message});
				},
			}),
	};

	switch (options.auth) {
		case 'device-code':
			return new SignInCredential([deviceCode], recorder);
		case 'cli':
			return new SignInCredential([azureCli], recorder);
		case 'env':
			return new SignInCredential([environment], recorder);
		case 'managed-identity':
			return new SignInCredential([managedIdentity(false)], recorder);
		default:
			return new SignInCredential([environment, workloadIdentity, managedIdentity(true), azureCli, azureDeveloperCli, azurePowerShell], recorder);
	}
}

/** Parses --auth; undefined means the default chain. */
export function parseAuthMethod(value: string | undefined): AuthMethod | undefined {
	if (value === undefined || value === '') return undefined;
	const method = AUTH_METHODS.find((candidate) => candidate === value.toLowerCase());
	if (!method) throw new SignInError('UnknownAuthMethod', `Unknown --auth '${value}': use one of ${AUTH_METHODS.join(', ')}.`);
	return method;
}
