#!/usr/bin/env node
import {appendFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {join, resolve} from 'node:path';
import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';
import {homeDirectory, emulatorDirectory, sessionsDirectory} from '../src/paths.js';
import {printAndExit} from './help.js';
import type {SessionListing} from '../src/session/session-files.js';

/**
 * V8's heap sized for a short run rather than a server (issue 6: a whole demo run peaked at
 * 117-130 MB). Set from inside, so that it holds however the binary is launched (`aml-identity`, or
 * `node dist/bundle/aml-identity.js` as the tests and the benchmark run it), with no second process:
 * - the young generation doubles from 1 MB up to 16 MB per semi-space as a process allocates, and a
 *   demo run touched both 16 MB halves (about 20 MB of its peak) to save a few scavenges; a growth
 *   factor of 1 keeps it where it is (on the command line V8 raises a factor below 2 to 2 as it
 *   sizes the heap; set later, it is read as is);
 * - --optimize-for-size makes the old generation grow in smaller steps and full collections give
 *   memory back (about 10 MB of the peak).
 */
function sizeHeapForAShortRun(): void {
	v8.setFlagsFromString('--semi-space-growth-factor=1');
	v8.setFlagsFromString('--optimize-for-size');
}

/**
 * The wizard keeps V8's defaults until its first frame is on screen: start-up compiles most of the
 * code, and under the settings above it took about 25 ms longer. Then one full collection under
 * them gives back what start-up grew (the young generation back to 1 MB); it runs while the
 * Welcome screen waits for a key. gc() is only on a new context's global once --expose-gc is set.
 */
function sizeHeapAfterFirstFrame(): void {
	sizeHeapForAShortRun();
	v8.setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
}


// Node's own argument parser: nothing to load at start-up.
const stringFlags = ['resume', 'trace', 'auth', 'tenant', 'cloud', 'output', 'port', 'scenario', 'subscription', 'workspace', 'answers', 'preset', 'pace'] as const;
const booleanFlags = ['reset', 'yes', 'dry-run', 'json', 'demo', 'force', 'explain', 'autoplay', 'help', 'version'] as const;

function parseCommandLine(argv: readonly string[]) {
	// --resume alone (no ID) means "the saved sessions"; --no-explain turns narration off.
	const args: string[] = [];
	let noExplain = false;
	argv.forEach((arg, index) => {
		if (arg === '--no-explain') noExplain = true;
		else if (arg === '--resume' && (argv[index + 1] === undefined || argv[index + 1]!.startsWith('-'))) args.push('--resume=');
		else args.push(arg);
	});
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: Object.fromEntries([
				...stringFlags.map((name) => [name, {type: 'string' as const}]),
				...booleanFlags.map((name) => [name, {type: 'boolean' as const}]),
			]),
		});
	} catch (error) {
		process.stderr.write(`aml-identity: ${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '.')} Run aml-identity --help to see the options.\n`);
		process.exit(2);
	}
	const values = parsed.values as Record<string, string | boolean | undefined>;
	if (values['help']) printAndExit('help');
	if (values['version']) printAndExit('version');
	const text = (name: (typeof stringFlags)[number]) => values[name] as string | undefined;
	const flag = (name: (typeof booleanFlags)[number]) => values[name] === true;
	return {
		input: parsed.positionals,
		flags: {
			resume: text('resume'),
			trace: text('trace'),
			auth: text('auth'),
			tenant: text('tenant'),
			cloud: text('cloud'),
			output: text('output'),
			port: text('port'),
			scenario: text('scenario'),
			subscription: text('subscription'),
			workspace: text('workspace'),
			answers: text('answers'),
			preset: text('preset'),
			pace: text('pace'),
			reset: flag('reset'),
			yes: flag('yes'),
			dryRun: flag('dry-run'),
			json: flag('json'),
			demo: flag('demo'),
			force: flag('force'),
			explain: noExplain ? false : values['explain'] === true ? true : undefined,
			autoplay: flag('autoplay'),
		},
	};
}

const cli = parseCommandLine(process.argv.slice(2));

function fail(message: string, code = 2): never {
	process.stderr.write(`aml-identity: ${message}\n`);
	process.exit(code);
}

const [command = 'wizard', ...extra] = cli.input;
if (!['wizard', 'demo', 'emulator', 'run', 'plan', 'export', 'undo'].includes(command) || extra.length > (command === 'undo' ? 1 : 0)) {
	fail(`unknown command "${cli.input.join(' ')}". Run aml-identity --help to see the commands.`);
}

