import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import type {Answers, Question, ScenarioContext} from '../../src/scenarios/scenario.js';
import {describeResource, resumeRows, revalidateAnswers, reviewSession} from '../../src/session/resume.js';
import {SessionStore} from '../../src/session/session-store.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

const AT = '2026-11-02T10:00:00Z';

describe('resumeRows', () => {
	it('says for each step of the plan what the journal says: done, in place, failed, interrupted, to do', () => {
		const steps = ['a', 'b', 'c', 'd', 'e'].map((id) => ({id, title: `Step ${id}`}));
		const {rows, notInPlan} = resumeRows(steps, {
			a: {state: 'done', detail: 'created', at: AT},
			b: {state: 'skipped', detail: 'already there', at: AT},
			c: {state: 'failed', error: {code: 'AuthorizationFailed', message: 'no'}, at: AT},
			d: {state: 'running', at: AT},
		});
		expect(rows.map((row) => [row.stepId, row.state])).toEqual([
			['a', 'done'],
			['b', 'in-place'],
			['c', 'failed'],
			['d', 'interrupted'],
			['e', 'to-do'],
		]);
		expect(rows[0]).toMatchObject({title: 'Step a', detail: 'created'});
		expect(rows[2]?.error?.code).toBe('AuthorizationFailed');
		expect(notInPlan).toEqual([]);
	});

	it('keeps journal entries for steps the plan no longer has apart, never as to do', () => {
		const {rows, notInPlan} = resumeRows(
			[{id: 'b', title: 'Step b'}],
			{gone: {state: 'done', detail: 'made earlier', at: AT}, b: {state: 'pending', at: AT}},
			[{id: 'gone', title: 'The step that was planned'}],
		);
		expect(rows).toEqual([{stepId: 'b', title: 'Step b', state: 'to-do'}]);
		expect(notInPlan).toEqual([{stepId: 'gone', title: 'The step that was planned', state: 'done', detail: 'made earlier'}]);
	});
});

