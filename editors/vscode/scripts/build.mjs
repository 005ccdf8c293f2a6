// Bundles the extension (dist/extension.js) and the unit tests
// (out/test/*.test.js) with esbuild. `vscode` is provided by the editor.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', sourcemap: false, logLevel: 'warning', absWorkingDir: root };

await esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: true });

const tests = readdirSync(join(root, 'test/unit')).filter((f) => f.endsWith('.test.ts'));
await esbuild.build({ ...common, entryPoints: tests.map((f) => join('test/unit', f)), outdir: 'out/test', external: ['vscode', 'vscode-textmate', 'vscode-oniguruma'] });
