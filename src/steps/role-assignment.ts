import {createHash} from 'node:crypto';
import {setTimeout as delay} from 'node:timers/promises';
import type {AzureGateway, RoleDefinitionSummary} from '../azure/gateway.js';
import {toAzureFailure} from '../azure/errors.js';
import type {PlanStep, ShellVariable, StepReport} from '../plan/plan.js';
import {roleAssignmentCommand} from './shell.js';

/** Built-in roles the scenarios grant, by their real GUIDs (used when a lookup by name finds nothing). */
export const builtInRoleIds: Readonly<Record<string, string>> = {
	AcrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
	AcrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
	'Managed Identity Operator': 'f1a07417-d97a-45cb-824c-7a7467783830',
	Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
	'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
	'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
	'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
};

/**
 * The assignment's name, derived from what it grants: running the step twice, or from two
 * processes, names the same assignment, so Azure answers "exists" instead of making a second one.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
	const hash = createHash('sha1')
		.update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`)
		.digest();
	hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5: name-based
	hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function roleAssignmentId(scope: string, name: string): string {
	return `${scope.replace(/\/$/, '')}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

function guidOf(roleDefinitionId: string): string {
	return (roleDefinitionId.split('/').pop() ?? roleDefinitionId).toLowerCase();
}

function subscriptionOf(scope: string): string {
	return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
}

/** Looks roles up by name once per subscription ($filter=roleName eq '…'). */
export class RoleResolver {
	readonly #gateway: AzureGateway;
	readonly #cache = new Map<string, Promise<RoleDefinitionSummary>>();

	constructor(gateway: AzureGateway) {
		this.#gateway = gateway;
	}

