/**
 * One captured exchange per emulated ARM operation, validated by oav against the official swagger
 * (../shared/azure-rest-api-specs, see its INDEX.md). To cover a new operation add one entry to CASES.
 *
 * An entry with `knownFailure` documents a gap between the emulator and the spec: the test is
 * `it.fails` and stays green only while exactly that validation error occurs; it turns red the day
 * the emulator is fixed (then delete `knownFailure`) or when the exchange breaks in another way.
 *
 * Needs ../shared/azure-rest-api-specs beside the repository (or AZURE_REST_API_SPECS); offline.
 */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {BUILT_IN_ROLES} from '../../src/emulator/role-grants.js';
import {captureExchange, expectConformsToSpec, loadSpecValidator, type CapturedExchange, type ExchangeRequest} from '../helpers/spec-conformance.js';
import {pollUntil} from './helpers.js';

const SUBS = '2022-12-01';
const ML = '2022-10-01';
const ACR = '2025-11-01';

interface CaseContext {
	emulator: RunningEmulator;
	/** Send a setup request (not validated); throws unless it answers 2xx. */
	send(request: ExchangeRequest): Promise<CapturedExchange>;
	/** Poll an Azure-AsyncOperation URL until the operation is no longer InProgress. */
	waitForOperation(statusUrl: string | undefined): Promise<void>;
}

interface ConformanceCase {
	/** The spec operationId the captured exchange must match. */
	operationId: string;
	/** Extra words for the test title (e.g. which response of an LRO). */
	note?: string;
	/** The captured request; a function when it needs setup requests first (done with ctx.send). */
	request: ExchangeRequest | ((ctx: CaseContext) => Promise<ExchangeRequest>);
	/** Expected HTTP status of the captured response (guards against validating an error by accident). */
	status: number;
	/**
	 * When the spec has overlapping paths, the operation oav resolves this URL to (same method and
	 * response schema), e.g. a role-assignment list at a resource scope is also RoleAssignments_ListForResource.
	 */
	matches?: string;
	/**
	 * Set when the emulator's exchange is known not to conform: `gap` says what the spec wants,
	 * `problem` matches the expected validation error. The test is `it.fails`: it stays green while
	 * exactly that error occurs, and turns red when the gap is fixed (then delete `knownFailure`) or
	 * when the exchange fails for another reason (that error is printed).
	 */
	knownFailure?: {gap: string; problem: RegExp};
}

const prod = SEED.subscriptions.production;
const fraudRg = SEED.resourceGroups.fraudProd;
const fraudWs = SEED.workspaces.fraudProd;
const fraudCr = SEED.registries.fraudProd;

const RBAC = '2022-04-01';
const MSI = '2024-11-30';

// ---- setup helpers for entries that need a resource to exist first
const identityUrl = (name: string) => `${fraudRg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${MSI}`;
const identityBody = {location: fraudRg.location, tags: {purpose: 'spec-conformance'}};
async function createIdentity({send}: CaseContext, name = 'id-spec-conformance') {
	const created = await send({method: 'PUT', url: identityUrl(name), body: identityBody});
	return created.liveResponse.body as {id: string; properties: {principalId: string; clientId: string}};
}

const computeUrl = (name: string) => `${fraudWs.id}/computes/${name}?api-version=${ML}`;
const computeBody = {
	location: fraudWs.location,
	identity: {type: 'SystemAssigned'},
	properties: {computeType: 'AmlCompute', properties: {vmSize: 'STANDARD_DS3_V2', scaleSettings: {maxNodeCount: 2, minNodeCount: 0}}},
};
async function createCompute(ctx: CaseContext, name = 'cpu-spec') {
	const accepted = await ctx.send({method: 'PUT', url: computeUrl(name), body: computeBody});
	await ctx.waitForOperation(accepted.liveResponse.headers['azure-asyncoperation']);
}

const connectionUrl = (name: string) => `${fraudWs.id}/connections/${name}?api-version=${ML}`;
const connectionBody = (identity: {id: string; properties: {clientId: string}}) => ({
	properties: {
		authType: 'ManagedIdentity',
		category: 'ContainerRegistry',
		target: `${fraudCr.name}.azurecr.io`,
		credentials: {resourceId: identity.id, clientId: identity.properties.clientId},
	},
});
async function createConnection(ctx: CaseContext, name = 'acr-spec') {
	await ctx.send({method: 'PUT', url: connectionUrl(name), body: connectionBody(await createIdentity(ctx))});
}

