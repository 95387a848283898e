import type {PermissionSet} from './permissions.js';

/**
 * The typed gateway: the only way the rest of the wizard talks to Azure.
 * Screens, scenarios and tests see these shapes, never SDK models.
 */
export interface SubscriptionSummary {
	readonly subscriptionId: string;
	readonly name: string;
	readonly state: string;
	readonly tenantId?: string;
}

export interface WorkspaceSummary {
	readonly id: string;
	readonly name: string;
	readonly resourceGroup: string;
	readonly subscriptionId: string;
	readonly location: string;
	/** e.g. "SystemAssigned", "SystemAssigned,UserAssigned"; undefined when the workspace has none. */
	readonly identityType?: string;
	readonly identity: ResourceIdentity;
	readonly containerRegistryId?: string;
	readonly storageAccountId?: string;
	readonly keyVaultId?: string;
	readonly applicationInsightsId?: string;
	/** "Succeeded", "Updating", "Failed" (its last change failed in Azure)… */
	readonly provisioningState?: string;
}

export interface RegistrySummary {
	readonly id: string;
	readonly name: string;
	readonly resourceGroup: string;
	readonly subscriptionId: string;
	readonly location: string;
	readonly sku: string;
	readonly loginServer?: string;
	readonly adminUserEnabled: boolean;
	readonly provisioningState?: string;
}

export interface UserAssignedIdentityRef {
	readonly id: string;
	readonly principalId?: string;
	readonly clientId?: string;
}

/** A managed identity as a resource carries it (workspace, compute). */
export interface ResourceIdentity {
	/** "None", "SystemAssigned", "UserAssigned" or "SystemAssigned,UserAssigned". */
	readonly type: string;
	/** The system-assigned identity's object (principal) ID. */
	readonly principalId?: string;
	readonly tenantId?: string;
	readonly userAssigned: readonly UserAssignedIdentityRef[];
}

export interface ComputeSummary {
	readonly id: string;
	readonly name: string;
	readonly workspaceId: string;
	readonly computeType: string;
	readonly location: string;
	readonly identity: ResourceIdentity;
	readonly vmSize?: string;
	readonly minNodes?: number;
	readonly maxNodes?: number;
	readonly provisioningState?: string;
	/** For attached computes (AKS): the underlying Azure resource. */
	readonly resourceId?: string;
	readonly createdOn?: Date;
}

/** What the wizard asks for when it creates a compute cluster. */
export interface AmlComputeDefinition {
	readonly location: string;
	readonly vmSize: string;
	readonly minNodes: number;
	readonly maxNodes: number;
	/** "SystemAssigned", or "UserAssigned" with identity IDs. */
	readonly identity: {readonly type: 'SystemAssigned' | 'UserAssigned' | 'None'; readonly userAssignedIds?: readonly string[]};
}

export interface IdentitySummary {
	readonly id: string;
	readonly name: string;
	readonly resourceGroup: string;
	readonly subscriptionId: string;
	readonly location: string;
	readonly principalId: string;
	readonly clientId: string;
}

export interface RoleDefinitionSummary {
	/** Full ID: /subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/{guid}. */
	readonly id: string;
	readonly guid: string;
	readonly roleName: string;
}

export interface RoleAssignmentSummary {
	readonly id: string;
	readonly name: string;
	readonly scope: string;
	readonly roleDefinitionId: string;
	readonly principalId: string;
	readonly principalType?: string;
}

export interface ConnectionSummary {
	readonly id: string;
	readonly name: string;
	readonly category?: string;
	readonly target?: string;
	readonly authType?: string;
}

export interface RegistryNameCheck {
	readonly available: boolean;
	readonly reason?: string;
	readonly message?: string;
}

export interface StorageAccountSummary {
	readonly id: string;
	readonly name: string;
	readonly resourceGroup: string;
	readonly subscriptionId: string;
	readonly location: string;
	readonly kind?: string;
	/** Hierarchical namespace on: an ADLS Gen2 account. */
	readonly isHnsEnabled: boolean;
}

