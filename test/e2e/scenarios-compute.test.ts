/**
 * End-to-end, the compute cluster scenarios: the built binary in a real terminal (tmux) against the
 * demo tenant, walked from Welcome to the summary with the answers test/scenarios/ uses headless;
 * then the emulator's persisted state; then the same walk again in a new process, where every step
 * is already in place. Each test has its own AML_IDENTITY_HOME (emulator state, sessions) and --output.
 * Run alone with `npm run build && npx vitest run test/e2e/scenarios-compute.test.ts`.
 */
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {createSeedState, SEED} from '../../src/emulator/index.js';
import type {Terminal} from '../helpers/terminal.js';
import {
	answerText,
	assertBuilt,
	choose,
	DemoWorld,
	finish,
	grant,
	grantsOf,
	quit,
	ROLE_GUIDS,
	runPlan,
	summarySection,
	walkToScenarioList,
} from '../helpers/wizard-terminal.js';

const TEST_TIMEOUT_MS = 60_000;

const FRAUD = SEED.workspaces.fraudProd;
const REGISTRY = SEED.registries.fraudProd;
const fraudWorkspace = {name: FRAUD.name, filter: 'fraud'};

const COMPUTE_SCENARIO = 'Compute cluster with a managed identity that pulls from the workspace ACR';
const SWITCH_SCENARIO = 'Switch a compute cluster between system- and user-assigned identity';
const NEVER_BOTH =
	'⚠ A compute cluster has one system-assigned identity or several user-assigned ones, never both (document 004): the wizard switches from one kind to the other.';

let world: DemoWorld;

beforeAll(() => assertBuilt());
beforeEach(() => {
	world = new DemoWorld();
});
afterEach(async () => {
	await world.dispose();
});

interface ComputeIdentity {
	readonly type: string;
	readonly principalId?: string;
	readonly userAssignedIdentities?: Readonly<Record<string, {principalId?: string}>>;
}

/** A compute's identity as the emulator persisted it. */
function computeIdentity(computeId: string): ComputeIdentity | undefined {
	return world.state().computes[computeId.toLowerCase()]?.['identity'] as ComputeIdentity | undefined;
}

