import {useEffect, useRef, useState, type ReactElement} from 'react';
import {Box, Text, useInput} from 'ink';
import Spinner from 'ink-spinner';
import {toAzureFailure, type AzureFailure} from '../src/azure/errors.js';
import {nextStepFor} from '../src/azure/next-steps.js';
import type {DeviceCodePrompt} from '../src/azure/sign-in.js';
import type {TenantSummary} from '../src/azure/sdk-gateway.js';
import {Footer} from './components/Footer.js';
import {SelectList} from './components/SelectList.js';
import {isCtrlC, keyHints} from './keys.js';
import type {Connection} from './App.js';

/** What a sign-in attempt is asked to do: the chain (or --auth), a device code, or another tenant. */
export interface SignInRequest {
	readonly deviceCode?: boolean;
	readonly tenantId?: string;
	readonly onDeviceCode: (prompt: DeviceCodePrompt) => void;
	readonly signal: AbortSignal;
}

export interface SignedIn extends Connection {
	/** The tenants the account can reach (to offer a choice when there are several). */
	listTenants?(): Promise<readonly TenantSummary[]>;
}

export interface SignInProps {
	readonly signIn: (request: SignInRequest) => Promise<SignedIn>;
	/** --tenant was given: do not offer the tenant list. */
	readonly tenantChosen?: boolean;
	readonly children: (connection: SignedIn) => ReactElement;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

type Phase =
	| {readonly kind: 'signing-in'; readonly deviceCode: boolean}
	| {readonly kind: 'device-code'; readonly prompt: DeviceCodePrompt}
	| {readonly kind: 'failed'; readonly failure: AzureFailure}
	| {readonly kind: 'choose-tenant'; readonly connection: SignedIn; readonly tenants: readonly TenantSummary[]}
	| {readonly kind: 'signed-in'; readonly connection: SignedIn};

/**
 * Signing in to Azure before the wizard: who is tried, a device code shown on screen when asked
 * for (or when nothing else works), the tenant when the account has several, and every failure
 * with what was tried and how to fix it. Esc cancels a wait; r tries again.
 */
export function SignIn({signIn, tenantChosen = false, children, onQuit}: SignInProps) {
	const [phase, setPhase] = useState<Phase>({kind: 'signing-in', deviceCode: false});
	const [attempt, setAttempt] = useState<{readonly deviceCode: boolean; readonly tenantId?: string; readonly sequence: number}>({deviceCode: false, sequence: 0});
	const abort = useRef<AbortController | undefined>(undefined);

	useEffect(() => {
		const controller = new AbortController();
		abort.current = controller;
		let current = true;
		setPhase({kind: 'signing-in', deviceCode: attempt.deviceCode});
		signIn({
			deviceCode: attempt.deviceCode,
			...(attempt.tenantId ? {tenantId: attempt.tenantId} : {}),
			onDeviceCode: (prompt) => current && setPhase({kind: 'device-code', prompt}),
			signal: controller.signal,
		}).then(
			async (connection) => {
				if (!current) return;
				// Several tenants and none chosen: ask which one (the first sign-in went to the home tenant).
				const tenants = !tenantChosen && !attempt.tenantId && connection.listTenants ? await connection.listTenants().catch(() => []) : [];
				if (!current) return;
				setPhase(tenants.length > 1 ? {kind: 'choose-tenant', connection, tenants} : {kind: 'signed-in', connection});
			},
			(error: unknown) => current && setPhase({kind: 'failed', failure: toAzureFailure(error)}),
		);
		return () => {
			current = false;
			controller.abort();
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [attempt]);

	const waiting = phase.kind === 'signing-in' || phase.kind === 'device-code';
	const canUseDeviceCode = phase.kind === 'failed' && ['CredentialUnavailable', 'AuthenticationRequired', 'SignInCancelled'].includes(phase.failure.code);
	useInput(
		(input, key) => {
			if (isCtrlC(input, key)) return onQuit('interrupt');
			if (waiting && key.escape) {
				abort.current?.abort();
				return;
			}
			if (phase.kind !== 'failed') return;
			if (input === 'q') onQuit('quit');
			else if (input === 'r') setAttempt((previous) => ({...previous, sequence: previous.sequence + 1}));
			else if (input === 'd' && canUseDeviceCode) setAttempt((previous) => ({deviceCode: true, ...(previous.tenantId ? {tenantId: previous.tenantId} : {}), sequence: previous.sequence + 1}));
		},
		{isActive: phase.kind !== 'signed-in' && phase.kind !== 'choose-tenant'},
	);

	switch (phase.kind) {
		case 'signed-in':
			return children(phase.connection);
		case 'signing-in':
			return (
				<Box flexDirection="column">
					<Text>
						<Text color="cyan">
							<Spinner type="dots" />
						</Text>{' '}
						{phase.deviceCode
							? 'Asking Microsoft Entra ID for a device code…'
							: 'Signing in to Azure: environment variables, workload identity, managed identity, Azure CLI, Azure Developer CLI, Azure PowerShell…'}
					</Text>
					<Footer hints={['Esc cancel', 'Ctrl+C quit']} />
				</Box>
			);
		case 'device-code':
			return (
				<Box flexDirection="column">
					<Text bold>Sign in with a device code</Text>
					<Box marginTop={1} flexDirection="column">
						<Text>
							Open <Text color="cyan">{phase.prompt.verificationUri}</Text> in a browser and enter the code
						</Text>
						<Box marginY={1} paddingLeft={2}>
							<Text bold color="yellow">
								{phase.prompt.userCode}
							</Text>
						</Box>
						<Text>
							<Text color="cyan">
								<Spinner type="dots" />
							</Text>{' '}
							Waiting for you to sign in…
						</Text>
					</Box>
					<Footer hints={['Esc cancel', 'Ctrl+C quit']} />
				</Box>
			);
		case 'choose-tenant':
			return (
				<Box flexDirection="column">
					<Text bold>Your account reaches several Microsoft Entra tenants: which one?</Text>
					<Text dimColor>Signed in as {phase.connection.user.account ?? phase.connection.user.name}. Next time, --tenant ID goes straight there.</Text>
					<Box marginTop={1}>
						<SelectList
							items={phase.tenants.map((tenant) => ({
								value: tenant.tenantId,
								label: tenant.name,
								detail: `${tenant.defaultDomain ? `${tenant.defaultDomain} · ` : ''}${tenant.tenantId}${tenant.tenantId === phase.connection.user.tenantId ? ' · signed in here' : ''}`,
							}))}
							initialValue={phase.connection.user.tenantId ?? ''}
							onSelect={(tenantId) => {
								if (tenantId === phase.connection.user.tenantId) setPhase({kind: 'signed-in', connection: phase.connection});
								else setAttempt((previous) => ({deviceCode: previous.deviceCode, tenantId, sequence: previous.sequence + 1}));
							}}
						/>
					</Box>
					<Footer hints={[keyHints.move, keyHints.select, 'Ctrl+C quit']} />
				</Box>
			);
		case 'failed':
			return (
				<Box flexDirection="column">
					<Text color="red" bold>
						✖ Could not sign in to Azure ({phase.failure.code})
					</Text>
					<Text>{phase.failure.message}</Text>
					{phase.failure.attempts?.length ? (
						<Box marginTop={1} flexDirection="column">
							<Text>What was tried:</Text>
							{phase.failure.attempts.map((tried) => (
								<Box key={tried.label} flexDirection="column" paddingLeft={2}>
									<Text>
										• <Text bold>{tried.label}</Text>: {tried.reason}
									</Text>
									<Text dimColor>{`  fix: ${tried.fix}`}</Text>
								</Box>
							))}
						</Box>
					) : null}
					<Box marginTop={1}>
						<Text>→ {nextStepFor(phase.failure)}</Text>
					</Box>
					<Footer hints={[...(canUseDeviceCode ? ['d sign in with a device code'] : []), keyHints.retry, keyHints.quit]} />
				</Box>
			);
	}
}
