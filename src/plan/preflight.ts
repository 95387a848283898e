import type {AzureGateway} from '../azure/gateway.js';
import {isActionAllowed, rolesGranting, type PermissionSet} from '../azure/permissions.js';
import type {Plan} from './plan.js';

export interface MissingPermission {
	readonly scope: string;
	readonly action: string;
	/** Built-in roles that would grant it. */
	readonly grantedBy: readonly string[];
}

export type StepPreflight =
	| {readonly status: 'allowed'}
	| {readonly status: 'denied'; readonly missing: readonly MissingPermission[]}
	/** Not allowed, but its check finds the work already done: the run will skip it, and nothing is needed. */
	| {readonly status: 'in-place'; readonly detail: string; readonly missing: readonly MissingPermission[]}
	/** The permissions API could not answer (a subscription scope, or the call failed). */
	| {readonly status: 'unknown'; readonly reason: string};

/**
 * Before the plan is confirmed: asks Azure what the signed-in principal may do at each step's
 * scopes (one call per scope) and says, step by step, whether it will be allowed.
 */
export async function preflight(plan: Plan, gateway: AzureGateway): Promise<Record<string, StepPreflight>> {
	const permissionsByScope = new Map<string, Promise<PermissionSet[] | undefined>>();
	const permissionsAt = (scope: string) => {
		const key = scope.toLowerCase();
		let found = permissionsByScope.get(key);
		if (!found) {
			found = gateway.listPermissions(scope);
			permissionsByScope.set(key, found);
		}
		return found;
	};

	const entries = await Promise.all(
		plan.steps.map(async (step): Promise<[string, StepPreflight]> => {
			const required = step.requires ?? [];
			if (required.length === 0) return [step.id, {status: 'allowed'}];
			try {
				const missing: MissingPermission[] = [];
				for (const {scope, action} of required) {
					const permissions = await permissionsAt(scope);
					if (!permissions) return [step.id, {status: 'unknown', reason: `Azure does not report permissions at ${scope}`}];
					if (!isActionAllowed(permissions, action)) missing.push({scope, action, grantedBy: rolesGranting(action)});
				}
				return [step.id, missing.length === 0 ? {status: 'allowed'} : {status: 'denied', missing}];
			} catch (error) {
				return [step.id, {status: 'unknown', reason: error instanceof Error ? error.message : String(error)}];
			}
		}),
	);
	const results: Record<string, StepPreflight> = Object.fromEntries(entries);

	// A refusal only matters for work still to do. A step's own (read-only) check tells, but only
	// while every step before it is in place too: otherwise the run changes what the check reads.
	const lastDenied = plan.steps.reduce((last, step, index) => (results[step.id]?.status === 'denied' ? index : last), -1);
	for (const step of plan.steps.slice(0, lastDenied + 1)) {
		const check = await step.check(() => {}).catch(() => undefined);
		if (!check?.satisfied) break;
		const result = results[step.id];
		if (result?.status === 'denied') results[step.id] = {status: 'in-place', detail: check.detail, missing: result.missing};
	}
	return results;
}
