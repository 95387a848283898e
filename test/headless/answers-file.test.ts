import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import YAML from 'yaml';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {saveAnswersFile, splitAnswersFile} from '../../src/headless/answers-file.js';
import {runHeadless} from '../../src/headless/run.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

describe('answers files', () => {
	it('a saved file repeats the setup elsewhere by changing one line', async () => {
		azure = await startEmulatedAzure();
		const path = join(mkdtempSync(join(tmpdir(), 'aml-identity-answers-')), 'answers-bring-your-own-acr.yaml');
		await saveAnswersFile(path, {
			scenario: 'bring-your-own-acr',
			subscription: 'Contoso ML Production',
			workspace: 'mlw-demand-forecast',
			answers: {registry: SEED.registries.contosoBase.id},
		});
		const text = readFileSync(path, 'utf8');
		expect(text).toContain('# Repeat this setup without a screen: aml-identity run --answers <this file> --yes');
		expect(text).toContain('workspace: mlw-demand-forecast');

		// The one line changed: another workspace of the subscription gets the same registry.
		const {place, answers} = splitAnswersFile(YAML.parse(text.replace('workspace: mlw-demand-forecast', 'workspace: mlw-fraud-prod')) as Record<string, unknown>);
		expect(place).toEqual({scenario: 'bring-your-own-acr', subscription: 'Contoso ML Production', workspace: 'mlw-fraud-prod'});
		const lines: string[] = [];
		const code = await runHeadless(
			{scenarioId: place.scenario!, subscription: place.subscription!, workspace: place.workspace!, answers: {...answers, replaceRegistry: true}, confirmed: true, outputDirectory: mkdtempSync(join(tmpdir(), 'out-'))},
			{gateway: azure.gateway, store: new SessionStore(mkdtempSync(join(tmpdir(), 'sessions-'))), mode: 'demo'},
			{log: (line) => lines.push(line)},
		);
		expect(lines.join('\n')).toContain('✔ Attach registry crcontosobase to workspace mlw-fraud-prod');
		expect(code).toBe(0);
		expect(azure.emulator.state.workspaces[SEED.workspaces.fraudProd.id.toLowerCase()]?.properties['containerRegistry']).toBe(SEED.registries.contosoBase.id);
	});
});
