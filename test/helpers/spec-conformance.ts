/**
 * Spec conformance for the ARM emulator: capture real request–response pairs over HTTPS and
 * validate them with Microsoft's own validator, oav (`LiveValidator`, the engine behind
 * `oav validate-traffic`), against the official swagger in `../shared/azure-rest-api-specs`.
 *
 * - `captureExchange(emulator, request)` sends one request and returns the pair in oav's shape.
 * - `expectConformsToSpec(pair)` checks that oav matches the request to the expected operation and
 *   that neither the request nor the response has a schema/header/status error; on failure the
 *   message names the operation and lists every error (code, payload path, message, spec location).
 *
 * Everything is offline: oav reads only the local spec files listed in `SPEC_FILES` (no git clone).
 */
import https from 'node:https';
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {LiveValidator, type LiveValidationIssue, type LiveValidationResult} from 'oav';
import type {RunningEmulator} from '../../src/emulator/index.js';

// ---------------------------------------------------------------- spec location

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The spec subset lives beside the repository (CI: a fresh clone with `shared/` next to it).
 * `AZURE_REST_API_SPECS` may point elsewhere (a full azure-rest-api-specs checkout works too).
 */
export const SPECS_ROOT = path.resolve(process.env.AZURE_REST_API_SPECS ?? path.join(REPO_ROOT, '..', 'shared', 'azure-rest-api-specs'));

/** Swagger files (relative to SPECS_ROOT) that define the emulated operations; common-types are followed via $ref. */
export const SPEC_FILES = [
	'specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/subscriptions.json',
	'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/machineLearningServices.json',
	'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/mfe.json',
	'specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/containerregistry.json',
	'specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json',
	'specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json',
	'specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2024-11-30/ManagedIdentity.json',
] as const;

function missingSpecsMessage(missing: string[]): string {
	return [
		`Azure REST API specs not found (needed by the spec-conformance tests).`,
		`Looked in: ${SPECS_ROOT}`,
		`Missing: ${missing.join(', ')}`,
		`Expected the azure-rest-api-specs subset at ../shared/azure-rest-api-specs relative to the repository root`,
		`(${REPO_ROOT}), i.e. a 'shared' directory beside the clone; or set AZURE_REST_API_SPECS to a checkout.`,
	].join('\n');
}

// ---------------------------------------------------------------- validator (one per test worker)

let validatorPromise: Promise<LiveValidator> | undefined;
/** oav log lines at warn/error level (e.g. a spec that failed to load); shown when validation cannot run. */
const oavProblems: string[] = [];

function getValidator(): Promise<LiveValidator> {
	validatorPromise ??= (async () => {
		const missing = SPEC_FILES.filter((file) => !fs.existsSync(path.join(SPECS_ROOT, file)));
		if (missing.length > 0) throw new Error(missingSpecsMessage(missing));
		const validator = new LiveValidator(
			{
				directory: SPECS_ROOT,
				swaggerPaths: SPEC_FILES.map((file) => path.join(SPECS_ROOT, file)),
				git: {shouldClone: false},
				isPathCaseSensitive: false,
				isArmCall: true,
				loadValidatorInBackground: false,
				loadValidatorInInitialize: false,
			},
			(message, level) => {
				if (level === 'error' || level === 'warn') oavProblems.push(`[oav ${level}] ${message.slice(0, 2000)}`);
			},
		);
		await validator.initialize();
		return validator;
	})();
	return validatorPromise;
}

/** Load and index the specs once (call from `beforeAll` so the first test does not pay for it). */
export async function loadSpecValidator(): Promise<void> {
	await getValidator();
}

// ---------------------------------------------------------------- capture

export interface ExchangeRequest {
	method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST' | 'HEAD';
	/** path + query (with api-version), or an absolute URL (e.g. a nextLink) */
	url: string;
	body?: unknown;
	headers?: Record<string, string>;
}

