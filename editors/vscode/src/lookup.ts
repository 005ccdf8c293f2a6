// Finding the gomodls binary. This module does not import vscode so that
// it can be unit-tested with node's test runner.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';

/** Where a server binary was found, in the order they are tried. */
export type Source = 'setting' | 'bundled' | 'PATH' | 'GOBIN' | 'GOPATH';

export interface Candidate {
	path: string;
	source: Source;
}

export interface LookupInput {
	/** The gomodls.server.path setting ("" when unset). */
	configured: string;
	/** The extension's install directory (holds bin/<platform>-<arch>/). */
	extensionPath: string;
	/** The first workspace folder, for ${workspaceFolder} in the setting. */
	workspaceFolder?: string;
	platform: NodeJS.Platform;
	arch: string;
	env: NodeJS.ProcessEnv;
	homedir: string;
	/** GOBIN and GOPATH as `go env` reports them, when go could be run. */
	goEnv?: { GOBIN?: string; GOPATH?: string };
	isExecutable: (p: string) => boolean;
}

export type LookupResult =
	| { ok: true; found: Candidate; tried: Candidate[] }
	| { ok: false; error: string; tried: Candidate[] };

/** The target name used for bundled binaries: VS Code's platform names. */
export function target(platform: NodeJS.Platform, arch: string): string {
	return `${platform}-${arch}`;
}

export function exeName(platform: NodeJS.Platform): string {
	return platform === 'win32' ? 'gomodls.exe' : 'gomodls';
}

/** Expands ~ and ${workspaceFolder}, ${userHome} and ${env:NAME} in a configured path. */
export function expandPath(p: string, input: Pick<LookupInput, 'homedir' | 'workspaceFolder' | 'env'>): string {
	let s = p.trim();
	if (s === '~' || s.startsWith('~/') || s.startsWith('~\\')) {
		s = input.homedir + s.slice(1);
	}
	s = s.replace(/\$\{userHome\}/g, input.homedir);
	if (input.workspaceFolder !== undefined) {
		s = s.replace(/\$\{workspaceFolder\}/g, input.workspaceFolder);
	}
	s = s.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => input.env[name] ?? '');
	return s;
}

/**
 * candidates lists the places to look, in order: the setting, the binary
 * bundled in the .vsix, PATH, then GOBIN and GOPATH/bin as the go command
 * would install it.
 */
export function candidates(input: LookupInput): Candidate[] {
	const exe = exeName(input.platform);
	const pathMod = input.platform === 'win32' ? path.win32 : path.posix;
	const list: Candidate[] = [];
	if (input.configured.trim() !== '') {
		list.push({ path: expandPath(input.configured, input), source: 'setting' });
		return list; // an explicit setting is never silently replaced
	}
	list.push({ path: pathMod.join(input.extensionPath, 'bin', target(input.platform, input.arch), exe), source: 'bundled' });
	const delim = input.platform === 'win32' ? ';' : ':';
	const pathVar = input.env.PATH ?? input.env.Path ?? '';
	for (const dir of pathVar.split(delim)) {
		if (dir !== '') {
			list.push({ path: pathMod.join(dir, exe), source: 'PATH' });
		}
	}
	// `go install` puts binaries in GOBIN, else in the first GOPATH
	// entry's bin, else in ~/go/bin.
	const gobin = input.goEnv?.GOBIN || input.env.GOBIN;
	if (gobin) {
		list.push({ path: pathMod.join(gobin, exe), source: 'GOBIN' });
	}
	const gopath = input.goEnv?.GOPATH || input.env.GOPATH || pathMod.join(input.homedir, 'go');
	for (const dir of gopath.split(delim)) {
		if (dir !== '') {
			list.push({ path: pathMod.join(dir, 'bin', exe), source: 'GOPATH' });
		}
	}
	return dedupe(list);
}

function dedupe(list: Candidate[]): Candidate[] {
	const seen = new Set<string>();
	return list.filter((c) => {
		if (seen.has(c.path)) {
			return false;
		}
		seen.add(c.path);
		return true;
	});
}

/** findServer returns the first executable candidate. */
export function findServer(input: LookupInput): LookupResult {
	const tried = candidates(input);
	for (const c of tried) {
		if (input.isExecutable(c.path)) {
			return { ok: true, found: c, tried };
		}
	}
	if (tried.length === 1 && tried[0].source === 'setting') {
		return { ok: false, tried, error: `gomodls.server.path is set to "${input.configured}", but ${tried[0].path} is not an executable file` };
	}
	return { ok: false, tried, error: 'gomodls was not found: not bundled for ' + target(input.platform, input.arch) + ', not in PATH, GOBIN or GOPATH/bin' };
}

export function isExecutable(p: string): boolean {
	try {
		const st = fs.statSync(p);
		if (!st.isFile()) {
			return false;
		}
		if (process.platform === 'win32') {
			return true;
		}
		fs.accessSync(p, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/**
 * goEnv asks the go command for GOBIN and GOPATH. It runs in the home
 * directory with GOTOOLCHAIN=local so that no go.mod can make it download
 * a toolchain. It resolves to undefined when go is missing or slow.
 */
export function goEnv(env: NodeJS.ProcessEnv): Promise<{ GOBIN?: string; GOPATH?: string } | undefined> {
	return new Promise((resolve) => {
		execFile('go', ['env', '-json', 'GOBIN', 'GOPATH'], { cwd: os.homedir(), env: { ...env, GOTOOLCHAIN: 'local' }, timeout: 5000 }, (err, stdout) => {
			if (err) {
				resolve(undefined);
				return;
			}
			try {
				const v = JSON.parse(stdout) as { GOBIN?: string; GOPATH?: string };
				resolve(v);
			} catch {
				resolve(undefined);
			}
		});
	});
}

/** The package users install the server from. */
export const installPackage = 'github.com/gomodls/gomodls/cmd/gomodls@latest';
