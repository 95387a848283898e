/**
 * The seeded demo tenant: Contoso's Azure ML estate as the emulator serves it after `reset`.
 * Every id/name tests or scenarios refer to is exported from here (re-exported by index.ts).
 */
import {SEED_AKS, SEED_IDENTITIES, SEED_KEY_VAULT_RBAC, seedIdentityState} from './seed-identity.js';
import {BUILT_IN_ROLES, grantRole} from './role-grants.js';
import {DEFAULT_DATASTORE_NAMES, SEED_DATASTORES, SEED_STORAGE_ACCOUNTS, seedDataState} from './seed-data.js';
import {emptyState, registerPrincipal, type EmulatorState, type ResourceGroupResource, type SubscriptionResource, type TrackedResource} from './state.js';

export {DEMO_TENANT} from './demo-tenant.js';
import {DEMO_TENANT} from './demo-tenant.js';

/** Timestamps baked into the seed so it is identical every time it is made. */
const CREATED_AT = {
	fraudProd: '2024-03-14T09:21:45.1234567Z',
	demandForecast: '2024-09-02T14:05:11.7654321Z',
	visionDev: '2024-05-20T10:42:03.5550000Z',
	nlpDev: '2024-06-11T16:18:27.9010000Z',
	shared: '2023-11-07T11:30:00.0000000Z',
	sharedImages: '2024-01-15T08:47:19.3300000Z',
	// mlw-fraud-prod's computes tell a story: gpu-legacy came before the workspace registry existed
	// (Azure ML creates it on the first image build), so it never got AcrPull; cpu-cluster came after.
	gpuLegacy: '2024-03-21T13:07:54.3210000Z',
	fraudProdRegistry: '2024-04-09T08:12:37.2468000Z',
	cpuCluster: '2024-05-02T10:15:22.8760000Z',
	gpuTrain: '2024-05-22T11:03:18.4440000Z',
	cpuNoid: '2024-06-17T15:40:09.1110000Z',
	aksInference: '2024-07-08T09:55:41.6540000Z',
} as const;

/** Seeded by seed-identity.ts: the AKS cluster aks-inference attaches, and gpu-train's user-assigned identity. */
const AKS_FRAUD_INFERENCE = SEED_AKS.fraudInference;
const ID_VISION_TRAIN = SEED_IDENTITIES.visionTrain;

/** Epoch ms at which the seeded compute identities "were created" (long before any replication window). */
const COMPUTE_PRINCIPALS_CREATED_AT = Date.parse('2024-03-21T13:08:00Z');

// ---- ARM id builders (stored casing as Azure returns it) ----
export const armIds = {
	subscription: (subscriptionId: string) => `/subscriptions/${subscriptionId}`,
	resourceGroup: (subscriptionId: string, resourceGroup: string) => `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`,
	workspace: (subscriptionId: string, resourceGroup: string, name: string) =>
		`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`,
	registry: (subscriptionId: string, resourceGroup: string, name: string) =>
		`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`,
	compute: (workspaceId: string, name: string) => `${workspaceId}/computes/${name}`,
	connection: (workspaceId: string, name: string) => `${workspaceId}/connections/${name}`,
	storageAccount: (subscriptionId: string, resourceGroup: string, name: string) =>
		`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${name}`,
	keyVault: (subscriptionId: string, resourceGroup: string, name: string) =>
		`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`,
	applicationInsights: (subscriptionId: string, resourceGroup: string, name: string) =>
		`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/microsoft.insights/components/${name}`,
} as const;

// ---- subscriptions ----
const PRODUCTION = '3f2b8c4e-1a7d-4e9b-8c6f-5d2a9b1e7c40';
const DEV_TEST = '9a1d5e7b-3c2f-4b8a-a6d9-0e4f7c2b1a85';
const SANDBOX = 'c4e7a2d9-8b1f-4c3e-9d5a-7f2e6b0c1d36';

