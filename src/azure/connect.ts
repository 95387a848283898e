import type {AzureCloud} from './clouds.js';
import {DemoCredential, signedInUserFromToken, type SignedInUser} from './credential.js';
import type {AzureGateway} from './gateway.js';
import type {TraceSink} from './pipeline.js';
import {SdkGateway, type TenantSummary} from './sdk-gateway.js';
// Signing in (@azure/identity and MSAL) is loaded by connectToAzure only: the demo tenant never needs it.
import type {AuthMethod, CredentialSource, DeviceCodePrompt, SignInCredential} from './sign-in.js';
import {preselectSubscription, type SubscriptionPreselection} from './subscription-preselection.js';

export const azureResourceManager = 'https://management.azure.com';

export interface AzureSession {
	readonly gateway: AzureGateway;
	readonly user: SignedInUser;
	readonly label: string;
	readonly mode: 'demo' | 'azure';
	close(): Promise<void>;
}

export interface DemoOptions {
	readonly stateDir: string;
	readonly trace?: TraceSink;
	/** How long the demo tenant's long-running operations take. */
	readonly lroDurationMs?: number;
	/** A delay the emulator adds to every response, as a network would (for benchmarks). */
	readonly latencyMs?: number;
	/** The tenant seeded when `stateDir` has none: the default demo tenant, or a large one. */
	readonly scale?: 'default' | 'large';
	/** Azure's faults on demand, in the compact form (src/emulator/faults.ts), and their seed. */
	readonly faults?: string;
	readonly faultSeed?: number;
}

/** Demo mode: the built-in emulator over HTTPS, reached by the same SDK clients as Azure. */
export async function connectToDemoTenant(options: DemoOptions): Promise<AzureSession> {
	const {startEmulator, DEMO_TENANT} = await import('../emulator/index.js');
	let faults;
	if (options.faults) {
		const {parseFaultSpec} = await import('../emulator/faults.js');
		try {
			faults = parseFaultSpec(options.faults, options.faultSeed);
		} catch (error) {
			throw Object.assign(new Error(`AML_IDENTITY_DEMO_FAULTS: ${(error as Error).message}`), {code: 'BadFaultSpec'});
		}
	}
	let emulator;
	try {
		emulator = await startEmulator({
			stateDir: options.stateDir,
			...(options.lroDurationMs === undefined ? {} : {lroDurationMs: options.lroDurationMs}),
			...(options.latencyMs === undefined ? {} : {latencyMs: options.latencyMs}),
			...(options.scale === undefined ? {} : {scale: options.scale}),
			...(faults ? {faults} : {}),
		});
	} catch (error) {
		throw Object.assign(
			new Error(`The demo tenant in ${options.stateDir} could not be loaded: ${(error as Error).message}`),
			{code: 'DemoTenantUnreadable'},
		);
	}
	const gateway = new SdkGateway({
		endpoint: emulator.url,
		credential: new DemoCredential(),
		caCertPem: emulator.caCertPem,
		...(options.trace ? {trace: options.trace} : {}),
	});
	return {
		gateway,
		user: {name: DEMO_TENANT.user.name, account: DEMO_TENANT.user.upn, tenantId: DEMO_TENANT.tenantId, objectId: DEMO_TENANT.user.objectId},
		label: 'demo tenant (built-in Azure emulator, no Azure account needed)',
		mode: 'demo',
		close: () => emulator.close(),
	};
}

