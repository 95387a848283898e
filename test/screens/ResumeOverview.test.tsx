import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App, type WizardOutcome} from '../../screens/App.js';
import {ResumeOverview} from '../../screens/ResumeOverview.js';
import {readEmulatorState, SEED} from '../../src/emulator/index.js';
import type {SessionReview} from '../../src/session/resume.js';
import {SessionStore, type SessionRecord} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

const fraud = SEED.workspaces.fraudProd;
const production = {id: SEED.subscriptions.production.subscriptionId, name: SEED.subscriptions.production.displayName};
const fraudChoice = {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup};
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

describe('ResumeOverview', () => {
	const record: SessionRecord = {
		id: '20261110-aaaa1111',
		mode: 'demo',
		createdAt: '2026-11-10T09:00:00Z',
		updatedAt: '2026-11-10T11:55:00Z',
		status: 'running',
		choices: {subscription: production, workspace: fraudChoice, scenarioId: 'compute-acr-pull', planConfirmed: true},
		steps: {},
	};
	const planReview = {
		kind: 'plan',
		record,
		plan: {scenarioId: 'compute-acr-pull', title: 'AcrPull on cr for compute train-mi', steps: []},
		rows: [
			{stepId: 'a', title: 'Create identity id-train', state: 'done', detail: 'identity id-train exists'},
			{stepId: 'b', title: 'Create compute cluster train-mi', state: 'interrupted'},
			{stepId: 'c', title: 'Grant AcrPull to train-mi', state: 'failed', error: {code: 'AuthorizationFailed', message: 'no'}},
			{stepId: 'd', title: 'Write environment.yml', state: 'in-place', detail: 'same content'},
			{stepId: 'e', title: 'Grant Reader', state: 'to-do'},
		],
		notInPlan: [{stepId: 'old', title: 'old', state: 'done'}],
	} as unknown as SessionReview;

	function renderOverview(review: SessionReview) {
		const calls: string[] = [];
		const rendered = render(
			<ResumeOverview review={review} now={new Date('2026-11-10T12:00:00Z')} onContinue={() => calls.push('continue')} onBack={() => calls.push('back')} onQuit={() => calls.push('quit')} />,
		);
		return {...rendered, calls};
	}

	it('shows each step with what the journal says of it, then Enter continues and Esc goes back', async () => {
		const screen = renderOverview(planReview);
		const frame = flat(await waitForFrame(screen.lastFrame, 'Plan: AcrPull'));
		expect(frame).toContain(`Session 20261110-aaaa1111 · Compute cluster with a managed identity that pulls from the workspace ACR`);
		expect(frame).toContain(`${production.name} · ${fraud.name} (${fraud.resourceGroup}) · interrupted during the run · saved 5 min ago`);
		expect(frame).toContain('✔ Create identity id-train done earlier: identity id-train exists');
		expect(frame).toContain('◌ Create compute cluster train-mi was running when the session stopped: it is checked first, so nothing is done twice');
		expect(frame).toContain('✖ Grant AcrPull to train-mi failed (AuthorizationFailed): will be retried');
		expect(frame).toContain('↷ Write environment.yml already in place: same content');
		expect(frame).toContain('· Grant Reader to do');
		expect(frame).toContain('From the plan as it was, no longer in it (kept in the session, not run again): ✔ old done earlier');
		expect(frame).toContain('2 of 5 done; Enter carries on with the 3 left');
		expect(frame).toContain('Enter continue · Esc back · q quit');
		await settle();
		screen.stdin.write(keys.enter);
		screen.stdin.write(keys.escape);
		await waitForFrame(() => screen.calls.join(','), 'continue,back');
	});

	it('a completed session: what it did, and no Enter', async () => {
		const screen = renderOverview({kind: 'finished', record: {...record, status: 'completed'}, rows: [{stepId: 'a', title: 'Create identity', state: 'done'}]});
		const frame = await waitForFrame(screen.lastFrame, 'Completed: nothing is left to do.');
		expect(frame).toContain('Esc back · q quit');
		expect(frame).not.toContain('Enter');
		await settle();
		screen.stdin.write(keys.enter);
		screen.stdin.write('q');
		await waitForFrame(() => screen.calls.join(','), 'quit');
		expect(screen.calls).toEqual(['quit']);
	});
});

