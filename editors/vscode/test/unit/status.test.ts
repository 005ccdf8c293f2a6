import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { Status, View } from '../../src/status';

test('progress makes a ready server "checking" until every token ends', () => {
	const seen: View[] = [];
	const s = new Status((v) => seen.push(v));
	assert.equal(s.view().phase, 'starting');
	s.set('ready');
	s.progress('gomodls-1', { kind: 'begin', title: 'gomodls', message: 'Scanning' });
	s.progress(2, { kind: 'begin', title: 'Checking go.mod' });
	assert.equal(s.view().phase, 'checking');
	assert.match(s.view().tooltip, /gomodls: Scanning\nChecking go.mod/);
	s.progress('gomodls-1', { kind: 'report', message: 'half way' });
	assert.match(s.view().tooltip, /gomodls: half way/);
	s.progress('gomodls-1', { kind: 'end' });
	assert.equal(s.view().phase, 'checking');
	s.progress('2', { kind: 'end' });
	assert.equal(s.view().phase, 'ready');
	assert.equal(seen.at(-1)?.text, '$(check) gomodls');
});

test('a stopped server forgets open progress', () => {
	const s = new Status(() => {});
	s.set('ready');
	s.progress('t', { kind: 'begin', title: 'x' });
	s.set('stopped', 'crashed');
	s.set('ready');
	assert.equal(s.view().phase, 'ready');
	s.set('failed', 'could not start /x');
	assert.match(s.view().tooltip, /could not start \/x/);
});
