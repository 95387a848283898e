import {describe, expect, it} from 'vitest';
import {editDistance, nearMiss} from '../../src/headless/near-miss.js';

describe('telling a misspelt answers-file key from one the scenario did not need this time', () => {
	it('counts a swap of two letters as one edit', () => {
		expect(editDistance('computeNmae', 'computeName')).toBe(1);
		expect(editDistance('Compute', 'compute')).toBe(0);
	});

	it('names the key a typo was meant to be', () => {
		expect(nearMiss('computeNmae', ['compute', 'computeName', 'vmSize'])).toBe('computeName');
		expect(nearMiss('regsitry', ['registry', 'registryName'])).toBe('registry');
	});

	it('does not take a real but different key for a typo', () => {
		expect(nearMiss('identityType', ['compute', 'registry', 'image'])).toBeUndefined();
		expect(nearMiss('sku', ['add'])).toBeUndefined();
	});
});