	resolve(scope: string, roleName: string): Promise<RoleDefinitionSummary> {
		const subscription = subscriptionOf(scope);
		const key = `${subscription}|${roleName}`;
		let found = this.#cache.get(key);
		if (!found) {
			found = this.#gateway.findRoleDefinition(`/subscriptions/${subscription}`, roleName).then((definition) => {
				if (definition) return definition;
				const guid = builtInRoleIds[roleName];
				if (!guid) throw Object.assign(new Error(`There is no role named "${roleName}".`), {code: 'RoleDefinitionDoesNotExist'});
				return {id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`, guid, roleName};
			});
			found.catch(() => this.#cache.delete(key));
			this.#cache.set(key, found);
		}
		return found;
	}
}

export interface ReplicationTiming {
	/** How long to keep retrying PrincipalNotFound for a new identity: Azure says minutes. */
	readonly waitMs: number;
	/** First retry delay; doubles up to 30 s. */
	readonly firstRetryMs: number;
}

export const defaultReplicationTiming: ReplicationTiming = {waitMs: 3 * 60 * 1000, firstRetryMs: 5000};

export interface RoleAssignmentStepOptions {
	readonly id: string;
	readonly gateway: AzureGateway;
	readonly roles: RoleResolver;
	readonly roleName: string;
	readonly scope: string;
	/** e.g. "registry crcontosobase". */
	readonly scopeLabel: string;
	/** e.g. "cpu-cluster's system-assigned identity". */
	readonly principalLabel: string;
	/** The principal's object ID, read when the step runs (an earlier step may create it). */
	readonly principalId: () => Promise<string>;
	/** Managed identities are service principals; a person is a User, a team a Group. */
	readonly principalType?: 'ServicePrincipal' | 'User' | 'Group';
	/** The principal in the az command: its object ID when known now, else the shell variable that reads it. */
	readonly assignee: {readonly objectId: string} | {readonly variable: ShellVariable};
	readonly note?: string;
	readonly timing?: ReplicationTiming;
}

/**
 * Grants a role the way Azure actually behaves: look for the same principal, role and scope first
 * (an assignment inherited from a parent scope counts), name the assignment deterministically,
 * always send principalType, take 409 RoleAssignmentExists as done, and wait out Microsoft Entra ID
 * replication (400 PrincipalNotFound) for a new identity before giving up resumably.
 */
export function roleAssignmentStep(options: RoleAssignmentStepOptions): PlanStep {
	const {gateway, roles, roleName, scope} = options;
	const timing = options.timing ?? defaultReplicationTiming;

	async function existing(principalId: string) {
		const [role, assignments] = await Promise.all([roles.resolve(scope, roleName), gateway.listRoleAssignments(scope, {principalId})]);
		const match = assignments.find(
			(assignment) => assignment.principalId.toLowerCase() === principalId.toLowerCase() && guidOf(assignment.roleDefinitionId) === role.guid.toLowerCase(),
		);
		return {role, match};
	}

	return {
		id: options.id,
		title: `Grant ${roleName} to ${options.principalLabel} on ${options.scopeLabel}`,
		target: {kind: 'Role assignment', name: `${roleName} on ${options.scopeLabel}`, id: scope},
		azCommand: roleAssignmentCommand({assignee: options.assignee, principalType: options.principalType ?? 'ServicePrincipal', roleName, scope}),
		...('variable' in options.assignee ? {shellVariables: [options.assignee.variable]} : {}),
		...(options.note ? {note: options.note} : {}),
		requires: [{scope, action: 'Microsoft.Authorization/roleAssignments/write'}],

		async reversal() {
			const [principalId, role] = await Promise.all([options.principalId(), roles.resolve(scope, roleName)]);
			return {
				kind: 'delete',
				resourceType: 'roleAssignment',
				id: roleAssignmentId(scope, roleAssignmentName(scope, principalId, role.guid)),
				label: `${roleName} for ${options.principalLabel} on ${options.scopeLabel}`,
			};
		},

		async check() {
			const {match} = await existing(await options.principalId());
			if (!match) return {satisfied: false, detail: `${options.principalLabel} does not hold ${roleName} on ${options.scopeLabel}`};
			const inherited = match.scope.toLowerCase() !== scope.toLowerCase();
			return {
				satisfied: true,
				detail: inherited
					? `${options.principalLabel} already holds ${roleName}, inherited from ${match.scope}`
					: `${options.principalLabel} already holds ${roleName} on ${options.scopeLabel}`,
			};
		},

		async apply(report: (report: StepReport) => void) {
			const [principalId, role] = await Promise.all([options.principalId(), roles.resolve(scope, roleName)]);
			const name = roleAssignmentName(scope, principalId, role.guid);
			const deadline = Date.now() + timing.waitMs;
			let retryDelay = timing.firstRetryMs;
			for (let attempt = 1; ; attempt++) {
				try {
					await gateway.createRoleAssignment(scope, name, {roleDefinitionId: role.id, principalId, principalType: options.principalType ?? 'ServicePrincipal'});
					return;
				} catch (error) {
					const failure = toAzureFailure(error);
					if (failure.code === 'RoleAssignmentExists') return;
					if (failure.code !== 'PrincipalNotFound' || Date.now() + retryDelay > deadline) {
						if (failure.code === 'PrincipalNotFound') {
							throw Object.assign(
								new Error(
									`Microsoft Entra ID still does not know ${options.principalLabel} (${principalId}) after ${Math.round(timing.waitMs / 1000)} s. New identities can take several minutes to replicate.`,
								),
								{code: 'PrincipalNotFound'},
							);
						}
						throw error;
					}
					report({message: `waiting for Microsoft Entra ID to replicate the identity · retry ${attempt} in ${Math.round(retryDelay / 1000)} s`});
					await delay(retryDelay);
					retryDelay = Math.min(retryDelay * 2, 30_000);
				}
			}
		},

		async verify() {
			const {match} = await existing(await options.principalId());
			return match
				? {ok: true, detail: `${options.principalLabel} holds ${roleName} on ${options.scopeLabel}`}
				: {ok: false, detail: `no ${roleName} assignment for ${options.principalLabel} on ${options.scopeLabel} yet`};
		},
	};
}