/** A captured request–response pair in the shape oav's `LiveValidator.validateLiveRequestResponse` takes. */
export interface CapturedExchange {
	/** The operationId from the spec that this exchange is meant to exercise. */
	operationId: string;
	liveRequest: {url: string; method: string; headers: Record<string, string>; body?: Record<string, unknown>};
	liveResponse: {statusCode: string; headers: Record<string, string>; body?: Record<string, unknown>};
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

const agents = new WeakMap<object, https.Agent>();
function agentFor(emulator: Pick<RunningEmulator, 'caCertPem'>): https.Agent {
	let agent = agents.get(emulator);
	if (!agent) {
		agent = new https.Agent({ca: emulator.caCertPem, keepAlive: false});
		agents.set(emulator, agent);
	}
	return agent;
}

/**
 * Send one request to the running emulator over HTTPS (trusting only its CA) and record the
 * exchange. The response body is parsed as JSON (it must be JSON when present).
 */
export function captureExchange(
	emulator: Pick<RunningEmulator, 'url' | 'caCertPem'>,
	operationId: string,
	request: ExchangeRequest,
): Promise<CapturedExchange> {
	const url = new URL(request.url, emulator.url);
	const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
	const headers: Record<string, string> = {
		accept: 'application/json',
		authorization: 'Bearer spec-conformance-token',
		'x-ms-client-request-id': randomUUID(),
		...request.headers,
	};
	if (payload !== undefined) {
		headers['content-type'] = 'application/json; charset=utf-8';
		headers['content-length'] = String(Buffer.byteLength(payload));
	}
	return new Promise((resolve, reject) => {
		const req = https.request(url, {method: request.method, headers, agent: agentFor(emulator)}, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: Record<string, unknown> | undefined;
				try {
					body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
				} catch {
					reject(new Error(`${operationId}: ${request.method} ${url.pathname} answered ${res.statusCode} with a non-JSON body: ${text.slice(0, 500)}`));
					return;
				}
				const {authorization: _omit, ...loggedHeaders} = headers;
				resolve({
					operationId,
					liveRequest: {
						url: url.toString(),
						method: request.method,
						headers: flattenHeaders(loggedHeaders),
						...(request.body === undefined ? {} : {body: request.body as Record<string, unknown>}),
					},
					liveResponse: {
						statusCode: String(res.statusCode ?? 0),
						headers: flattenHeaders(res.headers),
						...(body === undefined ? {} : {body}),
					},
				});
			});
		});
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

// ---------------------------------------------------------------- validate

export interface ConformanceReport {
	operationId: string;
	/** operationId oav matched the request to (may differ when the URL does not route to the intended operation) */
	matchedOperationId: string;
	apiVersion: string;
	problems: string[];
}

function describeIssue(where: 'request' | 'response', issue: LiveValidationIssue): string {
	const paths = issue.pathsInPayload?.length ? issue.pathsInPayload.join(', ') : '(root)';
	const source = issue.source ? ` [spec: ${issue.source.url}${issue.source.jsonRef ?? ''}]` : '';
	return `${where} ${issue.code} at ${paths}: ${issue.message}${source}`;
}

// ---------------------------------------------------------------- one oav false positive, filtered

type JsonValue = unknown;
const specCache = new Map<string, {definitions?: Record<string, SwaggerSchema>}>();
interface SwaggerSchema {
	discriminator?: string;
	'x-ms-discriminator-value'?: string;
	allOf?: Array<{$ref?: string}>;
	properties?: Record<string, unknown>;
}

function loadSpec(relativeUrl: string) {
	let spec = specCache.get(relativeUrl);
	if (!spec) {
		spec = JSON.parse(fs.readFileSync(path.join(SPECS_ROOT, relativeUrl), 'utf8')) as {definitions?: Record<string, SwaggerSchema>};
		specCache.set(relativeUrl, spec);
	}
	return spec;
}

function atPointer(root: JsonValue, pointer: string): JsonValue {
	let node = root;
	for (const raw of pointer.split('/').slice(1)) {
		const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
		if (node === null || typeof node !== 'object') return undefined;
		node = (node as Record<string, JsonValue>)[key];
	}
	return node;
}

/** Does `definitions[name]` (or a local allOf ancestor below `base`) declare `property`? Returns false unless it derives from `base`. */
function subtypeDeclares(definitions: Record<string, SwaggerSchema>, name: string, base: string, property: string, seen = new Set<string>()): boolean | undefined {
	if (seen.has(name)) return undefined;
	seen.add(name);
	const schema = definitions[name];
	if (!schema) return undefined;
	if (name === base) return false; // reached the base without finding the property below it
	let derives = false;
	let declaredAbove = false;
	for (const parent of schema.allOf ?? []) {
		const parentName = parent.$ref?.startsWith('#/definitions/') ? parent.$ref.slice('#/definitions/'.length) : undefined;
		if (!parentName) continue;
		const result = subtypeDeclares(definitions, parentName, base, property, seen);
		if (result !== undefined) derives = true;
		if (result === true) declaredAbove = true;
	}
	if (!derives) return undefined;
	return declaredAbove || Object.hasOwn(schema.properties ?? {}, property);
}

/**
 * oav validates a polymorphic payload against the discriminator's subtype AND against the base
 * definition. When the base says `additionalProperties: false` (e.g. MLS 2022-10-01
 * `WorkspaceConnectionPropertiesV2`), every subtype-only property is then reported as
 * OBJECT_ADDITIONAL_PROPERTIES against the base, although the swagger allows it (autorest and the
 * SDKs accept it; the subtype itself is still validated strictly). Drop exactly those issues: the
 * issue's source is a definition with a `discriminator`, and the subtype selected by the payload's
 * discriminator value (x-ms-discriminator-value or definition name, deriving from that base in the
 * same file) declares the property.
 */
function isDiscriminatorBaseFalsePositive(issue: LiveValidationIssue, payload: JsonValue): boolean {
	if (issue.code !== 'OBJECT_ADDITIONAL_PROPERTIES' || !issue.source?.url || !issue.source.jsonRef) return false;
	const match = /^#\/definitions\/([^/]+)$/.exec(issue.source.jsonRef);
	const pointer = issue.pathsInPayload?.[0];
	if (!match || !pointer) return false;
	const base = match[1]!;
	const definitions = loadSpec(issue.source.url).definitions ?? {};
	const discriminator = definitions[base]?.discriminator;
	if (!discriminator) return false;
	const property = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
	const owner = atPointer(payload, pointer.slice(0, pointer.lastIndexOf('/')));
	const value = owner !== null && typeof owner === 'object' ? (owner as Record<string, JsonValue>)[discriminator] : undefined;
	if (typeof value !== 'string') return false;
	return Object.entries(definitions).some(
		([name, schema]) =>
			(schema['x-ms-discriminator-value'] ?? name) === value && name !== base && subtypeDeclares(definitions, name, base, property) === true,
	);
}

function describeResult(where: 'request' | 'response', result: LiveValidationResult, payload: JsonValue): string[] {
	const out = result.errors.filter((issue) => !isDiscriminatorBaseFalsePositive(issue, payload)).map((issue) => describeIssue(where, issue));
	if (result.runtimeException) out.push(`${where} validation could not run: ${result.runtimeException.code}: ${result.runtimeException.message}`);
	return out;
}

interface SpecOperation {
	'x-ms-long-running-operation'?: boolean;
	'x-ms-long-running-operation-options'?: {'final-state-via'?: string};
}

/**
 * oav skips the polling-header check for LRO 201s ("Azure-AsyncOperation is optional with 201 +
 * provisioningState"), but the SDKs need a header to poll when the spec says
 * `final-state-via: azure-async-operation`; check that here from the matched spec operation.
 */
function lroHeaderProblems(validator: LiveValidator, pair: CapturedExchange): string[] {
	const status = pair.liveResponse.statusCode;
	if (status !== '201' && status !== '202') return [];
	const {info} = validator.getOperationInfo({url: pair.liveRequest.url, method: pair.liveRequest.method, headers: pair.liveRequest.headers});
	const operation = (info as {operationMatch?: {operation?: SpecOperation}}).operationMatch?.operation;
	if (!operation?.['x-ms-long-running-operation']) return [];
	const headers = pair.liveResponse.headers;
	const finalStateVia = operation['x-ms-long-running-operation-options']?.['final-state-via'];
	if (finalStateVia === 'azure-async-operation' && !headers['azure-asyncoperation']) {
		return [`response LRO_RESPONSE_HEADER: ${status} of a long-running operation with final-state-via azure-async-operation has no Azure-AsyncOperation header`];
	}
	if (!headers['azure-asyncoperation'] && !headers.location) {
		return [`response LRO_RESPONSE_HEADER: ${status} of a long-running operation has neither Azure-AsyncOperation nor Location header`];
	}
	return [];
}

/** Validate a captured exchange with oav; returns every problem found (empty = conforms). */
export async function checkConformance(pair: CapturedExchange): Promise<ConformanceReport> {
	const validator = await getValidator();
	const problemsBefore = oavProblems.length;
	const result = await validator.validateLiveRequestResponse({liveRequest: pair.liveRequest, liveResponse: pair.liveResponse});
	const matched = result.responseValidationResult.operationInfo.operationId || result.requestValidationResult.operationInfo.operationId;
	const problems: string[] = [];
	problems.push(...lroHeaderProblems(validator, pair));
	if (matched !== pair.operationId) {
		problems.push(`oav matched ${pair.liveRequest.method} ${new URL(pair.liveRequest.url).pathname} to operation '${matched}', expected '${pair.operationId}'`);
	}
	problems.push(
		...describeResult('request', result.requestValidationResult, pair.liveRequest.body),
		...describeResult('response', result.responseValidationResult, pair.liveResponse.body),
	);
	if (result.runtimeException) problems.push(`validation could not run: ${result.runtimeException.code}: ${result.runtimeException.message}`);
	if (problems.length > 0) problems.push(...new Set(oavProblems.slice(problemsBefore)));
	return {operationId: pair.operationId, matchedOperationId: matched, apiVersion: result.responseValidationResult.operationInfo.apiVersion, problems};
}

function truncate(text: string | undefined, max: number): string {
	if (text === undefined) return '(none)';
	return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} chars)`;
}

/**
 * Fail (with the operation name and every schema error) unless the request and the response both
 * conform to the official swagger for `pair.operationId`.
 */
export async function expectConformsToSpec(pair: CapturedExchange): Promise<void> {
	const report = await checkConformance(pair);
	if (report.problems.length === 0) return;
	const {liveRequest: request, liveResponse: response} = pair;
	const message = [
		`${pair.operationId} (api-version ${report.apiVersion}) does not conform to the spec: ${report.problems.length} problem(s)`,
		...report.problems.map((problem) => `  - ${problem}`),
		`exchange: ${request.method} ${request.url} -> ${response.statusCode}`,
		...(request.body === undefined ? [] : [`request body: ${JSON.stringify(request.body)}`]),
		`response headers: ${JSON.stringify(response.headers)}`,
		`response body: ${truncate(JSON.stringify(response.body), 1500)}`,
	].join('\n');
	throw new Error(message);
}
