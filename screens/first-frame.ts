// The demo's first frame, drawn before Ink, React and the screens have loaded (about 0.3 s on
// Node 20, most of it compiling them): the Welcome screen exactly as Ink lays it out, from the same
// text (welcome-text.ts), wrapped the way Ink wraps (wrap-ansi, trim off, hard) and styled with
// Ink's own chalk. The terminal goes to raw mode at once, so keys typed meanwhile wait in stdin
// (no echo) and reach the Ink screen, which then replaces this frame with the same lines.
import chalk from 'chalk';
import wrapAnsi from 'wrap-ansi';
import type {SignedInUser} from '../src/azure/credential.js';
import {latestUnfinished, type SessionListing} from '../src/session/session-files.js';
import type {SessionMode} from '../src/session/session-store.js';
import {sessionsOfMode} from '../src/session/session-list.js';
import {describeSession, sessionScenarioTitle, signedInParts, welcomeHints, welcomeItems, welcomeSubtitle, welcomeTitle} from './welcome-text.js';

export interface WelcomeFrameInput {
	readonly mode: SessionMode;
	readonly user: SignedInUser;
	readonly connectionLabel: string;
	readonly listing: SessionListing;
	readonly columns: number;
}

/** Text wrapped as Ink's <Text wrap="wrap"> does, its lines' ends trimmed as Ink's output does. */
function wrapped(text: string, width: number): string[] {
	return wrapAnsi(text, Math.max(1, width), {trim: false, hard: true})
		.split('\n')
		.map((line) => line.trimEnd());
}

/**
 * The lines of the App's header and Welcome screen (see App.tsx and Welcome.tsx), or undefined when
 * this frame cannot be sure to match Ink's (a session whose scenario title was not saved).
 */
export function welcomeFrameLines({mode, user, connectionLabel, listing, columns}: WelcomeFrameInput): string[] | undefined {
	const saved = sessionsOfMode(listing.sessions, mode);
	const unfinished = latestUnfinished(mode, saved);
	const scenarioTitle = unfinished ? sessionScenarioTitle(unfinished) : undefined;
	if (unfinished && scenarioTitle === undefined) return undefined;
	const items = welcomeItems({
		...(unfinished ? {unfinished: {session: unfinished, description: describeSession(unfinished, scenarioTitle)}} : {}),
		savedCount: saved.length,
		unreadableCount: listing.unreadable.length,
		canShowSessions: true,
	});
	const [before, name, after] = signedInParts(user, connectionLabel);
	const lines = [
		...wrapped(`${chalk.bold.cyan('aml-identity')}${chalk.dim(` · ${connectionLabel}`)}`, columns),
		'',
		...wrapped(chalk.bold(welcomeTitle), columns),
		...wrapped(chalk.dim(welcomeSubtitle), columns),
		'',
		...wrapped(`${before}${chalk.bold(name)}${after}`, columns),
		'',
		...listing.unreadable.flatMap((file) => wrapped(chalk.yellow(`⚠ A saved session could not be read and was set aside: ${file.path} (${file.reason})`), columns)),
		...items.flatMap((item, index) =>
			wrapped(index === 0 ? chalk.cyan.bold(item.label) : item.label, columns - 2).map((line, row) =>
				row > 0 ? `  ${line}` : `${index === 0 ? chalk.cyan('❯') : ' '} ${line}`.trimEnd(),
			),
		),
		'',
		...wrapped(chalk.dim(welcomeHints.join(' · ')), columns),
	];
	return lines;
}

export interface DrawnFrame {
	/**
	 * Call just before Ink draws: its first write to the terminal erases this frame first, in the
	 * same write (inside Ink's synchronized update when the terminal has them), so nothing blinks.
	 */
	handOver(): void;
}

const synchronizedUpdateStart = '\u001B[?2026h';

/**
 * Draws the frame on a terminal, raw mode on (no echo; keys wait for the Ink screen), cursor
 * hidden. Undefined (nothing drawn) when the terminal is too short to hold it: Ink alone then.
 */
export function drawWelcomeFrame(input: Omit<WelcomeFrameInput, 'columns'>, terminal: {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream}): DrawnFrame | undefined {
	const {stdout} = terminal;
	const columns = stdout.columns || 80;
	const lines = welcomeFrameLines({...input, columns});
	if (!lines || lines.length >= (stdout.rows || 24)) return undefined;
	terminal.stdin.setRawMode?.(true);
	const showCursor = () => stdout.write('\u001B[?25h');
	process.once('exit', showCursor);
	stdout.write(`\u001B[?25l${lines.join('\n')}\n`);
	return {
		handOver() {
			process.removeListener('exit', showCursor);
			// To the frame's first line, then clear to the end of the screen.
			const erase = `\u001B[${lines.length}F\u001B[J`;
			const write = stdout.write;
			stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
				stdout.write = write;
				const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
				const withErase = text.startsWith(synchronizedUpdateStart) ? `${synchronizedUpdateStart}${erase}${text.slice(synchronizedUpdateStart.length)}` : `${erase}${text}`;
				return (write as (...args: unknown[]) => boolean).call(this, withErase, ...rest);
			} as typeof stdout.write;
		},
	};
}
