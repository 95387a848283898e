import {describe, expect, it} from 'vitest';
import type {AzureGateway} from '../../src/azure/gateway.js';
import type {PermissionSet} from '../../src/azure/permissions.js';
import type {Plan, PlanStep, RequiredPermission} from '../../src/plan/plan.js';
import {preflight} from '../../src/plan/preflight.js';

const registry = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/cr';
const contributor: PermissionSet = {actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete']};

function step(id: string, requires: PlanStep['requires']): PlanStep {
	return {
		id,
		title: id,
		target: {kind: 'x', name: id},
		azCommand: '',
		...(requires ? {requires} : {}),
		check: async () => ({satisfied: false, detail: ''}),
		apply: async () => {},
		verify: async () => ({ok: true, detail: ''}),
	};
}

function gatewayAnswering(byScope: Record<string, PermissionSet[] | undefined>, calls: string[] = []): AzureGateway {
	return {
		async listPermissions(scope: string) {
			calls.push(scope);
			return byScope[scope];
		},
	} as unknown as AzureGateway;
}

describe('preflight', () => {
	it('marks each step allowed, or denied with the missing action and the roles that grant it', async () => {
		const plan: Plan = {
			scenarioId: 's',
			title: 't',
			steps: [
				step('disable-admin', [{scope: registry, action: 'Microsoft.ContainerRegistry/registries/write'}]),
				step('acr-pull', [{scope: registry, action: 'Microsoft.Authorization/roleAssignments/write'}]),
				step('write-file', undefined),
			],
		};
		const calls: string[] = [];
		const results = await preflight(plan, gatewayAnswering({[registry]: [contributor]}, calls));
		expect(results).toEqual({
			'disable-admin': {status: 'allowed'},
			'acr-pull': {
				status: 'denied',
				missing: [{scope: registry, action: 'Microsoft.Authorization/roleAssignments/write', grantedBy: ['Role Based Access Control Administrator', 'User Access Administrator', 'Owner']}],
			},
			'write-file': {status: 'allowed'},
		});
		expect(calls).toEqual([registry]);
	});

	it('says when it cannot tell, instead of guessing', async () => {
		const plan: Plan = {scenarioId: 's', title: 't', steps: [step('sub-role', [{scope: '/subscriptions/s', action: 'Microsoft.Authorization/roleAssignments/write'}])]};
		const results = await preflight(plan, gatewayAnswering({}));
		expect(results['sub-role']).toMatchObject({status: 'unknown'});
	});

	it("calls a refused step in place when its check says so, but only while every step before it is in place too", async () => {
		const inPlace = (id: string, requires?: RequiredPermission[]): PlanStep => ({...step(id, requires), check: async () => ({satisfied: true, detail: `${id} is there`})});
		const refused = [{scope: registry, action: 'Microsoft.Authorization/roleAssignments/write'}];
		const gateway = gatewayAnswering({[registry]: [contributor]});
		const ready = await preflight({scenarioId: 's', title: 't', steps: [inPlace('write-file'), inPlace('acr-pull', refused)]}, gateway);
		expect(ready['acr-pull']).toMatchObject({status: 'in-place', detail: 'acr-pull is there'});
		// An earlier step still to do changes what the later check would read: no verdict from it.
		const changing = await preflight({scenarioId: 's', title: 't', steps: [step('set-identity', undefined), inPlace('acr-pull', refused)]}, gateway);
		expect(changing['acr-pull']).toMatchObject({status: 'denied'});
	});
});
