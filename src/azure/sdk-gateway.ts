import type {TokenCredential} from '@azure/core-auth';
import type {AmlCompute, AzureMachineLearningWorkspaces, ComputeResource, Datastore, ManagedServiceIdentity, Workspace} from '@azure/arm-machinelearning';
import type {AuthorizationManagementClient, RoleAssignment} from '@azure/arm-authorization';
import type {Identity, ManagedServiceIdentityClient} from '@azure/arm-msi';
import type {ResourceManagementClient} from '@azure/arm-resources';
import type {StorageManagementClient} from '@azure/arm-storage';
import type {KeyVaultManagementClient, Vault} from '@azure/arm-keyvault';
import type {ContainerRegistryManagementClient, Registry} from '@azure/arm-containerregistry';
import type {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import type {Pipeline} from '@azure/core-rest-pipeline';
import {attachTrace, clientPolicies, useRenewingBearerPolicy, type TraceSink} from './pipeline.js';
import {defaultRetryTuning, type RetryTuning} from './retry-notices.js';
import {OperationWatch} from './operation-failure.js';
import {ReadMemo, type ReadMemoOptions} from './read-memo.js';
import type {PermissionSet} from './permissions.js';
import type {
	AmlComputeDefinition,
	AzureGateway,
	ComputeSummary,
	ConnectionSummary,
	DatastoreSummary,
	IdentityDatastoreDefinition,
	IdentitySummary,
	KeyVaultAccessPolicy,
	KeyVaultSummary,
	ResourceSummary,
	StorageAccountSummary,
	WorkspaceDefinition,
	OperationProgress,
	RegistryNameCheck,
	RegistrySummary,
	ResourceIdentity,
	RoleAssignmentSummary,
	RoleDefinitionSummary,
	SubscriptionSummary,
	WorkspaceSummary,
} from './gateway.js';
import {parseResourceId} from './resource-id.js';
import {isNotFound, toAzureFailure} from './errors.js';

/** What every ARM client here is given: where Resource Manager is, its token scope, our policies. */
interface ClientOptions {
	readonly endpoint: string;
	readonly credentialScopes: string[];
	readonly additionalPolicies: ReturnType<typeof clientPolicies>;
	readonly retryOptions: RetryTuning;
}

/**
 * Each SDK package is loaded the first time a client of its kind is needed (in the bundle, a chunk of
 * its own): a run needs three to five of the eight, and compiling all of them up front cost a demo run
 * about 15 MB of its peak memory.
 */
const sdkClients = {
	subscriptions: async () => exportsOf(await import('@azure/arm-resources-subscriptions')).SubscriptionClient,
	machineLearning: async () => exportsOf(await import('@azure/arm-machinelearning')).AzureMachineLearningWorkspaces,
	containerRegistry: async () => exportsOf(await import('@azure/arm-containerregistry')).ContainerRegistryManagementClient,
	authorization: async () => exportsOf(await import('@azure/arm-authorization')).AuthorizationManagementClient,
	managedIdentity: async () => exportsOf(await import('@azure/arm-msi')).ManagedServiceIdentityClient,
	resources: async () => exportsOf(await import('@azure/arm-resources')).ResourceManagementClient,
	storage: async () => exportsOf(await import('@azure/arm-storage')).StorageManagementClient,
	keyVault: async () => exportsOf(await import('@azure/arm-keyvault')).KeyVaultManagementClient,
};

/** The kinds of client made once per subscription (all but the subscriptions client), and their instances. */
type PerSubscriptionKind = Exclude<keyof typeof sdkClients, 'subscriptions'>;
type ClientOf<K extends PerSubscriptionKind> = InstanceType<Awaited<ReturnType<(typeof sdkClients)[K]>>>;

/**
 * A dynamically imported package's exports. Some of the SDKs are CommonJS, and esbuild gives a CommonJS
 * chunk's exports only as its default export (Node gives them both ways).
 */
function exportsOf<T extends object>(module: T): T {
	return (module as {default?: T}).default ?? module;
}

export interface AzureConnection {
	/** Resource Manager endpoint: https://management.azure.com, or the emulator's URL. */
	readonly endpoint: string;
	readonly credential: TokenCredential;
	/** Token scope for Resource Manager; default the endpoint's origin + `/.default` (the cloud's scope when the endpoint is the emulator). */
	readonly credentialScope?: string;
	/** Extra CA to trust for this endpoint only (the emulator's certificate). */
	readonly caCertPem?: string;
	readonly trace?: TraceSink;
	/** How often to poll long-running operations when the service does not say (Retry-After). */
	readonly pollIntervalMs?: number;
	/** The SDK's own retries (429 with Retry-After, 5xx, dropped connections), tuned; default defaultRetryTuning. */
	readonly retry?: Partial<RetryTuning>;
	/**
	 * How long to wait for one long-running operation before stopping resumably (OperationStillRunning);
	 * default 30 minutes. Azure goes on with it either way.
	 */
	readonly operationPatienceMs?: number;
	/** Reads answered from what the gateway's clients read or wrote moments ago (read-memo.ts); false: every read is sent. */
	readonly readMemo?: ReadMemoOptions | false;
}

/** How long a long-running operation may take before the step stops resumably. */
export const DEFAULT_OPERATION_PATIENCE_MS = 30 * 60 * 1000;

/** A Microsoft Entra ID directory the signed-in principal can use. */
export interface TenantSummary {
	readonly tenantId: string;
	readonly name: string;
	readonly defaultDomain?: string;
}

/** Creates each SDK client once per subscription, the first time it is needed. */
export class SdkGateway implements AzureGateway {
	readonly #connection: AzureConnection;
	/** Clients by kind, then by subscription (promises: the kind's package may still be loading). */
	readonly #clients = new Map<keyof typeof sdkClients, Map<string, Promise<unknown>>>();
	#subscriptionClient: Promise<SubscriptionClient> | undefined;
	/** One memory of reads for all the clients: a write through any of them makes every client read again. */
	readonly #readMemo: ReadMemo | undefined;

	constructor(connection: AzureConnection) {
		this.#connection = connection;
		this.#readMemo = connection.readMemo === false ? undefined : new ReadMemo(connection.readMemo);
		// Every session lists subscriptions, then workspaces: those two packages load now, behind the
		// screen, rather than on the first list (Machine Learning's took about 35 ms there).
		void sdkClients.subscriptions().catch(() => {});
		void sdkClients.machineLearning().catch(() => {});
	}

	get #options(): ClientOptions {
		const {endpoint, caCertPem, credentialScope} = this.#connection;
		const credentialScopes = [credentialScope ?? `${new URL(endpoint).origin}/.default`];
		const retryOptions = {...defaultRetryTuning, ...this.#connection.retry};
		return {
			endpoint,
			credentialScopes,
			additionalPolicies: clientPolicies({...(caCertPem ? {caCertPem} : {}), maxRetries: retryOptions.maxRetries}),
			retryOptions,
		};
	}

	#traced<T extends {pipeline: Pipeline}>(client: T): T {
		useRenewingBearerPolicy(client.pipeline, this.#connection.credential, this.#options.credentialScopes);
		// Inside deserialization (a remembered 404 still becomes the SDK's error), outside retries, signing and the trace.
		if (this.#readMemo) client.pipeline.addPolicy(this.#readMemo.policy(this.#connection.endpoint), {afterPhase: 'Deserialize'});
		if (this.#connection.trace) attachTrace(client.pipeline, this.#connection.trace);
		return client;
	}

	#subscriptions(): Promise<SubscriptionClient> {
		this.#subscriptionClient ??= sdkClients.subscriptions().then((Client) => this.#traced(new Client(this.#connection.credential, this.#options)));
		return this.#subscriptionClient;
	}

	/** One client of a kind per subscription, created the first time it is needed. */
	#perSubscription<K extends PerSubscriptionKind>(kind: K, subscriptionId: string): Promise<ClientOf<K>> {
		let bySubscription = this.#clients.get(kind) as Map<string, Promise<ClientOf<K>>> | undefined;
		if (!bySubscription) {
			bySubscription = new Map();
			this.#clients.set(kind, bySubscription);
		}
		let client = bySubscription.get(subscriptionId);
		if (!client) {
			const load = sdkClients[kind] as () => Promise<new (credential: TokenCredential, subscriptionId: string, options: ClientOptions) => ClientOf<K>>;
			client = load().then((Client) => this.#traced(new Client(this.#connection.credential, subscriptionId, this.#options)));
			// A package that failed to load is tried again next time.
			client.catch(() => bySubscription.delete(subscriptionId));
			bySubscription.set(subscriptionId, client);
		}
		return client;
	}

	#machineLearning = (subscriptionId: string) => this.#perSubscription('machineLearning', subscriptionId);
	#containerRegistry = (subscriptionId: string) => this.#perSubscription('containerRegistry', subscriptionId);
	#authorization = (subscriptionId: string) => this.#perSubscription('authorization', subscriptionId);
	#managedIdentity = (subscriptionId: string) => this.#perSubscription('managedIdentity', subscriptionId);
	#resources = (subscriptionId: string) => this.#perSubscription('resources', subscriptionId);
	#storage = (subscriptionId: string) => this.#perSubscription('storage', subscriptionId);
	#keyVault = (subscriptionId: string) => this.#perSubscription('keyVault', subscriptionId);

	/**
	 * Waits for a poller within the connection's patience; past it, a resumable stop
	 * (OperationStillRunning): the operation goes on in Azure, and the step's check finds it later.
	 * Raced rather than only aborted: the older (core-lro v2) pollers do not all heed the signal.
	 */
	async #untilDone<T>(
		poller: {pollUntilDone(options?: {abortSignal?: AbortSignal}): Promise<T>; stopPolling?(): void},
		watch: OperationWatch,
		what: string,
	): Promise<T> {
		const patienceMs = this.#connection.operationPatienceMs ?? DEFAULT_OPERATION_PATIENCE_MS;
		const patience = new AbortController();
		const outlasted = Symbol('outlasted');
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<typeof outlasted>((resolve) => {
			timer = setTimeout(() => resolve(outlasted), patienceMs);
			timer.unref();
		});
		const polling = watch.run(() => poller.pollUntilDone({abortSignal: patience.signal})).then(
			(result) => ({result, error: undefined}),
			(error: unknown) => ({result: undefined, error: error ?? new Error('The operation failed.')}),
		);
		const settled = await Promise.race([polling, timeout]);
		clearTimeout(timer);
		if (settled === outlasted) {
			patience.abort();
			poller.stopPolling?.();
			throw Object.assign(
				new Error(`Azure is still working on ${what} after ${formatPatience(patienceMs)}; it goes on without the wizard watching.`),
				{code: 'OperationStillRunning'},
			);
		}
		const {result, error} = settled;
		if (!error) return result as T;
		throw operationError(error, watch, what);
	}

	/** Starts an operation (an older poller polls once as it starts, and may find it Failed already). */
	async #begin<P>(watch: OperationWatch, what: string, start: () => Promise<P>): Promise<P> {
		try {
			return await watch.run(start);
		} catch (error) {
			throw operationError(error, watch, what);
		}
	}

	get #lroOptions() {
		return this.#connection.pollIntervalMs ? {updateIntervalInMs: this.#connection.pollIntervalMs} : {};
	}

	async listSubscriptions(): Promise<SubscriptionSummary[]> {
		const result: SubscriptionSummary[] = [];
		for await (const subscription of (await this.#subscriptions()).subscriptions.list()) {
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

	/** The directories the signed-in principal belongs to (Tenants_List), sorted by name. */
	async listTenants(): Promise<TenantSummary[]> {
		const result: TenantSummary[] = [];
		for await (const tenant of (await this.#subscriptions()).tenants.list()) {
			if (!tenant.tenantId) continue;
			result.push({
				tenantId: tenant.tenantId,
				name: tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId,
				...(tenant.defaultDomain ? {defaultDomain: tenant.defaultDomain} : {}),
			});
		}
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async listWorkspaces(subscriptionId: string): Promise<WorkspaceSummary[]> {
		return collectByName((await this.#machineLearning(subscriptionId)).workspaces.listBySubscription(), toWorkspaceSummary);
	}

	async *listWorkspacePages(subscriptionId: string): AsyncIterable<WorkspaceSummary[]> {
		for await (const page of (await this.#machineLearning(subscriptionId)).workspaces.listBySubscription().byPage()) {
			yield page.map(toWorkspaceSummary).sort((a, b) => a.name.localeCompare(b.name));
		}
	}

	async getWorkspace(workspaceId: string): Promise<WorkspaceSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		return toWorkspaceSummary(await (await this.#machineLearning(subscriptionId)).workspaces.get(resourceGroup, name));
	}

	async listRegistries(subscriptionId: string): Promise<RegistrySummary[]> {
		return collectByName((await this.#containerRegistry(subscriptionId)).registries.list(), toRegistrySummary);
	}

	async findRegistry(registryId: string): Promise<RegistrySummary | undefined> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(registryId);
		const found = await unlessNotFound((await this.#containerRegistry(subscriptionId)).registries.get(resourceGroup, name));
		return found && toRegistrySummary(found);
	}

	async setRegistryAdminUser(
		registryId: string,
		enabled: boolean,
		onProgress?: (progress: {status: string}) => void,
	): Promise<RegistrySummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(registryId);
		const containerRegistry = await this.#containerRegistry(subscriptionId);
		const watch = new OperationWatch();
		const poller = watch.run(() => containerRegistry.registries.update(
			resourceGroup,
			name,
			{adminUserEnabled: enabled},
			this.#lroOptions,
		));
		if (onProgress) {
			onProgress({status: 'Accepted'});
			poller.onProgress((state) => onProgress({status: operationStatusLabel(state.status)}));
		}
		return toRegistrySummary(await this.#untilDone(poller, watch, `registry ${name}`));
	}

	async checkRegistryName(subscriptionId: string, name: string): Promise<RegistryNameCheck> {
		const status = await (await this.#containerRegistry(subscriptionId)).registries.checkNameAvailability({
			name,
			type: 'Microsoft.ContainerRegistry/registries',
		});
		return {
			available: status.nameAvailable === true,
			...(status.reason ? {reason: status.reason} : {}),
			...(status.message ? {message: status.message} : {}),
		};
	}

	async createRegistry(
		registryId: string,
		definition: {readonly location: string; readonly sku: string},
		onProgress?: (progress: OperationProgress) => void,
	): Promise<RegistrySummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(registryId);
		// The admin user stays off: that is the point of bringing your own registry.
		const containerRegistry = await this.#containerRegistry(subscriptionId);
		const watch = new OperationWatch();
		const poller = watch.run(() => containerRegistry.registries.create(
			resourceGroup,
			name,
			{location: definition.location, sku: {name: definition.sku as 'Basic'}, adminUserEnabled: false},
			this.#lroOptions,
		));
		if (onProgress) {
			onProgress({status: 'Accepted'});
			poller.onProgress((state) => onProgress({status: operationStatusLabel(state.status)}));
		}
		return toRegistrySummary(await this.#untilDone(poller, watch, `registry ${name}`));
	}

	async attachRegistry(
		workspaceId: string,
		registryId: string,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<WorkspaceSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const machineLearning = await this.#machineLearning(subscriptionId);
		const watch = new OperationWatch();
		const poller = await this.#begin(watch, `workspace ${name}`, () => machineLearning.workspaces.beginUpdate(
			resourceGroup,
			name,
			{containerRegistry: registryId},
			this.#lroOptions,
		));
		reportPolling(poller, onProgress);
		return toWorkspaceSummary(await this.#untilDone(poller, watch, `workspace ${name}`));
	}

	async listComputes(workspaceId: string): Promise<ComputeSummary[]> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		return collectByName((await this.#machineLearning(subscriptionId)).computeOperations.list(resourceGroup, name), (compute) => toComputeSummary(compute, workspaceId));
	}

	async findCompute(computeId: string): Promise<ComputeSummary | undefined> {
		const raw = await this.#getCompute(computeId);
		return raw && toComputeSummary(raw, workspaceIdOf(computeId));
	}

	async #getCompute(computeId: string): Promise<ComputeResource | undefined> {
		const {subscriptionId, resourceGroup, workspace, compute} = parseComputeId(computeId);
		return unlessNotFound((await this.#machineLearning(subscriptionId)).computeOperations.get(resourceGroup, workspace, compute));
	}

	async #putCompute(computeId: string, resource: ComputeResource, onProgress?: (progress: OperationProgress) => void) {
		const {subscriptionId, resourceGroup, workspace, compute} = parseComputeId(computeId);
		const machineLearning = await this.#machineLearning(subscriptionId);
		const watch = new OperationWatch();
		const poller = await this.#begin(watch, `compute ${compute}`, () => machineLearning.computeOperations.beginCreateOrUpdate(
			resourceGroup,
			workspace,
			compute,
			resource,
			this.#lroOptions,
		));
		reportPolling(poller, onProgress);
		await this.#untilDone(poller, watch, `compute ${compute}`);
		// The LRO's final body can be the operation status; read the compute itself.
		const created = await this.findCompute(computeId);
		if (!created) throw Object.assign(new Error(`Compute ${compute} was not found after it was written.`), {code: 'ResourceNotFound'});
		return created;
	}

	async createAmlCompute(
		computeId: string,
		definition: AmlComputeDefinition,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<ComputeSummary> {
		return this.#putCompute(
			computeId,
			{
				location: definition.location,
				identity: toServiceIdentity(definition.identity),
				properties: {
					computeType: 'AmlCompute',
					properties: {
						vmSize: definition.vmSize,
						vmPriority: 'Dedicated',
						scaleSettings: {minNodeCount: definition.minNodes, maxNodeCount: definition.maxNodes, nodeIdleTimeBeforeScaleDown: 'PT120S'},
					},
				},
			},
			onProgress,
		);
	}

	async setComputeIdentity(
		computeId: string,
		identity: AmlComputeDefinition['identity'],
		onProgress?: (progress: OperationProgress) => void,
	): Promise<ComputeSummary> {
		const current = await this.#getCompute(computeId);
		if (!current) throw Object.assign(new Error(`Compute ${computeId} does not exist.`), {code: 'ResourceNotFound'});
		const {properties} = current;
		// Re-PUT what the compute is, with the new identity; read-only fields are dropped by the SDK's serializer.
		return this.#putCompute(
			computeId,
			{
				location: current.location,
				...(current.tags ? {tags: current.tags} : {}),
				...(current.sku ? {sku: current.sku} : {}),
				identity: toServiceIdentity(identity),
				...(properties ? {properties} : {}),
			},
			onProgress,
		);
	}

	async listIdentities(subscriptionId: string): Promise<IdentitySummary[]> {
		return collectByName((await this.#managedIdentity(subscriptionId)).userAssignedIdentities.listBySubscription(), toIdentitySummary);
	}

	async findIdentity(identityId: string): Promise<IdentitySummary | undefined> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(identityId);
		const found = await unlessNotFound((await this.#managedIdentity(subscriptionId)).userAssignedIdentities.get(resourceGroup, name));
		return found && toIdentitySummary(found);
	}

	async createIdentity(identityId: string, location: string): Promise<IdentitySummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(identityId);
		return toIdentitySummary(
			await (await this.#managedIdentity(subscriptionId)).userAssignedIdentities.createOrUpdate(resourceGroup, name, {location}),
		);
	}

	async findRoleDefinition(scope: string, roleName: string): Promise<RoleDefinitionSummary | undefined> {
		const subscriptionId = subscriptionOfScope(scope);
		const definitions = (await this.#authorization(subscriptionId)).roleDefinitions.list(scope, {
			filter: `roleName eq '${roleName.replaceAll("'", "''")}'`,
		});
		for await (const definition of definitions) {
			if (definition.id && definition.name) return {id: definition.id, guid: definition.name, roleName: definition.roleName ?? roleName};
		}
		return undefined;
	}

	async listRoleAssignments(scope: string, filter: {readonly principalId?: string; readonly below?: boolean} = {}): Promise<RoleAssignmentSummary[]> {
		const subscriptionId = subscriptionOfScope(scope);
		const filters = [...(filter.below ? [] : ['atScope()']), ...(filter.principalId ? [`principalId eq '${filter.principalId}'`] : [])];
		const result: RoleAssignmentSummary[] = [];
		for await (const assignment of (await this.#authorization(subscriptionId)).roleAssignments.listForScope(scope, {
			...(filters.length ? {filter: filters.join(' and ')} : {}),
		})) {
			result.push(toRoleAssignmentSummary(assignment));
		}
		return result;
	}

	async createRoleAssignment(
		scope: string,
		name: string,
		assignment: {readonly roleDefinitionId: string; readonly principalId: string; readonly principalType: string},
	): Promise<RoleAssignmentSummary> {
		const subscriptionId = subscriptionOfScope(scope);
		return toRoleAssignmentSummary(
			await (await this.#authorization(subscriptionId)).roleAssignments.create(scope, name, {
				roleDefinitionId: assignment.roleDefinitionId,
				principalId: assignment.principalId,
				principalType: assignment.principalType,
			}),
		);
	}

	async findConnection(workspaceId: string, connectionName: string): Promise<ConnectionSummary | undefined> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const connection = await unlessNotFound((await this.#machineLearning(subscriptionId)).workspaceConnections.get(resourceGroup, name, connectionName));
		return (
			connection && {
				id: connection.id ?? '',
				name: connection.name ?? connectionName,
				...(connection.properties.category ? {category: connection.properties.category} : {}),
				...(connection.properties.target ? {target: connection.properties.target} : {}),
				authType: connection.properties.authType,
			}
		);
	}

	async createManagedIdentityConnection(
		workspaceId: string,
		connectionName: string,
		connection: {readonly category: string; readonly target: string; readonly identityResourceId: string; readonly clientId: string},
	): Promise<ConnectionSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const created = await (await this.#machineLearning(subscriptionId)).workspaceConnections.create(resourceGroup, name, connectionName, {
			properties: {
				authType: 'ManagedIdentity',
				category: connection.category,
				target: connection.target,
				credentials: {resourceId: connection.identityResourceId, clientId: connection.clientId},
			},
		});
		return {
			id: created.id ?? '',
			name: created.name ?? connectionName,
			category: connection.category,
			target: connection.target,
			authType: 'ManagedIdentity',
		};
	}

	async createWorkspace(
		workspaceId: string,
		definition: WorkspaceDefinition,
		onProgress?: (progress: OperationProgress) => void,
	): Promise<WorkspaceSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const machineLearning = await this.#machineLearning(subscriptionId);
		const watch = new OperationWatch();
		const poller = await this.#begin(watch, `workspace ${name}`, () => machineLearning.workspaces.beginCreateOrUpdate(
			resourceGroup,
			name,
			{
				location: definition.location,
				identity: {
					type: definition.identity.type,
					...(definition.identity.userAssignedIds.length ? {userAssignedIdentities: Object.fromEntries(definition.identity.userAssignedIds.map((id) => [id, {}]))} : {}),
				},
				...(definition.primaryUserAssignedIdentity ? {primaryUserAssignedIdentity: definition.primaryUserAssignedIdentity} : {}),
				storageAccount: definition.storageAccount,
				keyVault: definition.keyVault,
				...(definition.containerRegistry ? {containerRegistry: definition.containerRegistry} : {}),
				...(definition.applicationInsights ? {applicationInsights: definition.applicationInsights} : {}),
				...(definition.encryption
					? {
							encryption: {
								status: 'Enabled',
								identity: {userAssignedIdentity: definition.encryption.identityId},
								keyVaultProperties: {keyVaultArmId: definition.encryption.keyVaultId, keyIdentifier: definition.encryption.keyIdentifier},
							},
						}
					: {}),
			},
			this.#lroOptions,
		));
		reportPolling(poller, onProgress);
		await this.#untilDone(poller, watch, `workspace ${name}`);
		return this.getWorkspace(workspaceId);
	}

	async updateWorkspaceIdentity(
		workspaceId: string,
		identity: WorkspaceDefinition['identity'] & {readonly primaryUserAssignedIdentity?: string},
		onProgress?: (progress: OperationProgress) => void,
	): Promise<WorkspaceSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const machineLearning = await this.#machineLearning(subscriptionId);
		const watch = new OperationWatch();
		const poller = await this.#begin(watch, `workspace ${name}`, () => machineLearning.workspaces.beginUpdate(
			resourceGroup,
			name,
			{
				identity: {type: identity.type, userAssignedIdentities: Object.fromEntries(identity.userAssignedIds.map((id) => [id, {}]))},
				...(identity.primaryUserAssignedIdentity ? {primaryUserAssignedIdentity: identity.primaryUserAssignedIdentity} : {}),
			},
			this.#lroOptions,
		));
		reportPolling(poller, onProgress);
		await this.#untilDone(poller, watch, `workspace ${name}`);
		return this.getWorkspace(workspaceId);
	}

	async listStorageAccounts(subscriptionId: string): Promise<StorageAccountSummary[]> {
		const result: StorageAccountSummary[] = [];
		for await (const account of (await this.#storage(subscriptionId)).storageAccounts.list()) {
			const id = account.id ?? '';
			const parts = parseResourceId(id);
			result.push({
				id,
				name: account.name ?? parts.name,
				resourceGroup: parts.resourceGroup,
				subscriptionId: parts.subscriptionId,
				location: account.location,
				...(account.kind ? {kind: account.kind} : {}),
				isHnsEnabled: account.isHnsEnabled === true,
			});
		}
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async listBlobContainers(storageAccountId: string): Promise<string[]> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(storageAccountId);
		const result: string[] = [];
		for await (const container of (await this.#storage(subscriptionId)).blobContainers.list(resourceGroup, name)) {
			if (container.name) result.push(container.name);
		}
		return result.sort();
	}

	async listDatastores(workspaceId: string): Promise<DatastoreSummary[]> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		return collectByName((await this.#machineLearning(subscriptionId)).datastores.list(resourceGroup, name), toDatastoreSummary);
	}

	async findDatastore(workspaceId: string, datastoreName: string): Promise<DatastoreSummary | undefined> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const found = await unlessNotFound((await this.#machineLearning(subscriptionId)).datastores.get(resourceGroup, name, datastoreName));
		return found && toDatastoreSummary(found);
	}

	async createIdentityDatastore(workspaceId: string, datastoreName: string, definition: IdentityDatastoreDefinition): Promise<DatastoreSummary> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const properties =
			definition.datastoreType === 'AzureBlob'
				? {datastoreType: 'AzureBlob' as const, accountName: definition.accountName, containerName: definition.containerName}
				: {datastoreType: 'AzureDataLakeGen2' as const, accountName: definition.accountName, filesystem: definition.containerName};
		const created = await (await this.#machineLearning(subscriptionId)).datastores.createOrUpdate(resourceGroup, name, datastoreName, {
			properties: {
				...properties,
				credentials: {credentialsType: 'None'},
				...(definition.description ? {description: definition.description} : {}),
			},
		});
		return toDatastoreSummary(created);
	}

	async listKeyVaults(subscriptionId: string): Promise<KeyVaultSummary[]> {
		const result: KeyVaultSummary[] = [];
		for await (const vault of (await this.#keyVault(subscriptionId)).vaults.listBySubscription()) result.push(toKeyVaultSummary(vault));
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async findKeyVault(vaultId: string): Promise<KeyVaultSummary | undefined> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(vaultId);
		const found = await unlessNotFound((await this.#keyVault(subscriptionId)).vaults.get(resourceGroup, name));
		return found && toKeyVaultSummary(found);
	}

	async addKeyVaultAccessPolicy(vaultId: string, policy: KeyVaultAccessPolicy): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(vaultId);
		const {vaults} = await this.#keyVault(subscriptionId);
		const vault = await vaults.get(resourceGroup, name);
		await vaults.updateAccessPolicy(resourceGroup, name, 'add', {
			properties: {
				accessPolicies: [
					{
						tenantId: vault.properties.tenantId,
						objectId: policy.objectId,
						permissions: {
							keys: [...policy.keys] as never[],
							secrets: [...policy.secrets] as never[],
							certificates: [...policy.certificates] as never[],
							storage: [...policy.storage] as never[],
						},
					},
				],
			},
		});
	}

	async removeKeyVaultAccessPolicy(vaultId: string, objectId: string): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(vaultId);
		const {vaults} = await this.#keyVault(subscriptionId);
		const vault = await unlessNotFound(vaults.get(resourceGroup, name));
		const current = vault?.properties.accessPolicies?.find((policy) => policy.objectId.toLowerCase() === objectId.toLowerCase());
		if (!vault || !current) return;
		// 'remove' takes the entry as it is: Key Vault removes the permissions it lists.
		await vaults.updateAccessPolicy(resourceGroup, name, 'remove', {properties: {accessPolicies: [current]}});
	}

	async deleteRoleAssignment(roleAssignmentId: string): Promise<void> {
		await (await this.#authorization(subscriptionOfScope(roleAssignmentId))).roleAssignments.deleteById(roleAssignmentId);
	}

	async deleteIdentity(identityId: string): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(identityId);
		await (await this.#managedIdentity(subscriptionId)).userAssignedIdentities.delete(resourceGroup, name);
	}

	async deleteConnection(workspaceId: string, connectionName: string): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		await (await this.#machineLearning(subscriptionId)).workspaceConnections.delete(resourceGroup, name, connectionName);
	}

	async deleteDatastore(workspaceId: string, datastoreName: string): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		await (await this.#machineLearning(subscriptionId)).datastores.delete(resourceGroup, name, datastoreName);
	}

	async deleteCompute(computeId: string, onProgress?: (progress: OperationProgress) => void): Promise<void> {
		const {subscriptionId, resourceGroup, workspace, compute} = parseComputeId(computeId);
		const machineLearning = await this.#machineLearning(subscriptionId);
		const watch = new OperationWatch();
		const poller = await this.#begin(watch, `compute ${compute}`, () => machineLearning.computeOperations.beginDelete(resourceGroup, workspace, compute, 'Delete', this.#lroOptions));
		reportPolling(poller, onProgress);
		await this.#untilDone(poller, watch, `compute ${compute}`);
	}

	async deleteWorkspace(workspaceId: string, onProgress?: (progress: OperationProgress) => void): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(workspaceId);
		const machineLearning = await this.#machineLearning(subscriptionId);
		const watch = new OperationWatch();
		const poller = await this.#begin(watch, `workspace ${name}`, () => machineLearning.workspaces.beginDelete(resourceGroup, name, this.#lroOptions));
		reportPolling(poller, onProgress);
		await this.#untilDone(poller, watch, `workspace ${name}`);
	}

	async deleteRegistry(registryId: string, onProgress?: (progress: OperationProgress) => void): Promise<void> {
		const {subscriptionId, resourceGroup, name} = parseResourceId(registryId);
		const containerRegistry = await this.#containerRegistry(subscriptionId);
		const watch = new OperationWatch();
		const poller = watch.run(() => containerRegistry.registries.delete(resourceGroup, name, this.#lroOptions));
		if (onProgress) {
			onProgress({status: 'Accepted'});
			poller.onProgress((state) => onProgress({status: operationStatusLabel(state.status)}));
		}
		await this.#untilDone(poller, watch, `registry ${name}`);
	}

	async listResourcesOfType(subscriptionId: string, resourceType: string): Promise<ResourceSummary[]> {
		const result: ResourceSummary[] = [];
		for await (const resource of (await this.#resources(subscriptionId)).resources.list({filter: `resourceType eq '${resourceType}'`})) {
			const id = resource.id ?? '';
			result.push({id, name: resource.name ?? '', type: resource.type ?? resourceType, location: resource.location ?? '', resourceGroup: parseResourceId(id).resourceGroup});
		}
		return result.sort((a, b) => a.name.localeCompare(b.name));
	}

	async listPermissions(scope: string): Promise<PermissionSet[] | undefined> {
		const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(?:\/providers\/([^/]+)\/(.+))?$/i.exec(scope);
		if (!match) return undefined;
		const [, subscriptionId, resourceGroup, namespace, path] = match as unknown as [string, string, string, string | undefined, string | undefined];
		const permissions = (await this.#authorization(subscriptionId)).permissions;
		let pages;
		if (!namespace || !path) {
			pages = permissions.listForResourceGroup(resourceGroup);
		} else {
			// type/name pairs: the last pair is the resource, the ones before it its parent path.
			const segments = path.split('/');
			const name = segments.pop() ?? '';
			const type = segments.pop() ?? '';
			pages = permissions.listForResource(resourceGroup, namespace, segments.join('/'), type, name);
		}
		const result: PermissionSet[] = [];
		for await (const permission of pages) result.push({actions: permission.actions ?? [], notActions: permission.notActions ?? []});
		return result;
	}

	async findResource(resourceId: string, apiVersion: string): Promise<Record<string, unknown> | undefined> {
		const {subscriptionId} = parseResourceId(resourceId);
		return (await unlessNotFound((await this.#resources(subscriptionId)).resources.getById(resourceId, apiVersion))) as Record<string, unknown> | undefined;
	}
}

function toDatastoreSummary(datastore: Datastore): DatastoreSummary {
	const properties = datastore.properties as {
		datastoreType: string;
		credentials?: {credentialsType?: string};
		accountName?: string;
		containerName?: string;
		filesystem?: string;
		fileShareName?: string;
		serviceDataAccessAuthIdentity?: string;
	};
	const container = properties.containerName ?? properties.filesystem ?? properties.fileShareName;
	return {
		id: datastore.id ?? '',
		name: datastore.name ?? '',
		datastoreType: properties.datastoreType,
		credentialsType: properties.credentials?.credentialsType ?? 'None',
		...(properties.accountName ? {accountName: properties.accountName} : {}),
		...(container ? {containerName: container} : {}),
		...(properties.serviceDataAccessAuthIdentity ? {serviceDataAccessAuthIdentity: properties.serviceDataAccessAuthIdentity} : {}),
	};
}

function toKeyVaultSummary(vault: Vault): KeyVaultSummary {
	const id = vault.id ?? '';
	const parts = parseResourceId(id);
	return {
		id,
		name: vault.name ?? parts.name,
		resourceGroup: parts.resourceGroup,
		subscriptionId: parts.subscriptionId,
		location: vault.location ?? '',
		tenantId: vault.properties.tenantId,
		rbacAuthorization: vault.properties.enableRbacAuthorization === true,
		accessPolicies: (vault.properties.accessPolicies ?? []).map((policy) => ({
			objectId: policy.objectId,
			keys: policy.permissions.keys ?? [],
			secrets: policy.permissions.secrets ?? [],
			certificates: policy.permissions.certificates ?? [],
			storage: policy.permissions.storage ?? [],
		})),
	};
}

/** An operation that ended Failed: its own error code, not the poller's wrapper. */
function operationError(error: unknown, watch: OperationWatch, what: string): unknown {
	const failure = watch.failure;
	return failure ? Object.assign(new Error(`The operation on ${what} failed: ${failure.message}`), {code: failure.code}) : error;
}

function formatPatience(ms: number): string {
	return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** Every item of a paged list, mapped, sorted by name (as azd and the portal show lists). */
async function collectByName<Item, Summary extends {name: string}>(pages: AsyncIterable<Item>, toSummary: (item: Item) => Summary): Promise<Summary[]> {
	const result: Summary[] = [];
	for await (const item of pages) result.push(toSummary(item));
	return result.sort((a, b) => a.name.localeCompare(b.name));
}

/** A read that answers undefined for a resource that does not exist (or is out of reach). */
async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
	try {
		return await read;
	} catch (error) {
		if (isNotFound(toAzureFailure(error))) return undefined;
		throw error;
	}
}

/** Reports an older (core-lro v2) poller's progress in ARM's words. */
function reportPolling(
	poller: {onProgress(callback: (state: {status?: string; isCompleted?: boolean}) => void): unknown},
	onProgress?: (progress: OperationProgress) => void,
): void {
	if (!onProgress) return;
	onProgress({status: 'Accepted'});
	poller.onProgress((state) => onProgress({status: state.status ? operationStatusLabel(state.status) : state.isCompleted ? 'Succeeded' : 'InProgress'}));
}

function subscriptionOfScope(scope: string): string {
	const match = /^\/subscriptions\/([^/]+)/i.exec(scope);
	if (!match?.[1]) throw Object.assign(new Error(`"${scope}" is not a scope inside a subscription.`), {code: 'InvalidScope'});
	return match[1];
}

function parseComputeId(computeId: string) {
	const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/computes\/([^/]+)$/i.exec(
		computeId,
	);
	if (!match) throw Object.assign(new Error(`"${computeId}" is not a compute ID.`), {code: 'InvalidResourceId'});
	const [, subscriptionId, resourceGroup, workspace, compute] = match as unknown as [string, string, string, string, string];
	return {subscriptionId, resourceGroup, workspace, compute};
}

function workspaceIdOf(computeId: string): string {
	return computeId.replace(/\/computes\/[^/]+$/i, '');
}

function toServiceIdentity(identity: AmlComputeDefinition['identity']): ManagedServiceIdentity {
	if (identity.type === 'UserAssigned') {
		return {
			type: 'UserAssigned',
			userAssignedIdentities: Object.fromEntries((identity.userAssignedIds ?? []).map((id) => [id, {}])),
		};
	}
	return {type: identity.type};
}

function toResourceIdentity(identity: ManagedServiceIdentity | undefined): ResourceIdentity {
	return {
		type: identity?.type ?? 'None',
		...(identity?.principalId ? {principalId: identity.principalId} : {}),
		...(identity?.tenantId ? {tenantId: identity.tenantId} : {}),
		userAssigned: Object.entries(identity?.userAssignedIdentities ?? {}).map(([id, value]) => ({
			id,
			...(value?.principalId ? {principalId: value.principalId} : {}),
			...(value?.clientId ? {clientId: value.clientId} : {}),
		})),
	};
}

function toComputeSummary(compute: ComputeResource, workspaceId: string): ComputeSummary {
	const properties = compute.properties;
	const aml = properties?.computeType === 'AmlCompute' ? (properties as AmlCompute).properties : undefined;
	return {
		id: compute.id ?? '',
		name: compute.name ?? '',
		workspaceId,
		computeType: properties?.computeType ?? 'Unknown',
		location: compute.location ?? properties?.computeLocation ?? '',
		identity: toResourceIdentity(compute.identity),
		...(aml?.vmSize ? {vmSize: aml.vmSize} : {}),
		...(aml?.scaleSettings ? {minNodes: aml.scaleSettings.minNodeCount ?? 0, maxNodes: aml.scaleSettings.maxNodeCount} : {}),
		...(properties?.provisioningState ? {provisioningState: properties.provisioningState} : {}),
		...(properties?.resourceId ? {resourceId: properties.resourceId} : {}),
		...(properties?.createdOn ? {createdOn: properties.createdOn} : {}),
	};
}

function toIdentitySummary(identity: Identity): IdentitySummary {
	const id = identity.id ?? '';
	const {subscriptionId, resourceGroup, name} = parseResourceId(id);
	return {
		id,
		name: identity.name ?? name,
		resourceGroup,
		subscriptionId,
		location: identity.location,
		principalId: identity.principalId ?? '',
		clientId: identity.clientId ?? '',
	};
}

function toRoleAssignmentSummary(assignment: RoleAssignment): RoleAssignmentSummary {
	return {
		id: assignment.id ?? '',
		name: assignment.name ?? '',
		scope: assignment.scope ?? '',
		roleDefinitionId: assignment.roleDefinitionId ?? '',
		principalId: assignment.principalId ?? '',
		...(assignment.principalType ? {principalType: assignment.principalType} : {}),
	};
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
	const identity = toResourceIdentity(workspace.identity);
	const id = workspace.id ?? '';
	const {subscriptionId, resourceGroup} = parseResourceId(id);
	return {
		id,
		name: workspace.name ?? parseResourceId(id).name,
		resourceGroup,
		subscriptionId,
		location: workspace.location ?? '',
		...(workspace.identity?.type && workspace.identity.type !== 'None' ? {identityType: workspace.identity.type} : {}),
		identity,
		...(workspace.containerRegistry ? {containerRegistryId: workspace.containerRegistry} : {}),
		...(workspace.provisioningState ? {provisioningState: workspace.provisioningState} : {}),
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
