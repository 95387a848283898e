#!/usr/bin/env node
// The published binary's entry (scripts/bundle.mjs): --version and --help are answered from here and
// bin/help.ts alone (the budget is 150 ms, and Node itself takes about 100); everything else loads
// the program, bin/aml-identity.ts, which parses the command line in full.
import nodeModule from 'node:module';

const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('--help')) {
	const {printAndExit} = await import('./help.js');
	printAndExit(args.includes('--help') ? 'help' : 'version');
}
// Node 22.1+ keeps the compiled chunks between runs, from here on (start-up is mostly compiling Ink, React and
// the screens); Node 20 has no such cache, and this is a no-op there.
(nodeModule as {enableCompileCache?: () => unknown}).enableCompileCache?.();
await import('./aml-identity.js');
