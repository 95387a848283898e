import {DemoCredential} from '../../src/azure/credential.js';
import type {TraceSink} from '../../src/azure/pipeline.js';
import {SdkGateway, type AzureConnection} from '../../src/azure/sdk-gateway.js';
import {startEmulator, type EmulatorOptions, type RunningEmulator} from '../../src/emulator/index.js';

export interface EmulatedAzure {
	readonly emulator: RunningEmulator;
	readonly gateway: SdkGateway;
	/** Requests that changed something (anything but GET), as "METHOD path". */
	writes(): string[];
	close(): Promise<void>;
}

/** The real SDK clients over HTTPS against a fresh in-memory demo tenant. */
export async function startEmulatedAzure(
	options: EmulatorOptions & {trace?: TraceSink; connection?: Pick<AzureConnection, 'retry' | 'operationPatienceMs' | 'pollIntervalMs' | 'readMemo'>} = {},
): Promise<EmulatedAzure> {
	const {trace, connection, ...emulatorOptions} = options;
	const emulator = await startEmulator({lroDurationMs: 200, ...emulatorOptions});
	const gateway = new SdkGateway({
		endpoint: emulator.url,
		credential: new DemoCredential(),
		caCertPem: emulator.caCertPem,
		...(trace ? {trace} : {}),
		...connection,
	});
	return {
		emulator,
		gateway,
		writes: () => emulator.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`),
		close: () => emulator.close(),
	};
}
