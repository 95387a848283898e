import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {connectToAzure, type AzureConnectOptions} from '../../src/azure/connect.js';
import {AZURE_CLOUDS, resolveCloud} from '../../src/azure/clouds.js';
import {toAzureFailure} from '../../src/azure/errors.js';
import {withFreshReads} from '../../src/azure/fresh-reads.js';
import {nextStepFor} from '../../src/azure/next-steps.js';
import {parseAuthMethod, type DeviceCodePrompt} from '../../src/azure/sign-in.js';
import {azureCliDefaultSubscription, checkPreselection, preselectSubscription} from '../../src/azure/subscription-preselection.js';
import {startEmulator, SEED, type RunningEmulator} from '../../src/emulator/index.js';
import {DEMO_SERVICE_PRINCIPAL} from '../../src/emulator/entra-id.js';
import {runPlan} from '../../src/plan/runner.js';
import {disableAcrAdminScenario} from '../../src/scenarios/disable-acr-admin.js';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
	await emulator?.close();
	emulator = undefined;
});

/** connectToAzure pointed at the emulator: its Resource Manager, its Entra ID, its CA; the public cloud's token scope. */
function atEmulator(target: RunningEmulator, options: AzureConnectOptions = {}): AzureConnectOptions {
	return {resourceManagerEndpoint: target.url, authorityHost: target.url, caCertPem: target.caCertPem, env: {}, ...options};
}

const servicePrincipalEnv = (secret: string = DEMO_SERVICE_PRINCIPAL.clientSecret) => ({
	AZURE_TENANT_ID: SEED.tenantId,
	AZURE_CLIENT_ID: DEMO_SERVICE_PRINCIPAL.appId,
	AZURE_CLIENT_SECRET: secret,
});

function failureOf(error: unknown) {
	return toAzureFailure(error);
}

