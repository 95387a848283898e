/**
 * End-to-end, the registry scenarios: the built binary in a real terminal (tmux) against the demo
 * tenant, walked from Welcome to the summary with the answers test/scenarios/ uses headless; then
 * the emulator's persisted state; then the same walk again in a new process, where every step is
 * already in place. Each test has its own AML_IDENTITY_HOME (emulator state, sessions) and --output.
 * Run alone with `npm run build && npx vitest run test/e2e/scenarios-acr.test.ts`.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import type {Terminal} from '../helpers/terminal.js';
import {
	answerText,
	assertBuilt,
	choose,
	DemoWorld,
	finish,
	grant,
	grantsOf,
	ROLE_GUIDS,
	runPlan,
	summarySection,
	walkToScenarioList,
} from '../helpers/wizard-terminal.js';

const TEST_TIMEOUT_MS = 60_000;

const FRAUD = SEED.workspaces.fraudProd;
const FORECAST = SEED.workspaces.demandForecast;
const WORKSPACE_REGISTRY = SEED.registries.fraudProd;
const CONTOSO_BASE = SEED.registries.contosoBase;
const AKS = SEED.aksClusters.fraudInference;

const fraudWorkspace = {name: FRAUD.name, filter: 'fraud'};
const forecastWorkspace = {name: FORECAST.name, filter: 'demand'};

const AKS_CAVEAT = 'If you bring your own AKS cluster, the cluster must have a service principal enabled instead of a managed identity (document 004).';
const UNSUPPORTED_CAVEAT =
	'⚠ Document 004 says connecting to a private ACR with a user-assigned identity "is not currently supported" (admin key only); documents 001/000 describe this procedure. The wizard follows 001 and shows both.';

let world: DemoWorld;

beforeAll(() => assertBuilt());
beforeEach(() => {
	world = new DemoWorld();
});
afterEach(async () => {
	await world.dispose();
});

/** A second run's summary: everything already in place, nothing changed. */
function expectAllInPlace(summary: string, lines: number): void {
	expect(summarySection(summary, 'Changed'), summary).toBeUndefined();
	expect(summarySection(summary, 'Already in place'), summary).toHaveLength(lines);
}

describe('Bring your own ACR with the admin user disabled, in a real terminal', () => {
	it(
		'attaches crcontosobase (another resource group) to mlw-demand-forecast, which had no registry; again: already in place',
		async () => {
			const first = await world.start();
			await walkToScenarioList(first, forecastWorkspace);
			await choose(first, 'Bring your own ACR with the admin user disabled');
			const question = await first.waitFor('Which registry should the workspace use?');
			expect(question).toContain(`• ${FORECAST.name} has no registry yet.`);
			expect(question).toMatch(new RegExp(`^. ${CONTOSO_BASE.name} {2}Contoso ML Production · ${CONTOSO_BASE.resourceGroup} · Premium · admin user off$`, 'm'));
			await choose(first, CONTOSO_BASE.name);
			const plan = await first.waitFor(`Plan: Use registry ${CONTOSO_BASE.name} for ${FORECAST.name}`);
			expect(plan).toContain(`1. Attach registry ${CONTOSO_BASE.name} to workspace ${FORECAST.name}`);
			expect(plan).toContain(
				`$ az ml workspace update --update-dependent-resources --name ${FORECAST.name} --resource-group ${FORECAST.resourceGroup} --container-registry ${CONTOSO_BASE.id}`,
			);
			expect(plan).not.toContain('2. '); // the registry's admin user is already off: nothing else to do

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([`Attach registry ${CONTOSO_BASE.name} to workspace ${FORECAST.name}.`]);
			expect(summarySection(summary, 'Already in place')).toBeUndefined();
			expect(summarySection(summary, 'Files written')).toBeUndefined();
			expect(await finish(first)).toBe(0);

			const workspace = world.state().workspaces[FORECAST.id.toLowerCase()];
			expect((workspace?.properties as {containerRegistry?: string}).containerRegistry).toBe(CONTOSO_BASE.id);
			await first.close();

			// Again: the same registry, now shown as attached; nothing to write.
			const second = await world.start();
			await walkToScenarioList(second, forecastWorkspace);
			await choose(second, 'Bring your own ACR with the admin user disabled');
			const again = await second.waitFor('Which registry should the workspace use?');
			expect(again).toContain(`• ${FORECAST.name} uses registry ${CONTOSO_BASE.name} now (admin user off).`);
			expect(again).toMatch(new RegExp(`^. ${CONTOSO_BASE.name} {2}.*· attached now$`, 'm'));
			await choose(second, CONTOSO_BASE.name);
			await second.waitFor(`Plan: Use registry ${CONTOSO_BASE.name} for ${FORECAST.name}`);
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 1);
			expect(summarySection(rerun, 'Already in place')).toEqual([
				`Attach registry ${CONTOSO_BASE.name} to workspace ${FORECAST.name}: ${FORECAST.name} already uses ${CONTOSO_BASE.name}.`,
			]);
			expect(await finish(second)).toBe(0);
			expect((world.state().workspaces[FORECAST.id.toLowerCase()]?.properties as {containerRegistry?: string}).containerRegistry).toBe(CONTOSO_BASE.id);
		},
		TEST_TIMEOUT_MS,
	);
});