describe('resuming in the wizard', () => {
	let azure: EmulatedAzure | undefined;
	afterEach(async () => {
		await azure?.close();
		azure = undefined;
	});

	async function renderResumed(setup: (store: SessionStore) => string) {
		const stateDir = mkdtempSync(join(tmpdir(), 'aml-identity-tenant-'));
		azure = await startEmulatedAzure({stateDir, replicationDelayMs: 0});
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-resume-app-')));
		const sessionId = setup(store);
		const outcomes: WizardOutcome[] = [];
		const wizard = render(
			<App
				connection={{gateway: azure.gateway, user: {name: 'Ada Lovelace'}, label: 'demo tenant', mode: 'demo'}}
				store={store}
				resume={sessionId}
				replicationTiming={{waitMs: 2_000, firstRetryMs: 50}}
				outputDirectory={mkdtempSync(join(tmpdir(), 'aml-identity-output-'))}
				onExit={(outcome) => outcomes.push(outcome)}
			/>,
		);
		const press = async (key: string, then: string | RegExp) => {
			await settle();
			wizard.stdin.write(key);
			return waitForFrame(wizard.lastFrame, then);
		};
		return {wizard, store, sessionId, outcomes, press, stateDir};
	}

	it('--resume ID: the overview names the interrupted step; Enter runs what is left, checked first, and it completes', async () => {
		const legacy = SEED.computes.gpuLegacy;
		const {wizard, store, sessionId, press, stateDir} = await renderResumed((store) => {
			const session = store.create('demo');
			session.saveChoices({subscription: production, workspace: fraudChoice, scenarioId: 'compute-acr-pull', answers: {compute: legacy.id}, planConfirmed: true});
			session.setStatus('running');
			session.write('acr-pull', {state: 'running', at: new Date().toISOString()});
			return session.id;
		});
		let frame = flat(await waitForFrame(wizard.lastFrame, 'Plan: AcrPull'));
		expect(frame).toContain(`◌ Grant AcrPull to ${legacy.name}'s identity on registry ${SEED.registries.fraudProd.name} was running when the session stopped`);
		expect(frame).toContain('0 of 1 done; Enter carries on with the 1 left');
		frame = await press(keys.enter, 'complete and verified');
		expect(store.find(sessionId)).toMatchObject({status: 'completed', steps: {'acr-pull': {state: 'done'}}, plan: {steps: [{id: 'acr-pull'}]}});
		const grants = Object.values(readEmulatorState(stateDir)!.roleAssignments).filter(
			(assignment) => (assignment['properties'] as {principalId: string}).principalId === legacy.principalId,
		);
		expect(grants).toHaveLength(1);
	});

	it('a compute deleted since: says what changed, asks again, and the plan is no longer confirmed', async () => {
		const gone = `${fraud.id}/computes/cpu-deleted`;
		const {wizard, store, sessionId, press} = await renderResumed((store) => {
			const session = store.create('demo');
			session.saveChoices({subscription: production, workspace: fraudChoice, scenarioId: 'compute-acr-pull', answers: {compute: gone}, planConfirmed: true});
			session.setStatus('failed');
			session.write('acr-pull', {state: 'failed', error: {code: 'PrincipalNotFound', message: 'm'}, at: new Date().toISOString()});
			return session.id;
		});
		let frame = flat(await waitForFrame(wizard.lastFrame, 'What changed since the session was saved'));
		expect(frame).toContain('✖ The compute cpu-deleted you chose no longer exists.');
		expect(frame).toContain('Enter answer again · Esc back · q quit');
		frame = await press(keys.enter, 'Which compute cluster?');
		expect(frame).toContain(SEED.computes.gpuLegacy.name);
		expect(frame).not.toContain('cpu-deleted');
		const saved = store.find(sessionId)!;
		expect(saved.choices.planConfirmed).toBeUndefined();
		expect(saved.choices.answers).toEqual({});
		expect(saved.status).toBe('choosing');
		expect(saved.steps).toEqual({});
		expect(saved.replacedJournals?.[0]?.steps['acr-pull']?.state).toBe('failed');
		expect(azure!.writes()).toEqual([]);
	});

	it('a workspace that no longer exists: says so, and Enter chooses another workspace, keeping the scenario', async () => {
		const missing = {id: `${fraud.id.slice(0, fraud.id.lastIndexOf('/'))}/mlw-deleted`, name: 'mlw-deleted', resourceGroup: fraud.resourceGroup};
		const {wizard, store, sessionId, press} = await renderResumed((store) => {
			const session = store.create('demo');
			session.saveChoices({subscription: production, workspace: missing, scenarioId: 'compute-acr-pull', answers: {compute: 'x'}, planConfirmed: true});
			return session.id;
		});
		let frame = flat(await waitForFrame(wizard.lastFrame, 'no longer exists'));
		expect(frame).toContain(`Workspace mlw-deleted (${fraud.resourceGroup}) no longer exists`);
		expect(frame).toContain('the scenario (Compute cluster with a managed identity that pulls from the workspace ACR) is kept');
		frame = await press(keys.enter, `Choose a workspace in ${production.name}`);
		await waitForFrame(wizard.lastFrame, fraud.name);
		await press(keys.down, `❯ ${fraud.name}`);
		frame = await press(keys.enter, 'Which compute cluster?');
		expect(store.find(sessionId)!.choices).toMatchObject({workspace: {name: fraud.name}, scenarioId: 'compute-acr-pull', answers: {}});
	});
});
