import {aksInferenceScenario} from './aks-inference-acr-pull.js';
import {bringYourOwnAcrScenario} from './bring-your-own-acr.js';
import {computeAcrPullScenario} from './compute-acr-pull.js';
import {disableAcrAdminScenario} from './disable-acr-admin.js';
import {managedEnvironmentScenario} from './managed-environment-private-acr.js';
import {privateAcrImageScenario} from './private-acr-image.js';
import type {Scenario} from './scenario.js';
import {switchComputeIdentityScenario} from './switch-compute-identity.js';
import {workspaceWithUserAssignedIdentityScenario} from './workspace-with-user-assigned-identity.js';
import {addWorkspaceIdentityScenario} from './workspace-add-user-assigned-identity.js';
import {computeDataAccessScenario} from './data-access-compute-identity.js';
import {userDataAccessScenario} from './data-access-user-identity.js';

/** Every scenario the Scenario screen offers, in the order the documents present them. */
export const scenarios: readonly Scenario<any>[] = [
	disableAcrAdminScenario,
	bringYourOwnAcrScenario,
	computeAcrPullScenario,
	aksInferenceScenario,
	privateAcrImageScenario,
	managedEnvironmentScenario,
	switchComputeIdentityScenario,
	workspaceWithUserAssignedIdentityScenario,
	addWorkspaceIdentityScenario,
	computeDataAccessScenario,
	userDataAccessScenario,
];

export function findScenario(id: string): Scenario<any> | undefined {
	return scenarios.find((scenario) => scenario.id === id);
}