describe('Compute cluster with a managed identity that pulls from the workspace ACR, in a real terminal', () => {
	const legacy = SEED.computes.gpuLegacy;

	async function walkToPlan(term: Terminal, computeName: string): Promise<string> {
		await walkToScenarioList(term, fraudWorkspace);
		await choose(term, COMPUTE_SCENARIO);
		await term.waitFor('Which compute cluster?');
		await choose(term, computeName);
		return term.waitFor(`Plan: AcrPull on ${REGISTRY.name} for compute ${computeName}`);
	}

	it(
		'assigns AcrPull to gpu-legacy, created before the workspace registry, and says so; again: already in place',
		async () => {
			expect(grantsOf(createSeedState(), legacy.principalId!)).toEqual([]); // the seed's story: no AcrPull
			const first = await world.start();
			const plan = await walkToPlan(first, legacy.name);
			expect(plan).toContain(`1. Grant AcrPull to ${legacy.name}'s identity on registry ${REGISTRY.name}`);
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id "$GPU_LEGACY_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${REGISTRY.id}`,
			);
			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([`Grant AcrPull to ${legacy.name}'s identity on registry ${REGISTRY.name}.`]);
			expect(summarySection(summary, 'Already in place')).toBeUndefined();
			expect(summarySection(summary, 'Next steps')?.[0]).toBe(
				`${legacy.name}'s identity did not hold AcrPull on ${REGISTRY.name}, as happens when a compute was created before the workspace had a registry (or got its identity later): the wizard assigned it.`,
			);
			expect(await finish(first)).toBe(0);
			expect(grantsOf(world.state(), legacy.principalId!)).toEqual([grant(ROLE_GUIDS.acrPull, REGISTRY.id)]);
			await first.close();

			const second = await world.start();
			await walkToPlan(second, legacy.name);
			const rerun = await runPlan(second);
			expect(summarySection(rerun, 'Changed'), rerun).toBeUndefined();
			expect(summarySection(rerun, 'Already in place')).toEqual([
				`Grant AcrPull to ${legacy.name}'s identity on registry ${REGISTRY.name}: ${legacy.name}'s identity already holds AcrPull on registry ${REGISTRY.name}.`,
			]);
			expect(await finish(second)).toBe(0);
			expect(grantsOf(world.state(), legacy.principalId!)).toEqual([grant(ROLE_GUIDS.acrPull, REGISTRY.id)]);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'refuses the cluster name "1-bad" with the rule, then creates train-mi with a system-assigned identity that Azure granted AcrPull; again: already in place',
		async () => {
			const computeId = `${FRAUD.id}/computes/train-mi`;
			const first = await world.start();
			await walkToScenarioList(first, fraudWorkspace);
			await choose(first, COMPUTE_SCENARIO);
			await first.waitFor('Which compute cluster?');
			await choose(first, 'Create a new compute cluster');
			await first.waitFor('Name of the new cluster:');

			const refused = await answerText(first, {current: 'cpu-cluster-mi', text: '1-bad', next: '✖ '});
			expect(refused).toContain(
				'✖ "1-bad" is not a valid compute name: use 2 to 16 letters, digits and hyphens, starting with a letter and not ending with a hyphen, e.g. cpu-cluster.',
			);
			expect(refused).toContain('Name of the new cluster:'); // still asking
			expect(refused).not.toContain('✔ Name of the new cluster:');

			await answerText(first, {current: '1-bad', text: 'train-mi', next: 'Virtual machine size:'});
			const sizes = await choose(first, 'Standard_DS3_v2');
			expect(sizes).toContain('✔ Name of the new cluster: train-mi');
			expect(sizes).toMatch(/^❯ Standard_DS3_v2 {2}4 cores, 14 GB, CPU$/m); // the first size, highlighted
			await first.waitFor('Minimum nodes (0 lets it scale to zero when idle):');
			await answerText(first, {current: '0', keep: '0', text: '', next: 'Maximum nodes:'}); // the pre-filled 0, accepted
			await answerText(first, {current: '4', text: '2', next: 'Which kind of managed identity?'});
			await choose(first, 'System-assigned');
			const plan = await first.waitFor(`Plan: AcrPull on ${REGISTRY.name} for compute train-mi`);
			expect(plan).toContain('1. Create compute cluster train-mi with a system-assigned identity');
			expect(plan).toContain(
				`$ az ml compute create --file compute-train-mi.yml --workspace-name ${FRAUD.name} --resource-group ${FRAUD.resourceGroup}`,
			);
			expect(plan).toContain(`2. Grant AcrPull to train-mi's identity on registry ${REGISTRY.name}`);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual(['Create compute cluster train-mi with a system-assigned identity.']);
			expect(summarySection(summary, 'Already in place')).toEqual([
				`Grant AcrPull to train-mi's identity on registry ${REGISTRY.name}: train-mi's identity already holds AcrPull on registry ${REGISTRY.name}.`,
			]);
			expect(summarySection(summary, 'Next steps')?.[0]).toBe(
				`Azure granted train-mi's identity AcrPull on ${REGISTRY.name} when the cluster was created, as it does for computes created after the workspace registry exists.`,
			);
			expect(await finish(first)).toBe(0);

			const state = world.state();
			const compute = state.computes[computeId.toLowerCase()];
			expect(compute, 'no compute train-mi in the emulator state').toBeDefined();
			const identity = compute!['identity'] as {type: string; principalId: string};
			expect(identity.type).toBe('SystemAssigned');
			expect(compute!.properties['properties']).toMatchObject({vmSize: 'Standard_DS3_v2', scaleSettings: {minNodeCount: 0, maxNodeCount: 2}});
			expect(grantsOf(state, identity.principalId)).toEqual([grant(ROLE_GUIDS.acrPull, REGISTRY.id)]);
			await first.close();

			// Again: train-mi is in the list now, with its system-assigned identity.
			const second = await world.start();
			await walkToScenarioList(second, fraudWorkspace);
			await choose(second, COMPUTE_SCENARIO);
			const computes = await second.waitFor('Which compute cluster?');
			expect(computes).toMatch(/^. train-mi {2}system-assigned identity · Standard_DS3_v2 · 0–2 nodes$/m);
			await choose(second, 'train-mi');
			await second.waitFor(`Plan: AcrPull on ${REGISTRY.name} for compute train-mi`);
			const rerun = await runPlan(second);
			expect(summarySection(rerun, 'Changed'), rerun).toBeUndefined();
			expect(summarySection(rerun, 'Already in place')).toHaveLength(1);
			expect(await finish(second)).toBe(0);
			expect(computeIdentity(computeId)?.principalId).toBe(identity.principalId);
		},
		TEST_TIMEOUT_MS,
	);
});

