import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import type {TraceEntry} from '../../src/azure/pipeline.js';
import {redactBody, RequestLog} from '../../src/azure/request-log.js';
import {shortenPath, summarizeRequest, summarizeRequests} from '../../src/azure/request-summary.js';
import {runPlan} from '../../src/plan/runner.js';
import {computeAcrPullScenario} from '../../src/scenarios/compute-acr-pull.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {planScenario} from '../helpers/scenario-driver.js';

const registry = SEED.registries.fraudProd;

function entry(fields: Partial<TraceEntry> & {at: number}): TraceEntry {
	const {at, ...rest} = fields;
	return {time: new Date(at).toISOString(), method: 'GET', url: `https://127.0.0.1:1${registry.id}?api-version=2023-07-01`, durationMs: 12, requestHeaders: {}, status: 200, ...rest};
}

describe('the request log', () => {
	it('keeps the last requests only', () => {
		const log = new RequestLog({capacity: 3});
		for (let at = 1000; at < 1005; at++) log.record(entry({at}));
		expect(log.entries().map((request) => request.startedAt)).toEqual([1002, 1003, 1004]);
	});

	it('gives a step the requests it made, even while other steps run at the same time', () => {
		const log = new RequestLog();
		log.record(entry({at: 990})); // a read while planning: no step's
		log.observe({stepId: 'first', state: 'running', startedAt: 1000, phase: 'check'});
		log.observe({stepId: 'second', state: 'running', startedAt: 1005, phase: 'check'});
		log.record(entry({at: 1000, method: 'GET', step: 'first'}));
		log.record(entry({at: 1010, method: 'PUT', step: 'second'}));
		log.record(entry({at: 1040, method: 'PATCH', step: 'first'}));
		log.observe({stepId: 'first', state: 'done', startedAt: 1000, elapsedMs: 50});
		log.record(entry({at: 1070, method: 'GET', step: 'second'}));
		expect(log.requestsFor('first').map((request) => request.method)).toEqual(['GET', 'PATCH']);
		expect(log.requestsFor('second').map((request) => request.method)).toEqual(['PUT', 'GET']);
		expect(log.hasRun('first') && log.hasRun('second')).toBe(true);
		// Taken from the journal: it made no request in this process.
		log.observe({stepId: 'third', state: 'skipped'});
		expect(log.hasRun('third')).toBe(false);
		expect(log.requestsFor('third')).toEqual([]);
	});

	it('never keeps a secret from a body', () => {
		const body = {
			properties: {
				credentials: {credentialsType: 'AccountKey', secrets: {key: 'c2VjcmV0'}, clientId: 'abc'},
				adminUserEnabled: false,
				keyVault: '/subscriptions/x/vaults/kv',
			},
			passwords: [{name: 'password', value: 'p@ss'}],
			keys: [{keyName: 'key1', value: 'k'}],
			accessToken: 'eyJ0eXAi',
		};
		const redacted = JSON.stringify(redactBody(body));
		for (const secret of ['c2VjcmV0', 'p@ss', '"k"', 'eyJ0eXAi', 'abc']) expect(redacted).not.toContain(secret);
		expect(redacted).toContain('"credentialsType":"AccountKey"');
		expect(redacted).toContain('"adminUserEnabled":false');
		expect(redacted).toContain('/vaults/kv');
	});
});

