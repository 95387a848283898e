// Bundles bin/aml-identity.ts into dist/bundle/: the published binary (package.json "bin").
// One minified ESM entry plus chunks: every dynamic import() in bin/ (the Azure SDKs, the
// emulator, the screens) becomes a chunk that is read only when that code is first needed.
// Usage: node scripts/bundle.mjs [--metafile]  (npm run build runs it after tsc)
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

/**
 * yoga-layout's Emscripten loader fetch()es its inlined wasm (a data: URL) when `fetch` is a
 * function: touching Node's global fetch loads undici, ~100 ms of start-up for nothing. Telling
 * the loader there is no fetch makes it decode the same bytes synchronously.
 */
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(build) {
		build.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, (args) => {
			const source = readFileSync(args.path, 'utf8');
			const patched = source.replaceAll('typeof fetch', 'typeof undefined');
			if (patched === source) throw new Error(`${args.path}: no "typeof fetch" to patch; check yoga-layout's loader after an upgrade`);
			return {contents: patched, loader: 'js'};
		});
	},
};

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(outdir, {recursive: true, force: true});
const result = await build({
	absWorkingDir: root,
	entryPoints: {'aml-identity': 'bin/start.ts'},
	outdir,
	bundle: true,
	format: 'esm',
	splitting: true,
	platform: 'node',
	// A package's ESM build first (esbuild's default for node is main, then module): the older SDKs
	// (arm-machinelearning, arm-authorization) have no exports map, and their CommonJS builds pulled
	// in CommonJS copies of core-client, core-rest-pipeline and ts-http-runtime beside the ESM ones.
	mainFields: ['module', 'main'],
	target: 'node20',
	minify: !process.argv.includes('--no-minify'),
	legalComments: 'linked',
	chunkNames: 'chunks/[name]-[hash]',
	metafile: true,
	logLevel: 'warning',
	plugins: [yogaWithoutFetch],
	define: {
		'process.env.NODE_ENV': '"production"',
		AML_IDENTITY_VERSION: JSON.stringify(version),
	},
	// Ink loads react-devtools-core only when DEV=true; it is not a dependency.
	external: ['react-devtools-core'],
	// Some CommonJS dependencies require() Node's built-in modules; ESM has no require of its own.
	banner: {js: "import{createRequire as __amlCreateRequire}from'node:module';const require=__amlCreateRequire(import.meta.url);"},
});

if (process.argv.includes('--metafile')) {
	writeFileSync(`${root}dist/bundle-meta.json`, JSON.stringify(result.metafile));
	process.stdout.write(`dist/bundle-meta.json written (open it at esbuild's analyzer)\n`);
}
