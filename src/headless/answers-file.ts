import {mkdir, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import YAML from 'yaml';

/** Keys of an answers file that say where to run, beside one key per question. */
export const placeKeys = ['scenario', 'subscription', 'workspace'] as const;

export interface AnswersFile {
	readonly scenario: string;
	readonly subscription: string;
	readonly workspace: string;
	readonly answers: Readonly<Record<string, boolean | string>>;
}

/** The text of an answers file that repeats a setup: change `workspace:` to run it elsewhere. */
export function answersFileText(file: AnswersFile): string {
	return [
		`# Repeat this setup without a screen: aml-identity run --answers <this file> --yes`,
		`# Change workspace (or subscription) to run it elsewhere; the answers are checked before anything is written.`,
		YAML.stringify({scenario: file.scenario, subscription: file.subscription, workspace: file.workspace, ...file.answers}),
	].join('\n');
}

export async function saveAnswersFile(path: string, file: AnswersFile): Promise<void> {
	await mkdir(dirname(path), {recursive: true});
	await writeFile(path, answersFileText(file), 'utf8');
}

/** Splits a parsed answers file into where to run and the answers themselves. */
export function splitAnswersFile(parsed: Readonly<Record<string, unknown>>): {place: Partial<Record<(typeof placeKeys)[number], string>>; answers: Record<string, unknown>} {
	const place: Partial<Record<(typeof placeKeys)[number], string>> = {};
	const answers: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(parsed)) {
		if ((placeKeys as readonly string[]).includes(key) && typeof value === 'string') place[key as (typeof placeKeys)[number]] = value;
		else answers[key] = value;
	}
	return {place, answers};
}
