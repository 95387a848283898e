import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * The package's own directory (where its package.json is), found from this module: it sits at
 * dist/src/ in tsc's build and at dist/bundle/chunks/ in the published bundle.
 */
export function packageDirectory(): string {
	let directory = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(directory, 'package.json'))) {
		const parent = dirname(directory);
		if (parent === directory) throw new Error(`aml-identity's package.json is not above ${fileURLToPath(import.meta.url)}`);
		directory = parent;
	}
	return directory;
}
