import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {SessionStore} from '../../src/session/session-store.js';

function freshStore(): SessionStore {
	return new SessionStore(join(mkdtempSync(join(tmpdir(), 'aml-identity-sessions-')), 'sessions'));
}

describe('SessionStore', () => {
	it('saves each choice as it is made, readable by a new store on the same directory', () => {
		const store = freshStore();
		const session = store.create('demo');
		session.saveChoices({subscription: {id: 's1', name: 'Contoso ML Production'}});
		session.saveChoices({workspace: {id: '/w', name: 'mlw-fraud-prod', resourceGroup: 'rg'}, scenarioId: 'acr-disable-admin-user'});

		const reopened = new SessionStore(store.directory).open(session.id).record;
		expect(reopened.choices).toEqual({
			subscription: {id: 's1', name: 'Contoso ML Production'},
			workspace: {id: '/w', name: 'mlw-fraud-prod', resourceGroup: 'rg'},
			scenarioId: 'acr-disable-admin-user',
		});
	});

	it('forgets a choice saved as undefined (the user went back and chose again)', () => {
		const session = freshStore().create('demo');
		session.saveChoices({scenarioId: 'x', answers: {q: true}});
		session.saveChoices({scenarioId: undefined, answers: undefined});
		expect(session.record.choices).toEqual({});
	});

	it('journals step states and offers the latest unfinished session of the same mode', () => {
		const store = freshStore();
		const done = store.create('demo', new Date('2026-11-01T10:00:00Z'));
		done.setStatus('completed');
		const unfinished = store.create('demo', new Date('2026-11-02T10:00:00Z'));
		unfinished.saveChoices({subscription: {id: 's1', name: 'Contoso ML Production'}});
		unfinished.write('disable-admin-user', {state: 'running', at: '2026-11-02T10:01:00Z'});
		store.create('azure', new Date('2026-11-03T10:00:00Z')).saveChoices({subscription: {id: 's1', name: 'n'}});
		// Started but nothing chosen yet: not worth offering.
		store.create('demo', new Date('2026-11-04T10:00:00Z'));

		const latest = store.latestUnfinished('demo');
		expect(latest?.id).toBe(unfinished.id);
		expect(latest?.steps).toEqual({'disable-admin-user': {state: 'running', at: '2026-11-02T10:01:00Z'}});
	});

	it('sets a corrupt session file aside, reports where, and still lists the others', () => {
		const store = freshStore();
		const good = store.create('demo');
		const bad = store.create('demo');
		const badPath = join(store.directory, `session-${bad.id}.json`);
		writeFileSync(badPath, '{not json');

		const {sessions, unreadable} = store.list();
		expect(sessions.map((session) => session.id)).toEqual([good.id]);
		expect(unreadable.map((entry) => entry.path)).toEqual([`${badPath}.unreadable`]);
		// Its content is kept for inspection, out of the way of the next listing.
		expect(readFileSync(`${badPath}.unreadable`, 'utf8')).toBe('{not json');
		expect(store.list().unreadable).toEqual([]);
	});

	it('writes nothing that looks like a token', () => {
		const store = freshStore();
		const session = store.create('demo');
		session.saveChoices({subscription: {id: 's', name: 'n'}});
		for (const name of readdirSync(store.directory)) {
			expect(readFileSync(join(store.directory, name), 'utf8')).not.toMatch(/token|Bearer|secret/i);
		}
	});
	it('keeps a replaced journal aside when the session is planned again, so a reused step ID is not trusted', () => {
		const session = freshStore().create('demo');
		session.savePlan({title: 'Plan', steps: [{id: 'acr-pull', title: 'Grant AcrPull'}]});
		session.write('acr-pull', {state: 'done', at: '2026-11-02T10:01:00Z'});
		session.replaceJournal('The compute cpu-cluster you chose no longer exists.');
		expect(session.read()).toEqual({});
		expect(session.record.plan).toBeUndefined();
		expect(session.record.replacedJournals).toEqual([
			{replacedAt: expect.any(String), reason: 'The compute cpu-cluster you chose no longer exists.', steps: {'acr-pull': {state: 'done', at: '2026-11-02T10:01:00Z'}}},
		]);
	});
});
