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
	readonly containerRegistryId?: string;
	readonly storageAccountId?: string;
	readonly keyVaultId?: string;
	readonly applicationInsightsId?: string;
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

/** Progress of a long-running operation, as the service reports it. */
export interface OperationProgress {
	readonly status: string;
}

export interface AzureGateway {
	listSubscriptions(): Promise<SubscriptionSummary[]>;
	listWorkspaces(subscriptionId: string): Promise<WorkspaceSummary[]>;
	getWorkspace(workspaceId: string): Promise<WorkspaceSummary>;
	listRegistries(subscriptionId: string): Promise<RegistrySummary[]>;
	/** undefined when the registry does not exist (or is not visible to the caller). */
	findRegistry(registryId: string): Promise<RegistrySummary | undefined>;
	setRegistryAdminUser(
		registryId: string,
		enabled: boolean,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<RegistrySummary>;
}
