import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {scenarios} from '../../src/scenarios/index.js';

const seeds = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

function linesOf(document: string): Set<string> {
	const file = readdirSync(seeds).find((name) => name.startsWith(`${document}_`) && name.endsWith('.txt'));
	if (!file) throw new Error(`no document ${document} in ${seeds}`);
	return new Set(readFileSync(join(seeds, file), 'utf8').split('\n').map((line) => line.trim()));
}

describe('where each scenario comes from', () => {
	it.each(scenarios.map((scenario) => [scenario.id, scenario.source] as const))('%s cites a heading its document has, word for word', (_id, source) => {
		expect(linesOf(source.document).has(source.section), `"${source.section}" is not a line of document ${source.document}`).toBe(true);
	});
});