export interface SeedSubscription {
	readonly id: string;
	readonly subscriptionId: string;
	readonly displayName: string;
}
export interface SeedResourceGroup {
	readonly id: string;
	readonly name: string;
	readonly subscriptionId: string;
	readonly location: string;
}
export interface SeedRegistry {
	readonly id: string;
	readonly name: string;
	readonly subscriptionId: string;
	readonly resourceGroup: string;
	readonly location: string;
	readonly sku: 'Basic' | 'Standard' | 'Premium';
	readonly adminUserEnabled: boolean;
	/** true for the 32-hex-char registries Azure ML creates on a workspace's first image build. */
	readonly autoCreated: boolean;
	readonly loginServer: string;
}
export interface SeedWorkspace {
	readonly id: string;
	readonly name: string;
	readonly subscriptionId: string;
	readonly resourceGroup: string;
	readonly location: string;
	/** ARM id of the attached container registry; undefined when the workspace has none yet. */
	readonly registryId: string | undefined;
	readonly identityType: 'SystemAssigned';
	/** Object id of the workspace's system-assigned identity. */
	readonly principalId: string;
	/** The workspace's `properties.workspaceId` (a uuid). */
	readonly workspaceId: string;
	readonly storageAccountId: string;
	readonly keyVaultId: string;
	readonly applicationInsightsId: string;
}

const subscription = (subscriptionId: string, displayName: string): SeedSubscription => ({
	id: armIds.subscription(subscriptionId),
	subscriptionId,
	displayName,
});
const resourceGroup = (subscriptionId: string, name: string, location: string): SeedResourceGroup => ({
	id: armIds.resourceGroup(subscriptionId, name),
	name,
	subscriptionId,
	location,
});

const subscriptions = {
	production: subscription(PRODUCTION, 'Contoso ML Production'),
	devTest: subscription(DEV_TEST, 'Contoso ML Dev/Test'),
	sandbox: subscription(SANDBOX, 'Contoso Analytics Sandbox'),
} as const;

const resourceGroups = {
	fraudProd: resourceGroup(PRODUCTION, 'rg-ml-fraud-prod', 'eastus'),
	forecastProd: resourceGroup(PRODUCTION, 'rg-ml-forecast-prod', 'westeurope'),
	mlDev: resourceGroup(DEV_TEST, 'rg-ml-dev', 'eastus2'),
	mlShared: resourceGroup(DEV_TEST, 'rg-ml-shared', 'eastus2'),
	/** Production: holds crcontosobase, a private base-image registry attached to no workspace. */
	sharedImages: resourceGroup(PRODUCTION, 'rg-shared-images', 'eastus'),
	/** Sandbox (where Ada is only Reader): holds id-analytics-shared. */
	sandboxIdentities: resourceGroup(SANDBOX, 'rg-sandbox-identities', 'eastus'),
} as const;

const registry = (
	group: SeedResourceGroup,
	name: string,
	sku: SeedRegistry['sku'],
	adminUserEnabled: boolean,
	autoCreated: boolean,
): SeedRegistry => ({
	id: armIds.registry(group.subscriptionId, group.name, name),
	name,
	subscriptionId: group.subscriptionId,
	resourceGroup: group.name,
	location: group.location,
	sku,
	adminUserEnabled,
	autoCreated,
	loginServer: `${name.toLowerCase()}.azurecr.io`,
});

