import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import type {PlanStep} from '../plan/plan.js';

async function readIfPresent(path: string): Promise<string | undefined> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** Writes a generated file (an environment definition, say); a file with the same content is left as it is. */
export function writeFileStep(options: {
	readonly id: string;
	readonly title: string;
	readonly path: string;
	readonly content: string;
	readonly note?: string;
}): PlanStep {
	const {path, content} = options;
	return {
		id: options.id,
		title: options.title,
		target: {kind: 'File', name: path},
		azCommand: `# writes ${path}`,
		...(options.note ? {note: options.note} : {}),
		async check() {
			const current = await readIfPresent(path);
			return current === content
				? {satisfied: true, detail: `${path} already has this content`}
				: {satisfied: false, detail: current === undefined ? 'not written yet' : 'differs: it will be replaced'};
		},
		async apply() {
			await mkdir(dirname(path), {recursive: true});
			await writeFile(path, content, 'utf8');
		},
		async verify() {
			return (await readIfPresent(path)) === content
				? {ok: true, detail: `wrote ${path}`}
				: {ok: false, detail: `${path} does not have the expected content`};
		},
	};
}
