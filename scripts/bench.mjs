// The performance benchmark (issue 6): runs the real, bundled binary as whole processes and prints
// one table of medians and spreads (min–max). Not a test: `npm test` never runs it.
//
// Usage: npm run bench [-- --runs N] [-- --quick] [-- --bin PATH] [-- --scenario ID ...]
//   --runs N      runs of each measurement (default 5); --quick is --runs 1
//   --bin PATH    the binary to measure (default dist/bundle/aml-identity.js; dist/bin/… is tsc's)
//   --scenario ID only these scenarios (the names of examples/answers/*.yaml; repeatable)
//   --only PART   only these parts (repeatable): start-up, frame, memory, lists, scenarios
//
// What it measures, each in a fresh process:
//   --version, --help   wall time from spawn to exit.
//   first frame         `demo` in a pseudo-terminal (scripts/pty-run.py: Python's pty, since Node
//                       has none without a native module): from spawn until the Welcome screen's
//                       text has been written and the terminal is in raw mode (accepting keys).
//                       "new home": a fresh AML_IDENTITY_HOME (the demo tenant is made); "home":
//                       the same home again.
//   first key answered  from spawn until a key sent the moment the first frame is up (j: down to
//                       Quit) shows on screen: the frame is drawn before Ink has loaded and keeps
//                       the key until the Ink screen takes it over.
//   peak memory         peak RSS (wait4's ru_maxrss) of a whole demo run in the pseudo-terminal:
//                       Welcome → subscription → workspace → "disable the ACR admin user" → run →
//                       summary → exit.
//   scenarios           `run --demo --answers examples/answers/<s>.yaml --yes --json --trace F`
//                       in a fresh home, the emulator adding 100 ms to every response
//                       (AML_IDENTITY_DEMO_LATENCY_MS) and taking 2 s for every long-running
//                       operation (AML_IDENTITY_DEMO_LRO_MS). From the trace:
//     requests         every request sent (each retry and poll included).
//     needed           the requests the plan needs: every request less the reads the run already
//                      had the answer to: a GET of a URL (path case-insensitive, api-version aside)
//                      answered before this one was sent, with no write (PUT, PATCH, POST, DELETE)
//                      sent between the two reads' sending, nor still running when the first was
//                      sent (steps run at once: by time, not by order in the trace). A
//                      long-running operation's polls (GETs of a URL an earlier answer named in its
//                      Azure-AsyncOperation, Operation-Location or Location header) are all needed:
//                      each asks whether the operation has finished.
//     wall             spawn to exit.
//     start-up         spawn to the first request (loading, the demo tenant starting).
//     run              the first request to exit: what the scenario itself took.
//     critical path    the longest chain of calls that must happen one after another: the reads
//                      before any step (choices, plan, preflight: the time one was in flight),
//                      then the longest chain of steps by the plan's dependencies (`after`, in
//                      the run's --json plan event), each step weighing the time its requests
//                      and long-running operations took (from the write to its last poll).
//     ratio            run / critical path (budget: ≤ 1.15): what the tool adds to Azure's time.
//     poll interval    the median time between two polls of one operation (the emulator asks for
//                      Retry-After: 1 s).
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const {values} = parseArgs({
	options: {
		runs: {type: 'string', default: '5'},
		quick: {type: 'boolean', default: false},
		bin: {type: 'string', default: join(root, 'dist/bundle/aml-identity.js')},
		scenario: {type: 'string', multiple: true},
		only: {type: 'string', multiple: true},
	},
});
const parts = ['start-up', 'frame', 'memory', 'lists', 'scenarios'];
for (const part of values.only ?? []) {
	if (!parts.includes(part)) throw new Error(`--only ${part}: not a part of the benchmark; the parts are ${parts.join(', ')}`);
}
const measures = (part) => !values.only || values.only.includes(part);
const runs = values.quick ? 1 : Number(values.runs);
const bin = values.bin;
const LATENCY_MS = 100;
const LRO_MS = 2000;

// The program runs as a user would: no CI markers (Ink would draw only the last frame), no test runner.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CI|CI_.*|CONTINUOUS_INTEGRATION|NODE_ENV|VITEST.*|TMUX.*)$/.test(name)));
baseEnv.TERM = 'xterm-256color';
baseEnv.FORCE_COLOR = '0';

const homes = [];
function freshHome() {
	const home = mkdtempSync(join(tmpdir(), 'aml-bench-'));
	homes.push(home);
	return home;
}
process.on('exit', () => {
	for (const home of homes) rmSync(home, {recursive: true, force: true});
});

