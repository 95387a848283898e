import {join} from 'node:path';
import envPaths from 'env-paths';

/**
 * Where aml-identity keeps its files: saved sessions and the demo tenant's state.
 * AML_IDENTITY_HOME moves all of it (tests point it at a temporary directory).
 */
export function homeDirectory(env: NodeJS.ProcessEnv = process.env): string {
	return env['AML_IDENTITY_HOME'] || envPaths('aml-identity', {suffix: ''}).config;
}

export function sessionsDirectory(home: string): string {
	return join(home, 'sessions');
}

export function emulatorDirectory(home: string): string {
	return join(home, 'demo-tenant');
}
