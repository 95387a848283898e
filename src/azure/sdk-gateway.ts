import type {TokenCredential} from '@azure/core-auth';
import {AzureMachineLearningWorkspaces, type Workspace} from '@azure/arm-machinelearning';
import {ContainerRegistryManagementClient, type Registry} from '@azure/arm-containerregistry';
import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import type {Pipeline} from '@azure/core-rest-pipeline';
import {attachTrace, clientPolicies, type TraceSink} from './pipeline.js';
import type {AzureGateway, RegistrySummary, SubscriptionSummary, WorkspaceSummary} from './gateway.js';
import {parseResourceId} from './resource-id.js';
import {isNotFound, toAzureFailure} from './errors.js';

export interface AzureConnection {
	/** Resource Manager endpoint: https://management.azure.com, or the emulator's URL. */
	readonly endpoint: string;
	readonly credential: TokenCredential;
	/** Extra CA to trust for this endpoint only (the emulator's certificate). */
	readonly caCertPem?: string;
	readonly trace?: TraceSink;
	/** How often to poll long-running operations when the service does not say (Retry-After). */
	readonly pollIntervalMs?: number;
}

/** Creates each SDK client once per subscription, the first time it is needed. */
export class SdkGateway implements AzureGateway {
	readonly #connection: AzureConnection;
	readonly #clients = new Map<string, unknown>();

	constructor(connection: AzureConnection) {
		this.#connection = connection;
	}

	get #options() {
		const {endpoint, caCertPem} = this.#connection;
		const credentialScopes = [`${new URL(endpoint).origin}/.default`];
		return {
			endpoint,
			credentialScopes,
			additionalPolicies: clientPolicies(caCertPem ? {caCertPem} : {}),
		};
	}

	#client<T extends {pipeline: Pipeline}>(key: string, create: () => T): T {
		let client = this.#clients.get(key) as T | undefined;
		if (!client) {
			client = create();
			if (this.#connection.trace) attachTrace(client.pipeline, this.#connection.trace);
			this.#clients.set(key, client);
		}
		return client;
	}

	#subscriptions(): SubscriptionClient {
		return this.#client('subscriptions', () => new SubscriptionClient(this.#connection.credential, this.#options));
	}

	#machineLearning(subscriptionId: string): AzureMachineLearningWorkspaces {
		return this.#client(
			`ml:${subscriptionId}`,
			() => new AzureMachineLearningWorkspaces(this.#connection.credential, subscriptionId, this.#options),
		);
	}

	#containerRegistry(subscriptionId: string): ContainerRegistryManagementClient {
		return this.#client(
			`acr:${subscriptionId}`,
			() => new ContainerRegistryManagementClient(this.#connection.credential, subscriptionId, this.#options),
		);
	}

	async listSubscriptions(): Promise<SubscriptionSummary[]> {
		const result: SubscriptionSummary[] = [];
		for await (const subscription of this.#subscriptions().subscriptions.list()) {
			if (!subscription.subscriptionId) continue;
			result.push({
				subscriptionId: subscription.subscriptionId,
				name: subscription.displayName ?? subscription.subscriptionId,
				state: subscription.state ?? 'Unknown',
				...(subscription.tenantId ? {tenantId: subscription.tenantId} : {}),
			});
		}
		// Sorted by name, as azd and the portal show them.
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async listWorkspaces(subscriptionId: string): Promise<WorkspaceSummary[]> {
		const result: WorkspaceSummary[] = [];
		for await (const workspace of this.#machineLearning(subscriptionId).workspaces.listBySubscription()) {
			result.push(toWorkspaceSummary(workspace));
		}
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async getWorkspace(workspaceId: string): Promise<WorkspaceSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		return toWorkspaceSummary(await this.#machineLearning(subscriptionId).workspaces.get(resourceGroup, name));
	}

	async listRegistries(subscriptionId: string): Promise<RegistrySummary[]> {
		const result: RegistrySummary[] = [];
		for await (const registry of this.#containerRegistry(subscriptionId).registries.list()) {
			result.push(toRegistrySummary(registry));
		}
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async findRegistry(registryId: string): Promise<RegistrySummary | undefined> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(registryId);
		try {
			return toRegistrySummary(await this.#containerRegistry(subscriptionId).registries.get(resourceGroup, name));
		} catch (error) {
			if (isNotFound(toAzureFailure(error))) return undefined;
			throw error;
		}
	}

	async setRegistryAdminUser(
		registryId: string,
		enabled: boolean,
		onProgress?: (progress: {status: string}) => void,
	): Promise<RegistrySummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(registryId);
		const poller = this.#containerRegistry(subscriptionId).registries.update(
			resourceGroup,
			name,
			{adminUserEnabled: enabled},
			{...(this.#connection.pollIntervalMs ? {updateIntervalInMs: this.#connection.pollIntervalMs} : {})},
		);
		if (onProgress) {
			onProgress({status: 'Accepted'});
			poller.onProgress((state) => onProgress({status: operationStatusLabel(state.status)}));
		}
		return toRegistrySummary(await poller);
	}
}

/** core-lro's state names, in ARM's operation-status vocabulary. */
function operationStatusLabel(status: string): string {
	switch (status) {
		case 'running':
			return 'InProgress';
		case 'succeeded':
			return 'Succeeded';
		case 'failed':
			return 'Failed';
		case 'canceled':
			return 'Canceled';
		default:
			return 'Accepted';
	}
}

function toWorkspaceSummary(workspace: Workspace): WorkspaceSummary {
	const id = workspace.id ?? '';
	const {subscriptionId, resourceGroup} = parseResourceId(id);
	return {
		id,
		name: workspace.name ?? parseResourceId(id).name,
		resourceGroup,
		subscriptionId,
		location: workspace.location ?? '',
		...(workspace.identity?.type && workspace.identity.type !== 'None' ? {identityType: workspace.identity.type} : {}),
		...(workspace.containerRegistry ? {containerRegistryId: workspace.containerRegistry} : {}),
		...(workspace.storageAccount ? {storageAccountId: workspace.storageAccount} : {}),
		...(workspace.keyVault ? {keyVaultId: workspace.keyVault} : {}),
		...(workspace.applicationInsights ? {applicationInsightsId: workspace.applicationInsights} : {}),
	};
}

function toRegistrySummary(registry: Registry): RegistrySummary {
	const id = registry.id ?? '';
	const {subscriptionId, resourceGroup, name} = parseResourceId(id);
	return {
		id,
		name: registry.name ?? name,
		resourceGroup,
		subscriptionId,
		location: registry.location,
		sku: registry.sku.name,
		adminUserEnabled: registry.adminUserEnabled ?? false,
		...(registry.loginServer ? {loginServer: registry.loginServer} : {}),
		...(registry.provisioningState ? {provisioningState: registry.provisioningState} : {}),
	};
}
