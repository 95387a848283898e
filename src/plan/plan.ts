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

/** A file of the documents' own kind (v2 YAML: workspace, compute, environment, connection, datastore) that a step's `az` command reads. */
export interface StepDocument {
	/** A file name, relative to where the exported script runs, e.g. "connection-acr.yml". */
	readonly fileName: string;
	readonly content: string;
}

/**
 * A value the exported script reads into a shell variable before a step's command, because it is
 * known only once earlier steps ran (a new identity's principal ID): `NAME=$(command)`.
 */
export interface ShellVariable {
	/** e.g. GPU_LEGACY_PRINCIPAL_ID. */
	readonly name: string;
	/** An az query that prints the value alone (`-o tsv`). */
	readonly command: string;
}

/** A file a step writes on this machine (an environment definition, a sample job). */
export interface LocalFile {
	readonly path: string;
	content(): Promise<string>;
}

/**
 * How to take back what a step did, as data: it is saved in the session's journal (before the
 * step writes, so an interrupted step can still be undone) and only for steps whose apply ran, so
 * undo never touches what was in place before the session.
 */
export type Reversal =
	| {
			readonly kind: 'delete';
			readonly resourceType: 'roleAssignment' | 'identity' | 'connection' | 'datastore' | 'registry' | 'compute' | 'workspace';
			readonly id: string;
			/** What it is, for the undo plan: "AcrPull for cpu-cluster on registry crcontoso". */
			readonly label: string;
	  }
	| {readonly kind: 'set-admin-user'; readonly registryId: string; readonly enabled: boolean; readonly label: string}
	| {
			readonly kind: 'set-compute-identity';
			readonly computeId: string;
			/** The identity the compute had before the session changed it. */
			readonly identity: {readonly type: 'None' | 'SystemAssigned'} | {readonly type: 'UserAssigned'; readonly userAssignedIds: readonly string[]};
			readonly label: string;
	  }
	| {readonly kind: 'attach-registry'; readonly workspaceId: string; readonly registryId: string; readonly label: string}
	/** A workspace that already had SystemAssigned,UserAssigned: its list of user-assigned identities can be set back. */
	| {readonly kind: 'set-workspace-user-assigned'; readonly workspaceId: string; readonly userAssignedIds: readonly string[]; readonly label: string}
	| {readonly kind: 'remove-access-policy'; readonly vaultId: string; readonly objectId: string; readonly label: string}
	/** A generated file: deleted when it was new, else given back its earlier content. */
	| {readonly kind: 'restore-file'; readonly path: string; readonly previousContent?: string; readonly label: string}
	/** What Azure does not allow back: listed by undo, never attempted. */
	| {
			readonly kind: 'irreversible';
			readonly label: string;
			readonly reason: string;
			/** Resources the irreversible change still uses: undo keeps them even if the session created them. */
			readonly keeps?: readonly string[];
	  };

/**
 * One idempotent step: check, apply, verify. The data fields describe it for the plan review;
 * the functions close over what they need (gateway, resource IDs).
 */
export interface PlanStep {
	readonly id: string;
	readonly title: string;
	readonly target: StepTarget;
	/**
	 * The equivalent command from the documents, pasteable into bash (lines joined by newlines if
	 * several); empty for local steps. Values known only at run time are `"$NAME"` of shellVariables.
	 */
	readonly azCommand: string;
	/** The shell variables azCommand uses, set before it. */
	readonly shellVariables?: readonly ShellVariable[];
	/** Shown under the step in the plan review: a caveat or why the step is there. */
	readonly note?: string;
	/** What the signed-in principal must be allowed to do; none for local steps. */
	readonly requires?: readonly RequiredPermission[];
	/** The v2 YAML files its azCommand reads (`--file …`), for the exported script. */
	readonly documents?: readonly StepDocument[];
	/** The file a local step writes: an export writes it beside the script. */
	readonly localFile?: LocalFile;
	/**
	 * Ids of the steps that must finish (done or skipped) before this one starts; the runner runs
	 * steps whose dependencies are finished at the same time. Absent: after the previous step of the
	 * plan. `[]`: from the start.
	 */
	readonly after?: readonly string[];
	/** How undo takes the step back; computed just before apply (it may read the state it replaces). None: nothing to undo. */
	reversal?(): Promise<Reversal>;
	check(report: (report: StepReport) => void): Promise<CheckResult>;
	apply(report: (report: StepReport) => void): Promise<void>;
	verify(report: (report: StepReport) => void): Promise<VerifyResult>;
}

