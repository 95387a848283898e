/** What a principal may do at a scope, as the Microsoft.Authorization permissions API answers. */
export interface PermissionSet {
	readonly actions: readonly string[];
	readonly notActions: readonly string[];
}

function patternMatches(pattern: string, action: string): boolean {
	const expression = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
	return expression.test(action);
}

/** Allowed when some permission set grants the action and does not exclude it (Azure RBAC's rule). */
export function isActionAllowed(permissions: readonly PermissionSet[], action: string): boolean {
	return permissions.some(
		(permission) =>
			permission.actions.some((pattern) => patternMatches(pattern, action)) &&
			!permission.notActions.some((pattern) => patternMatches(pattern, action)),
	);
}

/** The built-in roles a user would ask for to be allowed an action, most specific first. */
export function rolesGranting(action: string): string[] {
	const lower = action.toLowerCase();
	if (lower.startsWith('microsoft.authorization/roleassignments/')) {
		return ['Role Based Access Control Administrator', 'User Access Administrator', 'Owner'];
	}
	if (lower === 'microsoft.managedidentity/userassignedidentities/assign/action') {
		return ['Managed Identity Operator', 'Managed Identity Contributor', 'Contributor', 'Owner'];
	}
	if (lower.startsWith('microsoft.keyvault/vaults/accesspolicies/')) return ['Key Vault Contributor', 'Contributor', 'Owner'];
	return ['Contributor', 'Owner'];
}
