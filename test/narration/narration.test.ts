import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {SEED} from '../../src/emulator/index.js';
import {splitAnswersFile} from '../../src/headless/answers-file.js';
import {runHeadless} from '../../src/headless/run.js';
import {narrationFor, narrationForOutcome, narrationForStep, narrationSources} from '../../src/narration/narration.js';
import {scenarios} from '../../src/scenarios/index.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

const seeds = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
const examples = fileURLToPath(new URL('../../examples/answers/', import.meta.url));

/** A document's headings: its lines, without markdown's # and anchors. */
function headingsOf(document: string): Set<string> {
	const file = readdirSync(seeds).find((name) => name.startsWith(`${document}_`) && name.endsWith('.txt'));
	if (!file) throw new Error(`no document ${document} in ${seeds}`);
	return new Set(
		readFileSync(join(seeds, file), 'utf8')
			.split('\n')
			.map((line) => line.replace(/^#+\s*/, '').replace(/<a name="[^"]*"><\/a>/g, '').trim())
			.filter(Boolean),
	);
}

/** Answers beyond the example files, so the plans show every kind of step the scenarios make. */
const variants: Record<string, unknown>[] = [
	{scenario: 'compute-acr-pull', workspace: 'mlw-fraud-prod', compute: 'new', computeName: 'cpu-narrated', vmSize: 'Standard_DS3_v2', minNodes: '0', maxNodes: '2', identityType: 'UserAssigned', userIdentity: 'new', userIdentityName: 'id-narrated'},
	{scenario: 'compute-acr-pull', workspace: 'mlw-fraud-prod', compute: 'cpu-noid', identityType: 'SystemAssigned'},
	{scenario: 'bring-your-own-acr', workspace: 'mlw-demand-forecast', registry: 'e2f4a6c8b0d14f3e9a7c5b3d1f0e8a6c', disableAdminUser: true},
	{scenario: 'private-acr-image', workspace: 'mlw-fraud-prod', compute: 'cpu-noid', identityType: 'UserAssigned', userIdentity: 'new', userIdentityName: 'id-narrated', registry: 'crcontosobase', image: 'base/sklearn:1.5'},
	{scenario: 'switch-compute-identity', workspace: 'mlw-fraud-prod', compute: 'cpu-cluster', identityType: 'UserAssigned', userIdentity: 'new', userIdentityName: 'id-narrated', copyRoles: true},
	{scenario: 'data-access-compute-identity', workspace: 'mlw-fraud-prod', compute: 'cpu-noid', storageAccount: 'stfraudlake7d2e9c', container: 'curated', datastoreName: 'curated_narrated'},
	{
		scenario: 'workspace-with-user-assigned-identity',
		workspace: 'mlw-demand-forecast',
		resourceGroup: 'rg-ml-forecast-prod',
		workspaceName: 'mlw-forecast-uai',
		location: 'westeurope',
		storageAccount: 'stdemandfcst9b2d7f',
		keyVault: 'kv-demand-fcst-9b2d7f',
		registry: 'crcontosobase',
		applicationInsights: 'appi-demand-forecast',
		primaryIdentity: 'new',
		primaryIdentityName: 'id-forecast-uai',
		moreIdentities1: false,
		cmk: false,
	},
];

const exampleFiles = readdirSync(examples)
	.filter((name) => name.endsWith('.yaml'))
	.map((name) => YAML.parse(readFileSync(join(examples, name), 'utf8')) as Record<string, unknown>);

let azure: EmulatedAzure;
beforeAll(async () => {
	azure = await startEmulatedAzure();
});
afterAll(async () => {
	await azure.close();
});

/** The plan's steps as `aml-identity plan` builds them (nothing is written). */
const planned = new Map<Record<string, unknown>, Promise<{scenario: string; steps: {id: string; title: string}[]}>>();
function planSteps(file: Record<string, unknown>): Promise<{scenario: string; steps: {id: string; title: string}[]}> {
	if (!planned.has(file)) planned.set(file, buildPlanSteps(file));
	return planned.get(file)!;
}

async function buildPlanSteps(file: Record<string, unknown>): Promise<{scenario: string; steps: {id: string; title: string}[]}> {
	const {place, answers} = splitAnswersFile({subscription: 'Contoso ML Production', ...file});
	const events: Record<string, unknown>[] = [];
	const lines: string[] = [];
	const code = await runHeadless(
		{scenarioId: place.scenario!, subscription: place.subscription!, workspace: place.workspace!, answers, confirmed: false, outputDirectory: mkdtempSync(join(tmpdir(), 'aml-identity-narration-'))},
		{gateway: azure.gateway, store: new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-narration-sessions-'))), mode: 'demo', signedInUser: {name: SEED.user.name, objectId: SEED.user.objectId}},
		{log: (line) => lines.push(line), event: (event) => events.push(event)},
	);
	if (code !== 0) throw new Error(`${String(file['scenario'])}: ${lines.join('\n')}`);
	const plan = events.find((event) => event['type'] === 'plan') as {steps: {id: string; title: string}[]};
	return {scenario: place.scenario!, steps: plan.steps};
}

describe('narration', () => {
	it('tells every scenario’s story and what to remember from it', () => {
		for (const scenario of scenarios) {
			expect(narrationFor(scenario.id)?.text, scenario.id).toMatch(/\w.+\./);
			expect(narrationFor(scenario.id)?.takeaway.text, scenario.id).toMatch(/\w.+\./);
		}
		expect(narrationFor('no-such-scenario')).toBeUndefined();
	});

	it.each([...exampleFiles, ...variants].map((file) => [`${String(file['scenario'])} ${Object.values(file).slice(1).join(' ')}`, file] as const))(
		'explains every step of the plan for %s',
		async (_name, file) => {
			const {scenario, steps} = await planSteps(file);
			expect(steps.length).toBeGreaterThan(0);
			const unexplained = steps.filter((step) => !narrationForStep(scenario, step)).map((step) => step.id);
			expect(unexplained, `${scenario}: steps without narration`).toEqual([]);
		},
	);

	it('sees every kind of step the scenarios make among those plans', async () => {
		const seen: string[] = [];
		for (const file of [...exampleFiles, ...variants]) seen.push(...(await planSteps(file)).steps.map((step) => step.id));
		for (const kind of ['create-identity-', 'set-identity-', 'disable-admin-user-', 'create-compute-', 'create-registry-', 'datastore-', 'copy-role-1', 'key-vault-access-policy', 'key-vault-administrator', 'workspace-connection', 'create-workspace', 'update-workspace-identity']) {
			expect(seen.some((id) => (kind.endsWith('-') ? id.startsWith(kind) : id === kind)), kind).toBe(true);
		}
		expect(narrationForStep('compute-acr-pull', {id: 'not-a-step'})).toBeUndefined();
	});

	it('names, for every narration, a section heading that exists in the document it names', () => {
		const sources = narrationSources();
		expect(sources.length).toBeGreaterThan(40);
		const headings = new Map<string, Set<string>>();
		const missing = sources.filter(({source}) => {
			if (!headings.has(source.document)) headings.set(source.document, headingsOf(source.document));
			return !headings.get(source.document)!.has(source.section);
		});
		expect(missing.map(({where, source}) => `${where}: ${source.document} “${source.section}”`)).toEqual([]);
		// The check can fail: a heading that is only part of a line, or in another document, is not one.
		expect(headingsOf('004').has('Compute')).toBe(false);
		expect(headingsOf('001').has('Compute cluster')).toBe(false);
	});

	it('says a few lines, not pasted paragraphs', () => {
		for (const {where, text} of narrationSources()) {
			expect(text.length, where).toBeLessThan(360);
			expect(text.split(/(?<=\.) /).length, where).toBeLessThanOrEqual(3);
		}
	});

	it('explains an outcome: who had done the work, or why the wizard had to', () => {
		expect(narrationForOutcome('compute-acr-pull', {stepId: 'acr-pull', state: 'skipped'})).toContain('created after the workspace registry');
		expect(narrationForOutcome('compute-acr-pull', {stepId: 'acr-pull', state: 'done'})).toContain('created before the workspace registry');
		expect(narrationForOutcome('compute-acr-pull', {stepId: 'acr-pull', state: 'failed'})).toBeUndefined();
	});
});
