import {useState} from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {RequestLog} from '../../src/azure/request-log.js';
import type {Plan, PlanStep} from '../../src/plan/plan.js';
import type {RunResult} from '../../src/plan/runner.js';
import {computeAcrPullScenario} from '../../src/scenarios/compute-acr-pull.js';
import {Run} from '../../screens/Run.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {settle, waitForFrame} from '../helpers/ink.js';
import {planScenario} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

function Explained({plan, requestLog, onFinished}: {readonly plan: Plan; readonly requestLog: RequestLog; readonly onFinished: (result: RunResult) => void}) {
	const [isExplaining, setExplaining] = useState(true);
	return <Run plan={plan} requestLog={requestLog} isExplaining={isExplaining} onToggleExplaining={() => setExplaining((value) => !value)} onFinished={onFinished} onQuit={() => {}} />;
}

describe('the run screen, explained', () => {
	it('says why the step had to write, shows its requests with b, and hides the explanation with ?', async () => {
		const requestLog = new RequestLog();
		azure = await startEmulatedAzure({trace: requestLog.sink});
		const {plan} = await planScenario(azure, computeAcrPullScenario, SEED.workspaces.fraudProd.id, {compute: SEED.computes.gpuLegacy.id});
		const results: RunResult[] = [];
		const {lastFrame, stdin} = render(<Explained plan={plan} requestLog={requestLog} onFinished={(result) => results.push(result)} />);

		let frame = await waitForFrame(lastFrame, 'Azure had not granted it');
		expect(results[0]?.outcome).toBe('completed');
		expect(frame).toContain('document 004, “Create compute with managed identity to access Docker images for training”');
		expect(frame).toContain('b requests behind the step');

		await settle();
		stdin.write('b');
		frame = await waitForFrame(lastFrame, 'Behind step 1 of 1');
		expect(frame).toMatch(/PUT\s+201\s+\d+ms …\/registries\/e2f4a6c8…\/roleAssignments\//);
		expect(frame).toContain('AcrPull for ServicePrincipal 2f9d4b7a…');
		expect(frame).toMatch(/GET\s+200/);

		stdin.write('?');
		frame = await waitForFrame(lastFrame, '? explain');
		expect(frame).not.toContain('Azure had not granted it');
		stdin.write('b');
		frame = await waitForFrame(lastFrame, 'b requests behind the step');
		expect(frame).not.toContain('Behind step');
	});
});

describe('the run screen with steps running at the same time', () => {
	/** A step that applies until the test lets it finish, with an operation status on the way. */
	function heldStep(id: string, title: string, after: readonly string[]) {
		let release = () => {};
		const released = new Promise<void>((resolve) => {
			release = resolve;
		});
		const step: PlanStep = {
			id,
			title,
			target: {kind: 'Thing', name: id},
			azCommand: '',
			after,
			check: async () => ({satisfied: false, detail: 'missing'}),
			apply: async (report) => {
				report({operationStatus: `${id} InProgress`});
				await released;
			},
			verify: async () => ({ok: true, detail: `${id} in place`}),
		};
		return {step, release};
	}

	it('shows each running step with its own spinner and phase, the waiting one pending, and each done as it finishes', async () => {
		const a = heldStep('a', 'Grant A', []);
		const b = heldStep('b', 'Grant B', []);
		const c = heldStep('c', 'Create the workspace', ['a', 'b']);
		const plan: Plan = {scenarioId: 'test', title: 'Two grants, then a workspace', steps: [a.step, b.step, c.step]};
		const finished: RunResult[] = [];
		const {lastFrame} = render(<Run plan={plan} onFinished={(result) => finished.push(result)} onQuit={() => {}} />);

		let frame = await waitForFrame(lastFrame, /Grant A applying · operation a InProgress[\s\S]*Grant B applying · operation b InProgress/);
		expect(frame).toContain('· Create the workspace');
		// A spinner on each running row, none on the pending one.
		expect(frame.split('\n').filter((line) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(line))).toHaveLength(2);

		b.release();
		frame = await waitForFrame(lastFrame, /✔ Grant B done in/);
		expect(frame).toContain('Grant A applying · operation a InProgress');
		expect(frame).toContain('· Create the workspace');

		a.release();
		frame = await waitForFrame(lastFrame, /Create the workspace applying/);
		expect(frame).toMatch(/✔ Grant A done in/);
		c.release();
		await waitForFrame(() => String(finished.length), '1');
		expect(finished[0]?.outcome).toBe('completed');
		expect(finished[0]?.steps.map((step) => step.stepId)).toEqual(['a', 'b', 'c']);
	});
});
