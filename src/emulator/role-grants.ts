import {randomUUID} from 'node:crypto';
import type {EmulatorState, JsonObject} from './state.js';

/** Built-in role definitions (their real GUIDs), as Azure serves them. */
export const BUILT_IN_ROLES = {
	Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
	Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
	Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
	'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
	'Role Based Access Control Administrator': 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
	AcrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
	AcrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
	'Managed Identity Operator': 'f1a07417-d97a-45cb-824c-7a7467783830',
	'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
	'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
	'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
	'AzureML Data Scientist': 'f6c7c914-8db3-469d-8ca1-694a8f32e121',
} as const;

export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;

export interface RoleGrant {
	/** ARM scope without a trailing slash, e.g. a registry's id or /subscriptions/{id}. */
	readonly scope: string;
	readonly roleDefinitionGuid: string;
	readonly principalId: string;
	readonly principalType: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup';
	/** Assignment name (a GUID); random when not given, as when Azure grants a role itself. */
	readonly name?: string;
	readonly createdAt?: string;
	readonly createdBy?: string;
}

/** The subscription a scope belongs to, for the role definition id's prefix. */
function subscriptionOf(scope: string): string | undefined {
	return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

/**
 * Adds a role assignment to the state exactly as the Authorization provider stores and serves it.
 * Used by the seed and by services that grant roles themselves (Azure ML grants a new compute's
 * identity AcrPull on the workspace registry). Returns the stored body.
 */
export function grantRole(state: EmulatorState, grant: RoleGrant): JsonObject {
	const name = grant.name ?? randomUUID();
	const id = `${grant.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
	const subscription = subscriptionOf(grant.scope);
	const roleDefinitionId = `${subscription ? `/subscriptions/${subscription}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${grant.roleDefinitionGuid}`;
	const at = grant.createdAt ?? new Date().toISOString();
	const body: JsonObject = {
		id,
		name,
		type: 'Microsoft.Authorization/roleAssignments',
		properties: {
			roleDefinitionId,
			principalId: grant.principalId,
			principalType: grant.principalType,
			scope: grant.scope,
			condition: null,
			conditionVersion: null,
			createdOn: at,
			updatedOn: at,
			createdBy: grant.createdBy ?? null,
			updatedBy: grant.createdBy ?? null,
			delegatedManagedIdentityResourceId: null,
			description: null,
		},
	};
	state.roleAssignments[id.toLowerCase()] = body;
	return body;
}