const registries = {
	/** Auto-created by Azure ML for mlw-fraud-prod; admin user ENABLED (the thing the wizard fixes). */
	fraudProd: registry(resourceGroups.fraudProd, 'e2f4a6c8b0d14f3e9a7c5b3d1f0e8a6c', 'Basic', true, true),
	/** Bring-your-own registry attached to mlw-vision-dev; admin user disabled. */
	visionDev: registry(resourceGroups.mlDev, 'crvisiondev', 'Standard', false, false),
	/** Auto-created by Azure ML for mlw-nlp-dev; admin user ENABLED. */
	nlpDev: registry(resourceGroups.mlDev, '7b3d9f1a5c2e4d8b0a6f3c1e9d7b5a24', 'Basic', true, true),
	/** Shared Premium registry, attached to no workspace; admin user disabled. */
	contosoShared: registry(resourceGroups.mlShared, 'crcontososhared', 'Premium', false, false),
	/** Private Premium registry of base images in rg-shared-images (Production); attached to no workspace; admin disabled. */
	contosoBase: registry(resourceGroups.sharedImages, 'crcontosobase', 'Premium', false, false),
} as const;

const workspace = (
	group: SeedResourceGroup,
	name: string,
	registryId: string | undefined,
	ids: {principalId: string; workspaceId: string; storage: string; keyVault: string; appInsights: string},
): SeedWorkspace => ({
	id: armIds.workspace(group.subscriptionId, group.name, name),
	name,
	subscriptionId: group.subscriptionId,
	resourceGroup: group.name,
	location: group.location,
	registryId,
	identityType: 'SystemAssigned',
	principalId: ids.principalId,
	workspaceId: ids.workspaceId,
	storageAccountId: armIds.storageAccount(group.subscriptionId, group.name, ids.storage),
	keyVaultId: armIds.keyVault(group.subscriptionId, group.name, ids.keyVault),
	applicationInsightsId: armIds.applicationInsights(group.subscriptionId, group.name, ids.appInsights),
});

const workspaces = {
	fraudProd: workspace(resourceGroups.fraudProd, 'mlw-fraud-prod', registries.fraudProd.id, {
		principalId: '6e2a9c4f-1b7d-4f3a-8e5c-0d9b2a7f4c13',
		workspaceId: 'd3b8f1a2-6c4e-4b9d-a7f0-5e2c8b1d9a46',
		storage: 'stfraudprod4c8e1a',
		keyVault: 'kv-fraud-prod-4c8e1a',
		appInsights: 'appi-fraud-prod',
	}),
	demandForecast: workspace(resourceGroups.forecastProd, 'mlw-demand-forecast', undefined, {
		principalId: '0f8d3b6a-9e2c-4a71-b5d4-3c6e1f9a2b87',
		workspaceId: '8a4c2e6f-0b1d-4f9a-93e7-6d5b4c2a1f08',
		storage: 'stdemandfcst9b2d7f',
		keyVault: 'kv-demand-fcst-9b2d7f',
		appInsights: 'appi-demand-forecast',
	}),
	visionDev: workspace(resourceGroups.mlDev, 'mlw-vision-dev', registries.visionDev.id, {
		principalId: '4b1e7d9c-3a2f-4c6e-8d0b-9f5a1c3e7b52',
		workspaceId: '2e9c5a1f-7d3b-4e8c-b6a0-1f4d8e2c9b75',
		storage: 'stvisiondev3e7a2c',
		keyVault: 'kv-vision-dev-3e7a2c',
		appInsights: 'appi-vision-dev',
	}),
	nlpDev: workspace(resourceGroups.mlDev, 'mlw-nlp-dev', registries.nlpDev.id, {
		principalId: 'c9f2a5d8-6e1b-4d3c-a0f7-2b8e5d1c4a69',
		workspaceId: '5f1b8d3e-2c9a-4a6f-8e4d-7c0b3a9e6d21',
		storage: 'stnlpdev8d1f5b',
		keyVault: 'kv-nlp-dev-8d1f5b',
		appInsights: 'appi-nlp-dev',
	}),
} as const;

