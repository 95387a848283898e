import type {AzureFailure} from '../azure/errors.js';

/** Step results from a fixed vocabulary, as azd reports them. */
export type StepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type StepPhase = 'check' | 'apply' | 'verify';

/** What a running step tells the runner while it works. */
export interface StepReport {
	readonly phase?: StepPhase;
	/** e.g. the long-running operation's status: "InProgress". */
	readonly operationStatus?: string;
	readonly message?: string;
}

export interface CheckResult {
	/** True when what the step would do is already in place: the runner skips apply. */
	readonly satisfied: boolean;
	readonly detail: string;
}

export interface VerifyResult {
	readonly ok: boolean;
	readonly detail: string;
}

/** The Azure resource a step acts on. */
export interface StepTarget {
	readonly kind: string;
	readonly name: string;
	readonly id?: string;
}

/** An action the signed-in principal needs at a scope for a step to succeed (checked by the preflight). */
export interface RequiredPermission {
	/** A resource group or resource ID (for a resource not created yet, its resource group). */
	readonly scope: string;
	/** e.g. Microsoft.Authorization/roleAssignments/write. */
	readonly action: string;
}

/**
 * One idempotent step: check, apply, verify. The data fields describe it for the plan review;
 * the functions close over what they need (gateway, resource IDs).
 */
export interface PlanStep {
	readonly id: string;
	readonly title: string;
	readonly target: StepTarget;
	/** The equivalent command from the documents, for users who want to see or repeat it; empty for local steps. */
	readonly azCommand: string;
	/** Shown under the step in the plan review: a caveat or why the step is there. */
	readonly note?: string;
	/** What the signed-in principal must be allowed to do; none for local steps. */
	readonly requires?: readonly RequiredPermission[];
	check(report: (report: StepReport) => void): Promise<CheckResult>;
	apply(report: (report: StepReport) => void): Promise<void>;
	verify(report: (report: StepReport) => void): Promise<VerifyResult>;
}

export interface Plan {
	readonly scenarioId: string;
	readonly title: string;
	readonly steps: readonly PlanStep[];
	/** Warnings the user should read before running it (shown on the plan review). */
	readonly caveats?: readonly string[];
}

/** Everything the runner says about a step, in order; one screen shows any run from these. */
export interface StepEvent {
	readonly stepId: string;
	readonly state: StepState;
	readonly phase?: StepPhase;
	readonly operationStatus?: string;
	readonly message?: string;
	/** Epoch ms at which the step started running: the screen derives elapsed time from it. */
	readonly startedAt?: number;
	readonly elapsedMs?: number;
	readonly detail?: string;
	readonly error?: AzureFailure;
}
