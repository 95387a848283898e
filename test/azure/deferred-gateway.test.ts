import {describe, expect, it} from 'vitest';
import {deferredGateway} from '../../src/azure/deferred-gateway.js';
import type {AzureGateway} from '../../src/azure/gateway.js';

describe('a gateway used before the connection is ready', () => {
	it('waits for the real gateway, then passes calls and pages through', async () => {
		let resolve!: (gateway: AzureGateway) => void;
		const gateway = deferredGateway(new Promise<AzureGateway>((done) => (resolve = done)));
		const subscriptions = gateway.listSubscriptions();
		const pages: unknown[] = [];
		const paging = (async () => {
			for await (const page of gateway.listWorkspacePages('sub')) pages.push(page);
		})();
		resolve({
			listSubscriptions: async () => [{subscriptionId: 's', name: 'S', state: 'Enabled'}],
			async *listWorkspacePages(subscriptionId: string) {
				yield [`${subscriptionId}-1`];
				yield [`${subscriptionId}-2`];
			},
		} as unknown as AzureGateway);
		expect(await subscriptions).toEqual([{subscriptionId: 's', name: 'S', state: 'Enabled'}]);
		await paging;
		expect(pages).toEqual([['sub-1'], ['sub-2']]);
	});

	it('fails every call as the connection failed', async () => {
		const gateway = deferredGateway(Promise.reject(Object.assign(new Error('corrupt'), {code: 'DemoTenantUnreadable'})));
		await expect(gateway.listSubscriptions()).rejects.toMatchObject({code: 'DemoTenantUnreadable'});
	});
});