export interface SeedCompute {
	readonly id: string;
	readonly name: string;
	/** ARM id of the workspace the compute belongs to. */
	readonly workspaceId: string;
	readonly workspaceName: string;
	readonly subscriptionId: string;
	readonly resourceGroup: string;
	readonly location: string;
	readonly computeType: 'AmlCompute' | 'AKS';
	/** AmlCompute only. */
	readonly vmSize: string | undefined;
	readonly minNodeCount: number;
	readonly maxNodeCount: number;
	readonly identityType: 'SystemAssigned' | 'UserAssigned' | 'None';
	/** Object id of the system-assigned identity (SystemAssigned only). */
	readonly principalId: string | undefined;
	/** ARM id of the user-assigned identity (UserAssigned only), as the ManagedIdentity provider spells it. */
	readonly userAssignedIdentityId: string | undefined;
	/** AKS only: the attached cluster. */
	readonly resourceId: string | undefined;
	/** Full id of the compute identity's AcrPull assignment on the workspace registry; undefined when it has none. */
	readonly acrPullAssignmentId: string | undefined;
	readonly createdAt: string;
}

const compute = (
	ws: SeedWorkspace,
	name: string,
	spec: {
		computeType: SeedCompute['computeType'];
		vmSize?: string;
		nodes?: [number, number];
		identityType: SeedCompute['identityType'];
		principalId?: string;
		userAssignedIdentityId?: string;
		resourceId?: string;
		acrPullAssignmentName?: string;
		createdAt: string;
	},
): SeedCompute => ({
	id: armIds.compute(ws.id, name),
	name,
	workspaceId: ws.id,
	workspaceName: ws.name,
	subscriptionId: ws.subscriptionId,
	resourceGroup: ws.resourceGroup,
	location: ws.location,
	computeType: spec.computeType,
	vmSize: spec.vmSize,
	minNodeCount: spec.nodes?.[0] ?? 0,
	maxNodeCount: spec.nodes?.[1] ?? 0,
	identityType: spec.identityType,
	principalId: spec.principalId,
	userAssignedIdentityId: spec.userAssignedIdentityId,
	resourceId: spec.resourceId,
	acrPullAssignmentId:
		spec.acrPullAssignmentName && ws.registryId ? `${ws.registryId}/providers/Microsoft.Authorization/roleAssignments/${spec.acrPullAssignmentName}` : undefined,
	createdAt: spec.createdAt,
});

const computes = {
	/** mlw-fraud-prod; SystemAssigned; created after the workspace registry, so it holds AcrPull on it. */
	cpuCluster: compute(workspaces.fraudProd, 'cpu-cluster', {
		computeType: 'AmlCompute',
		vmSize: 'Standard_DS3_v2',
		nodes: [0, 4],
		identityType: 'SystemAssigned',
		principalId: '8c1e5a3f-6b2d-4f9e-a7c4-2d9b6f1e3a58',
		acrPullAssignmentName: 'f3a7c2e9-5d1b-4e8a-9c6f-0b4d2a8e7c13',
		createdAt: CREATED_AT.cpuCluster,
	}),
	/** mlw-fraud-prod; SystemAssigned; created before the workspace registry existed: no AcrPull. */
	gpuLegacy: compute(workspaces.fraudProd, 'gpu-legacy', {
		computeType: 'AmlCompute',
		vmSize: 'Standard_NC6s_v3',
		nodes: [0, 2],
		identityType: 'SystemAssigned',
		principalId: '2f9d4b7a-1c3e-4a6d-8b5f-7e0c9a2d4b61',
		createdAt: CREATED_AT.gpuLegacy,
	}),
	/** mlw-fraud-prod; no identity at all. */
	cpuNoid: compute(workspaces.fraudProd, 'cpu-noid', {
		computeType: 'AmlCompute',
		vmSize: 'Standard_DS2_v2',
		nodes: [0, 2],
		identityType: 'None',
		createdAt: CREATED_AT.cpuNoid,
	}),
	/** mlw-fraud-prod; attached AKS cluster aks-fraud-inference (seed-identity.ts). */
	aksInference: compute(workspaces.fraudProd, 'aks-inference', {
		computeType: 'AKS',
		identityType: 'None',
		resourceId: AKS_FRAUD_INFERENCE.id,
		createdAt: CREATED_AT.aksInference,
	}),
	/** mlw-vision-dev; UserAssigned id-vision-train (which holds AcrPull on crvisiondev, seed-identity.ts). */
	gpuTrain: compute(workspaces.visionDev, 'gpu-train', {
		computeType: 'AmlCompute',
		vmSize: 'Standard_NC6s_v3',
		nodes: [0, 4],
		identityType: 'UserAssigned',
		userAssignedIdentityId: ID_VISION_TRAIN.id,
		createdAt: CREATED_AT.gpuTrain,
	}),
} as const;

