/**
 * Who the demo tenant is and who is signed in to it: known without starting the emulator, so the
 * first screen can say so while the tenant starts behind it.
 */
export const DEMO_TENANT = {
	tenantId: '5c7e1b9a-2f4d-4a8e-b3c6-9d0f1e2a4b68',
	domain: 'contoso.com',
	user: {name: 'Ada Lovelace', upn: 'ada@contoso.com', objectId: 'a1d4c3e2-7b6f-4e8a-9c1d-2b3e4f5a6c7d'},
} as const;

export const DEMO_LABEL = 'demo tenant (built-in Azure emulator, no Azure account needed)';