describe('Switch a compute cluster between system- and user-assigned identity, in a real terminal', () => {
	const cluster = SEED.computes.cpuCluster;
	const uai = SEED.identities.fraudAcrPull;

	it(
		'moves cpu-cluster to id-fraud-acr-pull with the roles the old identity held; again, it offers the switch back (quit at the plan)',
		async () => {
			const first = await world.start();
			await walkToScenarioList(first, fraudWorkspace);
			await choose(first, SWITCH_SCENARIO);
			const options = await first.waitFor('Which compute cluster?');
			expect(options).toContain(NEVER_BOTH);
			expect(options).toContain(`• ${cluster.name}: system-assigned identity, holds AcrPull on registry ${REGISTRY.name}.`);
			await choose(first, cluster.name);
			const kinds = await first.waitFor(`Which identity should ${cluster.name} use? (now: system-assigned identity)`);
			expect(kinds).toMatch(/^❯ User-assigned$/m); // the switch the user came for comes first
			await choose(first, 'User-assigned');
			await first.waitFor(`Which user-assigned identity should ${cluster.name} use instead?`);
			await choose(first, uai.name);
			const confirm = await first.waitFor(`Grant the new identity what the old one held (AcrPull on registry ${REGISTRY.name})?`);
			expect(confirm).toMatch(/^❯ No, switch the identity only$/m); // the cautious answer first
			await choose(first, 'Yes, grant the same roles to the new identity');

			const plan = await first.waitFor(`Plan: Switch ${cluster.name} to a user-assigned ${uai.name} identity`);
			expect(plan).toContain(NEVER_BOTH);
			expect(plan).toContain(`1. Give compute ${cluster.name} user-assigned identity ${uai.name}`);
			expect(plan).toContain(
				`$ az ml compute update --name ${cluster.name} --workspace-name ${FRAUD.name} --resource-group ${FRAUD.resourceGroup} --identity-type UserAssigned --user-assigned-identities ${uai.id}`,
			);
			expect(plan).toContain(`2. Grant AcrPull to ${cluster.name}'s new identity on registry ${REGISTRY.name}`);
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id "$ID_FRAUD_ACR_PULL_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${REGISTRY.id}`,
			);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([`Give compute ${cluster.name} user-assigned identity ${uai.name}.`]);
			// Azure grants the workspace registry's AcrPull to a compute's new identity itself.
			expect(summarySection(summary, 'Already in place')).toEqual([
				`Grant AcrPull to ${cluster.name}'s new identity on registry ${REGISTRY.name}: ${cluster.name}'s new identity already holds AcrPull on registry ${REGISTRY.name}.`,
			]);
			expect(await finish(first)).toBe(0);

			const state = world.state();
			expect(computeIdentity(cluster.id)?.type).toBe('UserAssigned');
			expect(Object.keys(computeIdentity(cluster.id)?.userAssignedIdentities ?? {}).map((id) => id.toLowerCase())).toEqual([uai.id.toLowerCase()]);
			expect(grantsOf(state, uai.principalId)).toContain(grant(ROLE_GUIDS.acrPull, REGISTRY.id));
			await first.close();

			// Again: cpu-cluster is user-assigned now, so the scenario switches it back to system-assigned.
			const second = await world.start();
			await walkToScenarioList(second, fraudWorkspace);
			await choose(second, SWITCH_SCENARIO);
			const now = await second.waitFor('Which compute cluster?');
			expect(now).toContain(`• ${cluster.name}: user-assigned: ${uai.name}, holds AcrPull on registry ${REGISTRY.name}.`);
			await choose(second, cluster.name);
			const target = await second.waitFor(`Which identity should ${cluster.name} use? (now: user-assigned: ${uai.name})`);
			expect(target).toMatch(/^❯ System-assigned$/m);
			await choose(second, 'System-assigned');
			await second.waitFor(`Grant the new identity what the old one held (AcrPull on registry ${REGISTRY.name})?`);
			await choose(second, 'Yes, grant the same roles to the new identity');
			const back = await second.waitFor(`Plan: Switch ${cluster.name} to a system-assigned identity`);
			expect(back).toContain(`1. Give compute ${cluster.name} a system-assigned identity`);
			expect(back).toContain(
				`$ az ml compute update --name ${cluster.name} --workspace-name ${FRAUD.name} --resource-group ${FRAUD.resourceGroup} --identity-type SystemAssigned`,
			);
			expect(await quit(second)).toBe(0);
			await second.waitFor(/Session \S+ is saved\. Resume it with: aml-identity demo --resume/);
			expect(computeIdentity(cluster.id)?.type).toBe('UserAssigned'); // not run
		},
		TEST_TIMEOUT_MS,
	);
});