/** Ids and names of everything seeded, for tests and demo scenarios. */
export const SEED = {
	tenantId: DEMO_TENANT.tenantId,
	user: DEMO_TENANT.user,
	subscriptions,
	resourceGroups,
	workspaces,
	registries,
	/** Workspace computes (AmlCompute clusters and an attached AKS cluster). */
	computes,
	/** User-assigned identities (seed-identity.ts). */
	identities: SEED_IDENTITIES,
	/** AKS clusters the wizard reads (seed-identity.ts). */
	aksClusters: SEED_AKS,
	/** Seeded key vaults by name: true = Azure RBAC, false = access policies. */
	keyVaultRbac: SEED_KEY_VAULT_RBAC,
	/** Storage accounts beyond the workspaces' own (seed-data.ts): the ADLS Gen2 lake stfraudlake7d2e9c. */
	storageAccounts: SEED_STORAGE_ACCOUNTS,
	/** Datastores (seed-data.ts): every workspace has DEFAULT_DATASTORE_NAMES; mlw-fraud-prod also has fraud-raw-sas (Sas). */
	datastores: {...SEED_DATASTORES, defaultNames: DEFAULT_DATASTORE_NAMES},
} as const;

const userSystemData = (createdAt: string) => ({
	createdBy: DEMO_TENANT.user.upn,
	createdByType: 'User' as const,
	createdAt,
	lastModifiedBy: DEMO_TENANT.user.upn,
	lastModifiedByType: 'User' as const,
	lastModifiedAt: createdAt,
});

function subscriptionResource(sub: SeedSubscription, quotaId: string, tags: Record<string, string>): SubscriptionResource {
	return {
		id: sub.id,
		subscriptionId: sub.subscriptionId,
		tenantId: DEMO_TENANT.tenantId,
		displayName: sub.displayName,
		state: 'Enabled',
		subscriptionPolicies: {locationPlacementId: 'Public_2014-09-01', quotaId, spendingLimit: 'Off'},
		authorizationSource: 'RoleBased',
		managedByTenants: [],
		tags,
	};
}

function resourceGroupResource(group: SeedResourceGroup, tags: Record<string, string>): ResourceGroupResource {
	return {
		id: group.id,
		name: group.name,
		type: 'Microsoft.Resources/resourceGroups',
		location: group.location,
		tags,
		properties: {provisioningState: 'Succeeded'},
	};
}