const home = homeDirectory();

/** --auth, --tenant and --cloud for connectToAzure; until the device-code screen exists, the code goes to stderr. */
async function signInOptions() {
	const {parseAuthMethod} = await import('../src/azure/sign-in.js');
	let auth;
	try {
		auth = parseAuthMethod(cli.flags.auth);
	} catch (error) {
		fail((error as Error).message);
	}
	return {
		...(auth ? {auth} : {}),
		...(cli.flags.tenant ? {tenantId: cli.flags.tenant} : {}),
		...(cli.flags.cloud ? {cloud: cli.flags.cloud} : {}),
		onDeviceCode: (prompt: {message: string}) => process.stderr.write(`${prompt.message}\n`),
	};
}

/** The demo tenant's settings, from the environment (AML_IDENTITY_DEMO_*). */
function demoTenantOptions() {
	const milliseconds = (name: string): number | undefined => {
		const value = process.env[name];
		if (value === undefined || value === '') return undefined;
		if (!/^\d+$/.test(value)) fail(`${name}="${value}" is not a number of milliseconds: use a whole number such as 0 or 2000.`);
		return Number(value);
	};
	const scale = process.env['AML_IDENTITY_DEMO_SCALE'];
	if (scale !== undefined && scale !== '' && scale !== 'default' && scale !== 'large') {
		fail(`AML_IDENTITY_DEMO_SCALE="${scale}" is not a scale: use default or large (50 subscriptions, 2,000 workspaces; takes effect on a new or reset demo tenant).`);
	}
	const lroDurationMs = milliseconds('AML_IDENTITY_DEMO_LRO_MS');
	const latencyMs = milliseconds('AML_IDENTITY_DEMO_LATENCY_MS');
	// Checked when the demo tenant starts (src/emulator/faults.ts), where a bad spec names its bad part.
	const faults = process.env['AML_IDENTITY_DEMO_FAULTS'] || undefined;
	const seedText = process.env['AML_IDENTITY_DEMO_FAULT_SEED'];
	if (seedText && !/^\d+$/.test(seedText)) fail(`AML_IDENTITY_DEMO_FAULT_SEED="${seedText}" is not a seed: use a whole number such as 1 or 42.`);
	const faultSeed = seedText ? Number(seedText) : undefined;
	return {
		...(faults ? {faults} : {}),
		...(faultSeed === undefined ? {} : {faultSeed}),
		stateDir: emulatorDirectory(home),
		...(lroDurationMs === undefined ? {} : {lroDurationMs}),
		...(latencyMs === undefined ? {} : {latencyMs}),
		...(scale === 'large' || scale === 'default' ? {scale: scale as 'default' | 'large'} : {}),
	};
}

/** --trace FILE: checked before anything starts, so a bad path fails at once. */
async function traceSink() {
	if (!cli.flags.trace) return undefined;
	try {
		appendFileSync(cli.flags.trace, '', {mode: 0o600});
	} catch (error) {
		fail(`cannot write the trace file "${cli.flags.trace}": ${(error as Error).message}. Choose a writable path.`);
	}
	const {traceFileSink} = await import('../src/azure/pipeline.js');
	return traceFileSink(cli.flags.trace);
}

