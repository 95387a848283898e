import type {AccessToken, TokenCredential} from '@azure/core-auth';

/**
 * The demo tenant's credential: a fixed bearer token the embedded emulator accepts.
 * It is not a secret, and it never leaves this process.
 */
export class DemoCredential implements TokenCredential {
	async getToken(): Promise<AccessToken> {
		return {token: 'aml-identity-demo-token', expiresOnTimestamp: Date.now() + 60 * 60 * 1000};
	}
}

/** Who is signed in, read from the access token's claims (never stored). */
export interface SignedInUser {
	readonly name: string;
	readonly account?: string;
	readonly tenantId?: string;
	/** The principal's object ID (the token's oid claim). */
	readonly objectId?: string;
}

export function signedInUserFromToken(token: string): SignedInUser | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
		const account = [claims['upn'], claims['preferred_username'], claims['unique_name'], claims['appid']].find(
			(value): value is string => typeof value === 'string',
		);
		const name = typeof claims['name'] === 'string' ? claims['name'] : (account ?? 'unknown principal');
		const tenantId = typeof claims['tid'] === 'string' ? claims['tid'] : undefined;
		const objectId = typeof claims['oid'] === 'string' ? claims['oid'] : undefined;
		return {name, ...(account ? {account} : {}), ...(tenantId ? {tenantId} : {}), ...(objectId ? {objectId} : {})};
	} catch {
		return undefined;
	}
}
