import {describe, expect, it} from 'vitest';
import {nextStepFor, nextStepForCommand} from '../../src/azure/next-steps.js';

describe('the next step after a failure', () => {
	it('names the r key on a screen, and running the command again without one', () => {
		const throttled = {code: 'TooManyRequests', message: 'throttled', statusCode: 429};
		expect(nextStepFor({code: 'AuthorizationFailed', message: 'no'})).toContain('press r to retry');
		expect(nextStepForCommand({code: 'AuthorizationFailed', message: 'no'})).toContain('then run it again.');
		expect(nextStepForCommand(throttled)).not.toMatch(/press r/i);
		expect(nextStepForCommand({code: 'SomethingNew', message: '?'})).toMatch(/^Run it again\./);
	});
});