async function runEmulator(): Promise<void> {
	const port = Number(cli.flags.port ?? 0);
	if (!/^\d+$/.test(cli.flags.port ?? '0') || port > 65535) {
		fail(`--port "${cli.flags.port}" is not a port number: use 1 to 65535, or 0 (the default) for any free port.`);
	}
	const {startEmulator} = await import('../src/emulator/index.js');
	let emulator;
	try {
		emulator = await startEmulator({stateDir: emulatorDirectory(home), port});
	} catch (error) {
		const {toAzureFailure} = await import('../src/azure/errors.js');
		const {nextStepForCommand} = await import('../src/azure/next-steps.js');
		const failure = toAzureFailure(error);
		fail(`the emulator could not start (${failure.code}): ${failure.message}\n→ ${nextStepForCommand(failure)}`, 1);
	}
	process.stdout.write(
		[
			`Azure emulator (demo tenant) listening on ${emulator.url}`,
			`CA certificate: ${emulator.caCertPath ?? '(in memory)'}`,
			`Try: curl --cacert ${emulator.caCertPath} -H "Authorization: Bearer demo" "${emulator.url}/subscriptions?api-version=2022-12-01"`,
			'Press Ctrl+C to stop.',
			'',
		].join('\n'),
	);
	const stop = () => void emulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

async function resetDemo(): Promise<void> {
	const {resetEmulatorState, findPreset, PRESETS} = await import('../src/emulator/index.js');
	const name = cli.flags.preset;
	const preset = name === undefined ? undefined : findPreset(name);
	if (name !== undefined && !preset) fail(`there is no preset "${name}". Presets: ${PRESETS.map((candidate) => candidate.name).join(', ')} (aml-identity --help describes them).`);
	resetEmulatorState(emulatorDirectory(home), name, demoTenantOptions().scale);
	process.stdout.write(`The demo tenant is back to its starting state (${emulatorDirectory(home)}).\n`);
	if (preset) process.stdout.write(`Preset ${preset.name}: ${preset.description}\n`);
}

async function runWizard(mode: 'demo' | 'azure'): Promise<void> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		fail(
			'the wizard needs an interactive terminal, and stdin or stdout is not one. Run it in a terminal (not through a pipe or CI); see aml-identity --help.',
		);
	}
	const trace = await traceSink();
	const demoOptions = mode === 'demo' ? demoTenantOptions() : undefined;
	// The demo's Welcome screen is drawn before Ink and the screens load, from a few small modules;
	// Ink draws the same lines over it when it is ready, and keys typed meanwhile reach it.
	let initialListing: SessionListing | undefined;
	let firstFrame: {handOver(): void} | undefined;
	if (demoOptions && cli.flags.resume === undefined) {
		const [{drawWelcomeFrame}, {listSessionFiles}, demo] = await Promise.all([
			import('../screens/first-frame.js'),
			import('../src/session/session-files.js'),
			import('../src/emulator/demo-tenant.js'),
		]);
		initialListing = listSessionFiles(sessionsDirectory(home));
		const user = {name: demo.DEMO_TENANT.user.name, account: demo.DEMO_TENANT.user.upn};
		firstFrame = drawWelcomeFrame({mode: 'demo', user, connectionLabel: demo.DEMO_LABEL, listing: initialListing}, process);
	}
	// The run and summary screens show the requests behind each step (b), from memory only.
	const {RequestLog, combineSinks} = await import('../src/azure/request-log.js');
	const requestLog = new RequestLog();
	const observers = combineSinks(trace, requestLog.sink);
	const connectionFailure = async (error: unknown): Promise<string> => {
		const {toAzureFailure} = await import('../src/azure/errors.js');
		const {nextStepForCommand} = await import('../src/azure/next-steps.js');
		const failure = toAzureFailure(error);
		const what = mode === 'demo' ? 'could not start the demo tenant' : 'could not sign in to Azure';
		return `${what} (${failure.code}): ${failure.message}\n→ ${nextStepForCommand(failure)}`;
	};

	// The screens first: in demo mode the first one is drawn while the tenant starts behind it.
	// react is CommonJS: its module.exports is the default export (in Node and in the bundle alike).
	const [{render}, {default: {createElement}}, {App}, {SessionStore}, {DEMO_TENANT, DEMO_LABEL}, {deferredGateway}] = await Promise.all([
		import('ink'),
		import('react'),
		import('../screens/App.js'),
		import('../src/session/session-store.js'),
		import('../src/emulator/demo-tenant.js'),
		import('../src/azure/deferred-gateway.js'),
	]);
	const store = new SessionStore(sessionsDirectory(home));
	const resumeCommand = mode === 'demo' ? 'aml-identity demo --resume' : 'aml-identity --resume';
	if (cli.flags.resume) {
		const saved = store.find(cli.flags.resume);
		if (!saved) fail(`there is no saved session "${cli.flags.resume}" in ${store.directory}. Run ${resumeCommand} (no ID) to see the saved sessions.`);
		if (saved.mode !== mode) {
			fail(`session ${saved.id} was made in ${saved.mode === 'demo' ? 'demo mode' : 'Azure'}: resume it with ${saved.mode === 'demo' ? 'aml-identity demo' : 'aml-identity'} --resume ${saved.id}.`);
		}
	}

	type Outcome = Parameters<Parameters<typeof App>[0]['onExit']>[0];
	let outcome: Outcome | undefined;
	const resume = cli.flags.resume === undefined ? undefined : cli.flags.resume === '' ? true : cli.flags.resume;
	const wizard = (connection: Parameters<typeof App>[0]['connection']) =>
		createElement(App, {
			connection,
			store,
			...(initialListing ? {initialListing} : {}),
			outputDirectory: resolve(cli.flags.output ?? 'aml-identity-output'),
			...(resume === undefined ? {} : {resume}),
			// meow reads an absent boolean as false: only --explain or --no-explain overrides the mode's default.
			...(process.argv.some((arg) => arg === '--explain' || arg === '--no-explain') ? {explain: cli.flags.explain} : {}),
			requestLog,
			onExit: (value: Outcome) => {
				outcome = value;
			},
		});

	type Started = {close(): Promise<void>};
	let started: Promise<Started>;
	let root;
	if (demoOptions) {
		let startTenant!: () => void;
		const tenant = new Promise<void>((resolveStart) => (startTenant = resolveStart)).then(async () => {
			const {connectToDemoTenant} = await import('../src/azure/connect.js');
			return connectToDemoTenant({...demoOptions, trace: observers});
		});
		started = tenant;
		root = wizard({
			gateway: deferredGateway(tenant.then((connected) => connected.gateway)),
			user: {name: DEMO_TENANT.user.name, account: DEMO_TENANT.user.upn, tenantId: DEMO_TENANT.tenantId, objectId: DEMO_TENANT.user.objectId},
			label: DEMO_LABEL,
			mode: 'demo' as const,
		});
		// After the first frame is on screen (a macrotask later), not before.
		setTimeout(startTenant, 0);
	} else {
		// Signing in happens on screen: what is tried, a device code when asked for, the tenant, failures with their fixes.
		const [{connectToAzure}, {SignIn}, options] = await Promise.all([import('../src/azure/connect.js'), import('../screens/SignIn.js'), signInOptions()]);
		const lastUsed = store.list().sessions.find((session) => session.mode === 'azure' && session.choices.subscription)?.choices.subscription?.id;
		// A resumed session signs in to the tenant it was made in (unless --tenant says otherwise).
		const resumedTenant = typeof resume === 'string' && !cli.flags.tenant ? store.find(resume)?.choices.tenantId : undefined;
		started = Promise.resolve({close: async () => {}});
		root = createElement(SignIn, {
			signIn: (request) =>
				connectToAzure({
					...options,
					...(request.deviceCode ? {auth: 'device-code' as const} : {}),
					...(resumedTenant ? {tenantId: resumedTenant} : {}),
					...(request.tenantId ? {tenantId: request.tenantId} : {}),
					onDeviceCode: request.onDeviceCode,
					abortSignal: request.signal,
					trace: observers,
					...(cli.flags.subscription ? {subscription: cli.flags.subscription} : {}),
					...(lastUsed ? {lastUsedSubscriptionId: lastUsed} : {}),
				}),
			tenantChosen: Boolean(cli.flags.tenant ?? resumedTenant),
			onQuit: (reason) => {
				outcome = {kind: 'quit', reason};
				instance.unmount();
			},
			children: (connection) => wizard(connection),
		});
	}
	firstFrame?.handOver();
	// maxFps: Ink draws a frame at most every 1000/maxFps ms and holds a change back until then. At
	// its default (30) a key typed right after a frame waited up to 34 ms for its own (filtering a
	// long list: 40–60 ms a key); at 250 the wait is at most 4 ms. Nothing here changes the screen
	// that often on its own (spinners 12.5 times a second, pages of a list 10), so only the wait goes.
	const instance = render(root, {exitOnCtrlC: false, maxFps: 250});
	setTimeout(sizeHeapAfterFirstFrame, 0);
	// The demo tenant could not start (a damaged state file, say): leave the screen, say why and what to do.
	started.catch(async (error: unknown) => {
		const message = await connectionFailure(error);
		instance.unmount();
		fail(message, 1);
	});
	await instance.waitUntilExit();
	await started.then((tenant) => tenant.close(), () => new Promise(() => {})); // on failure, the handler above exits

	if (outcome?.kind === 'quit') {
		process.stdout.write(
			outcome.sessionId
				? `Session ${outcome.sessionId} is saved. Resume it with: ${resumeCommand} ${outcome.sessionId}\n`
				: outcome.fromSessions
					? `The saved sessions are kept: ${resumeCommand} lists them.\n`
					: 'Nothing was chosen yet, so there is nothing to resume. Bye.\n',
		);
		process.exitCode = outcome.reason === 'interrupt' ? 130 : 0;
	} else if (outcome?.kind === 'failed') {
		process.stdout.write(`The run stopped at a failed step; session ${outcome.sessionId} is saved. Retry with: ${resumeCommand} ${outcome.sessionId}\n`);
		process.exitCode = 1;
	} else {
		process.exitCode = 0;
	}
	// A quit during a run leaves the SDK's poll timers behind: Azure finishes the operation
	// without us, and the next run checks before it writes. Nothing is left to flush.
	process.exit();
}

