// Tokenizes go.mod, go.work and go.sum lines with the grammars, using the
// same TextMate engine and Oniguruma build as VS Code.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as oniguruma from 'vscode-oniguruma';
import * as tm from 'vscode-textmate';

const root = join(__dirname, '..', '..');

const files: Record<string, string> = {
	'source.gomodls.mod': 'syntaxes/go.mod.tmLanguage.json',
	'source.gomodls.work': 'syntaxes/go.work.tmLanguage.json',
	'source.gomodls.sum': 'syntaxes/go.sum.tmLanguage.json',
};

let registry: tm.Registry | undefined;

async function grammar(scope: string): Promise<tm.IGrammar> {
	if (!registry) {
		const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
		await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
		registry = new tm.Registry({
			onigLib: Promise.resolve({
				createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
				createOnigString: (s: string) => new oniguruma.OnigString(s),
			}),
			loadGrammar: async (name) => {
				const f = files[name];
				return f ? tm.parseRawGrammar(readFileSync(join(root, f), 'utf8'), join(root, f)) : null;
			},
		});
	}
	const g = await registry.loadGrammar(scope);
	assert.ok(g, scope);
	return g;
}

/** tokens returns "text=last scope" for each non-blank token of each line. */
async function tokens(scope: string, text: string): Promise<string[]> {
	const g = await grammar(scope);
	let state = tm.INITIAL;
	const out: string[] = [];
	for (const line of text.split('\n')) {
		const r = g.tokenizeLine(line, state);
		for (const t of r.tokens) {
			const s = line.slice(t.startIndex, t.endIndex);
			if (s.trim() !== '') {
				out.push(`${s.trim()}=${t.scopes.at(-1)}`);
			}
		}
		state = r.ruleStack;
	}
	return out;
}

test('go.mod', async () => {
	const got = await tokens(
		'source.gomodls.mod',
		[
			'module example.com/fixture // Deprecated: use v2',
			'go 1.22',
			'require (',
			'\tgolang.org/x/text v0.20.0 // indirect',
			'\tgolang.org/x/mod v0.20',
			')',
			'replace golang.org/x/text => ./missing',
			'retract [v1.0.0, v1.1.0]',
		].join('\n'),
	);
	for (const want of [
		'module=keyword.other.directive',
		'example.com/fixture=entity.name.type.module',
		'Deprecated:=keyword.other.deprecated',
		'go=keyword.other.directive',
		'1.22=constant.numeric.version',
		'require=keyword.other.directive',
		'golang.org/x/text=entity.name.type.module',
		'v0.20.0=constant.numeric.version',
		'indirect=keyword.other.indirect',
		'v0.20=constant.numeric.version',
		'replace=keyword.other.directive',
		'=>=keyword.operator.arrow',
		'./missing=entity.name.type.module',
		'v1.0.0=constant.numeric.version',
		'v1.1.0=constant.numeric.version',
	]) {
		assert.ok(got.includes(want), `missing ${want} in\n${got.join('\n')}`);
	}
});

test('go.work', async () => {
	const got = await tokens('source.gomodls.work', 'go 1.23\nuse (\n\t./a\n)\nreplace x.org/y v1.0.0 => ../y');
	for (const want of ['use=keyword.other.directive', './a=entity.name.type.module', 'v1.0.0=constant.numeric.version', '../y=entity.name.type.module']) {
		assert.ok(got.includes(want), `missing ${want} in\n${got.join('\n')}`);
	}
});

test('go.sum', async () => {
	const got = await tokens(
		'source.gomodls.sum',
		'golang.org/x/text v0.20.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\ngolang.org/x/text v0.20.0/go.mod h1:D4IsuqiFMhST5bX19pQ9ikHC2GsaKyk/oF+pn3ducp4=\nnot a go.sum line',
	);
	assert.deepEqual(got, [
		'golang.org/x/text=entity.name.type.module',
		'v0.20.0=constant.numeric.version',
		'h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug==string.unquoted.hash',
		'golang.org/x/text=entity.name.type.module',
		'v0.20.0=constant.numeric.version',
		'/go.mod=keyword.other.gomod',
		'h1:D4IsuqiFMhST5bX19pQ9ikHC2GsaKyk/oF+pn3ducp4==string.unquoted.hash',
		'not a go.sum line=invalid.illegal.line',
	]);
});
