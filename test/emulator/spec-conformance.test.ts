/**
 * One captured exchange per emulated ARM operation, validated by oav against the official swagger
 * (../shared/azure-rest-api-specs, see its INDEX.md). To cover a new operation add one entry to CASES.
 *
 * An entry with `knownFailure` documents a gap between the emulator and the spec: the test is
 * `it.fails`, so it turns red the day the emulator is fixed (then delete `knownFailure`).
 */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {setTimeout as delay} from 'node:timers/promises';
import {SEED, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {captureExchange, expectConformsToSpec, loadSpecValidator, type CapturedExchange, type ExchangeRequest} from '../helpers/spec-conformance.js';

const SUBS = '2022-12-01';
const ML = '2022-10-01';
const ACR = '2025-11-01';

interface CaseContext {
	emulator: RunningEmulator;
	/** Send a setup request (not validated); throws unless it answers 2xx. */
	send(request: ExchangeRequest): Promise<CapturedExchange>;
	/** Poll an Azure-AsyncOperation / Location URL until the operation is no longer InProgress. */
	waitForOperation(statusUrl: string): Promise<void>;
}

interface ConformanceCase {
	operationId: string;
	/** Extra words for the test title (e.g. which response of an LRO). */
	note?: string;
	/** Setup requests before the captured one. */
	before?: (ctx: CaseContext) => Promise<void>;
	/** The captured request (a function when it depends on setup). */
	request: ExchangeRequest | ((ctx: CaseContext) => ExchangeRequest | Promise<ExchangeRequest>);
	/** Expected HTTP status of the captured response (guards against validating an error by accident). */
	status: number;
	/** Set when the emulator's response is known not to conform: what the spec wants. */
	knownFailure?: string;
}

const prod = SEED.subscriptions.production;
const fraudRg = SEED.resourceGroups.fraudProd;
const fraudWs = SEED.workspaces.fraudProd;
const fraudCr = SEED.registries.fraudProd;

const CASES: ConformanceCase[] = [
	// ---- Microsoft.Resources subscriptions 2022-12-01
	{operationId: 'Subscriptions_List', request: {method: 'GET', url: `/subscriptions?api-version=${SUBS}`}, status: 200},
	{operationId: 'Subscriptions_Get', request: {method: 'GET', url: `${prod.id}?api-version=${SUBS}`}, status: 200},

	// ---- Microsoft.MachineLearningServices 2022-10-01
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
		before: async ({send, waitForOperation}) => {
			const accepted = await send({method: 'PATCH', url: `${fraudCr.id}?api-version=${ACR}`, body: {properties: {adminUserEnabled: false}}});
			await waitForOperation(accepted.liveResponse.headers['azure-asyncoperation']!);
		},
		request: {method: 'GET', url: `${fraudCr.id}?api-version=${ACR}`},
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
		[emulator] = await Promise.all([startEmulator({lroDurationMs: 30, retryAfterSeconds: 0}), loadSpecValidator()]);
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
				if (!statusUrl) throw new Error('setup: no operation status URL in the response headers');
				for (let attempt = 0; attempt < 200; attempt++) {
					const status = (await send({method: 'GET', url: statusUrl})).liveResponse.body?.status;
					if (status !== 'InProgress') return;
					await delay(10);
				}
				throw new Error(`setup: operation ${statusUrl} still InProgress`);
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
			await c.before?.(ctx);
			const request = typeof c.request === 'function' ? await c.request(ctx) : c.request;
			const exchange = await captureExchange(emulator, c.operationId, request);
			if (exchange.liveResponse.statusCode !== String(c.status)) {
				throw new Error(
					`${title(c)}: expected HTTP ${c.status}, got ${exchange.liveResponse.statusCode}: ${JSON.stringify(exchange.liveResponse.body)}`,
				);
			}
			await expectConformsToSpec(exchange);
		};
		if (c.knownFailure) it.fails(`${title(c)} [known gap: ${c.knownFailure}]`, run);
		else it(title(c), run);
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

		it('an exchange that is not the operation it claims to be', async () => {
			const exchange = await capture('Workspaces_Get', {method: 'GET', url: `${fraudCr.id}?api-version=${ACR}`});
			await expect(expectConformsToSpec(exchange)).rejects.toThrow(/to operation 'Registries_Get', expected 'Workspaces_Get'/);
		});
	});
});
