import {describe, expect, it} from 'vitest';
import type {AzureGateway} from '../../src/azure/gateway.js';
import type {PermissionSet} from '../../src/azure/permissions.js';
import type {Plan, PlanStep} from '../../src/plan/plan.js';
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
});
