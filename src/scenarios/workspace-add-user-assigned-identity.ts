import {join} from 'node:path';
import YAML from 'yaml';
import type {IdentitySummary} from '../azure/gateway.js';
import {writeFileStep} from '../steps/write-file.js';
import {sameResourceId} from '../azure/resource-id.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import type {Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {createIdentityStep, createNew, failedInAzure, identityChoices, newIdentityId} from './shared.js';
import {identityNameProblem} from './names.js';

/**
 * Document 004, "Add a user-assigned managed identity to a workspace in addition to a
 * system-assigned identity": the update names every user-assigned identity the workspace keeps;
 * Azure removes the ones left out, and SystemAssigned,UserAssigned never goes back to SystemAssigned.
 */
export interface AddWorkspaceIdentityFacts {
	readonly identities: readonly IdentitySummary[];
	/** The workspace's user-assigned identities now, by ID. */
	readonly current: readonly string[];
	readonly hasSystemAssigned: boolean;
}

const irreversible =
	'This cannot be undone: a workspace cannot go back from SystemAssigned,UserAssigned to SystemAssigned only (document 004).';

function nameOf(id: string): string {
	return id.split('/').pop() ?? id;
}

/** The user-assigned identities after the update: the current ones, plus the added one, minus the removed ones. */
export function identitiesAfter(current: readonly string[], answers: Readonly<Record<string, boolean | string>>, addedId?: string): string[] {
	const removed = typeof answers['remove'] === 'string' && answers['remove'] !== 'none' ? [answers['remove']] : [];
	const kept = current.filter((id) => !removed.some((gone) => sameResourceId(gone, id)));
	return addedId && !kept.some((id) => sameResourceId(id, addedId)) ? [...kept, addedId] : kept;
}