describe('what the panel shows of a request', () => {
	it('shortens a path to what differs between requests', () => {
		expect(shortenPath(`https://h${registry.id}/providers/Microsoft.Authorization/roleAssignments/3b7a9c1d-0000-4000-8000-000000000001?api-version=2022-04-01`)).toBe(
			`…/registries/${registry.name.slice(0, 8)}…/roleAssignments/3b7a9c1d…`,
		);
		expect(shortenPath('https://h/subscriptions/s/providers/Microsoft.Authorization/roleAssignments?api-version=1&$filter=atScope()')).toBe(
			'…/roleAssignments?$filter=atScope()',
		);
	});

	it('picks the interesting part of a write and of an answer', () => {
		const roleAssignment = summarizeRequest({
			startedAt: 0,
			method: 'PUT',
			url: `https://h${registry.id}/providers/Microsoft.Authorization/roleAssignments/3b7a9c1d-0000-4000-8000-000000000001`,
			status: 201,
			durationMs: 41.6,
			requestBody: {properties: {roleDefinitionId: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d', principalId: '2f9d4b7a-1c3e-4a6d-8b5f-7e0c9a2d4b61', principalType: 'ServicePrincipal'}},
		});
		expect(roleAssignment).toEqual({count: 1, method: 'PUT', path: expect.stringContaining('/roleAssignments/3b7a9c1d…'), status: '201', duration: '42ms', detail: 'AcrPull for ServicePrincipal 2f9d4b7a…'});
		expect(summarizeRequest({startedAt: 0, method: 'PATCH', url: `https://h${registry.id}`, status: 202, durationMs: 5, requestBody: {properties: {adminUserEnabled: false}}}).detail).toBe('adminUserEnabled: false');
		expect(summarizeRequest({startedAt: 0, method: 'PUT', url: 'https://h/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c', status: 200, durationMs: 5, requestBody: {identity: {type: 'UserAssigned', userAssignedIdentities: {'/subscriptions/s/x/userAssignedIdentities/id-a': {}}}}}).detail).toBe('identity UserAssigned (id-a)');
		expect(summarizeRequest({startedAt: 0, method: 'GET', url: 'https://h/subscriptions/s/providers/Microsoft.Authorization/roleAssignments', status: 200, durationMs: 5, responseBody: {value: [{}, {}]}}).detail).toBe('2 items');
		expect(summarizeRequest({startedAt: 0, method: 'PUT', url: `https://h${registry.id}/providers/Microsoft.Authorization/roleAssignments/x`, status: 400, durationMs: 5, responseBody: {error: {code: 'PrincipalNotFound', message: '…'}}}).detail).toBe('PrincipalNotFound');
	});
});

describe('a polled operation', () => {
	it('is one line: how many polls, and how the status went', () => {
		const poll = (status: string) => ({startedAt: 0, method: 'GET', url: 'https://h/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r/operationStatuses/registries-afb67fec-1d82-4640-9c8c-4594848658ae', status: 200, durationMs: 3, responseBody: {status}});
		const lines = summarizeRequests([
			{startedAt: 0, method: 'PATCH', url: `https://h${registry.id}`, status: 202, durationMs: 5, requestBody: {properties: {adminUserEnabled: false}}},
			poll('InProgress'),
			poll('InProgress'),
			poll('Succeeded'),
		]);
		expect(lines.map(({method, count, path, detail}) => ({method, count, path, detail}))).toEqual([
			{method: 'PATCH', count: 1, path: `…/registries/${registry.name.slice(0, 8)}…`, detail: 'adminUserEnabled: false'},
			{method: 'GET', count: 3, path: '…/registries/r/operationStatuses/registries-afb67fec…', detail: 'operation InProgress → operation Succeeded'},
		]);
	});
});

describe('behind a real step', () => {
	let azure: EmulatedAzure | undefined;
	afterEach(async () => {
		await azure?.close();
	});

	it('shows the AcrPull grant a step made through the SDK, and no token', async () => {
		const log = new RequestLog();
		azure = await startEmulatedAzure({trace: log.sink});
		const {plan} = await planScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {compute: SEED.computes.gpuLegacy.id});
		const planning = log.entries().length;
		const result = await runPlan(plan, {onEvent: (event) => log.observe(event)});
		expect(result.outcome).toBe('completed');
		// Reads while planning belong to no step; everything the run sent, to the one step.
		expect(log.entries().slice(0, planning).every((request) => request.step === undefined)).toBe(true);
		expect(log.entries().slice(planning).every((request) => request.step === 'acr-pull')).toBe(true);
		const lines = log.requestsFor('acr-pull').map(summarizeRequest);
		expect(lines.find((line) => line.method === 'PUT')).toMatchObject({status: '201', detail: expect.stringMatching(/^AcrPull for ServicePrincipal /)});
		expect(lines.every((line) => line.method !== 'PUT' || line.path.includes('/roleAssignments/'))).toBe(true);
		expect(JSON.stringify(log.entries())).not.toMatch(/Bearer|eyJ0|requestHeaders/);
	});
});
