import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {SessionInUseError, SessionStore} from '../../src/session/session-store.js';
import {runHeadless} from '../../src/headless/run.js';
import {undoSession} from '../../src/undo/run-undo.js';
import type {AzureGateway} from '../../src/azure/gateway.js';

function storeWithSession() {
	const directory = mkdtempSync(join(tmpdir(), 'aml-identity-claim-'));
	const store = new SessionStore(directory);
	const session = store.create('demo');
	return {directory, store, id: session.id, lock: join(directory, `session-${session.id}.lock`)};
}

// A process that certainly runs and is not this one: the one that started this test worker.
const otherProcess = process.ppid;

describe('one aml-identity per session at a time', () => {
	it('claims a session with a lock file naming this process, and gives it back', () => {
		const {store, id, lock} = storeWithSession();
		store.claim(id);
		expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
		store.claim(id); // again, from the same process: fine
		store.release(id);
		expect(existsSync(lock)).toBe(false);
	});

	it('refuses a session another running process holds, naming the session and the process', () => {
		const {store, id, lock} = storeWithSession();
		writeFileSync(lock, String(otherProcess));
		expect(() => store.claim(id)).toThrow(SessionInUseError);
		expect(() => store.claim(id)).toThrow(`Session ${id} is open in another aml-identity (process ${otherProcess}). Finish or quit that one first, then try again.`);
		expect(store.find(id)?.id).toBe(id); // the session itself is untouched
	});

	it('takes over a claim left by a process that is gone (killed)', () => {
		const {store, id, lock} = storeWithSession();
		writeFileSync(lock, '2147483646');
		store.claim(id);
		expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
	});

	it('run --resume and undo refuse a session in use, with exit code 2 and nothing written', async () => {
		const {store, id, lock} = storeWithSession();
		store.open(id).saveChoices({subscription: {id: 's', name: 'S'}, workspace: {id: '/w', name: 'w', resourceGroup: 'rg'}, scenarioId: 'compute-acr-pull'});
		writeFileSync(lock, String(otherProcess));
		const untouchable = new Proxy({} as AzureGateway, {
			get: () => () => {
				throw new Error('no Azure call may be made');
			},
		});
		const lines: string[] = [];
		const resumed = await runHeadless(
			{answers: {}, confirmed: true, outputDirectory: '/nonexistent', resumeSessionId: id},
			{gateway: untouchable, store, mode: 'demo'},
			{log: (line) => lines.push(line)},
		);
		expect(resumed).toBe(2);
		expect(lines.join('\n')).toContain(`--resume: Session ${id} is open in another aml-identity (process ${otherProcess})`);

		store.open(id).write('acr-pull', {state: 'done', reversal: {kind: 'delete', resourceType: 'roleAssignment', id: '/x', label: 'AcrPull'}, at: new Date().toISOString()});
		const undoLines: string[] = [];
		expect(await undoSession(id, {gateway: untouchable, store}, {confirmed: true}, {log: (line) => undoLines.push(line)})).toBe(2);
		expect(undoLines.join('\n')).toContain(`Session ${id} is open in another aml-identity`);
	});
});
