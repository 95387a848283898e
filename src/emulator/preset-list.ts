/**
 * The demo presets by name, with what each sets up: kept apart from presets.ts (which builds the
 * seed) so that --help can list them without loading the emulator.
 */
export const PRESET_DESCRIPTIONS = {
	'compute-before-acr':
		'cpu-cluster, like gpu-legacy, was created before mlw-fraud-prod had a registry, so Azure never granted it AcrPull: compute-acr-pull on cpu-cluster has to.',
	'no-identity-cluster':
		'cpu-cluster has no managed identity (nor the roles one would hold): compute-acr-pull, private-acr-image and data-access-compute-identity give it one first.',
	'admin-user-on': 'Every registry has its admin user enabled, the shared ones too: bring-your-own-acr with crcontosobase adds a step to disable it.',
	'admin-user-off': 'The registries Azure ML created already have the admin user disabled: acr-disable-admin-user finds it done and writes nothing.',
} as const;

export type PresetName = keyof typeof PRESET_DESCRIPTIONS;

/** "    name   description" lines for --help, wrapped at `width`. */
export function presetHelpLines(indent = 4, width = 100): string {
	const names = Object.keys(PRESET_DESCRIPTIONS);
	const column = Math.max(...names.map((name) => name.length)) + 2;
	return Object.entries(PRESET_DESCRIPTIONS)
		.map(([name, description]) => {
			const lines: string[] = [];
			let line = '';
			for (const word of description.split(' ')) {
				if (line && indent + column + line.length + word.length + 1 > width) {
					lines.push(line);
					line = word;
				} else line = line ? `${line} ${word}` : word;
			}
			lines.push(line);
			return lines.map((text, index) => `${' '.repeat(indent)}${(index === 0 ? name : '').padEnd(column)}${text}`).join('\n');
		})
		.join('\n');
}
