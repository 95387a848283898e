import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {traceFileSink} from '../../src/azure/pipeline.js';
import {SEED} from '../../src/emulator/index.js';
import {SdkGateway} from '../../src/azure/sdk-gateway.js';
import {DemoCredential} from '../../src/azure/credential.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

describe('SdkGateway against the emulator over HTTPS', () => {
	it('lists subscriptions sorted by name, across pages', async () => {
		azure = await startEmulatedAzure({pageSize: 1});
		const subscriptions = await azure.gateway.listSubscriptions();
		expect(subscriptions.map((subscription) => subscription.name)).toEqual([
			'Contoso Analytics Sandbox',
			'Contoso ML Dev/Test',
			'Contoso ML Production',
		]);
		expect(azure.emulator.requests.filter((request) => request.path === '/subscriptions').length).toBe(3);
	});

	it('lists workspaces with their identity and container registry', async () => {
		azure = await startEmulatedAzure();
		const workspaces = await azure.gateway.listWorkspaces(SEED.subscriptions.production.subscriptionId);
		expect(workspaces.map((workspace) => workspace.name)).toEqual(['mlw-demand-forecast', 'mlw-fraud-prod']);
		expect(workspaces[1]).toMatchObject({
			id: SEED.workspaces.fraudProd.id,
			resourceGroup: 'rg-ml-fraud-prod',
			identityType: 'SystemAssigned',
			containerRegistryId: SEED.registries.fraudProd.id,
		});
		expect(workspaces[0]?.containerRegistryId).toBeUndefined();
	});

	it('finds a registry, and answers undefined for one that does not exist', async () => {
		azure = await startEmulatedAzure();
		await expect(azure.gateway.findRegistry(SEED.registries.fraudProd.id)).resolves.toMatchObject({
			name: SEED.registries.fraudProd.name,
			adminUserEnabled: true,
			sku: 'Basic',
		});
		await expect(azure.gateway.findRegistry(SEED.registries.fraudProd.id.replace(/registries\/.*/, 'registries/crmissing'))).resolves.toBeUndefined();
	});

	it('disables the admin user through the long-running update, reporting the operation status', async () => {
		azure = await startEmulatedAzure({lroDurationMs: 300});
		const statuses: string[] = [];
		const updated = await azure.gateway.setRegistryAdminUser(SEED.registries.fraudProd.id, false, ({status}) => statuses.push(status));
		expect(updated.adminUserEnabled).toBe(false);
		expect(statuses).toContain('InProgress');
		const stored = azure.emulator.state.registries[SEED.registries.fraudProd.id.toLowerCase()];
		expect((stored?.properties as {adminUserEnabled?: boolean}).adminUserEnabled).toBe(false);
	});

	it('surfaces the Azure error code when the token is refused', async () => {
		azure = await startEmulatedAzure();
		const anonymous = new SdkGateway({
			endpoint: azure.emulator.url,
			credential: {getToken: async () => ({token: '', expiresOnTimestamp: Date.now() + 60_000})},
			caCertPem: azure.emulator.caCertPem,
		});
		await expect(anonymous.listSubscriptions()).rejects.toMatchObject({statusCode: 401});
	});

	it('does not trust the emulator certificate without the per-client policy', async () => {
		azure = await startEmulatedAzure();
		const untrusting = new SdkGateway({endpoint: azure.emulator.url, credential: new DemoCredential()});
		await expect(untrusting.listSubscriptions()).rejects.toThrow(/certificate/i);
	});

	it('writes every request and response to the trace file, without the Authorization header', async () => {
		const traceFile = join(mkdtempSync(join(tmpdir(), 'aml-identity-trace-')), 'trace.jsonl');
		azure = await startEmulatedAzure({trace: traceFileSink(traceFile)});
		await azure.gateway.listSubscriptions();
		const text = readFileSync(traceFile, 'utf8');
		const entries = text.trim().split('\n').map((line) => JSON.parse(line) as {method: string; url: string; status: number; requestHeaders: Record<string, string>});
		expect(entries[0]).toMatchObject({method: 'GET', status: 200});
		expect(entries[0]?.url).toContain('/subscriptions?api-version=2022-12-01');
		expect(entries[0]?.requestHeaders['Authorization']).toBe('<redacted>');
		expect(text).not.toContain('aml-identity-demo-token');
	});
});
