// Pure helpers for the gomodls configuration section (no vscode import, so
// that node's test runner can check them).

/**
 * Keys of the "gomodls" section that belong to this extension, not to the
 * server. The server reports unknown keys as problems, so they are removed
 * before the section is sent.
 */
export const clientOnlyKeys = ['server', 'trace'] as const;

/** serverSection returns a copy of the section without client-only keys. */
export function serverSection(section: unknown): Record<string, unknown> | null {
	if (section === null || section === undefined || typeof section !== 'object' || Array.isArray(section)) {
		return null;
	}
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(section as Record<string, unknown>)) {
		if ((clientOnlyKeys as readonly string[]).includes(k)) {
			continue;
		}
		out[k] = v;
	}
	return out;
}

/** The argument of the server command gomodls.setEnvSetting. */
export interface EnvSettingArgs {
	name: string;
	value: string;
	uri?: string;
}

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * parseEnvSettingArgs validates the command's arguments: an object
 * {"name": "GOPRIVATE", "value": "..."} (optionally with "uri", the file
 * the fix came from), first in the argument list.
 */
export function parseEnvSettingArgs(args: unknown[]): EnvSettingArgs {
	const a = args[0];
	if (a === null || typeof a !== 'object') {
		throw new Error('gomodls.setEnvSetting: want an argument {"name": "...", "value": "..."}, got ' + JSON.stringify(a));
	}
	const { name, value, uri } = a as Record<string, unknown>;
	if (typeof name !== 'string' || !envName.test(name)) {
		throw new Error('gomodls.setEnvSetting: "name" must be an environment variable name, got ' + JSON.stringify(name));
	}
	if (typeof value !== 'string') {
		throw new Error(`gomodls.setEnvSetting: "value" of ${name} must be a string, got ` + JSON.stringify(value));
	}
	return { name, value, uri: typeof uri === 'string' ? uri : undefined };
}

/** withEnv returns env (a gomodls.env value, maybe undefined) with name set to value. */
export function withEnv(env: unknown, name: string, value: string): Record<string, string> {
	const out: Record<string, string> = {};
	if (env && typeof env === 'object' && !Array.isArray(env)) {
		for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
			if (typeof v === 'string') {
				out[k] = v;
			}
		}
	}
	out[name] = value;
	return out;
}

/** Settings whose change needs a server restart (read at initialize). */
export const restartKeys = ['gomodls.server.path', 'gomodls.formatting'];
