import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {Summary} from '../../screens/Summary.js';
import {waitForFrame} from '../helpers/ink.js';

const noop = () => {};

describe('the summary, explained', () => {
	it('says who had done a step that was in place, and what to remember', async () => {
		const {lastFrame} = render(
			<Summary
				title="AcrPull on crfraud for compute cpu-cluster"
				scenarioId="compute-acr-pull"
				isExplaining
				onToggleExplaining={noop}
				result={{outcome: 'completed', steps: [{stepId: 'acr-pull', title: 'Grant AcrPull', state: 'skipped', detail: 'already assigned'}]}}
				summary={{changed: [], alreadyInPlace: ['Grant AcrPull: already assigned.'], nextSteps: []}}
				files={[]}
				onFinish={noop}
				onRetry={noop}
				onQuit={noop}
			/>,
		);
		const frame = await waitForFrame(lastFrame, 'What happened in Azure');
		expect(frame).toContain('Azure had granted it already: the compute was created after the workspace registry existed.');
		expect(frame).toContain('Computes created after the workspace registry get AcrPull for free');
	});
});