const newWorkspaceUrl = `${fraudRg.id}/providers/Microsoft.MachineLearningServices/workspaces/mlw-spec-new?api-version=${ML}`;
const newWorkspaceBody = {
	location: fraudRg.location,
	identity: {type: 'SystemAssigned'},
	tags: {purpose: 'spec-conformance'},
	properties: {
		friendlyName: 'Spec conformance',
		storageAccount: fraudWs.storageAccountId,
		keyVault: fraudWs.keyVaultId,
		applicationInsights: fraudWs.applicationInsightsId,
		containerRegistry: fraudCr.id,
	},
};

const datastoreUrl = (name: string) => `${fraudWs.id}/datastores/${name}?api-version=${ML}`;
const datastoreBody = {
	properties: {
		datastoreType: 'AzureBlob',
		accountName: SEED.storageAccounts.fraudLake.name,
		containerName: 'curated',
		credentials: {credentialsType: 'None'},
		serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
	},
};
const sasDatastoreBody = {
	properties: {...datastoreBody.properties, credentials: {credentialsType: 'Sas', secrets: {secretsType: 'Sas', sasToken: 'sv=2022-11-02&sig=abc'}}},
};

const newRegistryUrl = `${fraudRg.id}/providers/Microsoft.ContainerRegistry/registries/crspecconformance01?api-version=${ACR}`;
const newRegistryBody = {
	location: fraudRg.location,
	sku: {name: 'Standard'},
	identity: {type: 'SystemAssigned'},
	tags: {purpose: 'spec-conformance'},
	properties: {adminUserEnabled: false},
};
const checkNameUrl = `${prod.id}/providers/Microsoft.ContainerRegistry/checkNameAvailability?api-version=${ACR}`;

const ACR_PULL_ID = `${prod.id}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull}`;
const ASSIGNMENT_NAME = '0c8e5d4a-6f1b-4e2a-9d3c-7b5a1f0e2d94';
const assignmentUrl = (name = ASSIGNMENT_NAME) => `${fraudCr.id}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${RBAC}`;
async function assignmentBody(ctx: CaseContext) {
	const identity = await createIdentity(ctx);
	return {properties: {roleDefinitionId: ACR_PULL_ID, principalId: identity.properties.principalId, principalType: 'ServicePrincipal'}};
}
async function createAssignment(ctx: CaseContext) {
	await ctx.send({method: 'PUT', url: assignmentUrl(), body: await assignmentBody(ctx)});
}

/**
 * Known gap: role definitions carry createdOn/updatedOn/createdBy/updatedBy in `properties` (as live
 * Azure does), but RoleDefinitionProperties in 2022-04-01 does not declare them, and ARM responses
 * may not contain undeclared properties (oav OBJECT_ADDITIONAL_PROPERTIES).
 */
const ROLE_DEFINITION_AUDIT_FIELDS = {
	gap: 'properties.createdOn/updatedOn/createdBy/updatedBy are not in 2022-04-01 RoleDefinitionProperties',
	problem: /OBJECT_ADDITIONAL_PROPERTIES at (\/value\/0)?\/properties\/createdOn/,
};

/**
 * Known gap (spec, not emulator): AccountKey/Sas datastore credentials declare `secrets` required, but
 * `secrets` is x-ms-secret with mutability create/update, and the service (like the spec's own GET/PUT
 * examples) never returns it; oav still requires it in responses. Only that problem may occur.
 */
const DATASTORE_SECRETS_NOT_RETURNED = (count: number, at: string) => ({
	gap: 'credentials.secrets (x-ms-secret, mutability create/update) is required by the schema but never returned',
	problem: new RegExp(
		`does not conform to the spec: ${count} problem\\(s\\)\\n${Array.from({length: count}, () => `  - response OBJECT_MISSING_REQUIRED_PROPERTY at ${at}/properties/credentials/secrets: [^\\n]*\\n`).join('')}(?!  - )`,
	),
});

