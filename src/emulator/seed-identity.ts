/**
 * Seed for the identity side of the demo tenant: built-in role definitions, principals known to
 * Microsoft Entra ID, user-assigned identities, seeded role assignments, and the resources the
 * wizard only reads (storage accounts, key vaults, Application Insights, an AKS cluster).
 *
 * `seedIdentityState(state)` runs last in `createSeedState()` and reads workspaces/computes from
 * the state it is given. This module deliberately imports no values from seed.ts (seed.ts imports
 * it): the few ids it needs are spelled out here and cross-checked against SEED by the tests.
 */
import {createHash} from 'node:crypto';
import {BUILT_IN_ROLES, grantRole, type BuiltInRoleName} from './role-grants.js';
import {registerPrincipal, type EmulatorState, type JsonObject, type TrackedResource} from './state.js';

// Spelled out (not imported from seed.ts, see above); tests check they match SEED / DEMO_TENANT.
const PRODUCTION = '3f2b8c4e-1a7d-4e9b-8c6f-5d2a9b1e7c40';
const DEV_TEST = '9a1d5e7b-3c2f-4b8a-a6d9-0e4f7c2b1a85';
const SANDBOX = 'c4e7a2d9-8b1f-4c3e-9d5a-7f2e6b0c1d36';
const DEMO_USER_OBJECT_ID = 'a1d4c3e2-7b6f-4e8a-9c1d-2b3e4f5a6c7d';
const CR_VISION_DEV = `/subscriptions/${DEV_TEST}/resourceGroups/rg-ml-dev/providers/Microsoft.ContainerRegistry/registries/crvisiondev`;

/** When seeded principals "were created" (long before any replication window). */
const PRINCIPALS_CREATED_AT = Date.parse('2023-11-07T11:30:00Z');
const ASSIGNMENTS_CREATED_AT = '2024-05-20T10:45:12.3456789Z';