/** ACR 2025-11-01 `Registry` body, shaped like RegistryGet.json. */
export function registryResource(
	seed: Pick<SeedRegistry, 'id' | 'name' | 'location' | 'sku' | 'adminUserEnabled' | 'loginServer'>,
	createdAt: string,
	tags?: Record<string, string>,
): TrackedResource {
	const premium = seed.sku === 'Premium';
	return {
		id: seed.id,
		name: seed.name,
		type: 'Microsoft.ContainerRegistry/registries',
		location: seed.location,
		...(tags ? {tags} : {}),
		sku: {name: seed.sku, tier: seed.sku},
		systemData: userSystemData(createdAt),
		properties: {
			loginServer: seed.loginServer,
			creationDate: createdAt,
			provisioningState: 'Succeeded',
			adminUserEnabled: seed.adminUserEnabled,
			...(premium ? {networkRuleSet: {defaultAction: 'Allow', ipRules: []}} : {}),
			policies: {
				quarantinePolicy: {status: 'disabled'},
				trustPolicy: {type: 'Notary', status: 'disabled'},
				retentionPolicy: {days: 7, lastUpdatedTime: createdAt, status: 'disabled'},
				exportPolicy: {status: 'enabled'},
				azureADAuthenticationAsArmPolicy: {status: 'enabled'},
			},
			encryption: {status: 'disabled'},
			status: null,
			dataEndpointEnabled: false,
			dataEndpointHostNames: [],
			privateEndpointConnections: [],
			publicNetworkAccess: 'Enabled',
			networkRuleBypassOptions: 'AzureServices',
			networkRuleBypassAllowedForTasks: false,
			zoneRedundancy: 'Disabled',
			anonymousPullEnabled: false,
			roleAssignmentMode: 'LegacyRegistryPermissions',
		},
	};
}

/** MLS 2022-10-01 `Workspace` body, shaped like Workspace/get.json. */
export function workspaceResource(
	seed: SeedWorkspace,
	createdAt: string,
	extra: {friendlyName: string; description: string; tags?: Record<string, string>},
): TrackedResource {
	const discoveryHost = `${seed.location}.api.azureml.ms`;
	return {
		id: seed.id,
		name: seed.name,
		type: 'Microsoft.MachineLearningServices/workspaces',
		location: seed.location,
		...(extra.tags ? {tags: extra.tags} : {}),
		sku: {name: 'Basic', tier: 'Basic'},
		identity: {type: seed.identityType, principalId: seed.principalId, tenantId: DEMO_TENANT.tenantId},
		systemData: userSystemData(createdAt),
		properties: {
			workspaceId: seed.workspaceId,
			friendlyName: extra.friendlyName,
			description: extra.description,
			keyVault: seed.keyVaultId,
			applicationInsights: seed.applicationInsightsId,
			...(seed.registryId ? {containerRegistry: seed.registryId} : {}),
			storageAccount: seed.storageAccountId,
			discoveryUrl: `https://${discoveryHost}/discovery`,
			provisioningState: 'Succeeded',
			hbiWorkspace: false,
			privateLinkCount: 0,
			allowPublicAccessWhenBehindVnet: false,
			publicNetworkAccess: 'Enabled',
			privateEndpointConnections: [],
			sharedPrivateLinkResources: [],
			notebookInfo: {
				fqdn: `ml-${seed.name}-${seed.location}-${seed.workspaceId}.${seed.location}.notebooks.azure.net`,
				resourceId: seed.workspaceId.replace(/-/g, ''),
			},
			tenantId: DEMO_TENANT.tenantId,
			storageHnsEnabled: false,
			mlFlowTrackingUri: `azureml://${discoveryHost}/mlflow/v1.0${seed.id}`,
			v1LegacyMode: false,
		},
	};
}

/** AmlCompute `properties.properties` as served (AmlComputeProperties, shaped like Compute/get/AmlCompute.json). */
export function amlComputeProperties(input: {vmSize: string; vmPriority: string; osType?: string; scaleSettings: Record<string, unknown>; at: string}): Record<string, unknown> {
	const min = Number(input.scaleSettings.minNodeCount ?? 0);
	return {
		vmSize: input.vmSize,
		vmPriority: input.vmPriority,
		osType: input.osType ?? 'Linux',
		isolatedNetwork: false,
		scaleSettings: input.scaleSettings,
		remoteLoginPortPublicAccess: 'Disabled',
		allocationState: 'Steady',
		allocationStateTransitionTime: input.at,
		errors: null,
		currentNodeCount: min,
		targetNodeCount: min,
		nodeStateCounts: {idleNodeCount: min, runningNodeCount: 0, preparingNodeCount: 0, unusableNodeCount: 0, leavingNodeCount: 0, preemptedNodeCount: 0},
		enableNodePublicIp: true,
	};
}

