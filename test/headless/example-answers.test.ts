import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {SEED} from '../../src/emulator/index.js';
import {splitAnswersFile} from '../../src/headless/answers-file.js';
import {runHeadless} from '../../src/headless/run.js';
import {scenarios} from '../../src/scenarios/index.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

const examples = fileURLToPath(new URL('../../examples/answers/', import.meta.url));
const files = readdirSync(examples).filter((name) => name.endsWith('.yaml'));

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

async function run(file: string, store: SessionStore, outputDirectory: string) {
	const {place, answers} = splitAnswersFile(YAML.parse(readFileSync(join(examples, file), 'utf8')) as Record<string, unknown>);
	const events: Record<string, unknown>[] = [];
	const lines: string[] = [];
	const code = await runHeadless(
		{scenarioId: place.scenario!, subscription: place.subscription!, workspace: place.workspace!, answers, confirmed: true, outputDirectory},
		{gateway: azure!.gateway, store, mode: 'demo', signedInUser: {name: SEED.user.name, objectId: SEED.user.objectId}, replicationTiming: {waitMs: 3000, firstRetryMs: 50}},
		{log: (line) => lines.push(line), event: (event) => events.push(event)},
	);
	const steps = events.filter((event) => event['type'] === 'step' && !['running', 'pending'].includes(String(event['state'])));
	return {code, output: lines.join('\n'), summary: events.find((event) => event['type'] === 'summary'), steps};
}

describe('the example answers files (examples/answers) run every scenario without a screen', () => {
	it('has one file per scenario', () => {
		expect(files.map((name) => name.replace(/\.yaml$/, '')).sort()).toEqual(scenarios.map((scenario) => scenario.id).sort());
	});

	it.each(files)('%s completes, and a second run finds everything in place and writes nothing', async (file) => {
		azure = await startEmulatedAzure();
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-examples-')));
		const outputDirectory = mkdtempSync(join(tmpdir(), 'aml-identity-examples-out-'));
		const first = await run(file, store, outputDirectory);
		expect(first.code, first.output).toBe(0);
		expect(first.summary?.['outcome']).toBe('completed');
		expect(first.steps.some((step) => step['state'] === 'done')).toBe(true);
		expect(store.list().sessions[0]?.status).toBe('completed');

		const writes = azure.writes().length;
		const second = await run(file, store, outputDirectory);
		expect(second.code, second.output).toBe(0);
		expect(second.steps.map((step) => step['state'])).toEqual(second.steps.map(() => 'skipped'));
		expect(azure.writes().length).toBe(writes);
	});
});
