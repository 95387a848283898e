import {spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {readEmulatorState, SEED} from '../../src/emulator/index.js';
import {SessionStore} from '../../src/session/session-store.js';

const bin = fileURLToPath(new URL('../../dist/bundle/aml-identity.js', import.meta.url));
const acrPullGuid = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

function cli(home: string, ...args: string[]) {
	const result = spawnSync(process.execPath, [bin, ...args], {
		env: {...process.env, AML_IDENTITY_HOME: home, AML_IDENTITY_DEMO_LRO_MS: '50'},
		encoding: 'utf8',
		cwd: home,
	});
	return {code: result.status, out: result.stdout, err: result.stderr};
}

/** gpu-legacy's AcrPull assignments on the workspace registry, in the persisted demo tenant. */
function gpuLegacyAcrPulls(home: string): number {
	const state = readEmulatorState(join(home, 'demo-tenant'));
	return Object.values(state?.roleAssignments ?? {}).filter((assignment) => {
		const properties = assignment['properties'] as {principalId: string; roleDefinitionId: string};
		return properties.principalId === SEED.computes.gpuLegacy.principalId && properties.roleDefinitionId.endsWith(acrPullGuid);
	}).length;
}

describe('aml-identity undo', () => {
	it('shows what a session changed, does nothing without --yes, and reverses it with --yes', {timeout: 60_000}, async () => {
		const home = mkdtempSync(join(tmpdir(), 'aml-identity-undo-'));
		const answers = join(home, 'answers.yaml');
		writeFileSync(answers, 'compute: gpu-legacy\n');
		const place = ['--scenario', 'compute-acr-pull', '--subscription', 'Contoso ML Production', '--workspace', 'mlw-fraud-prod'];
		expect(cli(home, 'run', '--demo', ...place, '--answers', answers, '--yes').code).toBe(0);
		expect(gpuLegacyAcrPulls(home)).toBe(1);
		const [session] = new SessionStore(join(home, 'sessions')).list().sessions;
		expect(session?.status).toBe('completed');

		const preview = cli(home, 'undo', session!.id);
		expect(preview.code).toBe(0);
		expect(preview.out).toContain(`Undo session ${session!.id} (Compute cluster with a managed identity that pulls from the workspace ACR in mlw-fraud-prod)`);
		expect(preview.out).toContain(`1. Delete AcrPull for gpu-legacy's identity on registry ${SEED.registries.fraudProd.name}`);
		expect(preview.out).toMatch(/\$ az role assignment delete --ids \/subscriptions\/.+\/roleAssignments\/[0-9a-f-]{36}/);
		expect(preview.out).toContain('Nothing was changed. Run again with --yes to carry out the undo.');
		expect(gpuLegacyAcrPulls(home)).toBe(1);

		const undone = cli(home, 'undo', session!.id, '--yes');
		expect(undone.code).toBe(0);
		expect(undone.out).toContain(`Session ${session!.id} is undone.`);
		expect(gpuLegacyAcrPulls(home)).toBe(0);
		expect(new SessionStore(join(home, 'sessions')).find(session!.id)?.status).toBe('undone');
	});

	it('names a session that does not exist, and lists recent ones when no ID is given', () => {
		const home = mkdtempSync(join(tmpdir(), 'aml-identity-undo-'));
		const missing = cli(home, 'undo', '20260101-deadbeef');
		expect(missing.code).toBe(2);
		expect(missing.err).toContain('there is no saved session "20260101-deadbeef"');
		const noId = cli(home, 'undo');
		expect(noId.code).toBe(2);
		expect(noId.err).toContain('which session? Give its ID: aml-identity undo <ID>. There are no saved sessions.');
	});
});