/** MLS 2022-10-01 `ComputeResource` body for a seeded compute. `uai` = the user-assigned identity's principal/client ids. */
export function computeResource(seed: SeedCompute, uai?: {principalId: string; clientId: string}): TrackedResource {
	const properties: Record<string, unknown> = {
		computeType: seed.computeType,
		computeLocation: seed.location,
		description: null,
		createdOn: seed.createdAt,
		modifiedOn: seed.createdAt,
		provisioningState: 'Succeeded',
		provisioningErrors: null,
		isAttachedCompute: seed.computeType === 'AKS',
		disableLocalAuth: false,
	};
	if (seed.computeType === 'AmlCompute') {
		properties.properties = amlComputeProperties({
			vmSize: seed.vmSize ?? 'STANDARD_DS3_V2',
			vmPriority: 'Dedicated',
			scaleSettings: {maxNodeCount: seed.maxNodeCount, minNodeCount: seed.minNodeCount, nodeIdleTimeBeforeScaleDown: 'PT2M'},
			at: seed.createdAt,
		});
	} else {
		properties.resourceId = seed.resourceId;
		properties.properties = {
			clusterFqdn: `${AKS_FRAUD_INFERENCE.name}-dns-7d3a9f2c.hcp.${seed.location}.azmk8s.io`,
			agentCount: 3,
			agentVmSize: 'Standard_D4ds_v5',
			clusterPurpose: 'FastProd',
			loadBalancerType: 'PublicIp',
		};
	}
	let identity: Record<string, unknown> | undefined;
	if (seed.identityType === 'SystemAssigned') identity = {type: 'SystemAssigned', principalId: seed.principalId, tenantId: DEMO_TENANT.tenantId};
	if (seed.identityType === 'UserAssigned' && seed.userAssignedIdentityId) {
		identity = {type: 'UserAssigned', userAssignedIdentities: {[seed.userAssignedIdentityId]: {principalId: uai?.principalId, clientId: uai?.clientId}}};
	}
	return {
		id: seed.id,
		name: seed.name,
		type: 'Microsoft.MachineLearningServices/workspaces/computes',
		location: seed.location,
		...(identity ? {identity} : {}),
		systemData: userSystemData(seed.createdAt),
		properties,
	};
}

const key = (id: string) => id.toLowerCase();

/** Seeds the workspace computes (and their principals and automatic AcrPull grants). */
function seedComputes(state: EmulatorState): void {
	for (const seed of Object.values(computes) as SeedCompute[]) {
		let uai: {principalId: string; clientId: string} | undefined;
		if (seed.userAssignedIdentityId) {
			// The ManagedIdentity seed runs later; its ids are fixed, so read them from there when the state has none yet.
			const stored = state.identities[key(seed.userAssignedIdentityId)]?.properties;
			const known = key(ID_VISION_TRAIN.id) === key(seed.userAssignedIdentityId) ? ID_VISION_TRAIN : undefined;
			uai = {
				principalId: String(stored?.principalId ?? known?.principalId),
				clientId: String(stored?.clientId ?? known?.clientId),
			};
		}
		state.computes[key(seed.id)] = computeResource(seed, uai);
		if (seed.principalId) registerPrincipal(state, seed.principalId, 'ServicePrincipal', COMPUTE_PRINCIPALS_CREATED_AT);
		if (uai) registerPrincipal(state, uai.principalId, 'ServicePrincipal', COMPUTE_PRINCIPALS_CREATED_AT);
		const ws = Object.values(workspaces).find((w) => w.id === seed.workspaceId)!;
		if (seed.acrPullAssignmentId && ws.registryId && seed.principalId) {
			grantRole(state, {
				scope: ws.registryId,
				roleDefinitionGuid: BUILT_IN_ROLES.AcrPull,
				principalId: seed.principalId,
				principalType: 'ServicePrincipal',
				name: seed.acrPullAssignmentId.split('/').pop()!,
				// Azure ML granted it itself when the cluster was provisioned.
				createdAt: seed.createdAt,
			});
		}
	}
}