/** What a user would type for a step: its variables set, then its command; none for a local step. */
export function commandLines(step: Pick<PlanStep, 'azCommand' | 'shellVariables'>): string[] {
	if (!step.azCommand) return [];
	return [...(step.shellVariables ?? []).map((variable) => `${variable.name}=$(${variable.command})`), ...step.azCommand.split('\n')];
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

/**
 * Each step's dependencies, resolved (an absent `after` is the previous step), by step id in plan
 * order. Unknown ids, a step after itself and cycles are programming errors: it throws.
 */
export function stepDependencies(plan: Pick<Plan, 'steps'>): ReadonlyMap<string, readonly string[]> {
	const ids = new Set<string>();
	for (const step of plan.steps) {
		if (ids.has(step.id)) throw new Error(`Plan has two steps with id "${step.id}".`);
		ids.add(step.id);
	}
	const dependencies = new Map<string, readonly string[]>();
	plan.steps.forEach((step, index) => {
		const after = step.after ?? (index > 0 ? [plan.steps[index - 1]!.id] : []);
		for (const id of after) {
			if (!ids.has(id)) throw new Error(`Step "${step.id}" is after "${id}", which is not a step of the plan.`);
			if (id === step.id) throw new Error(`Step "${step.id}" is after itself.`);
		}
		dependencies.set(step.id, [...new Set(after)]);
	});
	// Depth-first, in plan order: a step met again while still on the path closes a cycle.
	const finished = new Set<string>();
	const path: string[] = [];
	const visit = (id: string) => {
		if (finished.has(id)) return;
		const at = path.indexOf(id);
		if (at >= 0) throw new Error(`Plan steps depend on each other in a cycle: ${[...path.slice(at), id].join(' → ')}.`);
		path.push(id);
		for (const dependency of dependencies.get(id)!) visit(dependency);
		path.pop();
		finished.add(id);
	};
	for (const step of plan.steps) visit(step.id);
	return dependencies;
}

/** "2, 4–7" for plan positions 2, 4, 5, 6, 7 (1-based). */
function positionRanges(positions: readonly number[]): string {
	const sorted = [...new Set(positions)].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; ) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
		parts.push(j === i ? String(sorted[i]) : j === i + 1 ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]}–${sorted[j]}`);
		i = j + 1;
	}
	return parts.join(', ');
}

/**
 * What the plan review says of each step's order, by step id: "after 1 · with 3–7" (the steps it
 * waits for, and those that may run at the same time). Empty for every step of a plan that runs
 * one step after another.
 */
export function describeStepOrder(plan: Pick<Plan, 'steps'>): ReadonlyMap<string, string> {
	const dependencies = stepDependencies(plan);
	const position = new Map(plan.steps.map((step, index) => [step.id, index + 1]));
	const sequential = plan.steps.every((step, index) => {
		const after = dependencies.get(step.id)!;
		return index === 0 ? after.length === 0 : after.length === 1 && after[0] === plan.steps[index - 1]!.id;
	});
	const descriptions = new Map<string, string>();
	if (sequential) {
		for (const step of plan.steps) descriptions.set(step.id, '');
		return descriptions;
	}
	// Every step each one waits for, directly or not.
	const ancestors = new Map<string, Set<string>>();
	const ancestorsOf = (id: string): Set<string> => {
		let known = ancestors.get(id);
		if (!known) {
			known = new Set<string>();
			for (const dependency of dependencies.get(id)!) {
				known.add(dependency);
				for (const further of ancestorsOf(dependency)) known.add(further);
			}
			ancestors.set(id, known);
		}
		return known;
	};
	for (const step of plan.steps) {
		const after = dependencies.get(step.id)!;
		const alongside = plan.steps.filter((other) => other.id !== step.id && !ancestorsOf(step.id).has(other.id) && !ancestorsOf(other.id).has(step.id));
		const parts = [
			after.length > 0 ? `after ${positionRanges(after.map((id) => position.get(id)!))}` : position.get(step.id)! > 1 ? 'from the start' : undefined,
			alongside.length > 0 ? `with ${positionRanges(alongside.map((other) => position.get(other.id)!))}` : undefined,
		].filter((part): part is string => part !== undefined);
		descriptions.set(step.id, parts.join(' · '));
	}
	return descriptions;
}
