import {AzureAuthorityHosts} from '@azure/identity';

/** The cloud names the Azure CLI uses (`az cloud list`), accepted by --cloud and AZURE_CLOUD. */
export const CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface AzureCloud {
	readonly name: CloudName;
	/** Resource Manager, where every SDK client sends its requests. */
	readonly resourceManagerEndpoint: string;
	/** Microsoft Entra ID's authority host for this cloud. */
	readonly authorityHost: string;
	/** The token scope for Resource Manager (its audience plus `/.default`). */
	readonly scope: string;
	readonly portal: string;
}

export const AZURE_CLOUDS: Readonly<Record<CloudName, AzureCloud>> = {
	AzureCloud: {
		name: 'AzureCloud',
		resourceManagerEndpoint: 'https://management.azure.com',
		authorityHost: AzureAuthorityHosts.AzurePublicCloud,
		scope: 'https://management.azure.com/.default',
		portal: 'https://portal.azure.com',
	},
	AzureUSGovernment: {
		name: 'AzureUSGovernment',
		resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
		authorityHost: AzureAuthorityHosts.AzureGovernment,
		scope: 'https://management.usgovcloudapi.net/.default',
		portal: 'https://portal.azure.us',
	},
	AzureChinaCloud: {
		name: 'AzureChinaCloud',
		resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
		authorityHost: AzureAuthorityHosts.AzureChina,
		scope: 'https://management.chinacloudapi.cn/.default',
		portal: 'https://portal.azure.cn',
	},
};

/** An expected failure with a code the next-steps table knows. */
export class SignInSetupError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = 'SignInSetupError';
	}
}

/** The cloud from --cloud, else AZURE_CLOUD, else the public cloud; names are matched case-insensitively. */
export function resolveCloud(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): AzureCloud {
	const wanted = flag ?? env['AZURE_CLOUD'];
	if (wanted === undefined || wanted.trim() === '') return AZURE_CLOUDS.AzureCloud;
	const name = CLOUD_NAMES.find((candidate) => candidate.toLowerCase() === wanted.trim().toLowerCase());
	if (!name) {
		throw new SignInSetupError('UnknownCloud', `Unknown cloud '${wanted}' (from ${flag === undefined ? 'AZURE_CLOUD' : '--cloud'}): use one of ${CLOUD_NAMES.join(', ')}.`);
	}
	return AZURE_CLOUDS[name];
}
