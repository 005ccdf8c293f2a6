import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { parseEnvSettingArgs, serverSection, withEnv } from '../../src/config';

test('serverSection drops the client-only keys and copies', () => {
	const section = { server: { path: '/x' }, trace: { server: 'verbose' }, network: false, env: { GOPROXY: 'off' } };
	const got = serverSection(section);
	assert.deepEqual(got, { network: false, env: { GOPROXY: 'off' } });
	assert.ok('server' in section, 'the input must not be modified');
	assert.equal(serverSection(null), null);
	assert.equal(serverSection([1]), null);
	assert.equal(serverSection('x'), null);
});

test('parseEnvSettingArgs accepts the server fix argument', () => {
	assert.deepEqual(parseEnvSettingArgs([{ name: 'GOPRIVATE', value: 'git.corp.example.com,*.internal' }]), {
		name: 'GOPRIVATE',
		value: 'git.corp.example.com,*.internal',
		uri: undefined,
	});
	assert.deepEqual(parseEnvSettingArgs([{ name: 'GONOSUMDB', value: '', uri: 'file:///w/go.mod' }]).uri, 'file:///w/go.mod');
});

test('parseEnvSettingArgs rejects malformed arguments with the reason', () => {
	assert.throws(() => parseEnvSettingArgs([]), /want an argument/);
	assert.throws(() => parseEnvSettingArgs(['GOPRIVATE=x']), /want an argument/);
	assert.throws(() => parseEnvSettingArgs([{ name: 'GO PRIVATE', value: 'x' }]), /"name" must be an environment variable name/);
	assert.throws(() => parseEnvSettingArgs([{ name: 'GOPRIVATE', value: 3 }]), /"value" of GOPRIVATE must be a string/);
});

test('withEnv merges into the existing map', () => {
	assert.deepEqual(withEnv(undefined, 'GOPRIVATE', 'a'), { GOPRIVATE: 'a' });
	assert.deepEqual(withEnv({ GOPROXY: 'off', GOPRIVATE: 'old', bad: 1 }, 'GOPRIVATE', 'new'), { GOPROXY: 'off', GOPRIVATE: 'new' });
});
