import type {ComputeSummary, IdentitySummary, RegistrySummary, RoleAssignmentSummary} from '../azure/gateway.js';
import type {Plan, PlanStep} from '../plan/plan.js';
import {RoleResolver, roleAssignmentStep} from '../steps/role-assignment.js';
import type {Answers, Question, Scenario} from './scenario.js';
import {outcomesSummary} from './scenario.js';
import {
	chosenIdentityId,
	computeChoice,
	computePrincipal,
	computePrincipalShellVariable,
	createIdentityStep,
	createNew,
	describeIdentity,
	listVisibleRegistries,
	setComputeIdentityStep,
	userAssignedIdentityQuestions,
	type ComputeIdentityChoice,
} from './shared.js';

/**
 * Document 004, "Compute cluster" (both scripts): switch a cluster between its system-assigned
 * identity and user-assigned ones. Role assignments belong to an identity, not to the cluster, so
 * what the old identity could reach is listed and offered to the new one.
 */
export interface HeldRole {
	readonly roleName: string;
	readonly roleDefinitionId: string;
	readonly scope: string;
	readonly scopeLabel: string;
}

export interface SwitchComputeIdentityFacts {
	readonly computes: readonly ComputeSummary[];
	readonly identities: readonly IdentitySummary[];
	/** Roles each compute's current identity holds on the registries and storage the wizard knows, by compute ID. */
	readonly heldRoles: Readonly<Record<string, readonly HeldRole[]>>;
}

const mixRefusal =
	'A compute cluster has one system-assigned identity or several user-assigned ones, never both (document 004): the wizard switches from one kind to the other.';

const knownRoleNames: Readonly<Record<string, string>> = {
	'7f951dda-4ed3-4680-a7ca-43fe172d538d': 'AcrPull',
	'8311e382-0749-4cb8-b61a-304f252e45ec': 'AcrPush',
	'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
	'2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': 'Storage Blob Data Reader',
	'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
	'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
};

function principalsOf(compute: ComputeSummary): string[] {
	return [compute.identity.principalId, ...compute.identity.userAssigned.map((uai) => uai.principalId)].filter((id): id is string => Boolean(id));
}

function targetIdentity(compute: ComputeSummary, answers: Answers, workspace: Parameters<typeof chosenIdentityId>[1]): ComputeIdentityChoice | undefined {
	const wantsSystem = answers['identityType'] === 'SystemAssigned';
	if (wantsSystem) return {type: 'SystemAssigned'};
	const identityId = chosenIdentityId('user', workspace, answers);
	return identityId ? {type: 'UserAssigned', identityId} : undefined;
}

