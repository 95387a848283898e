import {setTimeout as delay} from 'node:timers/promises';

/** Named keys as a terminal sends them. */
export const keys = {
	enter: '\r',
	escape: '\u001B',
	down: '\u001B[B',
	up: '\u001B[A',
	ctrlC: '\u0003',
} as const;

/** Waits until the last frame shows `expected` (never a blind sleep); fails with the frame it saw. */
export async function waitForFrame(
	lastFrame: () => string | undefined,
	expected: string | RegExp,
	timeoutMs = 10_000,
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = lastFrame() ?? '';
		if (typeof expected === 'string' ? frame.includes(expected) : expected.test(frame)) return frame;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(expected)}. Last frame:\n${frame}`);
		await delay(20);
	}
}

/**
 * Ink attaches key listeners in effects, after a frame is drawn: give them a moment before typing,
 * or the key is lost. Always preceded by waiting for the frame the key acts on.
 */
export async function settle(): Promise<void> {
	await delay(50);
}