describe('Inference images from AKS without admin keys, in a real terminal', () => {
	async function walkToPlan(term: Terminal): Promise<string> {
		await walkToScenarioList(term, fraudWorkspace);
		await choose(term, 'Inference images from AKS without admin keys');
		const question = await term.waitFor('Which AKS compute?');
		expect(question).toContain(`• aks-inference (${AKS.name}) pulls with aks-inference's kubelet identity ${AKS.kubeletIdentity.objectId}.`);
		await choose(term, 'aks-inference');
		return term.waitFor(`Plan: AcrPull on ${WORKSPACE_REGISTRY.name} for AKS ${AKS.name}`);
	}

	it(
		"grants the AKS kubelet identity AcrPull on the workspace registry, with the service-principal caveat; again: already in place",
		async () => {
			const first = await world.start();
			const plan = await walkToPlan(first);
			expect(plan).toContain(`⚠ ${AKS_CAVEAT}`);
			expect(plan).toContain(`1. Grant AcrPull to aks-inference's kubelet identity on registry ${WORKSPACE_REGISTRY.name}`);
			expect(plan).toContain(
				`$ az role assignment create --assignee-object-id ${SEED.aksClusters.fraudInference.kubeletIdentity.objectId} --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${WORKSPACE_REGISTRY.id}`,
			);
			expect(plan).toContain(`The same grant: az aks update --name ${AKS.name} --resource-group ${AKS.resourceGroup} --attach-acr ${WORKSPACE_REGISTRY.id}`);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([`Grant AcrPull to aks-inference's kubelet identity on registry ${WORKSPACE_REGISTRY.name}.`]);
			expect(summarySection(summary, 'Already in place')).toBeUndefined();
			expect(summarySection(summary, 'Next steps')).toContain(AKS_CAVEAT);
			expect(await finish(first)).toBe(0);
			expect(grantsOf(world.state(), AKS.kubeletIdentity.objectId)).toEqual([grant(ROLE_GUIDS.acrPull, WORKSPACE_REGISTRY.id)]);
			await first.close();

			const second = await world.start();
			await walkToPlan(second);
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 1);
			expect(summarySection(rerun, 'Already in place')?.[0]).toContain(`aks-inference's kubelet identity already holds AcrPull on registry ${WORKSPACE_REGISTRY.name}`);
			expect(await finish(second)).toBe(0);
			expect(grantsOf(world.state(), AKS.kubeletIdentity.objectId)).toEqual([grant(ROLE_GUIDS.acrPull, WORKSPACE_REGISTRY.id)]);
		},
		TEST_TIMEOUT_MS,
	);
});

