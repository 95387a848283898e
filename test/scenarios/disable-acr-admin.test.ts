import {afterEach, describe, expect, it} from 'vitest';
import {SEED} from '../../src/emulator/index.js';
import {runPlan} from '../../src/plan/runner.js';
import {disableAcrAdminScenario as scenario, type DisableAcrAdminFacts} from '../../src/scenarios/disable-acr-admin.js';
import type {Preparation} from '../../src/scenarios/scenario.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

function ready(preparation: Preparation<DisableAcrAdminFacts>) {
	if (preparation.kind !== 'ready') throw new Error(`expected a ready preparation, got: ${preparation.reason}`);
	return preparation;
}

describe('Disable the admin user on the auto-created ACR', () => {
	it('finds the registry, warns about ACI, disables the admin user and verifies it', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.fraudProd.id);
		const preparation = ready(await scenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'}));
		expect(preparation.findings[0]).toContain('admin user enabled');
		expect(preparation.questions({})).toMatchObject([{id: 'noAciDeployments', requiredYes: true}]);
		expect(preparation.questions({})[0]?.warning).toMatch(/Azure Container Instances \(ACI\) needs the ACR admin user/);

		const plan = scenario.buildPlan({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'}, preparation.facts, {noAciDeployments: true});
		expect(plan.steps.map((step) => step.azCommand)).toEqual([
			`az acr update --name ${SEED.registries.fraudProd.name} --resource-group rg-ml-fraud-prod --admin-enabled false`,
		]);

		const result = await runPlan(plan);
		expect(result.outcome).toBe('completed');
		expect(result.steps[0]).toMatchObject({state: 'done'});
		expect(azure.writes()).toEqual([`PATCH ${SEED.registries.fraudProd.id}`]);
		const summary = scenario.summarize(preparation.facts, {}, result);
		expect(summary.changed).toEqual([`Admin user disabled on ${SEED.registries.fraudProd.name}.`]);
	});

	it('run again, reports the step already done and writes nothing to ARM', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.fraudProd.id);
		const first = ready(await scenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'}));
		await runPlan(scenario.buildPlan({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'}, first.facts, {noAciDeployments: true}));
		const writesAfterFirstRun = azure.writes().length;

		const second = ready(await scenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'}));
		expect(second.questions({})).toEqual([]);
		const result = await runPlan(scenario.buildPlan({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'}, second.facts, {}));
		expect(result.steps[0]).toMatchObject({state: 'skipped'});
		expect(azure.writes().length).toBe(writesAfterFirstRun);
		expect(scenario.summarize(second.facts, {}, result).alreadyInPlace[0]).toContain('already disabled');
	});

	it('says so, and points to bring-your-own-ACR, for a workspace with no registry yet', async () => {
		azure = await startEmulatedAzure();
		const workspace = await azure.gateway.getWorkspace(SEED.workspaces.demandForecast.id);
		const preparation = await scenario.prepare({gateway: azure.gateway, workspace, outputDirectory: '/nonexistent'});
		expect(preparation.kind).toBe('blocked');
		if (preparation.kind === 'blocked') {
			expect(preparation.reason).toContain('has no container registry yet');
			expect(preparation.nextSteps.join(' ')).toContain('Bring your own ACR');
		}
	});
});