/** A stable uuid (v4 layout) derived from a label, so the seed is identical every time. */
export function seedUuid(label: string): string {
	const hex = createHash('sha256').update(`aml-identity-seed:${label}`).digest('hex');
	const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------- user-assigned identities

export interface SeedIdentity {
	/** ARM id exactly as Microsoft.ManagedIdentity serves it (note: lower-case `resourcegroups`). */
	readonly id: string;
	readonly name: string;
	readonly subscriptionId: string;
	readonly resourceGroup: string;
	readonly location: string;
	readonly principalId: string;
	readonly clientId: string;
}

/** MSI returns ids with `resourcegroups` in lower case (as in the 2024-11-30 examples and in real Azure). */
export function userAssignedIdentityId(subscriptionId: string, resourceGroup: string, name: string): string {
	return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

const identity = (subscriptionId: string, resourceGroup: string, name: string, location: string, principalId: string, clientId: string): SeedIdentity => ({
	id: userAssignedIdentityId(subscriptionId, resourceGroup, name),
	name,
	subscriptionId,
	resourceGroup,
	location,
	principalId,
	clientId,
});

const visionTrainAcrPullName = seedUuid('assignment:id-vision-train:AcrPull:crvisiondev');

/** The seeded user-assigned identities (reachable as `SEED.identities`). */
export const SEED_IDENTITIES = {
	/** In rg-ml-fraud-prod (Production), eastus; no role assignments yet. */
	fraudAcrPull: identity(PRODUCTION, 'rg-ml-fraud-prod', 'id-fraud-acr-pull', 'eastus', 'b7e3f1a9-4c2d-4e8b-9a6f-1d3c5e7b9f20', '2c8a6e4f-9b1d-4f3a-8c7e-5a1b3d9f6e42'),
	/**
	 * In rg-sandbox-identities (Sandbox), eastus; owned by the analytics team. Ada is only Reader in
	 * Sandbox: she can see it but linking it to a workspace or compute (assign/action) is 403
	 * LinkedAuthorizationFailed.
	 */
	analyticsShared: identity(SANDBOX, 'rg-sandbox-identities', 'id-analytics-shared', 'eastus', '5d8b2f6e-3a1c-4e9d-b7f0-2c4a6e8d0b13', '7a9c1e3f-5b2d-4f8a-9e6c-1d3f5b7a9c25'),
	/** In rg-ml-dev (Dev/Test), eastus2; AcrPull on crvisiondev. */
	visionTrain: {
		...identity(DEV_TEST, 'rg-ml-dev', 'id-vision-train', 'eastus2', 'e5a9c3f7-2d1b-4a8e-b6c4-8f0d2e4a6c91', '9d3f7b1e-5a2c-4e6f-a8b0-3c5e7a9d1f64'),
		/** Full id of its AcrPull assignment on crvisiondev. */
		acrPullAssignmentId: `${CR_VISION_DEV}/providers/Microsoft.Authorization/roleAssignments/${visionTrainAcrPullName}`,
	},
} as const;

// ---------------------------------------------------------------- AKS

const AKS_NODE_RG = 'MC_rg-ml-fraud-prod_aks-fraud-inference_eastus';

/** The seeded AKS cluster (reachable as `SEED.aksClusters`). Its kubelet identity has no AcrPull anywhere. */
export const SEED_AKS = {
	fraudInference: {
		id: `/subscriptions/${PRODUCTION}/resourceGroups/rg-ml-fraud-prod/providers/Microsoft.ContainerService/managedClusters/aks-fraud-inference`,
		name: 'aks-fraud-inference',
		subscriptionId: PRODUCTION,
		resourceGroup: 'rg-ml-fraud-prod',
		location: 'eastus',
		kubernetesVersion: '1.30.6',
		/** The cluster's system-assigned (control plane) identity. */
		principalId: '1f6b3d8e-7a4c-4b2f-9e5d-6c8a0b2d4f17',
		nodeResourceGroup: AKS_NODE_RG,
		kubeletIdentity: {
			resourceId: `/subscriptions/${PRODUCTION}/resourceGroups/${AKS_NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-fraud-inference-agentpool`,
			clientId: '8e2c4a6f-3b9d-4f1e-a7c5-0d2f4b6e8a39',
			objectId: '3a7e9c1b-6d4f-4a2e-8b0c-5f7d9e1a3c58',
		},
	},
} as const;

/**
 * Which seeded key vaults use Azure RBAC (true) and which use access policies (false), by vault
 * name (reachable as `SEED.keyVaultRbac`).
 */
export const SEED_KEY_VAULT_RBAC: Readonly<Record<string, boolean>> = {
	'kv-fraud-prod-4c8e1a': false,
	'kv-demand-fcst-9b2d7f': true,
	'kv-vision-dev-3e7a2c': true,
	'kv-nlp-dev-8d1f5b': false,
};

/** Names of the seeded role assignments that tests may want to look up. */
export const SEED_ROLE_ASSIGNMENTS = {
	/** Ada's Owner assignment on a subscription (Production only): `/subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments/{name}`. */
	adaOwnerName: (subscriptionId: string) => seedUuid(`assignment:ada:Owner:${subscriptionId.toLowerCase()}`),
	/** Ada's role on each subscription: Owner in Production, Contributor in Dev/Test, Reader in Sandbox. */
	adaRoles: {[PRODUCTION]: 'Owner', [DEV_TEST]: 'Contributor', [SANDBOX]: 'Reader'} as Readonly<Record<string, 'Owner' | 'Contributor' | 'Reader'>>,
	/** The name of Ada's assignment on a subscription, whatever its role. */
	adaAssignmentName: (subscriptionId: string) => {
		const role = ({[PRODUCTION]: 'Owner', [DEV_TEST]: 'Contributor', [SANDBOX]: 'Reader'} as Record<string, string>)[subscriptionId.toLowerCase()] ?? 'Owner';
		return seedUuid(`assignment:ada:${role}:${subscriptionId.toLowerCase()}`);
	},
	/** A workspace identity's Contributor assignment on its registry. */
	workspaceContributorName: (registryId: string) => seedUuid(`assignment:workspace:Contributor:${registryId.toLowerCase()}`),
	visionTrainAcrPullId: SEED_IDENTITIES.visionTrain.acrPullAssignmentId,
	/** The automation service principal's Contributor assignment on rg-ml-fraud-prod. */
	servicePrincipalContributorName: seedUuid('assignment:aml-identity-automation:Contributor:rg-ml-fraud-prod'),
} as const;

/**
 * The demo tenant's service principal for automation (client credentials, served by entra-id.ts).
 * Contributor on rg-ml-fraud-prod only, so it sees the Production subscription alone. Its secret is a
 * demo value, published on purpose: it opens nothing but the emulator.
 */
export const DEMO_SERVICE_PRINCIPAL = {
	displayName: 'aml-identity-automation',
	appId: '3b8d2f6a-9c4e-4a1b-8e7d-5f2c9a6b1d43',
	objectId: '6c1e8a4f-2d7b-4f3e-9a5c-8b0d4e6f2a17',
	/** Not a secret: the emulator's published demo value. */
	clientSecret: 'aml-identity-demo-secret-not-a-secret',
	resourceGroupId: `/subscriptions/${PRODUCTION}/resourceGroups/rg-ml-fraud-prod`,
} as const;

// ---------------------------------------------------------------- built-in role definitions

interface Permission {
	actions: string[];
	notActions: string[];
	dataActions: string[];
	notDataActions: string[];
}
const perm = (actions: string[], notActions: string[] = [], dataActions: string[] = [], notDataActions: string[] = []): Permission => ({
	actions,
	notActions,
	dataActions,
	notDataActions,
});

/** Description and permissions of each built-in role (as Azure publishes them). */
const BUILT_IN_ROLE_DETAILS: Record<BuiltInRoleName, {description: string; permissions: Permission[]}> = {
	Owner: {
		description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
		permissions: [perm(['*'])],
	},
	Contributor: {
		description:
			'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
		permissions: [
			perm(
				['*'],
				[
					'Microsoft.Authorization/*/Delete',
					'Microsoft.Authorization/*/Write',
					'Microsoft.Authorization/elevateAccess/Action',
					'Microsoft.Blueprint/blueprintAssignments/write',
					'Microsoft.Blueprint/blueprintAssignments/delete',
					'Microsoft.Compute/galleries/share/action',
					'Microsoft.Purview/consents/write',
					'Microsoft.Purview/consents/delete',
					'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
					'Microsoft.Subscription/cancel/action',
					'Microsoft.Subscription/enable/action',
				],
			),
		],
	},
	Reader: {
		description: 'View all resources, but does not allow you to make any changes.',
		permissions: [perm(['*/read'])],
	},
	'User Access Administrator': {
		description: 'Lets you manage user access to Azure resources.',
		permissions: [perm(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'])],
	},
	'Role Based Access Control Administrator': {
		description:
			'Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.',
		permissions: [
			perm([
				'Microsoft.Authorization/roleAssignments/write',
				'Microsoft.Authorization/roleAssignments/delete',
				'*/read',
				'Microsoft.Support/*',
			]),
		],
	},
	AcrPull: {
		description: 'acr pull',
		permissions: [perm(['Microsoft.ContainerRegistry/registries/pull/read'])],
	},
	AcrPush: {
		description: 'acr push',
		permissions: [perm(['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write'])],
	},
	'Managed Identity Operator': {
		description: 'Read and Assign User Assigned Identity',
		permissions: [
			perm([
				'Microsoft.ManagedIdentity/userAssignedIdentities/*/read',
				'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
				'Microsoft.Authorization/*/read',
				'Microsoft.Insights/alertRules/*',
				'Microsoft.Resources/subscriptions/resourceGroups/read',
				'Microsoft.Resources/deployments/*',
				'Microsoft.Support/*',
			]),
		],
	},
	'Storage Blob Data Contributor': {
		description: 'Allows for read, write and delete access to Azure Storage blob containers and data',
		permissions: [
			perm(
				[
					'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
					'Microsoft.Storage/storageAccounts/blobServices/containers/read',
					'Microsoft.Storage/storageAccounts/blobServices/containers/write',
					'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
				],
				[],
				[
					'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
					'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
					'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
					'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action',
					'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
				],
			),
		],
	},
	'Storage Blob Data Reader': {
		description: 'Allows for read access to Azure Storage blob containers and data',
		permissions: [
			perm(
				['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
				[],
				['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
			),
		],
	},
	'Key Vault Administrator': {
		description:
			"Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault resources or manage role assignments. Only works for key vaults that use the 'Azure role-based access control' permission model.",
		permissions: [
			perm(
				[
					'Microsoft.Authorization/*/read',
					'Microsoft.Insights/alertRules/*',
					'Microsoft.Resources/deployments/*',
					'Microsoft.Resources/subscriptions/resourceGroups/read',
					'Microsoft.Support/*',
					'Microsoft.KeyVault/checkNameAvailability/read',
					'Microsoft.KeyVault/deletedVaults/read',
					'Microsoft.KeyVault/locations/*/read',
					'Microsoft.KeyVault/vaults/*/read',
					'Microsoft.KeyVault/operations/read',
				],
				[],
				['Microsoft.KeyVault/vaults/*'],
			),
		],
	},
	'AzureML Data Scientist': {
		description:
			'Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting compute resources and modifying the workspace itself.',
		permissions: [
			perm(
				[
					'Microsoft.MachineLearningServices/workspaces/*/read',
					'Microsoft.MachineLearningServices/workspaces/*/action',
					'Microsoft.MachineLearningServices/workspaces/*/delete',
					'Microsoft.MachineLearningServices/workspaces/*/write',
				],
				[
					'Microsoft.MachineLearningServices/workspaces/delete',
					'Microsoft.MachineLearningServices/workspaces/write',
					'Microsoft.MachineLearningServices/workspaces/computes/*/write',
					'Microsoft.MachineLearningServices/workspaces/computes/*/delete',
					'Microsoft.MachineLearningServices/workspaces/computes/listKeys/action',
					'Microsoft.MachineLearningServices/workspaces/listKeys/action',
				],
			),
		],
	},
};

/** Built-in role definition bodies (Authorization 2022-04-01, GetRoleDefinitionById.json), keyed by lower-cased GUID; ids tenant-level. */
export function builtInRoleDefinitions(): Record<string, JsonObject> {
	const out: Record<string, JsonObject> = {};
	for (const [roleName, guid] of Object.entries(BUILT_IN_ROLES) as Array<[BuiltInRoleName, string]>) {
		const details = BUILT_IN_ROLE_DETAILS[roleName];
		out[guid.toLowerCase()] = {
			id: `/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
			name: guid,
			type: 'Microsoft.Authorization/roleDefinitions',
			properties: {
				roleName,
				type: 'BuiltInRole',
				description: details.description,
				assignableScopes: ['/'],
				permissions: details.permissions.map((p) => ({...p, actions: [...p.actions], notActions: [...p.notActions], dataActions: [...p.dataActions], notDataActions: [...p.notDataActions]})),
				createdOn: '2015-02-02T21:55:09.8806423Z',
				updatedOn: '2024-04-17T15:02:33.1432768Z',
				createdBy: null,
				updatedBy: null,
			},
		};
	}
	return out;
}

// ---------------------------------------------------------------- resource bodies

/** MSI 2024-11-30 `Identity`, shaped like IdentityGet.json. */
export function userAssignedIdentityResource(
	seed: Pick<SeedIdentity, 'id' | 'name' | 'location' | 'principalId' | 'clientId'>,
	tenantId: string,
	tags?: Record<string, string>,
): TrackedResource {
	return {
		id: seed.id,
		name: seed.name,
		type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
		location: seed.location,
		...(tags ? {tags} : {}),
		properties: {tenantId, principalId: seed.principalId, clientId: seed.clientId, isolationScope: 'None'},
	};
}

interface ArmIdParts {
	subscriptionId: string;
	resourceGroup: string;
	name: string;
}
function parseResourceId(id: string): ArmIdParts | undefined {
	const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(id);
	return m ? {subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]!} : undefined;
}

/** Storage `StorageAccount` (kind StorageV2, Standard_LRS); `isHnsEnabled` makes it an ADLS Gen2 account. */
export function storageAccountResource(id: string, location: string, createdAt: string, tags: Record<string, string> | undefined, isHnsEnabled = false): TrackedResource {
	const {name} = parseResourceId(id)!;
	const endpoint = (service: string) => `https://${name}.${service}.core.windows.net/`;
	return {
		id,
		name,
		type: 'Microsoft.Storage/storageAccounts',
		location,
		...(tags ? {tags} : {}),
		sku: {name: 'Standard_LRS', tier: 'Standard'},
		kind: 'StorageV2',
		properties: {
			keyCreationTime: {key1: createdAt, key2: createdAt},
			allowCrossTenantReplication: false,
			defaultToOAuthAuthentication: false,
			publicNetworkAccess: 'Enabled',
			isHnsEnabled,
			minimumTlsVersion: 'TLS1_2',
			allowBlobPublicAccess: false,
			allowSharedKeyAccess: true,
			networkAcls: {bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction: 'Allow'},
			supportsHttpsTrafficOnly: true,
			encryption: {
				services: {
					file: {keyType: 'Account', enabled: true, lastEnabledTime: createdAt},
					blob: {keyType: 'Account', enabled: true, lastEnabledTime: createdAt},
				},
				keySource: 'Microsoft.Storage',
			},
			accessTier: 'Hot',
			provisioningState: 'Succeeded',
			creationTime: createdAt,
			primaryEndpoints: {
				dfs: endpoint('dfs'),
				web: `https://${name}.z13.web.core.windows.net/`,
				blob: endpoint('blob'),
				queue: endpoint('queue'),
				table: endpoint('table'),
				file: endpoint('file'),
			},
			primaryLocation: location,
			statusOfPrimary: 'available',
		},
	};
}

const ALL_KEY_PERMISSIONS = ['all'];
function keyVaultResource(
	id: string,
	location: string,
	tenantId: string,
	rbac: boolean,
	accessPolicyObjectIds: readonly string[],
	tags: Record<string, string> | undefined,
): TrackedResource {
	const {name} = parseResourceId(id)!;
	return {
		id,
		name,
		type: 'Microsoft.KeyVault/vaults',
		location,
		...(tags ? {tags} : {}),
		properties: {
			sku: {family: 'A', name: 'standard'},
			tenantId,
			accessPolicies: rbac
				? []
				: accessPolicyObjectIds.map((objectId) => ({
						tenantId,
						objectId,
						permissions: {keys: ALL_KEY_PERMISSIONS, secrets: ALL_KEY_PERMISSIONS, certificates: ALL_KEY_PERMISSIONS, storage: []},
					})),
			enabledForDeployment: false,
			enabledForDiskEncryption: false,
			enabledForTemplateDeployment: false,
			enableSoftDelete: true,
			softDeleteRetentionInDays: 90,
			enableRbacAuthorization: rbac,
			enablePurgeProtection: null,
			vaultUri: `https://${name}.vault.azure.net/`,
			provisioningState: 'Succeeded',
			publicNetworkAccess: 'Enabled',
		},
	};
}

function applicationInsightsResource(id: string, location: string, createdAt: string, tags: Record<string, string> | undefined): TrackedResource {
	const {name, subscriptionId} = parseResourceId(id)!;
	const instrumentationKey = seedUuid(`appi-key:${id.toLowerCase()}`);
	const appId = seedUuid(`appi-app:${id.toLowerCase()}`);
	return {
		id,
		name,
		type: 'microsoft.insights/components',
		location,
		...(tags ? {tags} : {}),
		kind: 'web',
		etag: `"${seedUuid(`appi-etag:${id.toLowerCase()}`).replace(/-/g, '').slice(0, 16)}"`,
		properties: {
			ApplicationId: name,
			AppId: appId,
			Application_Type: 'web',
			Flow_Type: 'Bluefield',
			Request_Source: 'rest',
			InstrumentationKey: instrumentationKey,
			ConnectionString: `InstrumentationKey=${instrumentationKey};IngestionEndpoint=https://${location}-8.in.applicationinsights.azure.com/;LiveEndpoint=https://${location}.livediagnostics.monitor.azure.com/;ApplicationId=${appId}`,
			Name: name,
			CreationDate: createdAt,
			TenantId: subscriptionId,
			provisioningState: 'Succeeded',
			SamplingPercentage: null,
			RetentionInDays: 90,
			IngestionMode: 'ApplicationInsights',
			publicNetworkAccessForIngestion: 'Enabled',
			publicNetworkAccessForQuery: 'Enabled',
			Ver: 'v2',
		},
	};
}

/** ContainerService 2024-09-01 `ManagedCluster` for the seeded AKS cluster. */
function aksClusterResource(tenantId: string): TrackedResource {
	const aks = SEED_AKS.fraudInference;
	const fqdn = `${aks.name}-dns-7d3a9f2c.hcp.${aks.location}.azmk8s.io`;
	return {
		id: aks.id,
		name: aks.name,
		type: 'Microsoft.ContainerService/ManagedClusters',
		location: aks.location,
		tags: {team: 'fraud-detection', environment: 'production'},
		sku: {name: 'Base', tier: 'Standard'},
		identity: {type: 'SystemAssigned', principalId: aks.principalId, tenantId},
		properties: {
			provisioningState: 'Succeeded',
			powerState: {code: 'Running'},
			kubernetesVersion: aks.kubernetesVersion,
			currentKubernetesVersion: aks.kubernetesVersion,
			dnsPrefix: `${aks.name}-dns`,
			fqdn,
			azurePortalFQDN: fqdn.replace('.hcp.', '.portal.hcp.'),
			agentPoolProfiles: [
				{
					name: 'agentpool',
					count: 3,
					vmSize: 'Standard_D4ds_v5',
					osDiskSizeGB: 128,
					osDiskType: 'Ephemeral',
					kubeletDiskType: 'OS',
					maxPods: 110,
					type: 'VirtualMachineScaleSets',
					enableAutoScaling: false,
					provisioningState: 'Succeeded',
					powerState: {code: 'Running'},
					orchestratorVersion: aks.kubernetesVersion,
					currentOrchestratorVersion: aks.kubernetesVersion,
					enableNodePublicIP: false,
					mode: 'System',
					osType: 'Linux',
					osSKU: 'Ubuntu',
					nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202410.15.0',
					enableFIPS: false,
				},
			],
			servicePrincipalProfile: {clientId: 'msi'},
			nodeResourceGroup: aks.nodeResourceGroup,
			enableRBAC: true,
			supportPlan: 'KubernetesOfficial',
			networkProfile: {
				networkPlugin: 'azure',
				networkPluginMode: 'overlay',
				networkPolicy: 'none',
				loadBalancerSku: 'Standard',
				podCidr: '10.244.0.0/16',
				serviceCidr: '10.0.0.0/16',
				dnsServiceIP: '10.0.0.10',
				outboundType: 'loadBalancer',
				podCidrs: ['10.244.0.0/16'],
				serviceCidrs: ['10.0.0.0/16'],
				ipFamilies: ['IPv4'],
			},
			maxAgentPools: 100,
			identityProfile: {
				kubeletidentity: {
					resourceId: aks.kubeletIdentity.resourceId,
					clientId: aks.kubeletIdentity.clientId,
					objectId: aks.kubeletIdentity.objectId,
				},
			},
			disableLocalAccounts: false,
			oidcIssuerProfile: {enabled: false},
			securityProfile: {},
		},
	};
}

// ---------------------------------------------------------------- seeding

const key = (id: string) => id.toLowerCase();

function principalIdOf(resource: JsonObject): string | undefined {
	const identity = resource.identity;
	if (typeof identity !== 'object' || identity === null) return undefined;
	const principalId = (identity as JsonObject).principalId;
	return typeof principalId === 'string' && principalId ? principalId : undefined;
}

/**
 * Adds the identity side of the seed to a state that already holds subscriptions, resource groups,
 * registries and workspaces (and possibly computes). Call it last in createSeedState().
 */
export function seedIdentityState(state: EmulatorState): void {
	// Built-in role definitions.
	Object.assign(state.roleDefinitions, builtInRoleDefinitions());

	// Principals: the demo user, every workspace's and compute's system identity.
	registerPrincipal(state, DEMO_USER_OBJECT_ID, 'User', PRINCIPALS_CREATED_AT);
	for (const resource of [...Object.values(state.workspaces), ...Object.values(state.computes)]) {
		const principalId = principalIdOf(resource);
		if (principalId) registerPrincipal(state, principalId, 'ServicePrincipal', PRINCIPALS_CREATED_AT);
	}

	// User-assigned identities.
	for (const uai of Object.values(SEED_IDENTITIES)) {
		state.identities[key(uai.id)] = userAssignedIdentityResource(uai, state.tenantId);
		registerPrincipal(state, uai.principalId, 'ServicePrincipal', PRINCIPALS_CREATED_AT);
	}

	// Resources the wizard only reads: what each workspace points at, and the AKS cluster.
	for (const ws of Object.values(state.workspaces)) {
		const props = ws.properties;
		const createdAt = ws.systemData?.createdAt ?? ASSIGNMENTS_CREATED_AT;
		const tags = ws.tags;
		if (typeof props.storageAccount === 'string') {
			state.genericResources[key(props.storageAccount)] = storageAccountResource(props.storageAccount, ws.location, createdAt, tags);
		}
		if (typeof props.keyVault === 'string') {
			const vaultName = parseResourceId(props.keyVault)?.name ?? '';
			const rbac = SEED_KEY_VAULT_RBAC[vaultName] ?? true;
			const policyHolders = [principalIdOf(ws), DEMO_USER_OBJECT_ID].filter((p): p is string => p !== undefined);
			state.genericResources[key(props.keyVault)] = keyVaultResource(props.keyVault, ws.location, state.tenantId, rbac, policyHolders, tags);
		}
		if (typeof props.applicationInsights === 'string') {
			state.genericResources[key(props.applicationInsights)] = applicationInsightsResource(props.applicationInsights, ws.location, createdAt, tags);
		}
	}
	const aks = SEED_AKS.fraudInference;
	state.genericResources[key(aks.id)] = aksClusterResource(state.tenantId);
	registerPrincipal(state, aks.principalId, 'ServicePrincipal', PRINCIPALS_CREATED_AT);
	registerPrincipal(state, aks.kubeletIdentity.objectId, 'ServicePrincipal', PRINCIPALS_CREATED_AT);

	// Role assignments: Ada is Owner in Production, Contributor in Dev/Test, Reader in Sandbox.
	for (const sub of Object.values(state.subscriptions)) {
		const role = SEED_ROLE_ASSIGNMENTS.adaRoles[sub.subscriptionId.toLowerCase()] ?? 'Owner';
		grantRole(state, {
			scope: sub.id,
			roleDefinitionGuid: BUILT_IN_ROLES[role],
			principalId: DEMO_USER_OBJECT_ID,
			principalType: 'User',
			name: SEED_ROLE_ASSIGNMENTS.adaAssignmentName(sub.subscriptionId),
			createdAt: '2023-11-07T11:32:10.1200000Z',
		});
	}
	// The automation service principal: Contributor on rg-ml-fraud-prod.
	registerPrincipal(state, DEMO_SERVICE_PRINCIPAL.objectId, 'ServicePrincipal', PRINCIPALS_CREATED_AT);
	grantRole(state, {
		scope: DEMO_SERVICE_PRINCIPAL.resourceGroupId,
		roleDefinitionGuid: BUILT_IN_ROLES.Contributor,
		principalId: DEMO_SERVICE_PRINCIPAL.objectId,
		principalType: 'ServicePrincipal',
		name: SEED_ROLE_ASSIGNMENTS.servicePrincipalContributorName,
		createdAt: ASSIGNMENTS_CREATED_AT,
		createdBy: DEMO_USER_OBJECT_ID,
	});
	// Each workspace's system identity: Contributor on its registry.
	for (const ws of Object.values(state.workspaces)) {
		const registryId = ws.properties.containerRegistry;
		const principalId = principalIdOf(ws);
		if (typeof registryId !== 'string' || !principalId) continue;
		grantRole(state, {
			scope: registryId,
			roleDefinitionGuid: BUILT_IN_ROLES.Contributor,
			principalId,
			principalType: 'ServicePrincipal',
			name: SEED_ROLE_ASSIGNMENTS.workspaceContributorName(registryId),
			createdAt: ws.systemData?.createdAt ?? ASSIGNMENTS_CREATED_AT,
			createdBy: DEMO_USER_OBJECT_ID,
		});
	}
	// id-vision-train: AcrPull on crvisiondev.
	grantRole(state, {
		scope: CR_VISION_DEV,
		roleDefinitionGuid: BUILT_IN_ROLES.AcrPull,
		principalId: SEED_IDENTITIES.visionTrain.principalId,
		principalType: 'ServicePrincipal',
		name: visionTrainAcrPullName,
		createdAt: ASSIGNMENTS_CREATED_AT,
		createdBy: DEMO_USER_OBJECT_ID,
	});
}