/** A fresh copy of the seeded demo tenant. */
export function createSeedState(): EmulatorState {
	const state = emptyState(DEMO_TENANT.tenantId);
	const subs: Array<[SeedSubscription, string, Record<string, string>]> = [
		[subscriptions.production, 'EnterpriseAgreement_2014-09-01', {costCenter: 'CC-4100', environment: 'production'}],
		[subscriptions.devTest, 'MSDNDevTest_2014-09-01', {costCenter: 'CC-4100', environment: 'dev-test'}],
		[subscriptions.sandbox, 'PayAsYouGo_2014-09-01', {costCenter: 'CC-5200', environment: 'sandbox'}],
	];
	for (const [sub, quotaId, tags] of subs) state.subscriptions[key(sub.id)] = subscriptionResource(sub, quotaId, tags);

	const groupTags: Record<keyof typeof resourceGroups, Record<string, string>> = {
		fraudProd: {team: 'fraud-detection', environment: 'production'},
		forecastProd: {team: 'supply-chain', environment: 'production'},
		mlDev: {team: 'ml-platform', environment: 'dev'},
		mlShared: {team: 'ml-platform', environment: 'shared'},
		sharedImages: {team: 'platform', environment: 'shared'},
		sandboxIdentities: {team: 'analytics', environment: 'sandbox'},
	};
	for (const [name, group] of Object.entries(resourceGroups) as Array<[keyof typeof resourceGroups, SeedResourceGroup]>) {
		state.resourceGroups[key(group.id)] = resourceGroupResource(group, groupTags[name]);
	}

	const registryBodies: Array<[SeedRegistry, string, Record<string, string> | undefined]> = [
		[registries.fraudProd, CREATED_AT.fraudProdRegistry, undefined],
		[registries.visionDev, CREATED_AT.visionDev, {team: 'computer-vision'}],
		[registries.nlpDev, CREATED_AT.nlpDev, undefined],
		[registries.contosoShared, CREATED_AT.shared, {team: 'ml-platform', purpose: 'shared-base-images'}],
		[registries.contosoBase, CREATED_AT.sharedImages, {team: 'platform', purpose: 'private-base-images'}],
	];
	for (const [reg, createdAt, tags] of registryBodies) state.registries[key(reg.id)] = registryResource(reg, createdAt, tags);

	const workspaceBodies: Array<[SeedWorkspace, string, {friendlyName: string; description: string; tags?: Record<string, string>}]> = [
		[workspaces.fraudProd, CREATED_AT.fraudProd, {friendlyName: 'Fraud detection (prod)', description: 'Card-transaction fraud scoring models', tags: {team: 'fraud-detection'}}],
		[workspaces.demandForecast, CREATED_AT.demandForecast, {friendlyName: 'Demand forecasting', description: 'Weekly SKU demand forecasts for EU stores', tags: {team: 'supply-chain'}}],
		[workspaces.visionDev, CREATED_AT.visionDev, {friendlyName: 'Vision (dev)', description: 'Shelf-image defect detection experiments'}],
		[workspaces.nlpDev, CREATED_AT.nlpDev, {friendlyName: 'NLP (dev)', description: 'Support-ticket classification experiments'}],
	];
	for (const [ws, createdAt, extra] of workspaceBodies) state.workspaces[key(ws.id)] = workspaceResource(ws, createdAt, extra);
	seedComputes(state);
	// Keep last: identities, role assignments and read-only resources derive from what is above.
	seedIdentityState(state);
	// After the identity seed: needs the workspaces' storage accounts.
	seedDataState(state);
	return state;
}
