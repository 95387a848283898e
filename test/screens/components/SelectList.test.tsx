import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {SelectList} from '../../../screens/components/SelectList.js';
import {keys, settle, waitForFrame} from '../../helpers/ink.js';

const items = [
	{value: '/subscriptions/a', label: 'Contoso Analytics Sandbox'},
	{value: '/subscriptions/b', label: 'Contoso ML Dev/Test'},
	{value: '/subscriptions/c', label: 'Contoso ML Production', detail: '3f2b8c4e'},
];

describe('SelectList', () => {
	it('selects the row the keys lead to even when they arrive in one chunk (paste, key repeat, ssh)', async () => {
		const selected: string[] = [];
		const {stdin, lastFrame} = render(<SelectList items={items} onSelect={(value) => selected.push(value)} />);
		await waitForFrame(lastFrame, '❯ Contoso Analytics Sandbox');
		await settle();
		stdin.write(`${keys.down}${keys.down}${keys.enter}`);
		await waitForFrame(() => selected.join(','), '/subscriptions/c');
		expect(selected).toEqual(['/subscriptions/c']);
		expect(lastFrame()).toContain('❯ Contoso ML Production  3f2b8c4e');
	});

	it('shows only `limit` rows and where the focus is in the whole list', async () => {
		const {stdin, lastFrame} = render(<SelectList items={items} limit={2} onSelect={() => {}} />);
		await waitForFrame(lastFrame, '1 of 3');
		expect(lastFrame()).not.toContain('Contoso ML Production');
		await settle();
		stdin.write(keys.up);
		const frame = await waitForFrame(lastFrame, '3 of 3');
		expect(frame).toContain('❯ Contoso ML Production');
		expect(frame).not.toContain('Analytics Sandbox');
	});

	it('ignores keys while not focused', async () => {
		const selected: string[] = [];
		const {stdin, lastFrame} = render(<SelectList items={items} isFocused={false} onSelect={(value) => selected.push(value)} />);
		await waitForFrame(lastFrame, 'Contoso');
		await settle();
		stdin.write(keys.enter);
		await settle();
		expect(selected).toEqual([]);
	});
});
