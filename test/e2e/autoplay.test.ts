/**
 * End-to-end, `aml-identity demo --autoplay`: the built binary in a real terminal (tmux) plays the
 * tour on the wizard's own screens, to the summary, and leaves the demo tenant as a person's run
 * would. Run alone with `npx tsc -p tsconfig.json && npx vitest run test/e2e/autoplay.test.ts`.
 */
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {scenarios} from '../../src/scenarios/index.js';
import {SessionStore} from '../../src/session/session-store.js';
import {join} from 'node:path';
import {startTerminal, type Terminal} from '../helpers/terminal.js';
import {assertBuilt, BIN, DemoWorld, grant, grantsOf, ROLE_GUIDS, ROOT, STARTUP_TIMEOUT_MS} from '../helpers/wizard-terminal.js';

let world: DemoWorld;
beforeAll(() => assertBuilt());
beforeEach(() => {
	world = new DemoWorld();
});
afterEach(async () => {
	await world.dispose();
});

const terminals: Terminal[] = [];
afterEach(async () => {
	await Promise.all(terminals.splice(0).map((term) => term.close()));
});

async function autoplay(...flags: string[]): Promise<Terminal> {
	const term = await startTerminal({
		command: [process.execPath, BIN, 'demo', '--autoplay', '--output', world.output, ...flags],
		env: {AML_IDENTITY_HOME: world.home, AML_IDENTITY_DEMO_LRO_MS: '300'},
		cwd: ROOT,
		columns: 160,
		rows: 60,
	});
	terminals.push(term);
	return term;
}

const legacy = SEED.computes.gpuLegacy;
const registry = SEED.registries.fraudProd;

describe('demo --autoplay, in a real terminal', () => {
	it('plays compute-acr-pull to its summary: gpu-legacy gets AcrPull on the workspace registry', async () => {
		const term = await autoplay('--scenario', 'compute-acr-pull', '--pace', '0.2');
		await term.waitFor('▶ autoplay  compute-acr-pull', {timeoutMs: STARTUP_TIMEOUT_MS});
		// The plan review, explained (demo mode), before it runs.
		const plan = await term.waitFor('Enter run the plan', {timeoutMs: 20_000});
		expect(plan).toContain(`Plan: AcrPull on ${registry.name} for compute ${legacy.name}`);
		expect(plan).toContain('ℹ AcrPull on the workspace registry lets the cluster’s identity pull images');
		const summary = await term.waitFor('Enter finish', {timeoutMs: 20_000});
		expect(summary).toContain(`✔ AcrPull on ${registry.name} for compute ${legacy.name}: complete and verified`);
		expect(summary).toContain('Azure had not granted it: the compute was created before the workspace registry existed');
		expect(await term.waitFor('Autoplay played 1 scenario.', {timeoutMs: 20_000})).toBeTruthy();
		expect(await term.exitCode()).toBe(0);

		expect(grantsOf(world.state(), legacy.principalId!)).toContain(grant(ROLE_GUIDS.acrPull, registry.id));
		const [session] = new SessionStore(join(world.home, 'sessions')).list().sessions;
		expect(session).toMatchObject({status: 'completed', choices: {scenarioId: 'compute-acr-pull'}});
	}, 60_000);

	it('plays every scenario in turn, each to a verified summary', async () => {
		const term = await autoplay('--pace', '0.05');
		await term.waitFor(`Autoplay played ${scenarios.length} scenarios.`, {timeoutMs: 180_000});
		expect(await term.exitCode()).toBe(0);
		const sessions = new SessionStore(join(world.home, 'sessions')).list().sessions;
		expect(sessions.map((session) => session.choices.scenarioId).sort()).toEqual(scenarios.map((scenario) => scenario.id).sort());
		expect(sessions.every((session) => session.status === 'completed')).toBe(true);
		const state = world.state();
		expect(grantsOf(state, legacy.principalId!)).toContain(grant(ROLE_GUIDS.acrPull, registry.id));
		expect(state.registries[registry.id.toLowerCase()]?.properties['adminUserEnabled']).toBe(false);
		expect(Object.keys(state.workspaces)).toContain(`/subscriptions/${SEED.subscriptions.production.subscriptionId}/resourcegroups/rg-ml-fraud-prod/providers/microsoft.machinelearningservices/workspaces/mlw-fraud-uai`);
	}, 200_000);

	it('pauses on space and stops on q, keeping the session', async () => {
		const term = await autoplay('--scenario', 'compute-acr-pull', '--pace', '2');
		await term.waitFor('Which compute cluster?', {timeoutMs: STARTUP_TIMEOUT_MS + 20_000});
		await term.type(' ');
		await term.waitFor('❚❚ paused');
		await term.type('q');
		await term.waitFor('Autoplay stopped after 0 of 1 scenarios.');
		expect(await term.exitCode()).toBe(0);
		const [session] = new SessionStore(join(world.home, 'sessions')).list().sessions;
		expect(session?.choices.scenarioId).toBe('compute-acr-pull');
		expect(grantsOf(world.state(), legacy.principalId!)).not.toContain(grant(ROLE_GUIDS.acrPull, registry.id));
	}, 60_000);
});
