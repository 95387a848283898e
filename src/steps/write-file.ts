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
	/** The text, or how to make it when the step runs (it may depend on what earlier steps created). */
	readonly content: string | (() => Promise<string>);
	readonly note?: string;
}): PlanStep {
	const {path} = options;
	const content = async () => (typeof options.content === 'string' ? options.content : options.content());
	return {
		id: options.id,
		title: options.title,
		target: {kind: 'File', name: path},
		// No Azure command: the file is the output.
		azCommand: '',
		...(options.note ? {note: options.note} : {}),
		async reversal() {
			const previousContent = await readIfPresent(path);
			return {kind: 'restore-file', path, ...(previousContent === undefined ? {} : {previousContent}), label: `file ${path}`};
		},
		localFile: {path, content},
		async check() {
			const current = await readIfPresent(path);
			return current === (await content())
				? {satisfied: true, detail: `${path} already has this content`}
				: {satisfied: false, detail: current === undefined ? 'not written yet' : 'differs: it will be replaced'};
		},
		async apply() {
			await mkdir(dirname(path), {recursive: true});
			await writeFile(path, await content(), 'utf8');
		},
		async verify() {
			return (await readIfPresent(path)) === (await content())
				? {ok: true, detail: `wrote ${path}`}
				: {ok: false, detail: `${path} does not have the expected content`};
		},
	};
}