describe('clouds', () => {
	it('has each cloud\'s Resource Manager endpoint, authority host and token scope', () => {
		expect(AZURE_CLOUDS.AzureCloud).toMatchObject({resourceManagerEndpoint: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com', scope: 'https://management.azure.com/.default'});
		expect(AZURE_CLOUDS.AzureUSGovernment).toMatchObject({resourceManagerEndpoint: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us', scope: 'https://management.usgovcloudapi.net/.default'});
		expect(AZURE_CLOUDS.AzureChinaCloud).toMatchObject({resourceManagerEndpoint: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn', scope: 'https://management.chinacloudapi.cn/.default'});
	});

	it('takes --cloud over AZURE_CLOUD, ignores case, and names the choices for an unknown one', () => {
		expect(resolveCloud(undefined, {}).name).toBe('AzureCloud');
		expect(resolveCloud(undefined, {AZURE_CLOUD: 'azurechinacloud'}).name).toBe('AzureChinaCloud');
		expect(resolveCloud('AzureUSGovernment', {AZURE_CLOUD: 'AzureChinaCloud'}).name).toBe('AzureUSGovernment');
		const failure = failureOf(captured(() => resolveCloud('AzureGermany', {})));
		expect(failure.code).toBe('UnknownCloud');
		expect(nextStepFor(failure)).toContain('AzureUSGovernment');
		expect(failureOf(captured(() => parseAuthMethod('browser'))).code).toBe('UnknownAuthMethod');
	});
});

function captured(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

describe('subscription preselection', () => {
	const profileDir = (contents: string) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'aml-identity-azure-config-'));
		writeFileSync(path.join(dir, 'azureProfile.json'), contents, 'utf8');
		return dir;
	};
	const profile = JSON.stringify({
		installationId: 'x',
		subscriptions: [
			{id: SEED.subscriptions.production.subscriptionId, name: 'Contoso ML Production', isDefault: false, environmentName: 'AzureCloud'},
			{id: SEED.subscriptions.devTest.subscriptionId, name: 'Contoso ML Dev/Test', isDefault: true, environmentName: 'AzureCloud'},
			{id: '11111111-1111-4111-8111-111111111111', name: 'Gov', isDefault: true, environmentName: 'AzureUSGovernment'},
		],
	});

	it('reads the Azure CLI\'s default from azureProfile.json in AZURE_CONFIG_DIR, byte order mark and all', () => {
		const dir = profileDir(`\uFEFF${profile}`);
		expect(azureCliDefaultSubscription({AZURE_CONFIG_DIR: dir}, 'AzureCloud')).toEqual({subscriptionId: SEED.subscriptions.devTest.subscriptionId, file: path.join(dir, 'azureProfile.json')});
		expect(azureCliDefaultSubscription({AZURE_CONFIG_DIR: dir}, 'AzureUSGovernment')?.subscriptionId).toBe('11111111-1111-4111-8111-111111111111');
		expect(azureCliDefaultSubscription({AZURE_CONFIG_DIR: path.join(dir, 'missing')})).toBeUndefined();
		expect(azureCliDefaultSubscription({AZURE_CONFIG_DIR: profileDir('{not json')})).toBeUndefined();
	});

	it('prefers --subscription, then AZURE_SUBSCRIPTION_ID, then the Azure CLI default, then the last used, and says which', () => {
		const dir = profileDir(`\uFEFF${profile}`);
		const env = {AZURE_CONFIG_DIR: dir, AZURE_SUBSCRIPTION_ID: SEED.subscriptions.sandbox.subscriptionId};
		const last = SEED.subscriptions.production.subscriptionId;
		expect(preselectSubscription({flag: 'from-flag', env, lastUsedSubscriptionId: last})).toMatchObject({subscriptionId: 'from-flag', source: 'flag', describedAs: 'given with --subscription'});
		expect(preselectSubscription({env, lastUsedSubscriptionId: last})).toMatchObject({source: 'environment', describedAs: 'from AZURE_SUBSCRIPTION_ID'});
		const cli = preselectSubscription({env: {AZURE_CONFIG_DIR: dir}, cloudName: 'AzureCloud', lastUsedSubscriptionId: last});
		expect(cli).toMatchObject({subscriptionId: SEED.subscriptions.devTest.subscriptionId, source: 'azure-cli'});
		expect(cli?.describedAs).toContain('azureProfile.json');
		expect(preselectSubscription({env: {AZURE_CONFIG_DIR: path.join(dir, 'none')}, lastUsedSubscriptionId: last})).toMatchObject({source: 'last-used'});
		expect(preselectSubscription({env: {AZURE_CONFIG_DIR: path.join(dir, 'none')}})).toBeUndefined();
	});

	it('fails with NoSubscriptions, SubscriptionNotFound for a named one out of reach, SubscriptionDisabled; drops a stale default quietly', () => {
		const enabled = {subscriptionId: 'a', name: 'A', state: 'Enabled'};
		const disabled = {subscriptionId: 'b', name: 'B', state: 'Disabled'};
		expect(checkPreselection(undefined, [])).toMatchObject({kind: 'failed', failure: {code: 'NoSubscriptions'}});
		expect(checkPreselection({subscriptionId: 'z', source: 'flag', describedAs: '--subscription'}, [enabled])).toMatchObject({kind: 'failed', failure: {code: 'SubscriptionNotFound'}});
		expect(checkPreselection({subscriptionId: 'z', source: 'azure-cli', describedAs: 'cli'}, [enabled])).toEqual({kind: 'none'});
		expect(checkPreselection({subscriptionId: 'B', source: 'last-used', describedAs: 'last used'}, [enabled, disabled])).toMatchObject({kind: 'failed', failure: {code: 'SubscriptionDisabled'}});
		expect(checkPreselection({subscriptionId: 'A', source: 'environment', describedAs: 'AZURE_SUBSCRIPTION_ID'}, [enabled, disabled])).toMatchObject({kind: 'preselected', subscription: enabled});
		expect(nextStepFor({code: 'NoSubscriptions', message: ''})).toContain('--tenant');
		expect(nextStepFor({code: 'SubscriptionDisabled', message: ''})).toContain('re-enable');
	});
});

describe('signing in through the real @azure/identity credentials against the emulator', () => {
	it('signs in with a client secret (ClientSecretCredential), sees what its roles allow, and runs a scenario', async () => {
		emulator = await startEmulator({lroDurationMs: 200});
		const session = await connectToAzure(atEmulator(emulator, {auth: 'env', env: servicePrincipalEnv()}));
		expect(session.signedInWith).toBe('EnvironmentCredential');
		expect(session.signedInVia).toBe('environment variables');
		expect(session.user).toMatchObject({name: DEMO_SERVICE_PRINCIPAL.displayName, account: DEMO_SERVICE_PRINCIPAL.appId, tenantId: SEED.tenantId, objectId: DEMO_SERVICE_PRINCIPAL.objectId});
		expect((await session.gateway.listSubscriptions()).map((s) => s.name)).toEqual([SEED.subscriptions.production.displayName]);
		expect((await session.listTenants()).map((t) => t.name)).toEqual(['Contoso']);

		const context = {gateway: session.gateway, workspace: await session.gateway.getWorkspace(SEED.workspaces.fraudProd.id), outputDirectory: '/nonexistent'};
		const preparation = await disableAcrAdminScenario.prepare(context);
		if (preparation.kind !== 'ready') throw new Error(`expected a ready preparation, got ${preparation.kind}`);
		const result = await runPlan(disableAcrAdminScenario.buildPlan(context, preparation.facts, {noAciDeployments: true}));
		expect(result.outcome).toBe('completed');
		expect((emulator.state.registries[SEED.registries.fraudProd.id.toLowerCase()]?.properties as {adminUserEnabled?: boolean}).adminUserEnabled).toBe(false);
		// Every ARM call carried the service principal's token: none fell back to the demo user.
		expect(emulator.requests.filter((r) => r.status === 401)).toEqual([]);
	});

	it('takes the default chain\'s first working credential (environment variables here) and says so', async () => {
		emulator = await startEmulator();
		const session = await connectToAzure(atEmulator(emulator, {env: servicePrincipalEnv()}));
		expect(session.signedInVia).toBe('environment variables');
		expect(session.preselection).toBeUndefined();
	});

	it('with a wrong secret, fails with InvalidClientCredentials and a next step about the secret', async () => {
		emulator = await startEmulator();
		const error = await connectToAzure(atEmulator(emulator, {auth: 'env', env: servicePrincipalEnv('wrong-secret')})).catch((e: unknown) => e);
		const failure = failureOf(error);
		expect(failure.code).toBe('InvalidClientCredentials');
		expect(failure.attempts?.[0]?.label).toBe('environment variables');
		expect(nextStepFor(failure)).toContain('AZURE_CLIENT_SECRET');
	});

	it('with nothing configured, fails with CredentialUnavailable listing what was tried and how to fix it', async () => {
		emulator = await startEmulator();
		const error = await connectToAzure(atEmulator(emulator, {auth: 'env', env: {}})).catch((e: unknown) => e);
		const failure = failureOf(error);
		expect(failure.code).toBe('CredentialUnavailable');
		expect(failure.attempts).toEqual([expect.objectContaining({label: 'environment variables', fix: expect.stringContaining('AZURE_CLIENT_SECRET')})]);
		expect(nextStepFor(failure)).toContain('--auth device-code');
	});

	it('signs in with a device code: the prompt gets the URL and code, approval completes it, and Ada sees her tenants', async () => {
		emulator = await startEmulator();
		const target = emulator;
		const prompts: DeviceCodePrompt[] = [];
		const session = await connectToAzure(
			atEmulator(target, {
				auth: 'device-code',
				tenantId: SEED.tenantId,
				onDeviceCode: (prompt) => {
					prompts.push(prompt);
					// What the user does in the browser.
					setTimeout(() => target.entra.approveDeviceCode(prompt.userCode), 100);
				},
			}),
		);
		expect(prompts).toHaveLength(1);
		expect(prompts[0]).toMatchObject({verificationUri: `${target.url}/devicelogin`, userCode: expect.stringMatching(/^[A-Z2-9]{9}$/)});
		expect(prompts[0]?.message).toContain(prompts[0]!.userCode);
		expect(session.signedInVia).toBe('device code sign-in');
		expect(session.user).toMatchObject({name: 'Ada Lovelace', account: 'ada@contoso.com'});
		expect(await session.gateway.listSubscriptions()).toHaveLength(3);
		expect((await session.listTenants()).map((t) => t.name)).toEqual(['Contoso', 'Fabrikam']);
	});

	it('cancels a device-code sign-in waiting for the user', async () => {
		emulator = await startEmulator();
		const controller = new AbortController();
		const error = await connectToAzure(
			atEmulator(emulator, {auth: 'device-code', tenantId: SEED.tenantId, abortSignal: controller.signal, onDeviceCode: () => setTimeout(() => controller.abort(), 100)}),
		).catch((e: unknown) => e);
		expect(failureOf(error).code).toBe('SignInCancelled');
	});

	it('renews a token Resource Manager calls expired, and the call succeeds without the user noticing', async () => {
		emulator = await startEmulator();
		const session = await connectToAzure(atEmulator(emulator, {auth: 'env', env: servicePrincipalEnv()}));
		await session.gateway.listSubscriptions();
		const tokenRequests = () => emulator!.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
		const before = tokenRequests();
		emulator.entra.advanceClock(2 * 60 * 60 * 1000);
		// Read again on purpose: a repeat within the read memo's max age would not reach Resource Manager.
		expect((await withFreshReads(() => session.gateway.listSubscriptions())).map((s) => s.name)).toEqual([SEED.subscriptions.production.displayName]);
		expect(emulator.requests.filter((r) => r.path === '/subscriptions').map((r) => r.status)).toEqual([200, 401, 200]);
		expect(tokenRequests()).toBe(before + 1);
	});

	it('does not retry a token for another cloud\'s audience: InvalidAuthenticationTokenAudience with a next step about --cloud', async () => {
		emulator = await startEmulator();
		const session = await connectToAzure(atEmulator(emulator, {auth: 'env', env: servicePrincipalEnv(), cloud: 'AzureUSGovernment'}));
		const failure = failureOf(await session.gateway.listSubscriptions().catch((e: unknown) => e));
		expect(failure.code).toBe('InvalidAuthenticationTokenAudience');
		expect(nextStepFor(failure)).toContain('--cloud');
		expect(emulator.requests.filter((r) => r.path === '/subscriptions')).toHaveLength(1);
	});
});

describe('managed identity (App Service protocol) through the real ManagedIdentityCredential', () => {
	// MSAL keeps managed identity tokens in a process-wide cache: one emulator for these tests.
	let shared: RunningEmulator;
	const saved = {endpoint: process.env['IDENTITY_ENDPOINT'], header: process.env['IDENTITY_HEADER']};
	beforeAll(async () => {
		shared = await startEmulator();
		process.env['IDENTITY_ENDPOINT'] = shared.identityEndpoint;
		process.env['IDENTITY_HEADER'] = shared.entra.identityHeader;
	});
	afterAll(async () => {
		for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
		await shared.close();
	});

	it('signs in as the user-assigned identity with --auth managed-identity and sees its subscription', async () => {
		const session = await connectToAzure(atEmulator(shared, {auth: 'managed-identity', managedIdentityClientId: SEED.identities.visionTrain.clientId}));
		expect(session.signedInVia).toBe('managed identity');
		expect(session.user.objectId).toBe(SEED.identities.visionTrain.principalId);
		expect((await session.gateway.listSubscriptions()).map((s) => s.name)).toEqual([SEED.subscriptions.devTest.displayName]);
	});

	it('is found by the default chain after the environment and workload identity, which list why they could not', async () => {
		const session = await connectToAzure(atEmulator(shared, {env: {AZURE_CLIENT_ID: SEED.identities.visionTrain.clientId}}));
		expect(session.signedInWith).toBe('ManagedIdentityCredential');
		expect(session.signedInVia).toBe('managed identity');
	});
});