describe('Pull a private ACR base image for training as is, in a real terminal', () => {
	const image = 'base/pytorch-train:2.3-cuda12';

	/** The image is typed into the cleared field; `{retag: true}` erases only the default's tag instead. */
	async function walkToPlan(term: Terminal, {retag = false} = {}): Promise<string> {
		await walkToScenarioList(term, fraudWorkspace);
		await choose(term, 'Pull a private ACR base image for training as is');
		await term.waitFor('Which compute cluster runs the training?');
		await choose(term, 'cpu-cluster');
		await term.waitFor('Which private registry holds the base image?');
		await choose(term, CONTOSO_BASE.name);
		await term.waitFor('Image (repository:tag, without the registry host):');
		const current = 'base/pytorch-train:latest';
		return retag
			? answerText(term, {current, keep: 'base/pytorch-train:', text: '2.3-cuda12', next: 'Plan: '})
			: answerText(term, {current, text: image, next: 'Plan: '});
	}

	it(
		'grants cpu-cluster AcrPull on crcontosobase and writes both environment definitions; again: already in place',
		async () => {
			const files = world.workspaceOutput(FRAUD.name);
			const yamlPath = join(files, 'pytorch-train.yml');
			const v1Path = join(files, 'pytorch-train_v1.py');

			const first = await world.start();
			const plan = await walkToPlan(first);
			expect(plan).toContain(`Plan: cpu-cluster pulls ${CONTOSO_BASE.loginServer}/${image}`);
			expect(plan).toContain(`1. Grant AcrPull to cpu-cluster's identity on registry ${CONTOSO_BASE.name}`);
			expect(plan).toContain(`$ az role assignment create --assignee-object-id "$CPU_CLUSTER_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${CONTOSO_BASE.id}`);
			expect(plan).toContain('2. Write the environment definition pytorch-train.yml (CLI v2)');
			expect(plan).toContain(`File: ${yamlPath}`);
			expect(plan).toContain('3. Write the SDK v1 snippet pytorch-train_v1.py (user_managed_dependencies = True)');
			expect(plan).toContain(`File: ${v1Path}`);
			expect(plan.match(/^ {3}\$ /gm)).toHaveLength(2); // the principal read into a variable, the grant; file steps show no az command

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([
				`Grant AcrPull to cpu-cluster's identity on registry ${CONTOSO_BASE.name}.`,
				'Write the environment definition pytorch-train.yml (CLI v2).',
				'Write the SDK v1 snippet pytorch-train_v1.py (user_managed_dependencies = True).',
			]);
			expect(summarySection(summary, 'Files written')).toEqual([yamlPath, v1Path]);
			expect(await finish(first)).toBe(0);

			expect(grantsOf(world.state(), SEED.computes.cpuCluster.principalId!)).toContain(grant(ROLE_GUIDS.acrPull, CONTOSO_BASE.id));
			expect(readFileSync(yamlPath, 'utf8')).toContain(`image: ${CONTOSO_BASE.loginServer}/${image}`);
			const v1 = readFileSync(v1Path, 'utf8');
			expect(v1).toContain('user_managed_dependencies = True');
			expect(v1).toContain(`env.docker.base_image = "${CONTOSO_BASE.loginServer}/${image}"`);
			await first.close();

			const second = await world.start();
			expect(await walkToPlan(second, {retag: true})).toContain(`Plan: cpu-cluster pulls ${CONTOSO_BASE.loginServer}/${image}`);
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 3);
			expect(summarySection(rerun, 'Already in place')?.[1]).toBe(`Write the environment definition pytorch-train.yml (CLI v2): ${yamlPath} already has this content.`);
			expect(await finish(second)).toBe(0);
			expect(grantsOf(world.state(), SEED.computes.cpuCluster.principalId!).filter((entry) => entry === grant(ROLE_GUIDS.acrPull, CONTOSO_BASE.id))).toHaveLength(1);
		},
		TEST_TIMEOUT_MS,
	);
});

