import {describe, expect, it} from 'vitest';
import {isActionAllowed, rolesGranting} from '../../src/azure/permissions.js';

const contributor = {
	actions: ['*'],
	notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
};
const managedIdentityOperator = {
	actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action'],
	notActions: [],
};

describe('permissions', () => {
	it('lets a Contributor write resources but not role assignments', () => {
		expect(isActionAllowed([contributor], 'Microsoft.ContainerRegistry/registries/write')).toBe(true);
		expect(isActionAllowed([contributor], 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
	});

	it('matches wildcards in the middle of an action, case-insensitively', () => {
		expect(isActionAllowed([managedIdentityOperator], 'microsoft.managedidentity/userassignedidentities/assign/action')).toBe(false);
		expect(isActionAllowed([managedIdentityOperator], 'Microsoft.ManagedIdentity/userAssignedIdentities/x/assign/action')).toBe(true);
		expect(isActionAllowed([{actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'], notActions: []}], 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action')).toBe(true);
	});

	it('allows what any one of several role assignments grants', () => {
		expect(isActionAllowed([contributor, {actions: ['Microsoft.Authorization/roleAssignments/*'], notActions: []}], 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
		expect(isActionAllowed([], 'Microsoft.ContainerRegistry/registries/read')).toBe(false);
	});

	it('names the built-in roles that would grant a missing action', () => {
		expect(rolesGranting('Microsoft.Authorization/roleAssignments/write')).toEqual(['Role Based Access Control Administrator', 'User Access Administrator', 'Owner']);
		expect(rolesGranting('Microsoft.ManagedIdentity/userAssignedIdentities/assign/action')[0]).toBe('Managed Identity Operator');
	});
});
