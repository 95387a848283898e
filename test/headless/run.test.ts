import {spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {runHeadless, type HeadlessRequest} from '../../src/headless/run.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

async function headless(request: Partial<HeadlessRequest>) {
	azure ??= await startEmulatedAzure();
	const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-headless-')));
	const lines: string[] = [];
	const events: Record<string, unknown>[] = [];
	const code = await runHeadless(
		{answers: {}, confirmed: false, outputDirectory: mkdtempSync(join(tmpdir(), 'aml-identity-out-')), ...request},
		{gateway: azure.gateway, store, mode: 'demo', signedInUser: {name: SEED.user.name, objectId: SEED.user.objectId}, replicationTiming: {waitMs: 2000, firstRetryMs: 50}},
		{log: (line) => lines.push(line), event: (event) => events.push(event)},
	);
	return {code, output: lines.join('\n'), events, store};
}

const production = {scenarioId: 'compute-acr-pull', subscription: 'Contoso ML Production', workspace: 'mlw-fraud-prod'};

describe('running a scenario without a screen', () => {
	it('lists every missing flag, with what supplies it, and writes nothing', async () => {
		const {code, output} = await headless({});
		expect(code).toBe(2);
		expect(output).toContain('--scenario: one of acr-disable-admin-user, bring-your-own-acr');
		expect(output).toContain('--subscription: a subscription ID or name');
		expect(output).toContain('--workspace: a workspace name or resource ID');
		expect(azure!.writes()).toEqual([]);
	});

	it('names a missing answer with its key and the choices, before any write', async () => {
		const {code, output} = await headless(production);
		expect(code).toBe(2);
		expect(output).toContain('"compute": Which compute cluster? One of: cpu-cluster, cpu-noid, gpu-legacy, new.');
		expect(azure!.writes()).toEqual([]);
	});

	it('refuses a wrong answer or an unknown key, naming them', async () => {
		expect((await headless({...production, answers: {compute: 'gpu-modern'}})).output).toContain('"compute" is "gpu-modern", which is not offered.');
		const unknown = await headless({...production, answers: {compute: 'gpu-legacy', computeNmae: 'x'}});
		expect(unknown.code).toBe(2);
		expect(unknown.output).toContain('keys compute-acr-pull never asks for: computeNmae (did you mean computeName?)');
		expect((await headless({...production, subscription: 'Contoso Nope'})).output).toContain('--subscription "Contoso Nope" is not one you can see.');
	});

	it('without --yes, prints the plan and the preflight and writes nothing', async () => {
		const {code, output, events} = await headless({...production, answers: {compute: 'gpu-legacy'}});
		expect(code).toBe(0);
		expect(output).toContain(
			[
				'     $ GPU_LEGACY_PRINCIPAL_ID=$(az ml compute show --name gpu-legacy --workspace-name mlw-fraud-prod --resource-group rg-ml-fraud-prod --query identity.principal_id -o tsv)',
				`     $ az role assignment create --assignee-object-id "$GPU_LEGACY_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${SEED.registries.fraudProd.id}`,
			].join('\n'),
		);
		expect(output).toContain('Nothing was written.');
		expect(events[0]).toMatchObject({type: 'plan', scenario: 'compute-acr-pull', preflight: {'acr-pull': {status: 'allowed'}}});
		expect(azure!.writes()).toEqual([]);
	});

	it('says which steps wait for which, in the printed plan and in the plan event', async () => {
		const {code, output, events} = await headless({
			scenarioId: 'workspace-with-user-assigned-identity',
			subscription: 'Contoso ML Production',
			workspace: 'mlw-fraud-prod',
			answers: {
				resourceGroup: 'rg-ml-fraud-prod',
				workspaceName: 'mlw-fraud-uai',
				location: 'eastus',
				storageAccount: 'stfraudprod4c8e1a',
				keyVault: 'kv-fraud-prod-4c8e1a',
				registry: 'crcontosobase',
				applicationInsights: 'appi-fraud-prod',
				primaryIdentity: 'new',
				primaryIdentityName: 'id-mlw-fraud-uai',
				moreIdentities1: false,
				cmk: false,
			},
		});
		expect(code).toBe(0);
		const numbered = output.split('\n').filter((line) => /^ {2}\d+\. /.test(line));
		expect(numbered).toEqual([
			'  1. Create user-assigned identity id-mlw-fraud-uai',
			'  2. Grant Contributor to identity id-mlw-fraud-uai on storage account stfraudprod4c8e1a (after 1 · with 3–8)',
			'  3. Grant Storage Blob Data Contributor to identity id-mlw-fraud-uai on storage account stfraudprod4c8e1a (after 1 · with 2, 4–8)',
			'  4. Grant Contributor to identity id-mlw-fraud-uai on key vault kv-fraud-prod-4c8e1a (after 1 · with 2, 3, 5–8)',
			'  5. Give identity id-mlw-fraud-uai an access policy on key vault kv-fraud-prod-4c8e1a (every permission but purge) (after 1 · with 2–4, 6–8)',
			'  6. Grant Contributor to identity id-mlw-fraud-uai on registry crcontosobase (after 1 · with 2–5, 7, 8)',
			'  7. Grant Contributor to identity id-mlw-fraud-uai on Application Insights appi-fraud-prod (after 1 · with 2–6, 8)',
			'  8. Write mlw-fraud-uai/workspace_creation_with_multiple_UAIs.yml (after 1 · with 2–7)',
			'  9. Create workspace mlw-fraud-uai with user-assigned identity id-mlw-fraud-uai (after 1–8)',
			'  10. Grant Contributor to identity id-mlw-fraud-uai on workspace mlw-fraud-uai (after 9)',
		]);
		const plan = events.find((event) => event['type'] === 'plan') as {steps: {id: string; after: string[]}[]};
		expect(Object.fromEntries(plan.steps.map((step) => [step.id, step.after]))).toMatchObject({
			'create-identity-id-mlw-fraud-uai': [],
			'storage-contributor': ['create-identity-id-mlw-fraud-uai'],
			'workspace-yaml': ['create-identity-id-mlw-fraud-uai'],
			'workspace-contributor': ['create-workspace'],
		});
		expect(plan.steps.find((step) => step.id === 'create-workspace')?.after).toHaveLength(8);
	});

	it('prints a plan run one step after another without any of that', async () => {
		const {output, events} = await headless({...production, answers: {compute: 'gpu-legacy'}});
		expect(output).toContain('  1. Grant AcrPull to gpu-legacy');
		expect(output).not.toMatch(/\((after|with) /);
		expect((events[0] as {steps: {after: string[]}[]}).steps.map((step) => step.after)).toEqual([[]]);
	});

	it('with --yes, runs the same plan and journals a session the wizard can resume; again, all skipped', async () => {
		const first = await headless({...production, answers: {compute: 'gpu-legacy'}, confirmed: true});
		expect(first.code).toBe(0);
		expect(first.events.filter((event) => event['type'] === 'step' && event['state'] === 'done').map((event) => event['stepId'])).toEqual(['acr-pull']);
		const summary = first.events.at(-1);
		expect(summary).toMatchObject({type: 'summary', outcome: 'completed'});
		const session = first.store.list().sessions[0];
		expect(session).toMatchObject({status: 'completed', choices: {scenarioId: 'compute-acr-pull', planConfirmed: true, answers: {compute: SEED.computes.gpuLegacy.id}}});
		const writes = azure!.writes().length;

		const second = await headless({...production, answers: {compute: SEED.computes.gpuLegacy.id}, confirmed: true});
		expect(second.code).toBe(0);
		expect(second.output).toContain('↷ Grant AcrPull');
		expect(azure!.writes().length).toBe(writes);
	});

	it('exits 1 when Azure refuses a step, naming what to do', async () => {
		const {code, output} = await headless({
			scenarioId: 'data-access-compute-identity',
			subscription: 'Contoso ML Dev/Test',
			workspace: 'mlw-vision-dev',
			answers: {compute: 'gpu-train', storageAccount: 'stvisiondev3e7a2c', container: 'azureml', datastoreName: 'azureml_identity'},
			confirmed: true,
		});
		expect(output).toContain('✖ storage-blob-data-reader: you lack Microsoft.Authorization/roleAssignments/write');
		expect(output).toContain('AuthorizationFailed');
		expect(code).toBe(1);
	});
});

describe('bad answers are refused before anything is written, naming the value and the fix', () => {
	it('a malformed resource ID, a resource in another subscription, a wrong type, and names that break Azure rules', async () => {
		const attempt = async (request: Partial<HeadlessRequest>) => {
			const result = await headless({...request, confirmed: true});
			expect(result.code, result.output).toBe(2);
			return result.output;
		};
		expect(await attempt({...production, answers: {compute: '/subscriptions/not-a-resource-id'}})).toContain('"compute" is "/subscriptions/not-a-resource-id", which is not offered.');
		// gpu-train lives in Contoso ML Dev/Test, not in the workspace's subscription.
		expect(await attempt({...production, answers: {compute: SEED.computes.gpuTrain.id}})).toContain(`"compute" is "${SEED.computes.gpuTrain.id}", which is not offered.`);
		expect(await attempt({scenarioId: 'acr-disable-admin-user', subscription: 'Contoso ML Production', workspace: 'mlw-fraud-prod', answers: {noAciDeployments: 'yes'}})).toContain('"noAciDeployments" must be true or false');
		const newCompute = {compute: 'new', vmSize: 'Standard_DS3_v2', minNodes: '0', maxNodes: '2', identityType: 'SystemAssigned'};
		expect(await attempt({...production, answers: {...newCompute, computeName: '1-bad'}})).toContain('1-bad');
		const newIdentity = {scenarioId: 'managed-environment-private-acr', subscription: 'Contoso ML Production', workspace: 'mlw-fraud-prod'};
		expect(await attempt({...newIdentity, answers: {registry: 'crcontosobase', buildIdentity: 'new', buildIdentityName: 'bad name!'}})).toContain('bad name!');
		const registry = {scenarioId: 'bring-your-own-acr', subscription: 'Contoso ML Production', workspace: 'mlw-demand-forecast'};
		expect(await attempt({...registry, answers: {registry: 'new', registryName: 'Has_Underscore'}})).toContain('Has_Underscore');
		const datastore = {scenarioId: 'data-access-compute-identity', subscription: 'Contoso ML Production', workspace: 'mlw-fraud-prod'};
		expect(await attempt({...datastore, answers: {compute: 'cpu-cluster', storageAccount: 'stfraudlake7d2e9c', container: 'curated', datastoreName: 'bad name'}})).toContain('"bad name" is not a valid datastore name');
		const workspace = {scenarioId: 'workspace-with-user-assigned-identity', subscription: 'Contoso ML Production', workspace: 'mlw-fraud-prod'};
		expect(await attempt({...workspace, answers: {resourceGroup: 'rg-ml-fraud-prod', workspaceName: '-bad'}})).toContain('-bad');
		expect(azure!.writes()).toEqual([]);
	});
});

describe('carrying on a saved session without a screen (--resume)', () => {
	it("takes a wizard session's scenario, place and answers, and redoes nothing its journal has done", async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-headless-')));
		const fraud = SEED.workspaces.fraudProd;
		const saved = store.create('demo');
		saved.saveChoices({
			subscription: {id: SEED.subscriptions.production.subscriptionId, name: SEED.subscriptions.production.displayName},
			workspace: {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup},
			scenarioId: 'compute-acr-pull',
			answers: {compute: SEED.computes.gpuLegacy.id},
			planConfirmed: true,
		});
		saved.setStatus('running');
		const lines: string[] = [];
		const code = await runHeadless(
			{answers: {}, confirmed: true, outputDirectory: mkdtempSync(join(tmpdir(), 'aml-identity-out-')), resumeSessionId: saved.id},
			{gateway: azure.gateway, store, mode: 'demo', signedInUser: {name: SEED.user.name, objectId: SEED.user.objectId}},
			{log: (line) => lines.push(line)},
		);
		expect(code, lines.join('\n')).toBe(0);
		expect(lines).toContain(`Resuming session ${saved.id}: steps it finished are not done again; the rest start with their check.`);
		expect(store.list().sessions.map((session) => session.id)).toEqual([saved.id]);
		expect(store.find(saved.id)).toMatchObject({status: 'completed', steps: {'acr-pull': {state: 'done'}}});
	});

	it('refuses a session of the other mode, or one that was undone, saying what to do', async () => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-headless-')));
		const azureSession = store.create('azure');
		const undone = store.create('demo');
		undone.setStatus('undone');
		const attempt = async (resumeSessionId: string) => {
			const lines: string[] = [];
			const code = await runHeadless(
				{answers: {}, confirmed: true, outputDirectory: '/nonexistent', resumeSessionId},
				{gateway: azure!.gateway, store, mode: 'demo'},
				{log: (line) => lines.push(line)},
			);
			return {code, output: lines.join('\n')};
		};
		expect(await attempt(azureSession.id)).toEqual({code: 2, output: `--resume: session ${azureSession.id} was made against Azure: leave out --demo.`});
		expect(await attempt(undone.id)).toEqual({code: 2, output: `--resume: session ${undone.id} was undone. Start a new run instead (leave out --resume).`});
		expect(azure.writes()).toEqual([]);
	});
});

describe('the run command', () => {
	const bin = fileURLToPath(new URL('../../dist/bundle/aml-identity.js', import.meta.url));

	it('exits 2 with the file and the fix for an answers file that is not a mapping', () => {
		const directory = mkdtempSync(join(tmpdir(), 'aml-identity-answers-'));
		const answers = join(directory, 'answers.yaml');
		writeFileSync(answers, '- gpu-legacy\n');
		const result = spawnSync(process.execPath, [bin, 'run', '--demo', '--scenario', 'compute-acr-pull', '--answers', answers], {
			env: {...process.env, AML_IDENTITY_HOME: directory},
			encoding: 'utf8',
		});
		expect(result.status).toBe(2);
		expect(result.stderr).toContain(`the answers file "${answers}" must hold keys and values (a YAML mapping or JSON object), not a list.`);
	});
});