const CASES: ConformanceCase[] = [
	// ---- Microsoft.Resources subscriptions 2022-12-01
	{operationId: 'Subscriptions_List', request: {method: 'GET', url: `/subscriptions?api-version=${SUBS}`}, status: 200},
	{operationId: 'Subscriptions_Get', request: {method: 'GET', url: `${prod.id}?api-version=${SUBS}`}, status: 200},

	// ---- Microsoft.MachineLearningServices 2022-10-01: workspaces
	{
		operationId: 'Workspaces_ListBySubscription',
		request: {method: 'GET', url: `${prod.id}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${ML}`},
		status: 200,
	},
	{
		operationId: 'Workspaces_ListByResourceGroup',
		request: {method: 'GET', url: `${fraudRg.id}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${ML}`},
		status: 200,
	},
	{operationId: 'Workspaces_Get', request: {method: 'GET', url: `${fraudWs.id}?api-version=${ML}`}, status: 200},
	{
		operationId: 'Workspaces_Update',
		note: '202 Accepted (LRO started)',
		request: {method: 'PATCH', url: `${fraudWs.id}?api-version=${ML}`, body: {tags: {team: 'fraud-detection', owner: 'ml-platform'}}},
		status: 202,
	},
	{
		operationId: 'Workspaces_Get',
		note: 'final GET after Workspaces_Update completed',
		request: async (ctx) => {
			const accepted = await ctx.send({method: 'PATCH', url: `${fraudWs.id}?api-version=${ML}`, body: {tags: {team: 'fraud-detection', owner: 'ml-platform'}}});
			await ctx.waitForOperation(accepted.liveResponse.headers['azure-asyncoperation']);
			return {method: 'GET', url: `${fraudWs.id}?api-version=${ML}`};
		},
		status: 200,
	},

	{
		operationId: 'Workspaces_CreateOrUpdate',
		note: '202 Accepted (LRO started, create)',
		request: {method: 'PUT', url: newWorkspaceUrl, body: newWorkspaceBody},
		status: 202,
	},
	{
		operationId: 'Workspaces_Get',
		note: 'final GET after Workspaces_CreateOrUpdate completed (UserAssigned + CMK identity)',
		request: async (ctx) => {
			const identity = await createIdentity(ctx);
			const body = {
				...newWorkspaceBody,
				identity: {type: 'SystemAssigned,UserAssigned', userAssignedIdentities: {[identity.id]: {}}},
				properties: {
					...newWorkspaceBody.properties,
					primaryUserAssignedIdentity: identity.id,
					encryption: {
						status: 'Enabled',
						identity: {userAssignedIdentity: identity.id},
						keyVaultProperties: {keyVaultArmId: fraudWs.keyVaultId, keyIdentifier: 'https://kv-fraud-prod-4c8e1a.vault.azure.net/keys/cmk/1'},
					},
				},
			};
			const accepted = await ctx.send({method: 'PUT', url: newWorkspaceUrl, body});
			await ctx.waitForOperation(accepted.liveResponse.headers['azure-asyncoperation']);
			return {method: 'GET', url: newWorkspaceUrl};
		},
		status: 200,
	},

	{operationId: 'Workspaces_Delete', note: '202 Accepted (LRO started)', request: {method: 'DELETE', url: `${fraudWs.id}?api-version=${ML}`}, status: 202},
	{operationId: 'Workspaces_Delete', note: '204 when the workspace does not exist', request: {method: 'DELETE', url: newWorkspaceUrl}, status: 204},

	// ---- Microsoft.MachineLearningServices 2022-10-01: datastores (mfe.json)
	{operationId: 'Datastores_CreateOrUpdate', note: '201 Created, identity-based', request: {method: 'PUT', url: datastoreUrl('fraud-curated'), body: datastoreBody}, status: 201},
	{
		operationId: 'Datastores_CreateOrUpdate',
		note: '200 updated, with a SAS (secrets not echoed)',
		request: async (ctx) => (
			await ctx.send({method: 'PUT', url: datastoreUrl('fraud-curated'), body: datastoreBody}),
			{method: 'PUT', url: datastoreUrl('fraud-curated'), body: sasDatastoreBody}
		),
		status: 200,
		knownFailure: DATASTORE_SECRETS_NOT_RETURNED(1, ''),
	},
	{operationId: 'Datastores_Get', note: 'identity-based (credentials None)', request: async (ctx) => (await ctx.send({method: 'PUT', url: datastoreUrl('fraud-curated'), body: datastoreBody}), {method: 'GET', url: datastoreUrl('fraud-curated')}), status: 200},
	{operationId: 'Datastores_Get', note: 'workspaceblobstore (AccountKey)', request: {method: 'GET', url: datastoreUrl('workspaceblobstore')}, status: 200, knownFailure: DATASTORE_SECRETS_NOT_RETURNED(1, '')},
	{
		operationId: 'Datastores_List',
		note: 'seeded: Sas + AccountKey',
		request: {method: 'GET', url: `${fraudWs.id}/datastores?api-version=${ML}&count=2&orderBy=name&orderByAsc=true`},
		status: 200,
		knownFailure: DATASTORE_SECRETS_NOT_RETURNED(2, '/value/\\d'),
	},
	{
		operationId: 'Datastores_List',
		note: 'identity-based only',
		request: async (ctx) => (
			await ctx.send({method: 'PUT', url: datastoreUrl('fraud-curated'), body: datastoreBody}),
			{method: 'GET', url: `${fraudWs.id}/datastores?api-version=${ML}&names=fraud-curated`}
		),
		status: 200,
	},
	{
		operationId: 'Datastores_Delete',
		request: async (ctx) => (await ctx.send({method: 'PUT', url: datastoreUrl('fraud-curated'), body: datastoreBody}), {method: 'DELETE', url: datastoreUrl('fraud-curated')}),
		status: 200,
	},
	{
		operationId: 'Datastores_ListSecrets',
		request: {method: 'POST', url: `${fraudWs.id}/datastores/fraud-raw-sas/listSecrets?api-version=${ML}`},
		status: 200,
	},

	// ---- Microsoft.MachineLearningServices 2022-10-01: computes
	{operationId: 'Compute_CreateOrUpdate', note: '201 Created (LRO started)', request: {method: 'PUT', url: computeUrl('cpu-spec'), body: computeBody}, status: 201},
	{
		operationId: 'Compute_Get',
		note: 'after Compute_CreateOrUpdate completed',
		request: async (ctx) => (await createCompute(ctx), {method: 'GET', url: computeUrl('cpu-spec')}),
		status: 200,
	},
	{
		operationId: 'Compute_List',
		request: async (ctx) => (await createCompute(ctx), {method: 'GET', url: `${fraudWs.id}/computes?api-version=${ML}`}),
		status: 200,
	},

	{
		operationId: 'Compute_Delete',
		note: '202 Accepted (LRO started)',
		request: {method: 'DELETE', url: `${computeUrl(SEED.computes.cpuCluster.name)}&underlyingResourceAction=Delete`},
		status: 202,
	},
	{
		operationId: 'Compute_Delete',
		note: '204 when the compute does not exist',
		request: {method: 'DELETE', url: `${computeUrl('cpu-absent')}&underlyingResourceAction=Detach`},
		status: 204,
	},

	// ---- Microsoft.MachineLearningServices 2022-10-01: workspace connections
	{
		operationId: 'WorkspaceConnections_Create',
		request: async (ctx) => ({method: 'PUT', url: connectionUrl('acr-spec'), body: connectionBody(await createIdentity(ctx))}),
		status: 200,
	},
	{
		operationId: 'WorkspaceConnections_Get',
		request: async (ctx) => (await createConnection(ctx), {method: 'GET', url: connectionUrl('acr-spec')}),
		status: 200,
	},
	{
		operationId: 'WorkspaceConnections_List',
		request: async (ctx) => (await createConnection(ctx), {method: 'GET', url: `${fraudWs.id}/connections?api-version=${ML}`}),
		status: 200,
	},

	// ---- Microsoft.ContainerRegistry 2025-11-01
	{
		operationId: 'Registries_List',
		request: {method: 'GET', url: `${prod.id}/providers/Microsoft.ContainerRegistry/registries?api-version=${ACR}`},
		status: 200,
	},
	{
		operationId: 'Registries_ListByResourceGroup',
		request: {method: 'GET', url: `${fraudRg.id}/providers/Microsoft.ContainerRegistry/registries?api-version=${ACR}`},
		status: 200,
	},
	{operationId: 'Registries_Get', request: {method: 'GET', url: `${fraudCr.id}?api-version=${ACR}`}, status: 200},
	{
		operationId: 'Registries_Update',
		note: '201 Created (LRO started)',
		request: {method: 'PATCH', url: `${fraudCr.id}?api-version=${ACR}`, body: {properties: {adminUserEnabled: false}}},
		status: 201,
	},
	{
		operationId: 'Registries_Get',
		note: 'final GET after Registries_Update completed',
		request: async (ctx) => {
			const accepted = await ctx.send({method: 'PATCH', url: `${fraudCr.id}?api-version=${ACR}`, body: {properties: {adminUserEnabled: false}}});
			await ctx.waitForOperation(accepted.liveResponse.headers['azure-asyncoperation']);
			return {method: 'GET', url: `${fraudCr.id}?api-version=${ACR}`};
		},
		status: 200,
	},

	{
		operationId: 'Registries_Create',
		note: '201 Created (LRO started)',
		request: {method: 'PUT', url: newRegistryUrl, body: newRegistryBody},
		status: 201,
	},
	{
		operationId: 'Registries_Get',
		note: 'final GET after Registries_Create completed',
		request: async (ctx) => {
			const accepted = await ctx.send({method: 'PUT', url: newRegistryUrl, body: newRegistryBody});
			await ctx.waitForOperation(accepted.liveResponse.headers['azure-asyncoperation']);
			return {method: 'GET', url: newRegistryUrl};
		},
		status: 200,
	},
	{operationId: 'Registries_Delete', note: '202 Accepted (LRO started)', request: {method: 'DELETE', url: `${fraudCr.id}?api-version=${ACR}`}, status: 202},
	{operationId: 'Registries_Delete', note: '204 when the registry does not exist', request: {method: 'DELETE', url: newRegistryUrl}, status: 204},
	{
		operationId: 'Registries_CheckNameAvailability',
		note: 'available',
		request: {method: 'POST', url: checkNameUrl, body: {name: 'crspecconformance01', type: 'Microsoft.ContainerRegistry/registries'}},
		status: 200,
	},
	{
		operationId: 'Registries_CheckNameAvailability',
		note: 'taken',
		request: {method: 'POST', url: checkNameUrl, body: {name: fraudCr.name, type: 'Microsoft.ContainerRegistry/registries'}},
		status: 200,
	},

	// ---- Microsoft.ManagedIdentity 2024-11-30
	{operationId: 'UserAssignedIdentities_CreateOrUpdate', note: '201 Created', request: {method: 'PUT', url: identityUrl('id-spec-conformance'), body: identityBody}, status: 201},
	{
		operationId: 'UserAssignedIdentities_Get',
		request: async (ctx) => (await createIdentity(ctx), {method: 'GET', url: identityUrl('id-spec-conformance')}),
		status: 200,
	},
	{
		operationId: 'UserAssignedIdentities_ListByResourceGroup',
		request: async (ctx) => (await createIdentity(ctx), {method: 'GET', url: `${fraudRg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI}`}),
		status: 200,
	},

	// ---- Microsoft.Authorization 2022-04-01
	{
		operationId: 'RoleDefinitions_Get',
		request: {method: 'GET', url: `${ACR_PULL_ID}?api-version=${RBAC}`},
		status: 200,
		knownFailure: ROLE_DEFINITION_AUDIT_FIELDS,
	},
	{
		operationId: 'RoleDefinitions_List',
		request: {method: 'GET', url: `${prod.id}/providers/Microsoft.Authorization/roleDefinitions?api-version=${RBAC}&$filter=${encodeURIComponent("roleName eq 'AcrPull'")}`},
		status: 200,
		knownFailure: ROLE_DEFINITION_AUDIT_FIELDS,
	},
	{
		operationId: 'RoleAssignments_Create',
		note: '201 Created',
		request: async (ctx) => ({method: 'PUT', url: assignmentUrl(), body: await assignmentBody(ctx)}),
		status: 201,
	},
	{
		operationId: 'RoleAssignments_Get',
		request: async (ctx) => (await createAssignment(ctx), {method: 'GET', url: assignmentUrl()}),
		status: 200,
	},
	{
		operationId: 'RoleAssignments_ListForScope',
		note: 'at a registry scope',
		matches: 'RoleAssignments_ListForResource',
		request: async (ctx) => (
			await createAssignment(ctx), {method: 'GET', url: `${fraudCr.id}/providers/Microsoft.Authorization/roleAssignments?api-version=${RBAC}&$filter=atScope()`}
		),
		status: 200,
	},
	{
		operationId: 'RoleAssignments_Delete',
		note: '200 with the deleted assignment',
		request: async (ctx) => (await createAssignment(ctx), {method: 'DELETE', url: assignmentUrl()}),
		status: 200,
	},
];

