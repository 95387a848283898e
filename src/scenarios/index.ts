import {disableAcrAdminScenario} from './disable-acr-admin.js';
import type {Scenario} from './scenario.js';

/** Every scenario the Scenario screen offers, in the order the documents present them. */
export const scenarios: readonly Scenario<any>[] = [disableAcrAdminScenario];

export function findScenario(id: string): Scenario<any> | undefined {
	return scenarios.find((scenario) => scenario.id === id);
}
