import type {AzureFailure} from '../src/azure/errors.js';
import type {Plan, StepEvent, StepPhase, StepState} from '../src/plan/plan.js';

export interface StepView {
	readonly id: string;
	readonly title: string;
	readonly state: StepState;
	readonly phase?: StepPhase;
	readonly operationStatus?: string;
	/** What the step is waiting for, in words ("waiting for Microsoft Entra ID to replicate…"). */
	readonly message?: string;
	readonly startedAt?: number;
	readonly elapsedMs?: number;
	readonly detail?: string;
	readonly error?: AzureFailure;
}

/** The Run screen's rows, folded from the runner's events. */
export function initialRunView(plan: Plan): readonly StepView[] {
	return plan.steps.map((step) => ({id: step.id, title: step.title, state: 'pending'}));
}

export function runViewReducer(steps: readonly StepView[], event: StepEvent): readonly StepView[] {
	return steps.map((step) => {
		if (step.id !== event.stepId) return step;
		const {stepId: _stepId, ...fields} = event;
		// A new phase starts with no stale operation status or message.
		const isNewPhase = event.phase !== undefined && event.phase !== step.phase;
		const operationStatus = isNewPhase ? event.operationStatus : (event.operationStatus ?? step.operationStatus);
		const message = isNewPhase ? event.message : (event.message ?? step.message);
		return {...step, ...fields, operationStatus, message};
	});
}

const phaseLabels: Record<StepPhase, string> = {
	check: 'checking what is in place',
	apply: 'applying',
	verify: 'verifying',
};

export function describeProgress(step: StepView): string {
	const phase = step.phase ? phaseLabels[step.phase] : 'starting';
	if (step.message) return `${phase} · ${step.message}`;
	return step.operationStatus ? `${phase} · operation ${step.operationStatus}` : phase;
}

export function formatElapsed(ms: number): string {
	const seconds = ms / 1000;
	return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
}

/** The step the screen is about: the one running, else the last that ran, else the first. */
export function focusedStepIndex(steps: readonly StepView[]): number {
	const running = steps.findIndex((step) => step.state === 'running');
	if (running >= 0) return running;
	const ran = steps.map((step) => step.state !== 'pending').lastIndexOf(true);
	return Math.max(0, ran);
}
