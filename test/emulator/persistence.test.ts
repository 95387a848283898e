import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {
	createSeedState,
	readEmulatorState,
	resetEmulatorState,
	SEED,
	startEmulator,
	type RunningEmulator,
} from '../../src/emulator/index.js';
import {armRequest, IN_PROGRESS_LRO_MS, pollUntil} from './helpers.js';

const ACR = '2025-11-01';

describe('ARM emulator state persistence', () => {
	let dir: string;
	const running: RunningEmulator[] = [];
	const start = async (options: Parameters<typeof startEmulator>[0] = {}) => {
		const emulator = await startEmulator({stateDir: dir, ...options});
		running.push(emulator);
		return emulator;
	};
	beforeEach(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'aml-emulator-'));
	});
	afterEach(async () => {
		await Promise.all(running.splice(0).map((e) => e.close()));
		rmSync(dir, {recursive: true, force: true});
	});

	it('seeds state.json and writes only the certificate (never the key) to stateDir', async () => {
		expect(readEmulatorState(dir)).toBeUndefined();
		const emulator = await start();
		expect(readEmulatorState(dir)).toEqual(createSeedState());
		expect(emulator.caCertPath).toBe(path.join(dir, 'ca.pem'));
		expect(readFileSync(emulator.caCertPath!, 'utf8')).toBe(emulator.caCertPem);
		expect(emulator.caCertPem).toContain('BEGIN CERTIFICATE');
		for (const file of readdirSync(dir)) {
			expect(readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/PRIVATE KEY/);
		}
		expect(readdirSync(dir).sort()).toEqual(['ca.pem', 'state.json']);
	});

	it('keeps changes across close/start, with a new certificate each start', async () => {
		const reg = SEED.registries.fraudProd;
		const first = await start({lroDurationMs: 50});
		const patch = await armRequest(first, 'PATCH', `${reg.id}?api-version=${ACR}`, {body: {properties: {adminUserEnabled: false}}});
		expect(patch.status).toBe(201);
		const key = reg.id.toLowerCase();
		await pollUntil(() => first.state.registries[key]!.properties.provisioningState, (state) => state !== 'Updating');
		await first.close();
		expect(readEmulatorState(dir)!.registries[reg.id.toLowerCase()]!.properties).toMatchObject({adminUserEnabled: false, provisioningState: 'Succeeded'});

		const second = await start();
		expect(second.caCertPem).not.toBe(first.caCertPem);
		expect(readFileSync(path.join(dir, 'ca.pem'), 'utf8')).toBe(second.caCertPem);
		const res = await armRequest(second, 'GET', `${reg.id}?api-version=${ACR}`);
		expect(res.body.properties).toMatchObject({adminUserEnabled: false, provisioningState: 'Succeeded'});
		expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
	});

	it('completes a pending operation on schedule after a restart', async () => {
		const reg = SEED.registries.nlpDev;
		// Still InProgress when the first process closes, and after the second one starts.
		const first = await start({lroDurationMs: IN_PROGRESS_LRO_MS});
		const patch = await armRequest(first, 'PATCH', `${reg.id}?api-version=${ACR}`, {body: {properties: {adminUserEnabled: false}}});
		const asyncUrl = new URL(String(patch.headers['azure-asyncoperation']));
		await first.close();

		const persisted = readEmulatorState(dir)!;
		const [operation] = Object.values(persisted.operations);
		expect(operation).toMatchObject({status: 'InProgress', resourceKey: reg.id.toLowerCase()});
		expect(persisted.registries[reg.id.toLowerCase()]!.properties).toMatchObject({adminUserEnabled: true, provisioningState: 'Updating'});

		const second = await start();
		const pathAndQuery = asyncUrl.pathname + asyncUrl.search;
		if (Date.now() < operation!.completesAt - 50) {
			const early = await armRequest(second, 'GET', pathAndQuery);
			expect(early.body.status).toBe('InProgress');
		}
		// The restarted process's timer completes it and persists it, without any request: watch the file.
		const persistedStatus = () => Object.values(readEmulatorState(dir)!.operations)[0]!.status;
		await pollUntil(persistedStatus, (status) => status !== 'InProgress');
		expect(persistedStatus()).toBe('Succeeded');
		const done = await armRequest(second, 'GET', pathAndQuery);
		expect(done.body).toMatchObject({status: 'Succeeded', endTime: new Date(operation!.completesAt).toISOString()});
		const res = await armRequest(second, 'GET', `${reg.id}?api-version=${ACR}`);
		expect(res.body.properties).toMatchObject({adminUserEnabled: false, provisioningState: 'Succeeded'});
	});

	it('completes an overdue operation at start', async () => {
		const reg = SEED.registries.visionDev;
		// Long enough that the first process closes before its timer fires: the operation is saved InProgress.
		const first = await start({lroDurationMs: IN_PROGRESS_LRO_MS});
		await armRequest(first, 'PATCH', `${reg.id}?api-version=${ACR}`, {body: {tags: {stage: 'dev'}}});
		await first.close();
		const [operation] = Object.values(readEmulatorState(dir)!.operations);
		expect(operation!.status).toBe('InProgress');
		// Nothing runs it while no emulator is up: wait until it is overdue.
		await delay(Math.max(0, operation!.completesAt - Date.now()) + 20);
		expect(Object.values(readEmulatorState(dir)!.operations)[0]!.status).toBe('InProgress');
		const second = await start();
		expect(second.state.registries[reg.id.toLowerCase()]).toMatchObject({tags: {stage: 'dev'}, properties: {provisioningState: 'Succeeded'}});
		expect(Object.values(readEmulatorState(dir)!.operations)[0]!.status).toBe('Succeeded');
	});

	it('reset() restores the seed in memory (same object) and on disk', async () => {
		const emulator = await start({lroDurationMs: 5000});
		const stateRef = emulator.state;
		await armRequest(emulator, 'PATCH', `${SEED.registries.fraudProd.id}?api-version=${ACR}`, {body: {properties: {adminUserEnabled: false}}});
		expect(emulator.state).not.toEqual(createSeedState());
		await emulator.reset();
		expect(emulator.state).toBe(stateRef);
		expect(emulator.state).toEqual(createSeedState());
		expect(readEmulatorState(dir)).toEqual(createSeedState());
		const res = await armRequest(emulator, 'GET', `${SEED.registries.fraudProd.id}?api-version=${ACR}`);
		expect(res.body.properties).toMatchObject({adminUserEnabled: true, provisioningState: 'Succeeded'});
	});

	it('resetEmulatorState writes a fresh seed; a corrupt state file is an error, not a silent reseed', async () => {
		writeFileSync(path.join(dir, 'state.json'), '{"schemaVersion": 1, "registries": ');
		await expect(startEmulator({stateDir: dir})).rejects.toThrow(/not valid JSON/);
		resetEmulatorState(dir);
		expect(readEmulatorState(dir)).toEqual(createSeedState());
		const emulator = await start();
		expect(Object.keys(emulator.state.workspaces)).toHaveLength(4);
	});
});
