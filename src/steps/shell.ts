import {parseResourceId} from '../azure/resource-id.js';
import type {ShellVariable} from '../plan/plan.js';

/** "gpu-legacy" → "GPU_LEGACY": a bash variable name from an Azure resource name. */
export function shellName(resourceName: string): string {
	const name = resourceName.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
	return /^[0-9]/.test(name) || name === '' ? `_${name}` : name;
}

/** The principal ID of a user-assigned identity, read when the script runs (the identity may be created by it). */
export function identityPrincipalVariable(identityId: string): ShellVariable {
	const {name, resourceGroup} = parseResourceId(identityId);
	return {name: `${shellName(name)}_PRINCIPAL_ID`, command: `az identity show --name ${name} --resource-group ${resourceGroup} --query principalId -o tsv`};
}

/** The client ID of a user-assigned identity, read when the script runs. */
export function identityClientIdVariable(identityId: string): ShellVariable {
	const {name, resourceGroup} = parseResourceId(identityId);
	return {name: `${shellName(name)}_CLIENT_ID`, command: `az identity show --name ${name} --resource-group ${resourceGroup} --query clientId -o tsv`};
}

/**
 * The principal a compute acts as once the plan gave it its identity: the user-assigned identity's
 * when it has one (the first), else its system-assigned one, as `az ml compute show` reports it.
 */
export function computePrincipalVariable(
	compute: {readonly name: string; readonly workspaceName: string; readonly resourceGroup: string},
	userAssignedIdentityId?: string,
): ShellVariable {
	if (userAssignedIdentityId) return identityPrincipalVariable(userAssignedIdentityId);
	return {
		name: `${shellName(compute.name)}_PRINCIPAL_ID`,
		command: `az ml compute show --name ${compute.name} --workspace-name ${compute.workspaceName} --resource-group ${compute.resourceGroup} --query identity.principal_id -o tsv`,
	};
}

/** An object ID as a shell word: a variable quoted, a known GUID as it is. */
export function objectIdArgument(assignee: {readonly objectId: string} | {readonly variable: ShellVariable}): string {
	return 'variable' in assignee ? `"$${assignee.variable.name}"` : assignee.objectId;
}

/** The one form every role assignment is exported in: object ID and principal type, never a name lookup. */
export function roleAssignmentCommand(options: {
	readonly assignee: {readonly objectId: string} | {readonly variable: ShellVariable};
	readonly principalType: 'ServicePrincipal' | 'User' | 'Group';
	readonly roleName: string;
	readonly scope: string;
}): string {
	return `az role assignment create --assignee-object-id ${objectIdArgument(options.assignee)} --assignee-principal-type ${options.principalType} --role "${options.roleName}" --scope ${options.scope}`;
}