export const switchComputeIdentityScenario: Scenario<SwitchComputeIdentityFacts> = {
	id: 'switch-compute-identity',
	title: 'Switch a compute cluster between system- and user-assigned identity',
	description:
		"Move a cluster from its system-assigned identity to a user-assigned one, or back, and give the new identity the roles the old one held on registries and storage.",
	source: {document: '004', section: 'Compute cluster'},
	answerKeys: ['compute', 'identityType', 'userIdentity', 'userIdentityName', 'copyRoles'],
	caveat: mixRefusal,

	async prepare({gateway, workspace}) {
		const [computes, identities, visible] = await Promise.all([
			gateway.listComputes(workspace.id),
			gateway.listIdentities(workspace.subscriptionId),
			listVisibleRegistries(gateway),
		]);
		const clusters = computes.filter((compute) => compute.computeType === 'AmlCompute');
		if (clusters.length === 0) {
			return {kind: 'blocked', reason: `Workspace ${workspace.name} has no compute clusters.`, nextSteps: ['Create one with the "Compute cluster with a managed identity" scenario.']};
		}
		// Where roles matter for a cluster: every visible registry and the workspace storage account.
		const scopes: {scope: string; label: string}[] = [
			...visible.registries.map((registry: RegistrySummary) => ({scope: registry.id, label: `registry ${registry.name}`})),
			...(workspace.storageAccountId ? [{scope: workspace.storageAccountId, label: `storage account ${workspace.storageAccountId.split('/').pop()}`}] : []),
		];
		const heldRoles: Record<string, HeldRole[]> = {};
		await Promise.all(
			clusters.map(async (compute) => {
				const principals = principalsOf(compute);
				const found = await Promise.all(
					principals.flatMap((principalId) =>
						scopes.map(async ({scope, label}) => {
							const assignments: RoleAssignmentSummary[] = await gateway.listRoleAssignments(scope, {principalId});
							return assignments
								.filter((assignment) => assignment.scope.toLowerCase() === scope.toLowerCase())
								.map((assignment) => {
									const guid = (assignment.roleDefinitionId.split('/').pop() ?? '').toLowerCase();
									return {roleName: knownRoleNames[guid] ?? guid, roleDefinitionId: assignment.roleDefinitionId, scope, scopeLabel: label};
								});
						}),
					),
				);
				heldRoles[compute.id] = found.flat();
			}),
		);
		const facts: SwitchComputeIdentityFacts = {computes: clusters, identities, heldRoles};
		return {
			kind: 'ready',
			facts,
			findings: clusters.map((compute) => {
				const roles = heldRoles[compute.id] ?? [];
				return `${compute.name}: ${describeIdentity(compute.identity)}${roles.length ? `, holds ${roles.map((role) => `${role.roleName} on ${role.scopeLabel}`).join(', ')}` : ''}.`;
			}),
			questions: (answers) => {
				const questions: Question[] = [{kind: 'select', id: 'compute', prompt: 'Which compute cluster?', choices: clusters.map(computeChoice)}];
				const compute = clusters.find((candidate) => candidate.id === answers['compute']);
				if (!compute) return questions;
				// Asked even when the answer looks obvious: the target is then data, and the same answers
				// run again (after the switch) find it in place instead of switching back.
				const system = {value: 'SystemAssigned', label: 'System-assigned', ...(compute.identity.type === 'SystemAssigned' ? {detail: 'what it has now'} : {})};
				const user = {value: 'UserAssigned', label: 'User-assigned', ...(compute.identity.type === 'UserAssigned' ? {detail: 'what it has now: pick another one'} : {})};
				questions.push({
					kind: 'select',
					id: 'identityType',
					prompt:
						compute.identity.type === 'None'
							? `${compute.name} has no identity yet. Which kind should it get?`
							: `Which identity should ${compute.name} use? (now: ${describeIdentity(compute.identity)})`,
					// The switch the user most likely came for comes first.
					choices: compute.identity.type === 'UserAssigned' ? [system, user] : [user, system],
				});
				const toUser = answers['identityType'] === 'UserAssigned';
				if (toUser) questions.push(...userAssignedIdentityQuestions('user', identities, answers, `Which user-assigned identity should ${compute.name} use instead?`));
				const roles = heldRoles[compute.id] ?? [];
				if (roles.length > 0) {
					questions.push({
						kind: 'confirm',
						id: 'copyRoles',
						prompt: `Grant the new identity what the old one held (${roles.map((role) => `${role.roleName} on ${role.scopeLabel}`).join('; ')})?`,
						warning: 'Role assignments do not follow an identity: without them, jobs lose access the moment the identity changes.',
						yesLabel: 'Yes, grant the same roles to the new identity',
						noLabel: 'No, switch the identity only',
						requiredYes: false,
					});
				}
				return questions;
			},
		};
	},

	buildPlan({gateway, workspace, replicationTiming}, facts, answers): Plan {
		const compute = facts.computes.find((candidate) => candidate.id === answers['compute']);
		const wanted = compute && targetIdentity(compute, answers, workspace);
		if (!compute || !wanted) throw new Error('The compute or identity chosen is not in the lists read before planning.');
		const steps: PlanStep[] = [];
		if (wanted.type === 'UserAssigned' && answers['userIdentity'] === createNew) steps.push(createIdentityStep(gateway, wanted.identityId, workspace.location));
		const switchStep = setComputeIdentityStep(gateway, compute, wanted);
		steps.push(switchStep);
		if (answers['copyRoles'] === true) {
			const roles = new RoleResolver(gateway);
			// The copied roles (each a role at its own scope) need only the compute's new identity: at the same time.
			for (const [index, held] of (facts.heldRoles[compute.id] ?? []).entries()) {
				steps.push({
					...roleAssignmentStep({
						id: `copy-role-${index + 1}`,
						gateway,
						roles,
						roleName: held.roleName,
						scope: held.scope,
						scopeLabel: held.scopeLabel,
						principalLabel: `${compute.name}'s new identity`,
						principalId: computePrincipal(gateway, compute.id),
						assignee: {variable: computePrincipalShellVariable(compute, compute.identity, wanted)},
						...(replicationTiming ? {timing: replicationTiming} : {}),
					}),
					after: [switchStep.id],
				});
			}
		}
		const label = wanted.type === 'SystemAssigned' ? 'system-assigned' : `user-assigned ${wanted.identityId.split('/').pop()}`;
		return {scenarioId: 'switch-compute-identity', title: `Switch ${compute.name} to a ${label} identity`, steps, caveats: [mixRefusal]};
	},

	summarize(facts, answers, result) {
		const {changed, alreadyInPlace} = outcomesSummary(result);
		const compute = facts.computes.find((candidate) => candidate.id === answers['compute']);
		const roles = compute ? (facts.heldRoles[compute.id] ?? []) : [];
		return {
			changed,
			alreadyInPlace,
			nextSteps: [
				...(answers['copyRoles'] === false && roles.length
					? [`The new identity does not hold what the old one did (${roles.map((role) => `${role.roleName} on ${role.scopeLabel}`).join('; ')}): grant it before the next job.`]
					: []),
				'Jobs use the default identity: the system-assigned one, or the first user-assigned one (DEFAULT_IDENTITY_CLIENT_ID in the job).',
			],
		};
	},
};
