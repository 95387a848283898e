import {DemoCredential, signedInUserFromToken, type SignedInUser} from './credential.js';
import type {AzureGateway} from './gateway.js';
import type {TraceSink} from './pipeline.js';
import {SdkGateway} from './sdk-gateway.js';

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
}

/** Demo mode: the built-in emulator over HTTPS, reached by the same SDK clients as Azure. */
export async function connectToDemoTenant(options: DemoOptions): Promise<AzureSession> {
	const {startEmulator, DEMO_TENANT} = await import('../emulator/index.js');
	let emulator;
	try {
		emulator = await startEmulator({
			stateDir: options.stateDir,
			...(options.lroDurationMs === undefined ? {} : {lroDurationMs: options.lroDurationMs}),
			...(options.latencyMs === undefined ? {} : {latencyMs: options.latencyMs}),
			...(options.scale === undefined ? {} : {scale: options.scale}),
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

/** Real mode: DefaultAzureCredential (environment, managed identity, Azure CLI, …) against Resource Manager. */
export async function connectToAzure(options: {readonly trace?: TraceSink}): Promise<AzureSession> {
	const {DefaultAzureCredential} = await import('@azure/identity');
	const credential = new DefaultAzureCredential();
	// Signing in up front tells the user who they are before anything is read; the token stays in memory.
	const token = await credential.getToken(`${azureResourceManager}/.default`);
	const user = signedInUserFromToken(token.token) ?? {name: 'signed-in principal'};
	return {
		gateway: new SdkGateway({endpoint: azureResourceManager, credential, ...(options.trace ? {trace: options.trace} : {})}),
		user,
		label: 'Azure Resource Manager',
		mode: 'azure',
		close: async () => {},
	};
}
