import type {AzureFailure} from './errors.js';

/** The next step to suggest for an expected Azure failure, matched on its code. */
/**
 * The same advice for a command without a screen: there is no r key there, the command is run again
 * (a run with --resume ID carries on its session).
 */
export function nextStepForCommand(failure: AzureFailure): string {
	return nextStepFor(failure)
		.replace(/^Press r to retry\./, 'Run it again.')
		.replace(/press r to retry in a few minutes/gi, 'run it again in a few minutes')
		.replace(/press r to retry/gi, 'run it again')
		.replace(/press r to get a new code/gi, 'run it again for a new code')
		.replace(/press r to sign in again, or q to quit/gi, 'run it again to sign in');
}

export function nextStepFor(failure: AzureFailure): string {
	switch (failure.code) {
		case 'AuthorizationFailed':
		case 'LinkedAuthorizationFailed':
			return 'Your account lacks a role this needs: ask an Owner of the resource (or User Access Administrator) to grant it, then press r to retry.';
		case 'CredentialUnavailable':
			return 'Nothing signed in. Either sign in with a code in your browser now (aml-identity --auth device-code), or sign in one of the ways listed (az login is the usual one) and restart aml-identity. To try the wizard without Azure: aml-identity demo.';
		case 'AuthenticationRequired':
		case 'AuthenticationFailed':
			return 'Sign in again (az login, or aml-identity --auth device-code), then restart aml-identity. To try the wizard without Azure: aml-identity demo.';
		case 'ExpiredAuthenticationToken':
			return 'Your sign-in has expired and could not be renewed: sign in again (az login, or --auth device-code) and resume the session (--resume). If this repeats, check that this computer\'s clock is right.';
		case 'InvalidAuthenticationToken':
			return 'Resource Manager rejected the token (revoked, or issued for another tenant): sign in again (az login, or --auth device-code), then resume the session (--resume).';
		case 'InvalidAuthenticationTokenAudience':
			return 'The token was issued for another service: check --cloud (or AZURE_CLOUD) matches the cloud you signed in to (az cloud show).';
		case 'InvalidClientCredentials':
			return 'Entra ID refused the service principal\'s secret or certificate: check AZURE_CLIENT_SECRET (the secret\'s value, not its ID) or create a new one (az ad app credential reset).';
		case 'ApplicationNotFound':
			return 'No application with that client ID in this tenant: check AZURE_CLIENT_ID and AZURE_TENANT_ID (or --tenant).';
		case 'DeviceCodeExpired':
			return 'The code expired before sign-in finished: press r to get a new code.';
		case 'SignInCancelled':
			return 'Sign-in was cancelled: press r to sign in again, or q to quit.';
		case 'UnknownCloud':
			return 'Use --cloud AzureCloud, AzureUSGovernment or AzureChinaCloud (or set AZURE_CLOUD to one of them).';
		case 'UnknownAuthMethod':
			return 'Use --auth device-code, cli, env or managed-identity, or leave it out to try each way of signing in.';
		case 'NoSubscriptions':
			return 'This account sees no subscriptions in this tenant: pick another tenant (--tenant), or ask an administrator for a role (Reader at least) on a subscription.';
		case 'SubscriptionDisabled':
		case 'ReadOnlyDisabledSubscription':
			return 'The subscription is disabled (read only): choose another, or ask its account administrator to re-enable it in the Azure portal.';
		case 'ResourceNotFound':
		case 'ResourceGroupNotFound':
		case 'SubscriptionNotFound':
			return 'The resource is gone or out of reach: go back (Esc) and choose again.';
		case 'Conflict':
		case 'AnotherOperationInProgress':
		case 'OperationNotAllowed':
			return 'Another operation is still running on this resource (the wizard waited and looked again). Your session is saved: wait a few minutes, then press r to retry or resume it (--resume).';
		case 'VerificationFailed':
			return 'Azure accepted the change but its reads do not show it yet (it can take minutes to propagate). Your session is saved: press r to retry or resume later (--resume); the step checks before it writes again.';
		case 'OperationStillRunning':
			return 'Azure is still working on it and carries on without the wizard. Your session is saved: resume it later (--resume); the step checks what Azure finished before it writes again.';
		case 'SubscriptionRequestsThrottled':
		case 'TooManyRequests':
			return 'Azure is throttling this subscription\'s requests (too many in a short time, perhaps from other tools). Your session is saved: wait a few minutes, then press r to retry or resume it (--resume).';
		case 'InternalServerError':
		case 'ServiceUnavailable':
		case 'GatewayTimeout':
		case 'BadGateway':
			return 'Azure had a problem on its side and still had it after the wizard retried. Your session is saved: press r to retry in a few minutes, or resume later (--resume). If it persists, check https://status.azure.com.';
		case 'REQUEST_SEND_ERROR':
		case 'ECONNREFUSED':
		case 'ECONNRESET':
		case 'ENOTFOUND':
		case 'ETIMEDOUT':
			return 'Resource Manager could not be reached: check your network. Behind a proxy, set HTTPS_PROXY (the Azure SDK honours it, and NO_PROXY), then press r to retry.';
		case 'PrincipalNotFound':
			return 'A new identity can take several minutes to reach Microsoft Entra ID. Your session is saved: resume it in a few minutes (--resume); finished steps are not repeated.';
		case 'RoleDefinitionDoesNotExist':
			return 'The role is not defined in this subscription: check the role name, or ask an administrator which custom role to use.';
		case 'ComputeHasNoIdentity':
			return 'Give the compute a managed identity first (the compute identity scenarios do it), then press r to retry.';
		case 'DemoTenantUnreadable':
			return 'Restore the demo tenant with: aml-identity demo --reset (your saved sessions are kept).';
		case 'BadFaultSpec':
			return 'Fix AML_IDENTITY_DEMO_FAULTS (rules separated by ";", each a fault and ":key=value" parameters, e.g. "429:times=2:retryAfter=8;500:p=0.2"), or unset it.';
		case 'EADDRINUSE':
			return 'That port is taken: choose another with --port, or leave it out to use any free port.';
		default:
			return 'Press r to retry. If it fails again, run with --trace FILE and share the file with support (it never contains tokens).';
	}
}