export const addWorkspaceIdentityScenario: Scenario<AddWorkspaceIdentityFacts> = {
	id: 'workspace-add-user-assigned-identity',
	title: 'Add a user-assigned identity to a workspace, keeping its system-assigned one',
	description:
		'Update the workspace to SystemAssigned,UserAssigned with the identity added (or one removed). The update carries every identity the workspace keeps: the plan shows the list before and after.',
	source: {document: '004', section: 'Add a user-assigned managed identity to a workspace in addition to a system-assigned identity'},
	answerKeys: ['remove', 'add', 'addName', 'irreversible'],
	caveat: irreversible,

	async prepare({gateway, workspace}) {
		const identities = await gateway.listIdentities(workspace.subscriptionId);
		const current = workspace.identity.userAssigned.map((uai) => uai.id);
		const hasSystemAssigned = workspace.identity.type.includes('SystemAssigned');
		if (!hasSystemAssigned) {
			return {
				kind: 'blocked',
				reason: `Workspace ${workspace.name} has no system-assigned identity (${workspace.identity.type}), so there is none to keep.`,
				nextSteps: ['Use "Create a workspace with a user-assigned identity" for workspaces built on user-assigned identities.'],
			};
		}
		const facts: AddWorkspaceIdentityFacts = {identities, current, hasSystemAssigned};
		return {
			kind: 'ready',
			facts,
			findings: [
				`${workspace.name}: ${workspace.identity.type}${current.length ? `, user-assigned: ${current.map(nameOf).join(', ')}` : ''}.`,
			],
			questions: (answers) => {
				const questions: Question[] = [];
				if (current.length > 0) {
					questions.push({
						kind: 'select',
						id: 'remove',
						prompt: 'Remove one of the user-assigned identities it has? (it is the same update with a shorter list)',
						choices: [{value: 'none', label: 'No, keep them all'}, ...current.map((id) => ({value: id, label: `Remove ${nameOf(id)}`}))],
					});
				}
				questions.push({
					kind: 'select',
					id: 'add',
					prompt: 'Which user-assigned identity should the workspace get?',
					// A workspace that has had user-assigned identities keeps at least one (it cannot go back).
					choices: [
						...(identitiesAfter(current, answers).length > 0 ? [{value: 'none', label: answers['remove'] !== 'none' ? 'None (only remove)' : 'None'}] : []),
						// Those it has stay listed, so the same answers given again find them in place.
						...identityChoices(identities).map((choice) =>
							current.some((id) => sameResourceId(id, choice.value)) ? {...choice, detail: 'already on the workspace: nothing to add'} : choice,
						),
					],
				});
				if (answers['add'] === createNew) {
					questions.push({
						kind: 'text',
						id: 'addName',
						prompt: 'Name of the new user-assigned identity (created in the workspace resource group):',
						validate: (name) =>
							identityNameProblem(name) ??
							(identities.some((identity) => identity.name.toLowerCase() === name.toLowerCase()) ? `An identity named "${name}" already exists: pick it from the list (Esc).` : undefined),
					});
				}
				// Only the first move to SystemAssigned,UserAssigned is the one that cannot be taken back.
				if (!workspace.identity.type.includes('UserAssigned')) {
					questions.push({
						kind: 'confirm',
						id: 'irreversible',
						prompt: 'Update the workspace identity?',
						warning: irreversible,
						yesLabel: 'Yes, update it',
						noLabel: 'No, go back',
						requiredYes: true,
					});
				}
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace, outputDirectory}, facts, answers): Plan {
		const steps: PlanStep[] = [];
		let addedId: string | undefined;
		// The file and the workspace's update need only the new identity (if any) to exist: at the same time.
		let afterIdentity: string[] = [];
		if (answers['add'] === createNew) {
			addedId = newIdentityId(workspace, String(answers['addName']));
			const identityStep = createIdentityStep(gateway, addedId, workspace.location);
			steps.push(identityStep);
			afterIdentity = [identityStep.id];
		} else if (typeof answers['add'] === 'string' && answers['add'] !== 'none') {
			addedId = answers['add'];
		}
		const after = identitiesAfter(facts.current, answers, addedId);
		const before = facts.current;
		const identityYaml = (ids: readonly string[]) =>
			YAML.stringify({
				identity: {type: 'system_assigned,user_assigned', tenant_id: workspace.identity.tenantId ?? '<TENANT_ID>', user_assigned_identities: Object.fromEntries(ids.map((id) => [id, {}]))},
			});
		const listing = (ids: readonly string[]) => (ids.length ? ids.map(nameOf).join(', ') : 'none');
		const identityFileName = 'workspace_identity.yml';
		const identityFile = join(outputDirectory, identityFileName);
		// The file the documents' `az ml workspace update --file` takes, with every identity kept.
		steps.push({
			...writeFileStep({
				id: 'identity-yaml',
				title: 'Write workspace_identity.yml (the az ml workspace update file)',
				path: identityFile,
				// IDs as Azure spells them (read when the step runs: a new identity exists only then).
				content: async () => identityYaml(await Promise.all(after.map(async (id) => (await gateway.findIdentity(id))?.id ?? id))),
			}),
			after: afterIdentity,
		});
		steps.push({
			id: 'update-workspace-identity',
			after: afterIdentity,
			title: `Set ${workspace.name}'s identity to SystemAssigned,UserAssigned: ${listing(after)}`,
			target: {kind: 'Workspace', name: workspace.name, id: workspace.id},
			azCommand: `az ml workspace update --resource-group ${workspace.resourceGroup} --name ${workspace.name} --file ${identityFileName}`,
			documents: [{fileName: identityFileName, content: identityYaml(after)}],
			note: `User-assigned identities before: ${listing(before)}; after: ${listing(after)}. Every kept identity is sent, or Azure removes it.`,
			requires: [
				{scope: workspace.id, action: 'Microsoft.MachineLearningServices/workspaces/write'},
				...(addedId ? [{scope: addedId, action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'}] : []),
			],
			async reversal() {
				const current = (await gateway.getWorkspace(workspace.id)).identity;
				return current.type === 'SystemAssigned,UserAssigned'
					? {
							kind: 'set-workspace-user-assigned',
							workspaceId: workspace.id,
							userAssignedIds: current.userAssigned.map((uai) => uai.id),
							label: `${workspace.name}'s user-assigned identities back to ${listing(current.userAssigned.map((uai) => uai.id))}`,
						}
					: {kind: 'irreversible', label: `${workspace.name}'s identity set to SystemAssigned,UserAssigned`, reason: irreversible, keeps: after};
			},
			async check() {
				const found = await gateway.getWorkspace(workspace.id);
				const current = found.identity;
				const same =
					!failedInAzure(found) &&
					current.type === (after.length ? 'SystemAssigned,UserAssigned' : current.type) &&
					current.userAssigned.length === after.length &&
					after.every((id) => current.userAssigned.some((uai) => sameResourceId(uai.id, id)));
				return same
					? {satisfied: true, detail: `${workspace.name} already has ${listing(after)}`}
					: {satisfied: false, detail: `${workspace.name} has ${listing(current.userAssigned.map((uai) => uai.id))}`};
			},
			async apply(report) {
				await gateway.updateWorkspaceIdentity(
					workspace.id,
					{type: 'SystemAssigned,UserAssigned', userAssignedIds: after},
					({status}) => report({operationStatus: status}),
				);
			},
			async verify() {
				const current = (await gateway.getWorkspace(workspace.id)).identity;
				const ok = after.every((id) => current.userAssigned.some((uai) => sameResourceId(uai.id, id))) && current.userAssigned.length === after.length;
				return ok ? {ok: true, detail: `${workspace.name} has ${listing(after)}`} : {ok: false, detail: `${workspace.name} shows ${listing(current.userAssigned.map((uai) => uai.id))}`};
			},
		});
		return {scenarioId: 'workspace-add-user-assigned-identity', title: `User-assigned identities of ${workspace.name}: ${listing(after)}`, steps, caveats: [irreversible]};
	},

	summarize(_facts, _answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				'Give the identity the roles it needs on your data (the data access scenarios), and use its client ID in jobs that should act as it.',
				irreversible,
			],
		};
	},
};
