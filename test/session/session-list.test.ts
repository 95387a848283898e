import {describe, expect, it} from 'vitest';
import {describeSessionState, describeWhen, sessionsOfMode} from '../../src/session/session-list.js';
import type {SessionRecord} from '../../src/session/session-store.js';

function record(fields: Partial<SessionRecord>): SessionRecord {
	return {id: 'x', mode: 'demo', createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z', status: 'choosing', choices: {}, steps: {}, ...fields};
}

describe('session list wording', () => {
	const now = new Date('2026-11-10T12:00:00Z');

	it('says when relatively, with the date once it is more than a day old', () => {
		expect(describeWhen('2026-11-10T11:59:40Z', now)).toBe('just now');
		expect(describeWhen('2026-11-10T11:55:00Z', now)).toBe('5 min ago');
		expect(describeWhen('2026-11-10T09:00:00Z', now)).toBe('3 h ago');
		expect(describeWhen('2026-11-05T09:00:00Z', now)).toBe('on 2026-11-05');
	});

	it('says where a session stands: choosing, interrupted, stopped at a failed step, completed', () => {
		expect(describeSessionState(record({}))).toBe('choosing: nothing chosen yet');
		expect(describeSessionState(record({choices: {subscription: {id: 's', name: 'S'}}}))).toBe('choosing a workspace');
		expect(describeSessionState(record({status: 'running'}))).toBe('interrupted during the run');
		expect(
			describeSessionState(record({status: 'failed', steps: {a: {state: 'failed', error: {code: 'AuthorizationFailed', message: 'm'}, at: 't'}}})),
		).toBe('stopped at a failed step (AuthorizationFailed)');
		expect(describeSessionState(record({status: 'completed'}))).toBe('completed');
	});

	it('lists the sessions of one mode, newest first', () => {
		const sessions = [
			record({id: 'old', updatedAt: '2026-11-01T10:00:00Z'}),
			record({id: 'azure', mode: 'azure', updatedAt: '2026-11-09T10:00:00Z'}),
			record({id: 'new', updatedAt: '2026-11-08T10:00:00Z'}),
		];
		expect(sessionsOfMode(sessions, 'demo').map((session) => session.id)).toEqual(['new', 'old']);
	});
});