function title(c: ConformanceCase): string {
	return `${c.operationId}${c.note ? ` (${c.note})` : ''}`;
}

describe('ARM emulator conforms to the azure-rest-api-specs swagger (oav)', () => {
	let emulator: RunningEmulator;
	let ctx: CaseContext;

	beforeAll(async () => {
		await loadSpecValidator(); // first: fails fast, with a clear message, when the specs are missing
		emulator = await startEmulator({lroDurationMs: 30, retryAfterSeconds: 0});
		const send = async (request: ExchangeRequest) => {
			const exchange = await captureExchange(emulator, 'setup', request);
			const status = Number(exchange.liveResponse.statusCode);
			if (status < 200 || status > 299) {
				throw new Error(`setup ${request.method} ${request.url} answered ${status}: ${JSON.stringify(exchange.liveResponse.body)}`);
			}
			return exchange;
		};
		ctx = {
			emulator,
			send,
			waitForOperation: async (statusUrl) => {
				if (!statusUrl) throw new Error('setup: no Azure-AsyncOperation header in the response');
				const readStatus = async () => (await send({method: 'GET', url: statusUrl})).liveResponse.body?.status;
				const status = await pollUntil(readStatus, (s) => s !== 'InProgress');
				if (status === 'InProgress') throw new Error(`setup: operation ${statusUrl} still InProgress`);
			},
		};
	});
	afterAll(async () => {
		await emulator?.close();
	});
	beforeEach(async () => {
		await emulator.reset();
	});

	for (const c of CASES) {
		const run = async () => {
			const request = typeof c.request === 'function' ? await c.request(ctx) : c.request;
			const exchange = await captureExchange(emulator, c.matches ?? c.operationId, request);
			if (exchange.liveResponse.statusCode !== String(c.status)) {
				throw new Error(
					`${title(c)}: expected HTTP ${c.status}, got ${exchange.liveResponse.statusCode}: ${JSON.stringify(exchange.liveResponse.body)}`,
				);
			}
			await expectConformsToSpec(exchange);
		};
		const known = c.knownFailure;
		if (!known) {
			it(title(c), run);
			continue;
		}
		it.fails(`${title(c)} [known gap: ${known.gap}]`, async () => {
			try {
				await run();
			} catch (error) {
				if (known.problem.test(String(error))) throw error; // the known gap: expected
				console.error(`${title(c)} failed, but not with the known gap ${known.problem}:`, error);
				return; // it.fails reports this as a failure
			}
		});
	}

	// The check itself must be able to fail: real captures, corrupted after the fact.
	describe('rejects exchanges that break the spec', () => {
		const capture = (operationId: string, request: ExchangeRequest) => captureExchange(emulator, operationId, request);
		const bodyOf = (exchange: CapturedExchange) => exchange.liveResponse.body as Record<string, Record<string, unknown>>;

		it('a response missing a required property, with an unknown property and a bad enum value', async () => {
			const exchange = await capture('Registries_Get', {method: 'GET', url: `${fraudCr.id}?api-version=${ACR}`});
			await expectConformsToSpec(exchange);
			delete bodyOf(exchange).sku;
			bodyOf(exchange).properties!.bogus = true;
			bodyOf(exchange).identity = {type: 'SystemAssigned,UserAssigned'}; // ACR's enum has a space after the comma
			const failure = expectConformsToSpec(exchange);
			await expect(failure).rejects.toThrow(/^Registries_Get \(api-version 2025-11-01\) does not conform to the spec: 3 problem/);
			await expect(failure).rejects.toThrow(/OBJECT_MISSING_REQUIRED_PROPERTY at \/sku/);
			await expect(failure).rejects.toThrow(/OBJECT_ADDITIONAL_PROPERTIES at \/properties\/bogus/);
			await expect(failure).rejects.toThrow(/ENUM_MISMATCH at \/identity\/type/);
		});

		it('a request body the spec does not allow', async () => {
			const exchange = await capture('Registries_Update', {method: 'PATCH', url: `${fraudCr.id}?api-version=${ACR}`, body: {properties: {adminUserEnabled: false}}});
			await expectConformsToSpec(exchange);
			exchange.liveRequest.body = {properties: {adminUserEnabled: 'no', loginServer: 'x.azurecr.io'}};
			const failure = expectConformsToSpec(exchange);
			await expect(failure).rejects.toThrow(/request INVALID_TYPE at \/properties\/adminUserEnabled/);
			await expect(failure).rejects.toThrow(/request OBJECT_ADDITIONAL_PROPERTIES at \/properties\/loginServer/);
		});

		it('an LRO 201 without Azure-AsyncOperation, an undeclared status code, a list without the required nextLink', async () => {
			const accepted = await capture('Registries_Update', {method: 'PATCH', url: `${fraudCr.id}?api-version=${ACR}`, body: {properties: {adminUserEnabled: false}}});
			delete accepted.liveResponse.headers['azure-asyncoperation'];
			await expect(expectConformsToSpec(accepted)).rejects.toThrow(/LRO_RESPONSE_HEADER/);

			const workspace = await capture('Workspaces_Get', {method: 'GET', url: `${fraudWs.id}?api-version=${ML}`});
			workspace.liveResponse.statusCode = '201';
			await expect(expectConformsToSpec(workspace)).rejects.toThrow(/INVALID_RESPONSE_CODE/);

			const subscriptions = await capture('Subscriptions_List', {method: 'GET', url: `/subscriptions?api-version=${SUBS}`});
			delete bodyOf(subscriptions).nextLink;
			await expect(expectConformsToSpec(subscriptions)).rejects.toThrow(/nextLink/);
		});

		it('a polymorphic body: subtype properties pass, properties no subtype declares do not', async () => {
			const url = `${fraudWs.id}/connections/acr-spec?api-version=${ML}`;
			const exchange = await capture('WorkspaceConnections_Create', {method: 'PUT', url, body: {properties: {authType: 'None', category: 'Git', target: 'https://example.com'}}});
			await expectConformsToSpec(exchange);
			// ManagedIdentity declares credentials {resourceId, clientId}: allowed even though the base has additionalProperties false.
			exchange.liveRequest.body = {properties: {authType: 'ManagedIdentity', category: 'Git', target: 'x', credentials: {resourceId: 'r', clientId: 'c'}}};
			await expectConformsToSpec(exchange);
			// None declares no credentials; ManagedIdentity credentials have no 'secret'.
			exchange.liveRequest.body = {properties: {authType: 'None', category: 'Git', target: 'x', credentials: {pat: 'p'}}};
			await expect(expectConformsToSpec(exchange)).rejects.toThrow(/OBJECT_ADDITIONAL_PROPERTIES at \/properties\/credentials/);
			exchange.liveRequest.body = {properties: {authType: 'ManagedIdentity', category: 'Git', target: 'x', credentials: {resourceId: 'r', secret: 's'}}};
			await expect(expectConformsToSpec(exchange)).rejects.toThrow(/OBJECT_ADDITIONAL_PROPERTIES at \/properties\/credentials\/secret/);
		});

		it('a request without a required query parameter (Compute_Delete without underlyingResourceAction; its 400 is a valid ErrorResponse)', async () => {
			const exchange = await capture('Compute_Delete', {method: 'DELETE', url: computeUrl(SEED.computes.cpuCluster.name)});
			expect(exchange.liveResponse.statusCode).toBe('400');
			const failure = expectConformsToSpec(exchange);
			await expect(failure).rejects.toThrow(/does not conform to the spec: 1 problem\(s\)\n  - request \w+ at [^\n]*underlyingResourceAction/);
		});

		it('an exchange that is not the operation it claims to be', async () => {
			const exchange = await capture('Workspaces_Get', {method: 'GET', url: `${fraudCr.id}?api-version=${ACR}`});
			await expect(expectConformsToSpec(exchange)).rejects.toThrow(/to operation 'Registries_Get', expected 'Workspaces_Get'/);
		});
	});
});
