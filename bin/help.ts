// --help and --version: bin/start.ts answers them without loading the rest of the program.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {presetHelpLines} from '../src/emulator/preset-list.js';
import {packageDirectory} from '../src/package-directory.js';

const help = `
  Usage
    $ aml-identity                 set up managed identities in your Azure subscriptions
    $ aml-identity demo            the same wizard against a built-in demo tenant (no Azure account)
    $ aml-identity demo --reset    restore the demo tenant to its starting state
    $ aml-identity demo --reset --preset NAME
                                   the same, then set up a tricky case to show (presets below)
    $ aml-identity demo --autoplay [--scenario ID] [--pace SECONDS]
                                   the demo plays itself: each scenario (or one) on the same
                                   screens, a choice shown before it is made (default pace 1.5 s);
                                   space pauses and resumes, an arrow skips ahead, q stops
    $ aml-identity emulator        run the demo tenant's Azure emulator alone, for other clients
    $ aml-identity run --scenario ID --subscription S --workspace W --answers FILE [--yes] [--json] [--demo]
                                   the same setup without a screen (without --yes: the plan and
                                   the preflight only, nothing written)
    $ aml-identity plan …          the same as run without --yes
    $ aml-identity undo ID [--yes] take back what a saved session changed (asks first; lists what
                                   Azure does not allow back and never touches what was there before)
    $ aml-identity export --scenario ID --subscription S --workspace W --answers FILE [--demo] [--output DIR] [--force]
                                   the same plan as an az CLI script and the v2 YAML files it
                                   reads, written to DIR (default: ./aml-identity-export);
                                   nothing in Azure changes

  Options
    --resume [ID]    the saved sessions, to resume, inspect or delete; with an ID, that session's
                     overview (what was done, what is left, what changed) before it continues
    --trace FILE     write every Resource Manager request and response to FILE (JSON lines, no tokens)
    --explain        explain each scenario, step and result, naming the document section
                     (on in demo; --no-explain turns it off)
    --output DIR     where generated files (environment definitions) go (default: ./aml-identity-output)
    --port N         port for 'aml-identity emulator' (default: any free port)
    --auth WAY       sign in with device-code, cli, env or managed-identity only (default: try
                     environment, workload identity, managed identity, Azure CLI, azd, PowerShell)
    --tenant ID      the Microsoft Entra tenant to sign in to
    --cloud NAME     AzureCloud (default), AzureUSGovernment or AzureChinaCloud (or AZURE_CLOUD)
    --version        print the version
    --help           print this help

  Run without a screen
    --scenario ID      the scenario (aml-identity run --scenario x lists them)
    --subscription S   subscription ID or name
    --workspace W      workspace name or resource ID
    --answers FILE     YAML or JSON: one key per question, e.g. registry: /subscriptions/…
    --resume ID        run: carry on a saved session (from the wizard or an earlier run): its
                       scenario, workspace and answers; the steps it finished are not redone
    --yes              carry out the plan
    --dry-run          print the plan and the preflight only, even with --yes (the same as plan)
    --force            export: replace files of an earlier export that differ
    --json             one JSON event per line on stdout; human progress on stderr
    --demo             against the built-in demo tenant
    Exit codes: 0 done, 1 a step failed, 2 bad usage or input, 3 stopped resumably
    (e.g. waiting on identity replication), 130 interrupted.

  Demo presets (aml-identity demo --reset --preset NAME)
${presetHelpLines()}
  Environment
    AML_IDENTITY_HOME    where sessions and the demo tenant are kept
                         (default: your user config directory)
    AML_IDENTITY_DEMO_LATENCY_MS   demo tenant: delay added to every response (default 0)
    AML_IDENTITY_DEMO_LRO_MS       demo tenant: how long long-running operations take (default 2000)
    AML_IDENTITY_DEMO_FAULTS       demo tenant: Azure's faults on demand, e.g. "429:times=2:retryAfter=8;drop:times=1"
    AML_IDENTITY_DEMO_FAULT_SEED   demo tenant: seed for the faults' probabilities and jitter (default 1)
    AML_IDENTITY_DEMO_SCALE=large  demo tenant: 50 subscriptions and 2,000 workspaces (takes
                                   effect when the tenant is made: a new home, or demo --reset)

  Keys: arrows or j/k move · / filter · Enter select · Esc back · q or Ctrl+C quit (the session is kept)
`;

export function printAndExit(what: 'version' | 'help'): never {
	const {version, description} = JSON.parse(readFileSync(join(packageDirectory(), 'package.json'), 'utf8')) as {version: string; description: string};
	process.stdout.write(what === 'version' ? `${version}\n` : `\n  ${description}\n\n${help.replace(/^\n+|\s+$/g, '')}\n\n`);
	process.exit(0);
}
