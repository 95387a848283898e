import {useState} from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {RequestLog} from '../../src/azure/request-log.js';
import type {Plan} from '../../src/plan/plan.js';
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
