import {AsyncLocalStorage} from 'node:async_hooks';

const runningStep = new AsyncLocalStorage<string>();

/**
 * Runs `work` as the plan step `stepId`: every request made for it, whichever client makes it (and
 * every retry and poll of it), can tell which step it belongs to while several steps run at once.
 */
export function withStep<T>(stepId: string, work: () => Promise<T>): Promise<T> {
	return runningStep.run(stepId, work);
}

/** The plan step the caller works for; none while planning (preflight, the scenarios' reads). */
export function currentStep(): string | undefined {
	return runningStep.getStore();
}