describe('revalidateAnswers', () => {
	const computeId = (name: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/computes/${name}`;
	/** A compute question, a name question asked only for a new one, and a confirm. */
	function questionsWith(computes: string[], takenNames: string[] = []) {
		return (answers: Answers): Question[] => [
			{kind: 'select', id: 'compute', prompt: 'Which compute cluster?', choices: [...computes.map((name) => ({value: computeId(name), label: name})), {value: '__new__', label: 'New'}]},
			...(answers['compute'] === '__new__'
				? [{kind: 'text' as const, id: 'computeName', prompt: 'Name of the new cluster:', validate: (name: string) => (takenNames.includes(name) ? `"${name}" is taken` : undefined)}]
				: []),
			...(answers['compute'] !== undefined ? [{kind: 'confirm' as const, id: 'copyRoles', prompt: 'Copy roles?', yesLabel: 'Yes', noLabel: 'No', requiredYes: false}] : []),
		];
	}

	it('returns the answers as saved when every one still holds', () => {
		const answers = {compute: computeId('cpu-cluster'), copyRoles: true, unrelated: 'kept'};
		expect(revalidateAnswers(questionsWith(['cpu-cluster', 'gpu']), answers)).toEqual({answers, changes: []});
	});

	it('drops a chosen compute that no longer exists, names it by its last ID segment, and drops what followed from it', () => {
		const result = revalidateAnswers(questionsWith(['gpu']), {compute: computeId('cpu-cluster'), copyRoles: true});
		expect(result.changes).toEqual([{questionId: 'compute', sentence: 'The compute cpu-cluster you chose no longer exists.'}]);
		expect(result.answers).toEqual({});
	});

	it('drops a typed answer its validator now refuses, unless told to keep typed answers (a run has begun)', () => {
		const answers = {compute: '__new__', computeName: 'train-mi', copyRoles: false};
		const refused = revalidateAnswers(questionsWith([], ['train-mi']), answers);
		expect(refused.changes).toEqual([{questionId: 'computeName', sentence: 'Your answer "train-mi" to "Name of the new cluster:" no longer holds: "train-mi" is taken'}]);
		expect(refused.answers).toEqual({compute: '__new__', copyRoles: false});
		expect(revalidateAnswers(questionsWith([], ['train-mi']), answers, {keepTextAnswers: true})).toEqual({answers, changes: []});
	});

	it('says which answer is no longer offered when it is not a resource', () => {
		const questions = (): Question[] => [{kind: 'select', id: 'size', prompt: 'Size:', choices: [{value: 'Standard_DS3_v2', label: 'DS3'}]}];
		expect(revalidateAnswers(questions, {size: 'Standard_NC6'}).changes).toEqual([{questionId: 'size', sentence: 'Your answer "Standard_NC6" to "Size:" is no longer offered.'}]);
	});

	it('names resources by kind and last segment', () => {
		expect(describeResource('/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a')).toBe('identity id-a');
		expect(describeResource('/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/cr1')).toBe('registry cr1');
		expect(describeResource('SystemAssigned')).toBeUndefined();
	});
});

describe('reviewSession, against the demo tenant', () => {
	let azure: EmulatedAzure | undefined;
	afterEach(async () => {
		await azure?.close();
		azure = undefined;
	});

	const fraud = SEED.workspaces.fraudProd;
	const cluster = SEED.computes.cpuCluster;

	function storeWithSession(choices: Parameters<ReturnType<SessionStore['create']>['saveChoices']>[0]) {
		const store = new SessionStore(mkdtempSync(join(tmpdir(), 'aml-identity-resume-')));
		const session = store.create('demo');
		session.saveChoices({
			subscription: {id: SEED.subscriptions.production.subscriptionId, name: SEED.subscriptions.production.displayName},
			workspace: {id: fraud.id, name: fraud.name, resourceGroup: fraud.resourceGroup},
			...choices,
		});
		return session;
	}

	function dependencies(gateway: EmulatedAzure['gateway']) {
		return {gateway, contextFor: (workspace: ScenarioContext['workspace']): ScenarioContext => ({gateway, workspace, outputDirectory: tmpdir()})};
	}

	it('a confirmed plan: the rebuilt plan with the journal, the interrupted step said', async () => {
		azure = await startEmulatedAzure();
		const session = storeWithSession({scenarioId: 'compute-acr-pull', answers: {compute: SEED.computes.gpuLegacy.id}, planConfirmed: true});
		session.setStatus('running');
		session.write('acr-pull', {state: 'running', at: AT});
		const review = await reviewSession(session.record, dependencies(azure.gateway));
		expect(review.kind).toBe('plan');
		if (review.kind !== 'plan') return;
		expect(review.rows).toEqual([expect.objectContaining({stepId: 'acr-pull', state: 'interrupted'})]);
		expect(azure.writes()).toEqual([]);
	});

	it('a workspace that no longer exists, matched on its code', async () => {
		azure = await startEmulatedAzure();
		const missing = `${fraud.id.slice(0, fraud.id.lastIndexOf('/'))}/mlw-deleted`;
		const session = storeWithSession({workspace: {id: missing, name: 'mlw-deleted', resourceGroup: fraud.resourceGroup}, scenarioId: 'compute-acr-pull', planConfirmed: true});
		const review = await reviewSession(session.record, dependencies(azure.gateway));
		expect(review.kind).toBe('workspace-gone');
	});

	it('a deleted compute: the answer is dropped and said, not a run that fails midway', async () => {
		azure = await startEmulatedAzure();
		const gone = `${fraud.id}/computes/cpu-deleted`;
		const session = storeWithSession({scenarioId: 'switch-compute-identity', answers: {compute: gone, copyRoles: true}, planConfirmed: true});
		const review = await reviewSession(session.record, dependencies(azure.gateway));
		expect(review).toMatchObject({kind: 'answers-changed', answers: {}, changes: [{questionId: 'compute', sentence: 'The compute cpu-deleted you chose no longer exists.'}]});
		// The same answers with a compute that exists go to the questions (the plan was not confirmed).
		const kept = storeWithSession({scenarioId: 'switch-compute-identity', answers: {compute: cluster.id}});
		expect((await reviewSession(kept.record, dependencies(azure.gateway))).kind).toBe('questions');
	});

	it('a scenario that cannot go on in the workspace now is blocked, with its reason', async () => {
		azure = await startEmulatedAzure();
		const forecast = SEED.workspaces.demandForecast;
		const session = storeWithSession({
			workspace: {id: forecast.id, name: forecast.name, resourceGroup: forecast.resourceGroup},
			scenarioId: 'compute-acr-pull',
			answers: {},
			planConfirmed: true,
		});
		const review = await reviewSession(session.record, dependencies(azure.gateway));
		expect(review.kind).toBe('blocked');
		if (review.kind === 'blocked') expect(review.preparation.reason).toContain('has no container registry yet');
	});

	it('a completed session shows the plan it saved, without asking Azure', async () => {
		const session = storeWithSession({scenarioId: 'compute-acr-pull', planConfirmed: true});
		session.savePlan({title: 'AcrPull on cr for compute gpu-legacy', steps: [{id: 'acr-pull', title: 'Grant AcrPull'}]});
		session.write('acr-pull', {state: 'done', detail: 'assigned', at: AT});
		session.setStatus('completed');
		const unreachable = {getWorkspace: () => Promise.reject(new Error('not called'))} as unknown as EmulatedAzure['gateway'];
		const review = await reviewSession(session.record, {gateway: unreachable, contextFor: () => ({}) as ScenarioContext});
		expect(review).toEqual({kind: 'finished', record: session.record, title: 'AcrPull on cr for compute gpu-legacy', rows: [{stepId: 'acr-pull', title: 'Grant AcrPull', state: 'done', detail: 'assigned'}]});
	});
});