async function runWithoutScreen(action: 'run' | 'plan' | 'export'): Promise<void> {
	const {readFileSync} = await import('node:fs');
	const YAML = (await import('yaml')).default;
	let answers: Record<string, unknown> = {};
	if (cli.flags.answers) {
		let parsed: unknown;
		try {
			parsed = YAML.parse(readFileSync(cli.flags.answers, 'utf8'));
		} catch (error) {
			fail(`cannot read the answers file "${cli.flags.answers}": ${(error as Error).message}. Give a YAML or JSON file with one key per question.`);
		}
		if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
			fail(`the answers file "${cli.flags.answers}" must hold keys and values (a YAML mapping or JSON object), not ${Array.isArray(parsed) ? 'a list' : typeof parsed}.`);
		}
		answers = (parsed ?? {}) as Record<string, unknown>;
	}
	// A saved answers file may also say where to run (scenario, subscription, workspace); flags win.
	const {splitAnswersFile} = await import('../src/headless/answers-file.js');
	const {place, answers: questionAnswers} = splitAnswersFile(answers);
	answers = questionAnswers;
	const scenarioId = cli.flags.scenario ?? place.scenario;
	const subscription = cli.flags.subscription ?? place.subscription;
	const workspace = cli.flags.workspace ?? place.workspace;
	const trace = await traceSink();
	const {connectToAzure, connectToDemoTenant} = await import('../src/azure/connect.js');
	const {SessionStore} = await import('../src/session/session-store.js');
	const {runHeadless, exportHeadless, exitCodes} = await import('../src/headless/run.js');
	const resumeId = action === 'export' ? undefined : cli.flags.resume;
	if (resumeId === '') fail(`${action} --resume needs the session's ID: aml-identity ${action} --resume <ID> --yes (aml-identity --resume lists them).`);
	// A resumed session says where it runs: the demo tenant or Azure.
	const store = new SessionStore(sessionsDirectory(home));
	const demo = resumeId ? (store.find(resumeId)?.mode ?? (cli.flags.demo ? 'demo' : 'azure')) === 'demo' : cli.flags.demo;
	const connection = demo
		? await connectToDemoTenant({...demoTenantOptions(), ...(trace ? {trace} : {})}).catch(async (error: unknown) => {
				// An expected failure to start (a bad AML_IDENTITY_DEMO_FAULTS, an unreadable tenant): its reason and fix, no stack.
				const {nextStepForCommand} = await import('../src/azure/next-steps.js');
				const {toAzureFailure} = await import('../src/azure/errors.js');
				return fail(`${(error as Error).message}\n→ ${nextStepForCommand(toAzureFailure(error))}`);
			})
		: await connectToAzure({...(await signInOptions()), ...(trace ? {trace} : {}), ...(subscription ? {subscription} : {})});
	process.on('SIGINT', () => {
		// Every step's state is already journaled: a new run (or the wizard's resume) carries on.
		process.stderr.write('Interrupted: the session is saved; carry on with aml-identity run --resume <ID> --yes (aml-identity --resume lists the sessions).\n');
		process.exit(exitCodes.interrupted);
	});
	const json = cli.flags.json;
	const where = {...(scenarioId ? {scenarioId} : {}), ...(subscription ? {subscription} : {}), ...(workspace ? {workspace} : {}), answers};
	const io = {
		log: (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`),
		...(json ? {event: (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`)} : {}),
	};
	const code =
		action === 'export'
			? await exportHeadless(
					{...where, outputDirectory: resolve(cli.flags.output ?? 'aml-identity-export'), overwrite: cli.flags.force, generatedAt: new Date()},
					{gateway: connection.gateway, signedInUser: connection.user},
					io,
				)
			: await runHeadless(
					{
						...where,
						confirmed: action === 'run' && cli.flags.yes && !cli.flags.dryRun,
						outputDirectory: resolve(cli.flags.output ?? 'aml-identity-output'),
						...(resumeId ? {resumeSessionId: resumeId} : {}),
					},
					{gateway: connection.gateway, store, mode: connection.mode, signedInUser: connection.user},
					io,
				);
	await connection.close();
	process.exit(code);
}