describe('Build a managed environment from a private ACR base image, in a real terminal', () => {
	const identityName = 'id-build-base';
	const identityId = `/subscriptions/${FRAUD.subscriptionId}/resourceGroups/${FRAUD.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}`;

	/** Up to the identity question; returns the scenario's options screen. */
	async function walkToIdentity(term: Terminal): Promise<string> {
		await walkToScenarioList(term, fraudWorkspace);
		const title = 'Build a managed environment from a private ACR base image';
		// Highlighted, the scenario shows its caveat below the list.
		const highlighted = await choose(term, title, {shows: UNSUPPORTED_CAVEAT});
		expect(highlighted).toMatch(new RegExp(`^❯ ${title}$`, 'm'));
		const options = await term.waitFor('Which private registry holds the base image?');
		expect(options).toContain(UNSUPPORTED_CAVEAT);
		expect(options).toContain(`• ${FRAUD.name}'s system-assigned identity: ${FRAUD.principalId}.`);
		await choose(term, CONTOSO_BASE.name);
		return term.waitFor('Which user-assigned identity pulls the base image for the build?');
	}

	async function answerImage(term: Terminal): Promise<string> {
		await term.waitFor('Base image (repository:tag, without the registry host):');
		return answerText(term, {current: 'base/python-ml:latest', keep: 'base/python-ml:', text: '3.11', next: 'Plan: '});
	}

	it(
		'creates id-build-base, AcrPull on crcontosobase, Managed Identity Operator for the workspace identity and the connection; again with id-build-base: already in place',
		async () => {
			const snippetPath = join(world.workspaceOutput(FRAUD.name), 'python-ml_managed_v1.py');
			const first = await world.start();
			await walkToIdentity(first);
			await choose(first, 'Create a new user-assigned identity');
			await first.waitFor('Name of the new user-assigned identity (created in the workspace resource group):');
			await answerText(first, {current: '', text: identityName, next: 'Base image (repository:tag, without the registry host):'});
			const plan = await answerImage(first);
			expect(plan).toContain(`Plan: Managed environments on ${CONTOSO_BASE.loginServer}/base/python-ml:3.11`);
			expect(plan).toContain(UNSUPPORTED_CAVEAT);
			expect(plan).toContain(`$ az identity create --name ${identityName} --resource-group ${FRAUD.resourceGroup} --location ${FRAUD.location}`);
			expect(plan).toContain(`$ az role assignment create --assignee-object-id "$ID_BUILD_BASE_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${CONTOSO_BASE.id}`);
			expect(plan).toContain(`$ az role assignment create --assignee-object-id ${FRAUD.principalId} --assignee-principal-type ServicePrincipal --role "Managed Identity Operator" --scope ${identityId}`);
			expect(plan).toContain(`4. Create workspace connection acr-crcontosobase to ${CONTOSO_BASE.loginServer}`);
			expect(plan).toContain(`File: ${snippetPath}`);

			const summary = await runPlan(first);
			expect(summarySection(summary, 'Changed')).toEqual([
				`Create user-assigned identity ${identityName}.`,
				`Grant AcrPull to identity ${identityName} on registry ${CONTOSO_BASE.name}.`,
				`Grant Managed Identity Operator to ${FRAUD.name}'s system-assigned identity on identity ${identityName}.`,
				`Create workspace connection acr-crcontosobase to ${CONTOSO_BASE.loginServer}.`,
				'Write the environment definition python-ml_managed_v1.py.',
			]);
			expect(summarySection(summary, 'Files written')).toEqual([snippetPath]);
			expect(await finish(first)).toBe(0);

			const state = world.state();
			const identity = Object.values(state.identities).find((candidate) => candidate.name === identityName);
			expect(identity, 'no identity id-build-base in the emulator state').toBeDefined();
			const principalId = String(identity!.properties['principalId']);
			expect(grantsOf(state, principalId)).toEqual([grant(ROLE_GUIDS.acrPull, CONTOSO_BASE.id)]);
			expect(grantsOf(state, FRAUD.principalId)).toContain(grant(ROLE_GUIDS.managedIdentityOperator, identity!.id));
			const connection = Object.values(state.connections).find((candidate) => candidate['name'] === 'acr-crcontosobase');
			expect(connection?.['properties']).toMatchObject({authType: 'ManagedIdentity', target: CONTOSO_BASE.loginServer});
			expect(readFileSync(snippetPath, 'utf8')).toContain(`identity.client_id = "${String(identity!.properties['clientId'])}"`);
			await first.close();

			// Again, picking the identity the first run created.
			const second = await world.start();
			const identities = await walkToIdentity(second);
			expect(identities).toMatch(new RegExp(`^. ${identityName} {2}${FRAUD.resourceGroup} · ${FRAUD.location}$`, 'm'));
			await choose(second, identityName);
			const plan2 = await answerImage(second);
			expect(plan2).not.toContain('az identity create');
			const rerun = await runPlan(second);
			expectAllInPlace(rerun, 4);
			expect(await finish(second)).toBe(0);
			const after = world.state();
			expect(Object.values(after.identities).filter((candidate) => candidate.name === identityName)).toHaveLength(1);
			expect(grantsOf(after, principalId)).toEqual([grant(ROLE_GUIDS.acrPull, CONTOSO_BASE.id)]);
		},
		TEST_TIMEOUT_MS,
	);
});
