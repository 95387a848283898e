import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {SignIn, type SignInRequest} from '../../screens/SignIn.js';
import {connectToAzure} from '../../src/azure/connect.js';
import {startEmulator, SEED, type RunningEmulator} from '../../src/emulator/index.js';
import {keys, settle, waitForFrame} from '../helpers/ink.js';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
	await emulator?.close();
	emulator = undefined;
});

const flat = (frame: string) => frame.replace(/\s+/g, ' ');

/** The real credential classes against the emulator's Microsoft Entra ID: nothing configured, so the chain finds nothing. */
function signInAt(target: RunningEmulator) {
	return (request: SignInRequest) =>
		connectToAzure({
			resourceManagerEndpoint: target.url,
			authorityHost: target.url,
			caCertPem: target.caCertPem,
			env: {},
			auth: request.deviceCode ? 'device-code' : 'env',
			tenantId: request.tenantId ?? SEED.tenantId,
			onDeviceCode: request.onDeviceCode,
			abortSignal: request.signal,
		});
}

describe('signing in to Azure on screen', () => {
	it('lists what was tried when nothing signs in, then d shows a device code, and the user lands in the wizard after approving it', async () => {
		emulator = await startEmulator();
		const target = emulator;
		const {stdin, lastFrame} = render(
			<SignIn signIn={signInAt(target)} tenantChosen onQuit={() => {}}>
				{(connection) => <Text>Signed in as {connection.user.account} via {connection.signedInVia}</Text>}
			</SignIn>,
		);
		let frame = flat(await waitForFrame(lastFrame, 'Could not sign in to Azure (CredentialUnavailable)'));
		expect(frame).toContain('What was tried: • environment variables:');
		expect(frame).toContain('fix:');
		expect(frame).toContain('d sign in with a device code · r retry · q quit');

		await settle();
		stdin.write('d');
		frame = flat(await waitForFrame(lastFrame, 'Waiting for you to sign in'));
		expect(frame).toContain(`Open ${target.url}/devicelogin in a browser and enter the code`);
		const code = /enter the code\s+([A-Z2-9]{9})/.exec(lastFrame() ?? '')?.[1];
		expect(code).toBeDefined();
		target.entra.approveDeviceCode(code!);
		await waitForFrame(lastFrame, 'Signed in as ada@contoso.com via device code sign-in');
	});

	it('asks which tenant when the account reaches several, and signs in again to the one chosen', async () => {
		emulator = await startEmulator();
		const target = emulator;
		const tenantsAsked: (string | undefined)[] = [];
		const signIn = signInAt(target);
		const {stdin, lastFrame} = render(
			<SignIn
				signIn={(request) => {
					tenantsAsked.push(request.tenantId);
					return signIn({...request, deviceCode: true, onDeviceCode: (prompt) => setTimeout(() => target.entra.approveDeviceCode(prompt.userCode), 50)});
				}}
				onQuit={() => {}}
			>
				{(connection) => <Text>In tenant {connection.user.tenantId}</Text>}
			</SignIn>,
		);
		const frame = flat(await waitForFrame(lastFrame, 'Your account reaches several Microsoft Entra tenants'));
		expect(frame).toMatch(/❯ Contoso .* signed in here/);
		expect(frame).toContain('Fabrikam');
		await settle();
		stdin.write(keys.enter);
		await waitForFrame(lastFrame, `In tenant ${SEED.tenantId}`);
		expect(tenantsAsked).toEqual([undefined]);
	});

	it('a wrong client secret gets its own screen: the code, what was tried, and the fix', async () => {
		emulator = await startEmulator();
		const target = emulator;
		const {DEMO_SERVICE_PRINCIPAL} = await import('../../src/emulator/entra-id.js');
		const {lastFrame} = render(
			<SignIn
				signIn={(request) =>
					connectToAzure({
						resourceManagerEndpoint: target.url,
						authorityHost: target.url,
						caCertPem: target.caCertPem,
						auth: 'env',
						env: {AZURE_TENANT_ID: SEED.tenantId, AZURE_CLIENT_ID: DEMO_SERVICE_PRINCIPAL.appId, AZURE_CLIENT_SECRET: 'not-the-secret'},
						onDeviceCode: request.onDeviceCode,
						abortSignal: request.signal,
					})
				}
				tenantChosen
				onQuit={() => {}}
			>
				{() => <Text>never</Text>}
			</SignIn>,
		);
		const frame = flat(await waitForFrame(lastFrame, 'Could not sign in to Azure (InvalidClientCredentials)'));
		expect(frame).toContain('• environment variables:');
		expect(frame).toContain('AZURE_CLIENT_SECRET');
		expect(frame).toContain('r retry · q quit');
		expect(frame).not.toContain('d sign in with a device code'); // the credentials were found, just wrong
	});

	it('Esc cancels a device-code wait, and the screen says so with the next step', async () => {
		emulator = await startEmulator();
		const {stdin, lastFrame} = render(
			<SignIn signIn={(request) => signInAt(emulator!)({...request, deviceCode: true})} tenantChosen onQuit={() => {}}>
				{() => <Text>never</Text>}
			</SignIn>,
		);
		await waitForFrame(lastFrame, 'Waiting for you to sign in');
		await settle();
		stdin.write(keys.escape);
		const frame = await waitForFrame(lastFrame, 'Could not sign in to Azure (SignInCancelled)');
		expect(frame).not.toContain('never');
	});
});