async function undo(sessionId: string | undefined): Promise<void> {
	const {SessionStore} = await import('../src/session/session-store.js');
	const store = new SessionStore(sessionsDirectory(home));
	if (!sessionId) {
		const {sessions} = store.list();
		const recent = sessions.slice(0, 5).map((session) => `  ${session.id}  ${session.mode === 'demo' ? 'demo · ' : ''}${session.choices.scenarioId ?? 'no scenario'} · ${session.status}`);
		fail(`which session? Give its ID: aml-identity undo <ID>.${recent.length ? `\nRecent sessions:\n${recent.join('\n')}` : ' There are no saved sessions.'}`);
	}
	const record = store.find(sessionId);
	if (!record) fail(`there is no saved session "${sessionId}" in ${store.directory}. Run aml-identity undo (no ID) to list recent ones.`);
	const {connectToAzure, connectToDemoTenant} = await import('../src/azure/connect.js');
	const connection =
		record.mode === 'demo'
			? await connectToDemoTenant(demoTenantOptions())
			: await connectToAzure(await signInOptions());
	const {undoSession} = await import('../src/undo/run-undo.js');
	const json = cli.flags.json;
	const interactive = !json && process.stdin.isTTY && process.stdout.isTTY;
	process.on('SIGINT', () => {
		process.stderr.write(`Interrupted: run aml-identity undo ${sessionId} again to carry on.\n`);
		process.exit(130);
	});
	const code = await undoSession(
		sessionId,
		{gateway: connection.gateway, store},
		{confirmed: cli.flags.yes},
		{
			log: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
			...(json ? {event: (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`)} : {}),
			...(interactive
				? {
						confirm: async (question: string) => {
							const {createInterface} = await import('node:readline/promises');
							const prompt = createInterface({input: process.stdin, output: process.stdout});
							const answer = await prompt.question(`${question} [y/N] `);
							prompt.close();
							return /^y(es)?$/i.test(answer.trim());
						},
					}
				: {}),
		},
	);
	await connection.close();
	process.exit(code);
}

/** demo --autoplay: the wizard's screens driven by a tour per scenario (src/autoplay), the presenter's keys steering it. */
async function runAutoplay(): Promise<void> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) fail('autoplay shows the wizard: run it in a terminal (not through a pipe or CI).');
	const pace = Number(cli.flags.pace ?? '1.5');
	if (!Number.isFinite(pace) || pace < 0 || pace > 60) fail(`--pace "${cli.flags.pace}" is not a number of seconds: use 0 to 60, e.g. --pace 2.`);
	const {scenarios, findScenario} = await import('../src/scenarios/index.js');
	if (cli.flags.scenario && !findScenario(cli.flags.scenario)) fail(`--scenario "${cli.flags.scenario}" is not a scenario. Choose one of: ${scenarios.map((scenario) => scenario.id).join(', ')}.`);
	const tourIds = cli.flags.scenario ? [cli.flags.scenario] : scenarios.map((scenario) => scenario.id);
	const {readFileSync} = await import('node:fs');
	const {stripVTControlCharacters} = await import('node:util');
	const {PassThrough} = await import('node:stream');
	const YAML = (await import('yaml')).default;
	const {packageDirectory} = await import('../src/package-directory.js');
	const examples = join(packageDirectory(), 'examples', 'answers');
	// react is CommonJS: its module.exports is the default export (in Node and in the bundle alike).
	const [{render}, {default: {createElement}}, {App}, {Autoplay}, {SessionStore}, {AutoplayControl, AutoplayStopped, playTour}, {buildTour}, {connectToDemoTenant}, {RequestLog}] = await Promise.all([
		import('ink'),
		import('react'),
		import('../screens/App.js'),
		import('../screens/Autoplay.js'),
		import('../src/session/session-store.js'),
		import('../src/autoplay/player.js'),
		import('../src/autoplay/tour.js'),
		import('../src/azure/connect.js'),
		import('../src/azure/request-log.js'),
	]);
	const requestLog = new RequestLog();
	const connection = await connectToDemoTenant({...demoTenantOptions(), trace: requestLog.sink});
	const store = new SessionStore(sessionsDirectory(home));
	const outputDirectory = resolve(cli.flags.output ?? 'aml-identity-output');
	const control = new AutoplayControl();

	// The presenter's keys steer the tour; the wizard hears only the tour's.
	process.stdin.setRawMode(true);
	process.stdin.setEncoding('utf8');
	process.stdin.on('data', (key: string) => {
		if (key === ' ') control.togglePause();
		else if (/^\u001B\[[ABCD]$/.test(key)) control.step();
		else if (key === 'q' || key === '\u0003') control.stop();
	});
	// The frame as text: Ink writes each frame whole, after erasing the last one.
	let frame = '';
	const frameListeners = new Set<() => void>();
	const write = process.stdout.write.bind(process.stdout);
	process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
		const text = stripVTControlCharacters(String(chunk));
		if (text.trim()) {
			frame = text;
			for (const listener of frameListeners) listener();
		}
		return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
	}) as typeof process.stdout.write;

	let failure: unknown;
	let played = 0;
	for (const [index, scenarioId] of tourIds.entries()) {
		if (control.isStopped) break;
		const answersFile = YAML.parse(readFileSync(join(examples, `${scenarioId}.yaml`), 'utf8')) as Record<string, unknown>;
		const tour = await buildTour(answersFile, connection.gateway, {outputDirectory, signedInUser: connection.user});
		const keys = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => {}, ref: () => {}, unref: () => {}});
		keys.setEncoding('utf8');
		const instance = render(
			createElement(Autoplay, {
				control,
				tourLabel: `${scenarioId}${tourIds.length > 1 ? ` (${index + 1} of ${tourIds.length})` : ''}`,
				children: createElement(App, {connection, store, outputDirectory, requestLog, onExit: () => {}}),
			}),
			{stdin: keys as unknown as NodeJS.ReadStream, exitOnCtrlC: false, maxFps: 250},
		);
		let closed = false;
		const exited = instance.waitUntilExit().then(() => {
			closed = true;
		});
		const screen = {
			isClosed: () => closed,
			text: () => frame,
			send: (sequence: string) => void keys.write(sequence),
			nextFrame: (timeoutMs: number) =>
				new Promise<void>((done) => {
					const finish = () => {
						clearTimeout(timer);
						frameListeners.delete(finish);
						done();
					};
					const timer = setTimeout(finish, timeoutMs);
					frameListeners.add(finish);
				}),
		};
		try {
			await playTour(tour, screen, {pace, control});
			played++;
		} catch (error) {
			// Stopped, or the screens went somewhere the tour did not expect: quit the wizard (the session is kept).
			if (!(error instanceof AutoplayStopped)) failure = error;
			keys.write('\u0003');
		}
		await exited;
		if (failure) break;
	}
	process.stdout.write = write;
	await connection.close();
	if (failure) fail(`autoplay stopped: ${failure instanceof Error ? failure.message : String(failure)}`, 1);
	process.stdout.write(control.isStopped ? `Autoplay stopped after ${played} of ${tourIds.length} scenarios.\n` : `Autoplay played ${played} scenario${played === 1 ? '' : 's'}.\n`);
	process.exit(0);
}

try {
	// The wizard sizes the heap after its first frame (runWizard); every other command from the start.
	if (['emulator', 'undo', 'run', 'plan', 'export'].includes(command) || cli.flags.reset || cli.flags.autoplay) sizeHeapForAShortRun();
	if (command === 'emulator') await runEmulator();
	else if (command === 'undo') await undo(extra[0]);
	else if (command === 'run' || command === 'plan' || command === 'export') await runWithoutScreen(command);
	else if (command === 'demo' && cli.flags.reset) await resetDemo();
	else if (command === 'demo' && cli.flags.autoplay) await runAutoplay();
	else if (cli.flags.preset !== undefined) fail('--preset sets up the demo tenant afresh: use it with aml-identity demo --reset --preset NAME.');
	else await runWizard(command === 'demo' ? 'demo' : 'azure');
} catch (error) {
	// Only bugs get here: expected failures are handled where they happen, with a next step.
	process.stderr.write(`aml-identity: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
	process.exitCode = 70;
}
