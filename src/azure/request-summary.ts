import {BUILT_IN_ROLES} from '../emulator/role-grants.js';
import type {LoggedRequest} from './request-log.js';

/** One request as the "behind the step" panel shows it. */
export interface RequestSummary {
	/** How many requests in a row this line stands for (an operation polled until done). */
	readonly count: number;
	readonly method: string;
	readonly path: string;
	/** The HTTP status, or "error" when no response came. */
	readonly status: string;
	readonly duration: string;
	/** The part of the body that says what the request did; empty when nothing stands out. */
	readonly detail: string;
}

const guid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const roleNames: ReadonlyMap<string, string> = new Map(Object.entries(BUILT_IN_ROLES).map(([name, id]): [string, string] => [id, name]));

const embeddedGuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function shortId(value: string): string {
	if (guid.test(value)) return `${value.slice(0, 8)}…`;
	return value.replace(embeddedGuid, (found) => `${found.slice(0, 8)}…`);
}

function lastSegment(id: unknown): string {
	return typeof id === 'string' ? shortId(id.split('/').pop() ?? id) : '';
}

/**
 * A resource path without what every request shares (subscription, resource group, provider
 * namespaces), GUIDs cut to 8 characters: "…/registries/crcontosobase/…/roleAssignments/3b7a9c1d…".
 */
export function shortenPath(url: string, maxLength = 72): string {
	const parsed = new URL(url, 'https://management.azure.com');
	const segments = parsed.pathname.split('/').filter(Boolean);
	const kept: string[] = [];
	let dropped = false;
	for (let index = 0; index < segments.length; index++) {
		const segment = segments[index]!;
		const lower = segment.toLowerCase();
		if ((lower === 'subscriptions' || lower === 'resourcegroups') && index + 1 < segments.length) {
			index++;
			dropped = true;
		} else if (lower === 'providers' && segments[index + 1]?.includes('.')) {
			index++;
			dropped = true;
		} else {
			kept.push(shortId(segment));
		}
	}
	const filter = parsed.searchParams.get('$filter');
	let path = `${dropped ? '…/' : '/'}${kept.join('/')}${filter ? `?$filter=${filter}` : ''}`;
	if (path.length > maxLength) path = `…${path.slice(path.length - maxLength + 1)}`;
	return path;
}

function record(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function identityText(identity: unknown): string | undefined {
	const body = record(identity);
	if (!body || typeof body['type'] !== 'string') return undefined;
	const assigned = Object.keys(record(body['userAssignedIdentities']) ?? {}).map(lastSegment);
	return `identity ${body['type']}${assigned.length ? ` (${assigned.join(', ')})` : ''}`;
}

/** What a resource body says that matters for identities and access, by the resource type in the path. */
function interestingPart(path: string, body: unknown): string {
	const resource = record(body);
	if (!resource) return '';
	const properties = record(resource['properties']) ?? {};
	const type = path.toLowerCase();
	const parts: (string | undefined)[] = [];
	if (/roleassignments\/[^/]+$/.test(type)) {
		const roleId = lastSegment(properties['roleDefinitionId']);
		const fullRoleId = typeof properties['roleDefinitionId'] === 'string' ? (properties['roleDefinitionId'].split('/').pop() ?? '') : '';
		parts.push(`${roleNames.get(fullRoleId.toLowerCase()) ?? roleId} for ${properties['principalType'] ?? 'principal'} ${lastSegment(properties['principalId'])}`);
	} else if (/\/computes\/[^/]+$/.test(type)) {
		parts.push(identityText(resource['identity']) ?? 'no identity');
	} else if (/\/registries\/[^/]+$/.test(type)) {
		if ('adminUserEnabled' in properties) parts.push(`adminUserEnabled: ${String(properties['adminUserEnabled'])}`);
	} else if (/\/workspaces\/[^/]+$/.test(type)) {
		parts.push(identityText(resource['identity']));
		if (properties['containerRegistry']) parts.push(`containerRegistry ${lastSegment(properties['containerRegistry'])}`);
		if (properties['primaryUserAssignedIdentity']) parts.push(`primary ${lastSegment(properties['primaryUserAssignedIdentity'])}`);
	} else if (/\/connections\/[^/]+$/.test(type)) {
		parts.push([properties['category'], properties['authType'], properties['target']].filter(Boolean).join(' · '));
	} else if (/\/datastores\/[^/]+$/.test(type)) {
		const credentials = record(properties['credentials']);
		parts.push(
			[properties['datastoreType'], [properties['accountName'], properties['containerName'] ?? properties['filesystem']].filter(Boolean).join('/')].filter(Boolean).join(' '),
			credentials?.['credentialsType'] ? `credentials ${String(credentials['credentialsType'])}` : undefined,
		);
	} else if (/userassignedidentities\/[^/]+$/.test(type)) {
		parts.push(typeof properties['principalId'] === 'string' ? `principal ${lastSegment(properties['principalId'])}` : typeof resource['location'] === 'string' ? `in ${resource['location']}` : undefined);
	} else if (/accesspolicies\/[^/]+$/.test(type)) {
		const policies = Array.isArray(properties['accessPolicies']) ? properties['accessPolicies'] : [];
		parts.push(...policies.map((policy) => `access policy for ${lastSegment(record(policy)?.['objectId'])}`));
	}
	return parts.filter(Boolean).join(' · ');
}

/** What a request did, in one line's worth of fields: for a write its request body, for a read its answer. */
export function summarizeRequest(request: LoggedRequest): RequestSummary {
	const path = new URL(request.url, 'https://management.azure.com').pathname;
	const status = request.status === undefined ? 'error' : String(request.status);
	const response = record(request.responseBody);
	const error = record(response?.['error']);
	let detail: string;
	if (request.error) detail = request.error;
	else if (error) detail = `${String(error['code'] ?? 'error')}`;
	else if (request.method === 'PUT' || request.method === 'PATCH') detail = interestingPart(path, request.requestBody);
	else if (typeof response?.['status'] === 'string' && /operation|status/i.test(path)) detail = `operation ${response['status']}`;
	else if (Array.isArray(response?.['value'])) detail = `${response['value'].length} item${response['value'].length === 1 ? '' : 's'}${response['nextLink'] ? ' (more pages)' : ''}`;
	else if (request.method === 'GET') detail = interestingPart(path, response);
	else detail = '';
	return {
		count: 1,
		method: request.method,
		path: shortenPath(request.url),
		status,
		duration: `${Math.round(request.durationMs)}ms`,
		detail,
	};
}

/**
 * The requests as lines, a run of the same request (an operation polled until it finished) folded
 * into one: "GET …/operationStatuses/… ×6  operation InProgress → Succeeded".
 */
export function summarizeRequests(requests: readonly LoggedRequest[]): RequestSummary[] {
	const lines: RequestSummary[] = [];
	for (const summary of requests.map(summarizeRequest)) {
		const last = lines.at(-1);
		if (last && last.method === summary.method && last.path === summary.path && last.status === summary.status && summary.method === 'GET') {
			const first = last.detail.split(' → ')[0] ?? '';
			lines[lines.length - 1] = {...summary, count: last.count + 1, detail: first === summary.detail ? summary.detail : `${first} → ${summary.detail}`};
		} else {
			lines.push(summary);
		}
	}
	return lines;
}
