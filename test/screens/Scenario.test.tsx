import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {WorkspaceSummary} from '../../src/azure/gateway.js';
import {Scenario} from '../../screens/Scenario.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

const workspace = {name: 'mlw-fraud-prod'} as WorkspaceSummary;
/** The frame's text with line wraps undone. */
const words = (text: string) => new RegExp(text.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));

describe('the scenario screen', () => {
	it('tells the highlighted scenario’s story when explaining, with the section it comes from', async () => {
		const {lastFrame, stdin} = render(<Scenario workspace={workspace} isExplaining onToggleExplaining={() => {}} onChosen={() => {}} onBack={() => {}} onQuit={() => {}} />);
		let frame = await waitForFrame(lastFrame, words('turns the admin user on'));
		expect(frame).toContain('? hide explanations');
		await settle();
		stdin.write(keys.down);
		stdin.write(keys.down);
		frame = await waitForFrame(lastFrame, words('a cluster created first must be granted AcrPull by hand'));
		expect(frame).toMatch(words('— document 004, “Create compute with managed identity to access Docker images for training”'));
	});

	it('says nothing more when not explaining', async () => {
		const {lastFrame} = render(<Scenario workspace={workspace} onChosen={() => {}} onBack={() => {}} onQuit={() => {}} />);
		const frame = await waitForFrame(lastFrame, 'What do you want to set up');
		expect(frame).not.toMatch(words('turns the admin user on'));
		expect(frame).not.toContain('explain');
	});
});
