/** The parts of an Azure Resource Manager resource ID that the wizard needs. */
export interface ResourceIdParts {
	readonly subscriptionId: string;
	readonly resourceGroup: string;
	readonly provider: string;
	readonly type: string;
	readonly name: string;
}

const resourceIdPattern =
	/^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i;

export class InvalidResourceIdError extends Error {
	readonly code = 'InvalidResourceId';
	constructor(readonly value: string) {
		super(
			`"${value}" is not an Azure resource ID. Expected /subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>.`,
		);
	}
}

export function parseResourceId(id: string): ResourceIdParts {
	const match = resourceIdPattern.exec(id.trim());
	if (!match) throw new InvalidResourceIdError(id);
	const [, subscriptionId, resourceGroup, provider, type, name] = match as unknown as [
		string,
		string,
		string,
		string,
		string,
		string,
	];
	return {subscriptionId, resourceGroup, provider, type, name};
}

/** ARM treats IDs case-insensitively; so do we when comparing them. */
export function sameResourceId(a: string | undefined, b: string | undefined): boolean {
	return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