export interface DatastoreSummary {
	readonly id: string;
	readonly name: string;
	/** AzureBlob, AzureDataLakeGen2, AzureFile… */
	readonly datastoreType: string;
	/** None (identity-based), AccountKey, Sas, ServicePrincipal, Certificate. */
	readonly credentialsType: string;
	readonly accountName?: string;
	/** Blob container, or ADLS Gen2 filesystem. */
	readonly containerName?: string;
	readonly serviceDataAccessAuthIdentity?: string;
}

export interface IdentityDatastoreDefinition {
	readonly datastoreType: 'AzureBlob' | 'AzureDataLakeGen2';
	readonly accountName: string;
	readonly containerName: string;
	readonly description?: string;
}

export interface KeyVaultAccessPolicy {
	readonly objectId: string;
	readonly keys: readonly string[];
	readonly secrets: readonly string[];
	readonly certificates: readonly string[];
	readonly storage: readonly string[];
}

export interface KeyVaultSummary {
	readonly id: string;
	readonly name: string;
	readonly resourceGroup: string;
	readonly subscriptionId: string;
	readonly location: string;
	readonly tenantId: string;
	/** true: Azure RBAC permission model; false: access policies. */
	readonly rbacAuthorization: boolean;
	readonly accessPolicies: readonly KeyVaultAccessPolicy[];
}

export interface ResourceSummary {
	readonly id: string;
	readonly name: string;
	readonly type: string;
	readonly location: string;
	readonly resourceGroup: string;
}

