import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { candidates, expandPath, findServer, LookupInput } from '../../src/lookup';

function input(over: Partial<LookupInput>, executable: string[]): LookupInput {
	return {
		configured: '',
		extensionPath: '/ext',
		platform: 'linux',
		arch: 'x64',
		env: { PATH: '/usr/local/bin:/usr/bin' },
		homedir: '/home/u',
		isExecutable: (p) => executable.includes(p),
		...over,
	};
}

test('order: bundled, PATH, GOBIN, GOPATH/bin', () => {
	const got = candidates(input({ env: { PATH: '/a:/b', GOBIN: '/gobin', GOPATH: '/gp1:/gp2' } }, [])).map((c) => `${c.source} ${c.path}`);
	assert.deepEqual(got, [
		'bundled /ext/bin/linux-x64/gomodls',
		'PATH /a/gomodls',
		'PATH /b/gomodls',
		'GOBIN /gobin/gomodls',
		'GOPATH /gp1/bin/gomodls',
		'GOPATH /gp2/bin/gomodls',
	]);
});

test('bundled binary wins over PATH', () => {
	const r = findServer(input({}, ['/ext/bin/linux-x64/gomodls', '/usr/bin/gomodls']));
	assert.ok(r.ok);
	assert.equal(r.found.source, 'bundled');
});

test('PATH when nothing is bundled for this platform', () => {
	const r = findServer(input({ arch: 'arm64' }, ['/ext/bin/linux-x64/gomodls', '/usr/bin/gomodls']));
	assert.ok(r.ok);
	assert.deepEqual(r.found, { path: '/usr/bin/gomodls', source: 'PATH' });
});

test('go env GOBIN wins over the process environment, default GOPATH is ~/go', () => {
	const r = findServer(input({ env: { PATH: '', GOBIN: '/stale' }, goEnv: { GOBIN: '/fresh', GOPATH: '' } }, ['/home/u/go/bin/gomodls', '/fresh/gomodls']));
	assert.ok(r.ok);
	assert.deepEqual(r.found, { path: '/fresh/gomodls', source: 'GOBIN' });
	const r2 = findServer(input({ env: { PATH: '' } }, ['/home/u/go/bin/gomodls']));
	assert.ok(r2.ok);
	assert.deepEqual(r2.found, { path: '/home/u/go/bin/gomodls', source: 'GOPATH' });
});

test('a configured path is used alone, never silently replaced', () => {
	const ok = findServer(input({ configured: '~/bin/gomodls' }, ['/home/u/bin/gomodls', '/usr/bin/gomodls']));
	assert.ok(ok.ok);
	assert.deepEqual(ok.found, { path: '/home/u/bin/gomodls', source: 'setting' });
	const bad = findServer(input({ configured: '/nope/gomodls' }, ['/usr/bin/gomodls', '/ext/bin/linux-x64/gomodls']));
	assert.equal(bad.ok, false);
	assert.match(!bad.ok ? bad.error : '', /gomodls\.server\.path is set to "\/nope\/gomodls", but \/nope\/gomodls is not an executable file/);
});

test('nothing found names the platform', () => {
	const r = findServer(input({ env: {} }, []));
	assert.equal(r.ok, false);
	assert.match(!r.ok ? r.error : '', /not bundled for linux-x64/);
});

test('windows: .exe, ; separated PATH', () => {
	const got = candidates(input({ platform: 'win32', extensionPath: 'C:\\ext', env: { Path: 'C:\\go\\bin;D:\\tools' }, homedir: 'C:\\Users\\u' }, []));
	assert.deepEqual(got.map((c) => c.path).slice(0, 3), ['C:\\ext\\bin\\win32-x64\\gomodls.exe', 'C:\\go\\bin\\gomodls.exe', 'D:\\tools\\gomodls.exe']);
	assert.equal(got.at(-1)?.path, 'C:\\Users\\u\\go\\bin\\gomodls.exe');
});

test('expandPath', () => {
	const i = { homedir: '/home/u', workspaceFolder: '/ws', env: { X: 'x' } };
	assert.equal(expandPath(' ${workspaceFolder}/bin/gomodls ', i), '/ws/bin/gomodls');
	assert.equal(expandPath('${userHome}/${env:X}/g', i), '/home/u/x/g');
	assert.equal(expandPath('~', i), '/home/u');
	assert.equal(expandPath('a~b', i), 'a~b');
	assert.equal(expandPath('${env:UNSET}/g', i), '/g');
});