function timedRun(args, env) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const startedAt = Date.now();
		const child = spawn(process.execPath, [bin, ...args], {env: {...baseEnv, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ms: performance.now() - started, startedAt, exitedAt: Date.now(), code, stdout, stderr}));
	});
}

/**
 * The critical path of a traced run: the longest chain of calls that must happen one after
 * another. The plan says which steps wait for which (`after` in the run's plan event); a step
 * weighs the time its own requests and long-running operations took (overlaps counted once), and
 * the reads made before any step (choices, plan, preflight) come first. Without step IDs in the
 * trace (an older binary), the time at least one request was in flight.
 */
function criticalPath(entries, planSteps) {
	const requests = entries.map((entry) => ({...entry, start: Date.parse(entry.time), end: Date.parse(entry.time) + entry.durationMs}));
	const spans = requests.map((request) => ({start: request.start, end: request.end, step: request.step}));
	for (const request of requests) {
		const headers = Object.fromEntries(Object.entries(request.responseHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
		const operationUrl = (request.status === 201 || request.status === 202) && request.method !== 'GET' ? (headers['azure-asyncoperation'] ?? headers['location']) : undefined;
		if (!operationUrl) continue;
		const polls = requests.filter((poll) => poll.method === 'GET' && poll.url === operationUrl && poll.start >= request.end);
		if (polls.length > 0) spans.push({start: request.start, end: Math.max(...polls.map((poll) => poll.end)), step: request.step});
	}
	const covered = (list) => {
		const sorted = [...list].sort((a, b) => a.start - b.start);
		let total = 0;
		let until = -Infinity;
		for (const {start, end} of sorted) {
			if (end <= until) continue;
			total += end - Math.max(start, until);
			until = end;
		}
		return total;
	};
	const stepsKnown = planSteps && requests.some((request) => request.step);
	if (!stepsKnown) return {criticalMs: covered(spans), firstRequestAt: Math.min(...requests.map((request) => request.start))};
	const weight = (stepId) => covered(spans.filter((span) => span.step === stepId));
	const finish = new Map();
	for (const step of planSteps) finish.set(step.id, weight(step.id) + Math.max(0, ...(step.after ?? []).map((id) => finish.get(id) ?? 0)));
	return {
		criticalMs: weight(undefined) + Math.max(0, ...finish.values()),
		firstRequestAt: Math.min(...requests.map((request) => request.start)),
	};
}

/** The plan event of a `run --json`: its steps with their dependencies. */
function planOf(stdout) {
	for (const line of stdout.split('\n')) {
		if (!line.startsWith('{')) continue;
		const event = JSON.parse(line);
		if (event.type === 'plan') return event.steps;
	}
	return undefined;
}

function inPty(steps, env) {
	const script = JSON.stringify({columns: 120, rows: 40, timeoutMs: 60_000, steps});
	const output = execFileSync('python3', [join(root, 'scripts/pty-run.py'), script, '--', process.execPath, bin, 'demo'], {
		env: {...baseEnv, ...env},
		encoding: 'utf8',
	});
	return JSON.parse(output);
}

const median = (list) => {
	const sorted = [...list].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const spread = (list, format) => (list.length > 1 ? `${format(Math.min(...list))}–${format(Math.max(...list))}` : '');
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const milliseconds = (ms) => `${Math.round(ms)} ms`;
const megabytes = (kb) => `${Math.round(kb / 1024)} MB`;

const rows = [];
function row(what, list, format, budget = '') {
	rows.push([what, format(median(list)), spread(list, format), budget]);
	process.stderr.write(`  ${what}: ${format(median(list))}\n`);
}

/** Requests, needed requests and poll intervals of one traced run (its critical path: criticalPath). */
function analyseTrace(entries) {
	const requests = entries.map((entry) => {
		const start = Date.parse(entry.time);
		const url = new URL(entry.url);
		url.searchParams.delete('api-version');
		return {...entry, start, end: start + entry.durationMs, key: `${url.pathname.replace(/\/{2,}/g, '/')}${url.search}`.toLowerCase(), rawUrl: entry.url};
	});
	// The trace is written as answers come in: by when each request was sent instead.
	requests.sort((a, b) => a.start - b.start);
	// Operation URLs, by path: a poll asks anew each time.
	const operations = new Set();
	const operationKey = (url) => new URL(url).pathname.replace(/\/{2,}/g, '/').toLowerCase();
	const writes = requests.filter((request) => request.method !== 'GET');
	// A read was not needed when the same read had been answered before it was sent, and no write
	// that could change the answer was sent from when that read was sent until this one.
	const hadTheAnswer = (read) =>
		requests.some(
			(earlier) =>
				earlier !== read &&
				earlier.method === 'GET' &&
				earlier.key === read.key &&
				earlier.end <= read.start &&
				!writes.some((write) => write.start < read.start && write.end > earlier.start),
		);
	let needed = 0;
	const pollTimes = new Map();
	for (const request of requests) {
		if (request.method !== 'GET' || operations.has(operationKey(request.rawUrl)) || !hadTheAnswer(request)) needed++;
		const headers = Object.fromEntries(Object.entries(request.responseHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
		for (const name of ['azure-asyncoperation', 'operation-location', 'location']) {
			if (headers[name]) operations.add(operationKey(new URL(headers[name], request.rawUrl).href));
		}
		const operationUrl = (request.status === 201 || request.status === 202) && request.method !== 'GET' ? (headers['azure-asyncoperation'] ?? headers['location']) : undefined;
		if (operationUrl) {
			const polls = requests.filter((poll) => poll.method === 'GET' && poll.rawUrl === operationUrl && poll.start >= request.end);
			pollTimes.set(operationUrl, polls.map((poll) => poll.start));
		}
	}
	const gaps = [...pollTimes.values()].flatMap((times) => times.slice(1).map((time, i) => time - times[i]));
	return {requests: requests.length, needed, pollGaps: gaps};
}

async function main() {
	process.stderr.write(`aml-identity benchmark: ${bin}, ${runs} run(s) each\n`);
	for (const flag of measures('start-up') ? ['--version', '--help'] : []) {
		const times = [];
		for (let i = 0; i < runs; i++) times.push((await timedRun([flag], {})).ms);
		row(`${flag}`, times, milliseconds, '≤ 150 ms');
	}

	// A key sent the moment the frame is up: the frame keeps it until the Ink screen takes it, so
	// "first key answered" (the pointer moved to Quit) shows how long that wait is.
	const welcome = [
		{waitFor: 'Start a new setup', mark: 'welcome', keys: 'j'},
		{waitFor: '❯ Quit', mark: 'answered', keys: 'q'},
	];
	for (const [label, reuse] of measures('frame') ? [['(new home)', false], ['(home)', true]] : []) {
		const frames = [];
		const answers = [];
		const home = freshHome();
		if (reuse) inPty(welcome, {AML_IDENTITY_HOME: home});
		for (let i = 0; i < runs; i++) {
			const {marks} = inPty(welcome, {AML_IDENTITY_HOME: reuse ? home : freshHome()});
			frames.push(marks['welcome:raw']);
			answers.push(marks['answered']);
		}
		row(`first interactive frame ${label}`, frames, milliseconds, '≤ 250 ms');
		row(`first key answered ${label}`, answers, milliseconds);
	}

	const walk = [
		{waitFor: 'Start a new setup', keys: '\r'},
		{waitFor: 'Contoso ML Production', keys: '/'},
		{waitFor: 'Filter:', keys: 'prod'},
		{waitFor: '1 of 3', keys: '\r'},
		{waitFor: '1 of 3', keys: '\r'},
		{waitFor: 'mlw-fraud-prod', keys: '/'},
		{waitFor: 'Filter:', keys: 'fraud'},
		{waitFor: '1 of 2', keys: '\r'},
		{waitFor: '1 of 2', keys: '\r'},
		{waitFor: 'What do you want to set up on mlw-fraud-prod?', keys: '\r'},
		{waitFor: 'No, go back', keys: '\x1b[B'},
		{waitFor: '❯ Yes, I do not deploy to ACI', keys: '\r'},
		{waitFor: 'Enter run the plan', keys: '\r'},
		{waitFor: 'complete and verified', keys: '\r'},
	].map((step) => ({...step, settleMs: 100}));
	const rss = [];
	for (let i = 0; measures('memory') && i < runs; i++) rss.push(inPty(walk, {AML_IDENTITY_HOME: freshHome(), AML_IDENTITY_DEMO_LRO_MS: '300'}).maxRssKb);
	if (rss.length) row('peak RSS, a whole demo run', rss, megabytes, '≤ 100 MB');

	// Lists at scale: "Contoso Scale 01" holds 1,000 workspaces (pages of 20), 100 ms per request.
	// first screenful: from Enter on the subscription to the first workspace row on screen.
	// filter, per key: from writing a key to the screen showing the filter with it (the pty sees
	// the frame as the program writes it), for each letter of "fraud" typed one at a time.
	const letters = [...'fraud'];
	const scaleWalk = [
		{waitFor: 'Start a new setup', keys: '\r'},
		{waitFor: 'Contoso Scale 01', keys: '/'},
		{waitFor: 'Filter:', keys: 'Scale 01'},
		{waitFor: '1 of', keys: '\r'},
		{waitFor: '1 of', keys: '\r', mark: 'chosen'},
		{waitFor: 'mlw-', mark: 'first-screenful', keys: '/'},
		...letters.map((letter, index) => ({waitFor: `Filter: ${letters.slice(0, index).join('')}`, mark: `key-${index}`, keys: letter})),
		{waitFor: `Filter: ${letters.join('')}`, mark: `key-${letters.length}`, keys: '\u0003'},
	];
	const firstScreenful = [];
	const perKey = [];
	for (let i = 0; measures('lists') && i < runs; i++) {
		const home = freshHome();
		const env = {AML_IDENTITY_HOME: home, AML_IDENTITY_DEMO_SCALE: 'large', AML_IDENTITY_DEMO_LATENCY_MS: String(LATENCY_MS)};
		const {marks} = inPty(scaleWalk, env);
		firstScreenful.push(marks['first-screenful'] - marks['chosen:raw']);
		for (let k = 1; k <= letters.length; k++) perKey.push(marks[`key-${k}`] - marks[`key-${k - 1}:raw`]);
	}
	if (firstScreenful.length) {
		row('lists at scale: first screenful of 1,000 workspaces', firstScreenful, milliseconds, '≤ 1 s');
		row('lists at scale: filtering, per key', perKey, milliseconds, '≤ 16 ms');
	}

	const answersDirectory = join(root, 'examples/answers');
	const scenarios = readdirSync(answersDirectory)
		.filter((name) => name.endsWith('.yaml'))
		.map((name) => name.replace(/\.yaml$/, ''))
		.filter((name) => measures('scenarios') && (!values.scenario || values.scenario.includes(name)));
	const scenarioRows = [];
	for (const scenario of scenarios) {
		const results = [];
		for (let i = 0; i < runs; i++) {
			const home = freshHome();
			const trace = join(home, 'trace.jsonl');
			const env = {AML_IDENTITY_HOME: home, AML_IDENTITY_DEMO_LATENCY_MS: String(LATENCY_MS), AML_IDENTITY_DEMO_LRO_MS: String(LRO_MS)};
			const run = await timedRun(['run', '--demo', '--answers', join(answersDirectory, `${scenario}.yaml`), '--yes', '--json', '--trace', trace], env);
			if (run.code !== 0) throw new Error(`${scenario}: exit code ${run.code}\n${run.stderr}`);
			const entries = readFileSync(trace, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
			const path = criticalPath(entries, planOf(run.stdout));
			// The run's own time: from its first request to its exit (start-up is measured above).
			results.push({...analyseTrace(entries), criticalMs: path.criticalMs, startupMs: path.firstRequestAt - run.startedAt, workMs: run.exitedAt - path.firstRequestAt, wallMs: run.ms});
		}
		const pick = (name) => results.map((result) => result[name]);
		const ratios = results.map((result) => result.workMs / result.criticalMs);
		const gaps = results.flatMap((result) => result.pollGaps);
		const count = (list) => `${median(list)}${list.length > 1 && Math.min(...list) !== Math.max(...list) ? ` (${Math.min(...list)}–${Math.max(...list)})` : ''}`;
		scenarioRows.push([
			scenario,
			count(pick('requests')),
			count(pick('needed')),
			`${seconds(median(pick('wallMs')))}${runs > 1 ? ` (${spread(pick('wallMs'), (ms) => (ms / 1000).toFixed(2))})` : ''}`,
			seconds(median(pick('startupMs'))),
			seconds(median(pick('workMs'))),
			seconds(median(pick('criticalMs'))),
			`${median(ratios).toFixed(2)}${runs > 1 ? ` (${spread(ratios, (r) => r.toFixed(2))})` : ''}`,
			gaps.length ? milliseconds(median(gaps)) : '–',
		]);
		process.stderr.write(`  ${scenario}: ${scenarioRows.at(-1).slice(1).join(' · ')}\n`);
	}

	const table = (header, body) => {
		const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => line[i].length)));
		const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
		return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...body.map(line)].join('\n');
	};
	const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
	process.stdout.write(`\nNode ${process.version}, ${cpu}, ${runs} run(s): median, spread (min–max)\n\n`);
	process.stdout.write(`${table(['measure', 'median', 'spread', 'budget'], rows)}\n\n`);
	process.stdout.write(`Scenarios: run --demo --yes, ${LATENCY_MS} ms per request, ${LRO_MS / 1000} s per long-running operation (budget: ratio = run / critical path ≤ 1.15)\n\n`);
	process.stdout.write(`${table(['scenario', 'requests', 'needed', 'wall', 'start-up', 'run', 'critical path', 'ratio', 'poll interval'], scenarioRows)}\n`);
}

await main();
