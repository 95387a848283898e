import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {splitKeys} from '../../screens/keys.js';

const plain = {ctrl: false, meta: false} as Key;

describe('keys typed ahead, arriving in one read', () => {
	it('are handed one at a time: a letter, then Enter', () => {
		const keys = splitKeys('j\r', plain);
		expect(keys.map(([input]) => input)).toEqual(['j', '']);
		expect(keys[1]?.[1].return).toBe(true);
		expect(keys[0]?.[1].return).toBe(false);
	});

	it('keep Ctrl+C as Ctrl+C and capitals as shifted letters', () => {
		const [ctrlC, capital] = splitKeys('\u0003J', plain);
		expect(ctrlC).toEqual(['c', expect.objectContaining({ctrl: true})]);
		expect(capital).toEqual(['J', expect.objectContaining({shift: true})]);
	});

	it('leave a single key, and escape sequences, as Ink parsed them', () => {
		const enter = {...plain, return: true};
		expect(splitKeys('', enter)).toEqual([['', enter]]);
		expect(splitKeys('q', plain)).toEqual([['q', plain]]);
		expect(splitKeys('\u001B[B', plain)).toEqual([['\u001B[B', plain]]);
	});
});
