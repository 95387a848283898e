import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {createNew} from '../../src/scenarios/shared.js';
import {addWorkspaceIdentityScenario} from '../../src/scenarios/workspace-add-user-assigned-identity.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';
import {runScenario, states} from '../helpers/scenario-driver.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

function workspaceIdentity(workspaceId: string) {
	return azure!.emulator.state.workspaces[workspaceId.toLowerCase()]?.['identity'] as {type: string; userAssignedIdentities?: Record<string, unknown>};
}

describe('Add a user-assigned identity to a workspace, keeping its system-assigned one', () => {
	it('updates the workspace to SystemAssigned,UserAssigned with a new identity; again, skipped', async () => {
		azure = await startEmulatedAzure();
		const answers = {add: createNew, addName: 'id-fraud-data', irreversible: true};
		const run = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, answers);
		expect(states(run.result)).toEqual({'create-identity-id-fraud-data': 'done', 'update-workspace-identity': 'done'});
		expect(run.plan.steps[1]?.note).toBe('User-assigned identities before: none; after: id-fraud-data. Every kept identity is sent, or Azure removes it.');
		const identity = workspaceIdentity(SEED.workspaces.fraudProd.id);
		expect(identity.type).toBe('SystemAssigned,UserAssigned');
		expect(Object.keys(identity.userAssignedIdentities ?? {}).map((id) => id.split('/').pop())).toEqual(['id-fraud-data']);

		const added = Object.keys(identity.userAssignedIdentities ?? {})[0]!;
		const again = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {remove: 'none', add: 'none', irreversible: true});
		expect(states(again.result)).toEqual({'update-workspace-identity': 'skipped'});
		expect(again.findings[0]).toContain('user-assigned: id-fraud-data');
		expect(added).toBeDefined();
	});

	it('keeps every existing identity when adding one, and removing one sends the shorter list', async () => {
		azure = await startEmulatedAzure();
		await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {add: SEED.identities.fraudAcrPull.id, irreversible: true});
		const second = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {remove: 'none', add: createNew, addName: 'id-second', irreversible: true});
		expect(second.plan.steps.at(-1)?.note).toContain('before: id-fraud-acr-pull; after: id-fraud-acr-pull, id-second');
		expect(Object.keys(workspaceIdentity(SEED.workspaces.fraudProd.id).userAssignedIdentities ?? {})).toHaveLength(2);

		const current = Object.keys(workspaceIdentity(SEED.workspaces.fraudProd.id).userAssignedIdentities ?? {});
		const removeFirst = current.find((id) => id.toLowerCase().endsWith('/id-fraud-acr-pull'))!;
		const third = await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {remove: removeFirst, add: 'none', irreversible: true});
		expect(states(third.result)).toEqual({'update-workspace-identity': 'done'});
		expect(Object.keys(workspaceIdentity(SEED.workspaces.fraudProd.id).userAssignedIdentities ?? {}).map((id) => id.split('/').pop())).toEqual(['id-second']);
	});

	it('the emulator refuses going back to SystemAssigned only, as Azure does', async () => {
		azure = await startEmulatedAzure();
		await runScenario(azure, addWorkspaceIdentityScenario, SEED.workspaces.fraudProd.id, {add: SEED.identities.fraudAcrPull.id, irreversible: true});
		await expect(azure.gateway.updateWorkspaceIdentity(SEED.workspaces.fraudProd.id, {type: 'SystemAssigned', userAssignedIds: []})).rejects.toMatchObject({statusCode: 400});
	});
});
