// Checks package.json against itself and the files it names.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('languages are the ids vscode-go uses, with their file names', () => {
	const langs: Record<string, string[]> = Object.fromEntries(pkg.contributes.languages.map((l: { id: string; filenames: string[] }) => [l.id, l.filenames]));
	assert.deepEqual({ ...langs }, { 'go.mod': ['go.mod'], 'go.sum': ['go.sum', 'go.work.sum'], 'go.work': ['go.work'] });
	for (const g of pkg.contributes.grammars) {
		const file = JSON.parse(readFileSync(join(root, g.path), 'utf8'));
		assert.equal(file.scopeName, g.scopeName, g.path);
		assert.ok(langs[g.language], g.language);
	}
	for (const l of pkg.contributes.languages) {
		if (l.configuration) {
			assert.ok(existsSync(join(root, l.configuration)), l.configuration);
		}
	}
});

test('activation on the three languages and on workspaces with a go.mod', () => {
	for (const e of ['onLanguage:go.mod', 'onLanguage:go.sum', 'onLanguage:go.work', 'workspaceContains:**/go.mod']) {
		assert.ok(pkg.activationEvents.includes(e), e);
	}
});

test('every menu command is contributed, every contributed command has a category', () => {
	const cmds = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
	for (const m of pkg.contributes.menus.commandPalette) {
		assert.ok(cmds.has(m.command), m.command);
	}
	for (const c of pkg.contributes.commands) {
		assert.equal(c.category, 'gomodls', c.command);
	}
	for (const c of ['gomodls.restartServer', 'gomodls.showOutput', 'gomodls.installServer', 'gomodls.setEnvSetting']) {
		assert.ok(cmds.has(c), c);
	}
});

test('client settings exist next to the generated server settings', () => {
	const props = pkg.contributes.configuration.properties;
	assert.equal(props['gomodls.server.path'].type, 'string');
	assert.deepEqual(props['gomodls.trace.server'].enum, ['off', 'messages', 'verbose']);
	for (const k of ['gomodls.env', 'gomodls.network', 'gomodls.requestTimeout', 'gomodls.disable']) {
		assert.ok(props[k], k);
	}
});

test('the .vsix holds only the bundle and its assets', () => {
	const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
	assert.match(ignore, /^\*\*$/m);
	assert.match(ignore, /^!dist\/extension\.js$/m);
	assert.equal(pkg.main, './dist/extension.js');
});
