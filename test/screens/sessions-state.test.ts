import {describe, expect, it} from 'vitest';
import {initialSessionsState, sessionsReducer, type SessionsAction, type SessionsState} from '../../screens/sessions-state.js';

function keysOf(input: string, isEscape = false): SessionsAction {
	return {type: 'key', input, isEscape};
}

function apply(...actions: SessionsAction[]): SessionsState {
	return actions.reduce(sessionsReducer, initialSessionsState);
}

describe('sessionsReducer', () => {
	it('d asks about the highlighted session; y asks for the delete, once', () => {
		const asked = apply({type: 'highlight', sessionId: 'a'}, keysOf('d'));
		expect(asked.confirmingDeleteId).toBe('a');
		expect(asked.request).toBeUndefined();
		const deleted = sessionsReducer(asked, keysOf('y'));
		expect(deleted).toMatchObject({confirmingDeleteId: undefined, request: {kind: 'delete', sessionId: 'a', sequence: 1}});
		expect(sessionsReducer(deleted, keysOf('y')).request?.sequence).toBe(1);
	});

	it('"dy" in one chunk deletes; n or Esc keeps the session, and Esc then goes back', () => {
		expect(apply({type: 'highlight', sessionId: 'a'}, keysOf('dy')).request).toMatchObject({kind: 'delete', sessionId: 'a'});
		const kept = apply({type: 'highlight', sessionId: 'a'}, keysOf('dn'));
		expect(kept).toMatchObject({confirmingDeleteId: undefined});
		expect(kept.request).toBeUndefined();
		const cancelled = apply({type: 'highlight', sessionId: 'a'}, keysOf('d'), keysOf('', true));
		expect(cancelled.confirmingDeleteId).toBeUndefined();
		expect(cancelled.request).toBeUndefined();
		expect(sessionsReducer(cancelled, keysOf('', true)).request?.kind).toBe('back');
	});

	it('q while asked is not quit; u only when the screen offers undo for that session', () => {
		expect(apply({type: 'highlight', sessionId: 'a'}, keysOf('d'), keysOf('q')).request).toBeUndefined();
		expect(apply({type: 'highlight', sessionId: 'a'}, keysOf('u')).request).toBeUndefined();
		expect(apply({type: 'highlight', sessionId: 'a'}, {type: 'key', input: 'u', isEscape: false, canUndo: (id) => id === 'a'}).request).toMatchObject({kind: 'undo', sessionId: 'a'});
		expect(apply(keysOf('q')).request?.kind).toBe('quit');
	});
});