export interface WorkspaceDefinition {
	readonly location: string;
	readonly identity: {readonly type: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned'; readonly userAssignedIds: readonly string[]};
	readonly primaryUserAssignedIdentity?: string;
	readonly storageAccount: string;
	readonly keyVault: string;
	readonly containerRegistry?: string;
	readonly applicationInsights?: string;
	/** Customer-managed key encryption with its own user-assigned identity. */
	readonly encryption?: {readonly identityId: string; readonly keyVaultId: string; readonly keyIdentifier: string};
}

/** Progress of a long-running operation, as the service reports it. */
export interface OperationProgress {
	readonly status: string;
}

export interface AzureGateway {
	listSubscriptions(): Promise<SubscriptionSummary[]>;
	listWorkspaces(subscriptionId: string): Promise<WorkspaceSummary[]>;
	/** The same, a page at a time as Resource Manager sends them (each page sorted by name): a long list shows its first screenful at once. */
	listWorkspacePages(subscriptionId: string): AsyncIterable<WorkspaceSummary[]>;
	getWorkspace(workspaceId: string): Promise<WorkspaceSummary>;
	listRegistries(subscriptionId: string): Promise<RegistrySummary[]>;
	/** undefined when the registry does not exist (or is not visible to the caller). */
	findRegistry(registryId: string): Promise<RegistrySummary | undefined>;
	setRegistryAdminUser(
		registryId: string,
		enabled: boolean,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<RegistrySummary>;
	checkRegistryName(subscriptionId: string, name: string): Promise<RegistryNameCheck>;
	createRegistry(
		registryId: string,
		definition: {readonly location: string; readonly sku: string},
		onProgress?: (progress: OperationProgress) => void,
	): Promise<RegistrySummary>;
	/** Points the workspace at a registry (`az ml workspace update --container-registry … --update-dependent-resources`). */
	attachRegistry(
		workspaceId: string,
		registryId: string,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<WorkspaceSummary>;

	listComputes(workspaceId: string): Promise<ComputeSummary[]>;
	findCompute(computeId: string): Promise<ComputeSummary | undefined>;
	createAmlCompute(
		computeId: string,
		definition: AmlComputeDefinition,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<ComputeSummary>;
	/** Replaces a compute's identity: API 2022-10-01 cannot PATCH it, so the whole compute is PUT again. */
	setComputeIdentity(
		computeId: string,
		identity: AmlComputeDefinition['identity'],
		onProgress?: (progress: OperationProgress) => void,
	): Promise<ComputeSummary>;

	listIdentities(subscriptionId: string): Promise<IdentitySummary[]>;
	findIdentity(identityId: string): Promise<IdentitySummary | undefined>;
	createIdentity(identityId: string, location: string): Promise<IdentitySummary>;

	findRoleDefinition(scope: string, roleName: string): Promise<RoleDefinitionSummary | undefined>;
	/**
	 * Assignments at the scope or above it (atScope()), optionally for one principal only; with
	 * `below`, also those on resources under the scope (every assignment a principal holds in a subscription).
	 */
	listRoleAssignments(scope: string, filter?: {readonly principalId?: string; readonly below?: boolean}): Promise<RoleAssignmentSummary[]>;
	createRoleAssignment(
		scope: string,
		name: string,
		assignment: {readonly roleDefinitionId: string; readonly principalId: string; readonly principalType: string},
	): Promise<RoleAssignmentSummary>;

	findConnection(workspaceId: string, name: string): Promise<ConnectionSummary | undefined>;
	createManagedIdentityConnection(
		workspaceId: string,
		name: string,
		connection: {readonly category: string; readonly target: string; readonly identityResourceId: string; readonly clientId: string},
	): Promise<ConnectionSummary>;

	createWorkspace(workspaceId: string, definition: WorkspaceDefinition, onProgress?: (progress: OperationProgress) => void): Promise<WorkspaceSummary>;
	/** The workspace's identities, replaced as a whole: user-assigned identities left out are removed. */
	updateWorkspaceIdentity(
		workspaceId: string,
		identity: WorkspaceDefinition['identity'] & {readonly primaryUserAssignedIdentity?: string},
		onProgress?: (progress: OperationProgress) => void,
	): Promise<WorkspaceSummary>;

	listStorageAccounts(subscriptionId: string): Promise<StorageAccountSummary[]>;
	listBlobContainers(storageAccountId: string): Promise<string[]>;
	listDatastores(workspaceId: string): Promise<DatastoreSummary[]>;
	findDatastore(workspaceId: string, name: string): Promise<DatastoreSummary | undefined>;
	/** A datastore that stores no credentials: access goes through an identity. */
	createIdentityDatastore(workspaceId: string, name: string, definition: IdentityDatastoreDefinition): Promise<DatastoreSummary>;

	listKeyVaults(subscriptionId: string): Promise<KeyVaultSummary[]>;
	findKeyVault(vaultId: string): Promise<KeyVaultSummary | undefined>;
	addKeyVaultAccessPolicy(vaultId: string, policy: KeyVaultAccessPolicy): Promise<void>;
	/** Resources of one type in a subscription (a generic list), e.g. microsoft.insights/components. */
	listResourcesOfType(subscriptionId: string, resourceType: string): Promise<ResourceSummary[]>;

	/**
	 * What the signed-in principal may do at a resource group or resource (the permissions API);
	 * undefined for a scope the API does not answer for (a subscription).
	 */
	listPermissions(scope: string): Promise<PermissionSet[] | undefined>;

	/** Any resource by ID (a generic read), as raw JSON; undefined when it does not exist. */
	findResource(resourceId: string, apiVersion: string): Promise<Record<string, unknown> | undefined>;

	// Deletes, for undo. Each succeeds when the resource is already gone (Azure answers 204).
	deleteRoleAssignment(roleAssignmentId: string): Promise<void>;
	deleteIdentity(identityId: string): Promise<void>;
	deleteConnection(workspaceId: string, name: string): Promise<void>;
	deleteDatastore(workspaceId: string, name: string): Promise<void>;
	/** Deletes the compute and its underlying VMs (underlyingResourceAction=Delete). */
	deleteCompute(computeId: string, onProgress?: (progress: OperationProgress) => void): Promise<void>;
	deleteWorkspace(workspaceId: string, onProgress?: (progress: OperationProgress) => void): Promise<void>;
	deleteRegistry(registryId: string, onProgress?: (progress: OperationProgress) => void): Promise<void>;
	/** Removes one principal's access policy from a vault (the 'remove' kind of the access policy update). */
	removeKeyVaultAccessPolicy(vaultId: string, objectId: string): Promise<void>;
}
