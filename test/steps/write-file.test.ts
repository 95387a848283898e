import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeFileStep} from '../../src/steps/write-file.js';

describe('write file step', () => {
	it('writes a missing file into a new folder, then finds it in place', async () => {
		const path = join(mkdtempSync(join(tmpdir(), 'aml-identity-files-')), 'mlw-fraud-prod', 'env.yml');
		const step = writeFileStep({id: 'f', title: 'Write env.yml', path, content: 'image: x\n'});
		expect((await step.check(() => {})).satisfied).toBe(false);
		await step.apply(() => {});
		expect(readFileSync(path, 'utf8')).toBe('image: x\n');
		expect(await step.verify(() => {})).toEqual({ok: true, detail: `wrote ${path}`});
		expect((await step.check(() => {})).satisfied).toBe(true);
	});

	it('replaces a file whose content differs, with content made when the step runs', async () => {
		const path = join(mkdtempSync(join(tmpdir(), 'aml-identity-files-')), 'env.py');
		writeFileSync(path, 'old');
		const step = writeFileStep({id: 'f', title: 'Write env.py', path, content: async () => 'new'});
		expect(await step.check(() => {})).toEqual({satisfied: false, detail: 'differs: it will be replaced'});
		await step.apply(() => {});
		expect(readFileSync(path, 'utf8')).toBe('new');
	});
});
