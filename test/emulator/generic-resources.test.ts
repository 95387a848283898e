import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ResourceManagementClient} from '@azure/arm-resources';
import {SEED, SEED_AKS, startEmulator, type RunningEmulator} from '../../src/emulator/index.js';
import {armRequest, sdkOptions, staticCredential, UUID_RE} from './helpers.js';

describe('generic reads of AKS clusters, storage accounts, key vaults, Application Insights', () => {
	let emulator: RunningEmulator;
	let client: ResourceManagementClient;
	beforeAll(async () => {
		emulator = await startEmulator();
		client = new ResourceManagementClient(staticCredential, SEED.subscriptions.production.subscriptionId, sdkOptions(emulator).options);
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('resources.getById reads the AKS cluster with its control-plane and kubelet identities (2024-09-01 and 2025-01-01)', async () => {
		const aks = SEED_AKS.fraudInference;
		for (const apiVersion of ['2024-09-01', '2025-01-01']) {
			const cluster = await client.resources.getById(aks.id, apiVersion);
			expect(cluster).toMatchObject({
				id: aks.id,
				name: 'aks-fraud-inference',
				type: 'Microsoft.ContainerService/ManagedClusters',
				location: 'eastus',
				identity: {type: 'SystemAssigned', principalId: aks.principalId, tenantId: SEED.tenantId},
			});
			const props = cluster.properties as Record<string, any>;
			expect(props.provisioningState).toBe('Succeeded');
			expect(props.kubernetesVersion).toBe(aks.kubernetesVersion);
			expect(props.nodeResourceGroup).toBe('MC_rg-ml-fraud-prod_aks-fraud-inference_eastus');
			expect(props.identityProfile.kubeletidentity).toEqual({
				resourceId: `/subscriptions/${SEED.subscriptions.production.subscriptionId}/resourceGroups/MC_rg-ml-fraud-prod_aks-fraud-inference_eastus/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-fraud-inference-agentpool`,
				clientId: aks.kubeletIdentity.clientId,
				objectId: aks.kubeletIdentity.objectId,
			});
			expect(aks.kubeletIdentity.objectId).toMatch(UUID_RE);
		}
		// getById sends the id (which starts with '/') after the host's '/': the emulator sees '//subscriptions/...'.
		expect(emulator.requests.at(-1)!.path).toBe(aks.id);
	});

	it('reads what each workspace points at; key vaults differ in permission model', async () => {
		for (const ws of Object.values(SEED.workspaces)) {
			const storage = await client.resources.getById(ws.storageAccountId, '2023-05-01');
			expect(storage).toMatchObject({id: ws.storageAccountId, type: 'Microsoft.Storage/storageAccounts', location: ws.location, kind: 'StorageV2'});
			const vault = await client.resources.getById(ws.keyVaultId, '2023-07-01');
			const vaultName = ws.keyVaultId.split('/').pop()!;
			const vaultProps = vault.properties as Record<string, any>;
			expect(vaultProps.enableRbacAuthorization).toBe(SEED.keyVaultRbac[vaultName]);
			expect(vaultProps.vaultUri).toBe(`https://${vaultName}.vault.azure.net/`);
			if (vaultProps.enableRbacAuthorization) {
				expect(vaultProps.accessPolicies).toEqual([]);
			} else {
				expect(vaultProps.accessPolicies.map((p: {objectId: string}) => p.objectId)).toContain(ws.principalId);
			}
			const insights = await client.resources.getById(ws.applicationInsightsId, '2020-02-02');
			expect(insights.type).toBe('microsoft.insights/components');
			expect((insights.properties as Record<string, any>).InstrumentationKey).toMatch(UUID_RE);
		}
		expect(new Set(Object.values(SEED.keyVaultRbac))).toEqual(new Set([true, false]));
	});

	it('answers unknown resources, groups and api-versions as ARM does', async () => {
		const aks = SEED_AKS.fraudInference;
		await expect(client.resources.getById(aks.id.replace('aks-fraud-inference', 'aks-nope'), '2024-09-01')).rejects.toMatchObject({
			statusCode: 404,
			code: 'ResourceNotFound',
		});
		await expect(client.resources.getById(aks.id, '2023-01-01')).rejects.toMatchObject({statusCode: 400, code: 'InvalidApiVersionParameter'});
		const noGroup = await armRequest(emulator, 'GET', `${aks.id.replace('rg-ml-fraud-prod', 'rg-nope')}?api-version=2024-09-01`);
		expect(noGroup.status).toBe(404);
		expect(noGroup.body.error.code).toBe('ResourceGroupNotFound');
		const storage = SEED.workspaces.fraudProd.storageAccountId;
		const wrongVersion = await armRequest(emulator, 'GET', `${storage}?api-version=2024-09-01`);
		expect(wrongVersion.status).toBe(400);
		expect(wrongVersion.body.error.message).toContain("'2025-06-01,2024-01-01,2023-05-01'");
		const otherType = await armRequest(emulator, 'GET', `${SEED.resourceGroups.fraudProd.id}/providers/Microsoft.Storage/storageAccounts/x/blobServices/default?api-version=2023-05-01`);
		expect(otherType.status).toBe(404);
		expect(otherType.body.error.code).toBe('InvalidResourceType');
	});
});
