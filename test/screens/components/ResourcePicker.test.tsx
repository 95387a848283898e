import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {ResourcePicker} from '../../../screens/components/ResourcePicker.js';
import {keys, settle, waitForFrame} from '../../helpers/ink.js';

/** Pages the test hands out one at a time, as a slow Resource Manager would. */
function controlledPages<T>() {
	const waiting: ((page: readonly T[] | undefined) => void)[] = [];
	const queued: (readonly T[] | undefined)[] = [];
	return {
		send(page: readonly T[] | undefined) {
			const next = waiting.shift();
			if (next) next(page);
			else queued.push(page);
		},
		async *pages(): AsyncIterable<readonly T[]> {
			for (;;) {
				const page = queued.length ? queued.shift() : await new Promise<readonly T[] | undefined>((resolve) => waiting.push(resolve));
				if (!page) return;
				yield page;
			}
		},
	};
}

describe('ResourcePicker over a list that arrives a page at a time', () => {
	it('shows the first page at once, keeps the row the user is on as more pages arrive, and says when the list is complete', async () => {
		const source = controlledPages<string>();
		const chosen: string[] = [];
		const {stdin, lastFrame} = render(
			<ResourcePicker<string>
				title="Choose a workspace"
				load={() => source.pages()}
				loadKey="workspaces"
				loadingLabel="Loading workspaces…"
				failureTitle="Could not list workspaces"
				emptyMessage="None."
				toItem={(name) => ({value: name, label: name})}
				onChosen={(name) => chosen.push(name)}
				onBack={() => {}}
				onQuit={() => {}}
			/>,
		);
		await waitForFrame(lastFrame, 'Loading workspaces…');
		source.send(['mlw-001', 'mlw-002', 'mlw-003']);
		let frame = await waitForFrame(lastFrame, '3 so far; loading more…');
		expect(frame).toContain('❯ mlw-001');

		await settle();
		stdin.write(keys.down);
		await waitForFrame(lastFrame, '❯ mlw-002');
		source.send(['mlw-004', 'mlw-005']);
		frame = await waitForFrame(lastFrame, '5 so far; loading more…');
		expect(frame).toContain('❯ mlw-002'); // not thrown back to the top

		source.send(undefined);
		frame = await waitForFrame(lastFrame, /^(?![\s\S]*loading more)[\s\S]*❯ mlw-002/);
		expect(frame).toContain('❯ mlw-002');
		await settle();
		stdin.write(`${keys.down}${keys.enter}`);
		await waitForFrame(() => chosen.join(','), 'mlw-003');
	});
});

describe('ResourcePicker filtering a long list', () => {
	it('makes each row once, not on every render, and types every key of "/fr" sent before a render could run', async () => {
		const names = Array.from({length: 2000}, (_, index) => `mlw-${index % 3 ? 'churn' : 'fraud'}-${index}`);
		let rowsMade = 0;
		const quits: string[] = [];
		const source = controlledPages<string>();
		const {stdin, lastFrame} = render(
			<ResourcePicker<string>
				title="Choose a workspace"
				load={() => source.pages()}
				loadKey="workspaces"
				loadingLabel="Loading workspaces…"
				failureTitle="Could not list workspaces"
				emptyMessage="None."
				toItem={(name) => {
					rowsMade++;
					return {value: name, label: name};
				}}
				onChosen={() => {}}
				onBack={() => {}}
				onQuit={(reason) => quits.push(reason)}
			/>,
		);
		await waitForFrame(lastFrame, 'Loading workspaces…');
		await settle();
		stdin.write('/'); // nothing to filter yet: ignored
		source.send(names.slice(0, 1000));
		source.send(names.slice(1000));
		source.send(undefined);
		await waitForFrame(lastFrame, /^(?![\s\S]*loading more)[\s\S]*1 of 2000/);
		expect(lastFrame()).not.toContain('Filter:');
		expect(rowsMade).toBe(2000);

		await settle();
		// One after another in the same tick: the second and third keys reach the listener of the
		// render before "/" (React runs effects later), which must still see the filter as open.
		stdin.write('/');
		stdin.write('q'); // a letter of the filter, not "quit"
		stdin.write('\u007F');
		stdin.write('f');
		stdin.write('r');
		const frame = await waitForFrame(lastFrame, 'Filter: fr');
		expect(frame).toContain('667 of 2000');
		expect(quits).toEqual([]);
		expect(rowsMade).toBe(2000); // typing filtered the rows made when the list arrived
	});
});