export interface AzureConnectOptions {
	readonly trace?: TraceSink;
	/** --auth; default the DefaultAzureCredential chain. */
	readonly auth?: AuthMethod;
	/** --tenant */
	readonly tenantId?: string;
	/** --cloud (else AZURE_CLOUD, else AzureCloud). */
	readonly cloud?: string;
	/** --subscription, for the preselection. */
	readonly subscription?: string;
	/** The subscription the last session used (the session store knows), the preselection's last resort. */
	readonly lastUsedSubscriptionId?: string;
	readonly managedIdentityClientId?: string;
	/** The device-code screen: show the URL and code. */
	readonly onDeviceCode?: (prompt: DeviceCodePrompt) => void;
	/** Cancels the sign-in (the device-code screen's cancel key). */
	readonly abortSignal?: AbortSignal;
	/** Default process.env: AZURE_* settings, AZURE_CONFIG_DIR. */
	readonly env?: NodeJS.ProcessEnv;
	/** Tests: Resource Manager elsewhere (the emulator); the token scope stays the cloud's. */
	readonly resourceManagerEndpoint?: string;
	/** Tests: Entra ID elsewhere (the emulator). */
	readonly authorityHost?: string;
	/** Tests: the emulator's CA, trusted by these clients and credentials only. */
	readonly caCertPem?: string;
}

/** A signed-in Azure session: who, how, where, and the subscription to preselect. */
export interface AzureSignedInSession extends AzureSession {
	readonly mode: 'azure';
	readonly credential: SignInCredential;
	/** "Azure CLI", "managed identity", "device code sign-in", …: "Signed in as ada@contoso.com via Azure CLI". */
	readonly signedInVia: string;
	readonly signedInWith: CredentialSource;
	readonly cloud: AzureCloud;
	readonly preselection: SubscriptionPreselection | undefined;
	listTenants(): Promise<TenantSummary[]>;
}

/**
 * Real mode: signs in (the DefaultAzureCredential chain, or --auth), then talks to the cloud's Resource
 * Manager. Throws SignInError (CredentialUnavailable with every attempt, InvalidClientCredentials, …) or
 * SignInSetupError (UnknownCloud); toAzureFailure and nextStepFor turn either into a screen.
 */
export async function connectToAzure(options: AzureConnectOptions = {}): Promise<AzureSignedInSession> {
	const [{resolveCloud}, {createSignInCredential}] = await Promise.all([import('./clouds.js'), import('./sign-in.js')]);
	const env = options.env ?? process.env;
	const cloud = resolveCloud(options.cloud, env);
	const credential = createSignInCredential({
		cloud,
		env,
		...(options.auth ? {auth: options.auth} : {}),
		...(options.tenantId ? {tenantId: options.tenantId} : {}),
		...(options.authorityHost ? {authorityHost: options.authorityHost} : {}),
		...(options.caCertPem ? {caCertPem: options.caCertPem} : {}),
		...(options.managedIdentityClientId ? {managedIdentityClientId: options.managedIdentityClientId} : {}),
		...(options.onDeviceCode ? {onDeviceCode: options.onDeviceCode} : {}),
	});
	// Signing in up front tells the user who they are before anything is read; the token stays in memory.
	const token = await credential.getToken(cloud.scope, options.abortSignal ? {abortSignal: options.abortSignal} : {});
	const user = (token && signedInUserFromToken(token.token)) ?? {name: 'signed-in principal'};
	const gateway = new SdkGateway({
		endpoint: options.resourceManagerEndpoint ?? cloud.resourceManagerEndpoint,
		credential,
		credentialScope: cloud.scope,
		...(options.caCertPem ? {caCertPem: options.caCertPem} : {}),
		...(options.trace ? {trace: options.trace} : {}),
	});
	return {
		gateway,
		user,
		label: cloud.name === 'AzureCloud' ? 'Azure Resource Manager' : `Azure Resource Manager (${cloud.name})`,
		mode: 'azure',
		credential,
		signedInVia: credential.signedInVia ?? 'unknown credential',
		signedInWith: credential.signedInWith ?? 'EnvironmentCredential',
		cloud,
		preselection: preselectSubscription({
			env,
			cloudName: cloud.name,
			...(options.subscription ? {flag: options.subscription} : {}),
			...(options.lastUsedSubscriptionId ? {lastUsedSubscriptionId: options.lastUsedSubscriptionId} : {}),
		}),
		listTenants: () => gateway.listTenants(),
		close: async () => {},
	};
}
