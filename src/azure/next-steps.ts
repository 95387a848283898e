import type {AzureFailure} from './errors.js';

/** The next step to suggest for an expected Azure failure, matched on its code. */
export function nextStepFor(failure: AzureFailure): string {
	switch (failure.code) {
		case 'AuthorizationFailed':
		case 'LinkedAuthorizationFailed':
			return 'Your account lacks a role this needs: ask an Owner of the resource (or User Access Administrator) to grant it, then press r to retry.';
		case 'AuthenticationFailed':
		case 'InvalidAuthenticationToken':
		case 'ExpiredAuthenticationToken':
		case 'CredentialUnavailable':
			return 'Sign in again (az login), then restart aml-identity. To try the wizard without Azure: aml-identity demo.';
		case 'ResourceNotFound':
		case 'ResourceGroupNotFound':
		case 'SubscriptionNotFound':
			return 'The resource is gone or out of reach: go back (Esc) and choose again.';
		case 'Conflict':
		case 'AnotherOperationInProgress':
			return 'Another operation is running on this resource: wait a minute, then press r to retry.';
		case 'VerificationFailed':
			return 'Azure accepted the change but does not show it yet: press r to retry; the step checks before it writes again.';
		case 'REQUEST_SEND_ERROR':
		case 'ECONNREFUSED':
		case 'ENOTFOUND':
		case 'ETIMEDOUT':
			return 'Resource Manager could not be reached: check your network (or HTTPS_PROXY), then press r to retry.';
		case 'PrincipalNotFound':
			return 'A new identity can take several minutes to reach Microsoft Entra ID. Your session is saved: resume it in a few minutes (--resume); finished steps are not repeated.';
		case 'RoleDefinitionDoesNotExist':
			return 'The role is not defined in this subscription: check the role name, or ask an administrator which custom role to use.';
		case 'ComputeHasNoIdentity':
			return 'Give the compute a managed identity first (the compute identity scenarios do it), then press r to retry.';
		case 'DemoTenantUnreadable':
			return 'Restore the demo tenant with: aml-identity demo --reset (your saved sessions are kept).';
		case 'EADDRINUSE':
			return 'That port is taken: choose another with --port, or leave it out to use any free port.';
		default:
			return 'Press r to retry. If it fails again, run with --trace FILE and share the file with support (it never contains tokens).';
	}
}
