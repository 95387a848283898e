import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {createSeedState, PRESETS, readEmulatorState, resetEmulatorState, SEED} from '../../src/emulator/index.js';
import {runPlan} from '../../src/plan/runner.js';
import {findScenario} from '../../src/scenarios/index.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {planScenario, runScenario, states} from '../helpers/scenario-driver.js';

const bin = fileURLToPath(new URL('../../dist/bin/aml-identity.js', import.meta.url));

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

/** The demo tenant as `demo --reset --preset NAME` leaves it, served by an emulator. */
async function tenant(preset?: string): Promise<EmulatedAzure> {
	const stateDir = mkdtempSync(join(tmpdir(), 'aml-identity-preset-'));
	resetEmulatorState(stateDir, preset);
	azure = await startEmulatedAzure({stateDir});
	return azure;
}

const scenario = (id: string) => findScenario(id)!;
const fraudProd = SEED.workspaces.fraudProd.id;

describe('demo --reset', () => {
	it('restores the seeded tenant exactly, after scenarios changed it', async () => {
		const home = mkdtempSync(join(tmpdir(), 'aml-identity-reset-'));
		const stateDir = join(home, 'demo-tenant');
		resetEmulatorState(stateDir);
		azure = await startEmulatedAzure({stateDir});
		await runScenario(azure, scenario('compute-acr-pull'), fraudProd, {compute: SEED.computes.gpuLegacy.id});
		await runScenario(azure, scenario('acr-disable-admin-user'), fraudProd, {noAciDeployments: true});
		await azure.close();
		azure = undefined;
		expect(readEmulatorState(stateDir)).not.toEqual(createSeedState());

		const reset = spawnSync(process.execPath, [bin, 'demo', '--reset'], {env: {...process.env, AML_IDENTITY_HOME: home}, encoding: 'utf8'});
		expect(reset.status, reset.stderr).toBe(0);
		expect(reset.stdout).toContain('The demo tenant is back to its starting state');
		// The seed bakes in its timestamps and names: nothing generated, so equal to the last detail.
		expect(readEmulatorState(stateDir)).toEqual(createSeedState());
	});
});

describe('demo presets', () => {
	it('lists each preset once, each different from the seed', () => {
		expect(new Set(PRESETS.map((preset) => preset.name)).size).toBe(PRESETS.length);
		for (const preset of PRESETS) {
			const state = createSeedState();
			preset.apply(state);
			expect(state, preset.name).not.toEqual(createSeedState());
		}
		expect(() => resetEmulatorState(mkdtempSync(join(tmpdir(), 'aml-identity-preset-')), 'no-such-preset')).toThrow(/no preset "no-such-preset"/);
	});

	it('compute-before-acr: cpu-cluster lacks AcrPull, so the wizard grants it (the seed has it in place)', async () => {
		const answers = {compute: SEED.computes.cpuCluster.id};
		expect(states((await runScenario(await tenant(), scenario('compute-acr-pull'), fraudProd, answers)).result)).toEqual({'acr-pull': 'skipped'});
		await azure!.close();
		expect(states((await runScenario(await tenant('compute-before-acr'), scenario('compute-acr-pull'), fraudProd, answers)).result)).toEqual({'acr-pull': 'done'});
	});

	it('no-identity-cluster: cpu-cluster gets an identity first', async () => {
		const run = await runScenario(await tenant('no-identity-cluster'), scenario('compute-acr-pull'), fraudProd, {compute: SEED.computes.cpuCluster.id, identityType: 'SystemAssigned'});
		expect(run.asked).toEqual(['compute', 'identityType']);
		expect(states(run.result)).toEqual({'set-identity-cpu-cluster': 'done', 'acr-pull': 'skipped'});
	});

	it('admin-user-on: a shared registry brought to a workspace has its admin user turned off first', async () => {
		const {plan, asked} = await planScenario(await tenant('admin-user-on'), scenario('bring-your-own-acr'), SEED.workspaces.demandForecast.id, {
			registry: SEED.registries.contosoBase.id,
			disableAdminUser: true,
		});
		expect(asked).toContain('disableAdminUser');
		expect(plan.steps.map((step) => step.id)).toEqual([`disable-admin-user-${SEED.registries.contosoBase.name}`, 'attach-registry']);
	});

	it('admin-user-off: disabling the admin user finds it done and writes nothing', async () => {
		const {plan, asked} = await planScenario(await tenant('admin-user-off'), scenario('acr-disable-admin-user'), fraudProd, {});
		expect(asked).toEqual([]);
		const writes = azure!.writes().length;
		expect((await runPlan(plan)).steps.map((step) => step.state)).toEqual(['skipped']);
		expect(azure!.writes().length).toBe(writes);
	});
});
