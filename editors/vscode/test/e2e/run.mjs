// End-to-end test of the gomodls VS Code extension in a real VS Code:
// code-server (VS Code 1.100 server + web workbench) driven by headless
// Chromium through playwright-core.
//
//   node test/e2e/run.mjs --code-server DIR --vsix FILE --probe-vsix FILE \
//     --fixtureproxy BIN --work DIR [--screenshot PNG] [--chromium BIN]
//
// It starts the fixture module proxy (internal/proxytest) and passes its
// environment (GOPROXY, GOSUMDB, a fresh GOPATH, ...) to code-server, so the
// server's network checks never leave the machine; installs the extension
// and the probe extension (probe/) into code-server; opens the fixture
// workspace in Chromium, which starts the extension host; waits for the
// probe's JSON report; checks the rendered page (squiggle, hover, Problems
// panel); takes a screenshot; and asserts on everything. It prints one line
// per check and "N passed, M failed" last.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
	options: {
		'code-server': { type: 'string' },
		vsix: { type: 'string' },
		'probe-vsix': { type: 'string' },
		fixtureproxy: { type: 'string' },
		work: { type: 'string' },
		screenshot: { type: 'string', default: join(here, '..', 'screenshot.png') },
		chromium: { type: 'string', default: '/usr/bin/chromium' },
		timeout: { type: 'string', default: '240' },
	},
});
for (const k of ['code-server', 'vsix', 'probe-vsix', 'fixtureproxy', 'work']) {
	if (!opt[k]) {
		console.error(`run.mjs: --${k} is required`);
		process.exit(2);
	}
}

const t0 = Date.now();
const since = (t) => `${((Date.now() - t) / 1000).toFixed(1)}s`;
const say = (msg) => console.log(`[e2e ${since(t0)}] ${msg}`);

const work = resolve(opt.work);
rmSync(work, { recursive: true, force: true });
// The workspace lives outside the repository (no git repository around it)
// and has a short path, which diagnostics show.
const wsParent = mkdtempSync(join(tmpdir(), 'gomodls-e2e-'));
const dirs = { ws: join(wsParent, 'fixture'), user: join(work, 'user-data'), ext: join(work, 'extensions'), home: join(work, 'home'), logs: join(work, 'logs') };
for (const d of Object.values(dirs)) {
	mkdirSync(d, { recursive: true });
}
const resultFile = join(work, 'result.json');
const entry = join(resolve(opt['code-server']), 'out', 'node', 'entry.js');

const children = [];
function start(cmd, args, options = {}) {
	const p = spawn(cmd, args, { ...options, detached: true });
	children.push(p);
	return p;
}
function cleanup() {
	for (const p of children) {
		if (p.exitCode === null && p.signalCode === null) {
			try {
				process.kill(-p.pid, 'SIGTERM');
			} catch {
				// already gone
			}
		}
	}
}
process.on('exit', cleanup);

function run(cmd, args, options) {
	return new Promise((res, rej) => {
		const p = spawn(cmd, args, options);
		let out = '';
		p.stdout.on('data', (d) => (out += d));
		p.stderr.on('data', (d) => (out += d));
		p.on('error', rej);
		p.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
	});
}

function freePort() {
	return new Promise((res, rej) => {
		const s = createServer();
		s.on('error', rej);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});
}

async function waitFor(what, f, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await f();
		if (v !== undefined) {
			return v;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

// 1. The fixture proxy: its first stdout line is JSON with the env to use.
let phase = Date.now();
const proxy = start(opt.fixtureproxy, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const proxyInfo = await new Promise((res, rej) => {
	let buf = '';
	proxy.on('exit', (code) => rej(new Error(`fixtureproxy exited ${code}`)));
	proxy.stdout.on('data', function onData(d) {
		buf += d;
		const nl = buf.indexOf('\n');
		if (nl >= 0) {
			proxy.stdout.off('data', onData);
			res(JSON.parse(buf.slice(0, nl)));
		}
	});
});
say(`fixture proxy at ${proxyInfo.proxyURL} (${since(phase)})`);

// 2. The workspace, user settings and the environment of code-server.
cpSync(join(here, 'testdata', 'fixture'), dirs.ws, { recursive: true });
const settings = {
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'workbench.enableExperiments': false,
	'telemetry.telemetryLevel': 'off',
	'update.mode': 'none',
	'extensions.autoUpdate': false,
	'extensions.autoCheckUpdates': false,
	'security.workspace.trust.enabled': false,
	'editor.hover.delay': 100,
	'editor.hover.above': false,
	'editor.minimap.enabled': false,
	'window.commandCenter': false,
	'workbench.layoutControl.enabled': false,
	'chat.commandCenter.enabled': false,
	'git.openRepositoryInParentFolders': 'never',
	'gomodls.trace.server': 'messages',
};
mkdirSync(join(dirs.user, 'User'), { recursive: true });
writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
const env = { ...process.env };
for (const k of proxyInfo.unset ?? []) {
	delete env[k];
}
Object.assign(env, proxyInfo.env, {
	HOME: dirs.home,
	XDG_CONFIG_HOME: join(dirs.home, '.config'),
	XDG_CACHE_HOME: join(dirs.home, '.cache'),
	XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
	GOTOOLCHAIN: 'local',
	GOMODLS_E2E_RESULT: resultFile,
});
// VS Code's server takes the environment of a login shell (bash -il) in
// HOME for the extension host; a fresh HOME would lose PATH (and go).
writeFileSync(join(dirs.home, '.profile'), `export PATH=${JSON.stringify(process.env.PATH ?? '')}\n`);
const csCommon = ['--user-data-dir', dirs.user, '--extensions-dir', dirs.ext];

// 3. Install the extension and the probe from their .vsix files.
phase = Date.now();
for (const vsix of [opt.vsix, opt['probe-vsix']]) {
	const out = await run(process.execPath, [entry, ...csCommon, '--install-extension', resolve(vsix)], { env });
	say(out.trim().split('\n').filter((l) => /install/i.test(l)).join(' | '));
}
say(`extensions installed (${since(phase)})`);

// 4. code-server on a free loopback port.
phase = Date.now();
const port = await freePort();
const config = join(work, 'config.yaml');
writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
const csLog = join(dirs.logs, 'code-server.log');
const cs = start(
	process.execPath,
	[entry, '--config', config, ...csCommon, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', dirs.ws],
	{ env, stdio: ['ignore', 'pipe', 'pipe'] },
);
let csOut = '';
cs.stdout.on('data', (d) => (csOut += d));
cs.stderr.on('data', (d) => (csOut += d));
const base = `http://127.0.0.1:${port}`;
await waitFor(
	'code-server to listen',
	async () => {
		if (cs.exitCode !== null) {
			throw new Error(`code-server exited ${cs.exitCode}:\n${csOut}`);
		}
		try {
			const r = await fetch(`${base}/healthz`);
			return r.ok ? true : undefined;
		} catch {
			return undefined;
		}
	},
	30000,
);
say(`code-server ${base} (${since(phase)})`);

// 5. The workbench in headless Chromium; the probe reports when done.
phase = Date.now();
const browser = await chromium.launch({
	executablePath: opt.chromium,
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
await page.goto(`${base}/?folder=${encodeURIComponent(dirs.ws)}`);
say(`workbench loading (${since(phase)})`);
// The probe stops once with both diagnostics on screen for the screenshot
// (OUT.screenshot), then goes on to apply a fix and write its report.
const report = () => (existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined);
const timeoutMs = Number(opt.timeout) * 1000;
async function orDump(what, f, ms) {
	try {
		return await waitFor(what, f, ms);
	} catch (err) {
		await page.screenshot({ path: join(dirs.logs, 'timeout.png') });
		writeFileSync(csLog, csOut);
		console.log(csOut.split('\n').slice(-40).join('\n'));
		throw err;
	}
}
await orDump('the probe to reach the screenshot', () => (existsSync(resultFile + '.screenshot') || existsSync(resultFile) ? true : undefined), timeoutMs);
say(`probe ready for the screenshot (${since(phase)})`);

// 6. What a person sees: the squiggles, the hover, the Problems panel.
phase = Date.now();
const ui = {};
const hover = page.locator('.monaco-hover').filter({ hasText: 'does not exist' }).first();
try {
	await hover.waitFor({ timeout: 15000 });
	ui.hover = (await hover.innerText()).trim();
} catch (err) {
	ui.hoverError = String(err);
}
ui.squiggles = await page.locator('.squiggly-error').count();
ui.problems = await page
	.locator('.markers-panel')
	.first()
	.innerText()
	.catch((e) => 'error: ' + e);
ui.statusBar = await page
	.locator('[id$="gomodls.status"]')
	.first()
	.innerText({ timeout: 5000 })
	.catch((e) => 'error: ' + e);
await page.waitForTimeout(500); // let the hover finish fading in
mkdirSync(dirname(resolve(opt.screenshot)), { recursive: true });
await page.screenshot({ path: resolve(opt.screenshot) });
say(`screenshot ${opt.screenshot} (${since(phase)})`);
writeFileSync(resultFile + '.screenshot-done', 'done');

phase = Date.now();
const result = await orDump('the probe report', report, timeoutMs);
for (const s of result.steps) {
	say('probe: ' + s);
}
say(`probe finished (${since(phase)})`);
await page.screenshot({ path: join(dirs.logs, 'final.png') });
await browser.close();

// 7. Did the server talk to the fixture proxy? (Information: network
// checks are not asserted here.)
proxy.stdin.write('requests\n');
const reqs = await new Promise((res) => {
	let buf = '';
	const timer = setTimeout(() => res(null), 5000);
	proxy.stdout.on('data', (d) => {
		buf += d;
		const nl = buf.indexOf('\n');
		if (nl >= 0) {
			clearTimeout(timer);
			res(JSON.parse(buf.slice(0, nl)));
		}
	});
});
say(`fixture proxy saw ${reqs?.requests?.length ?? 'no'} requests: ${(reqs?.requests ?? []).slice(0, 5).map((r) => `${r.Path} ${r.Status}`).join(' ')}`);
proxy.stdin.end();
writeFileSync(csLog, csOut);

// 8. Assertions.
const checks = [];
function check(name, ok, detail) {
	checks.push({ name, ok: !!ok });
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : '\n     ' + (typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)).replace(/\n/g, '\n     ')}`);
}
const diag = (list, code) => (list ?? []).find((d) => d.code === code);
const eqRange = (r, start, end) => !!r && JSON.stringify(r) === JSON.stringify({ start, end });

check('probe ran without errors', result.errors.length === 0, result.errors.join('\n'));
check('server found bundled in the .vsix (bin/linux-x64/gomodls)', result.server?.source === 'bundled' && result.server.path.endsWith('/bin/linux-x64/gomodls'), result.server);
check('go.mod opens with language id go.mod', result.languageId === 'go.mod', result.languageId);
check('languages go.mod, go.sum, go.work are registered', ['go.mod', 'go.sum', 'go.work'].every((l) => result.languages?.includes(l)), result.languages);
const iv = diag(result.diagnostics, 'invalid-version');
check(
	'invalid-version on "v0.20" (line 7, columns 19-24), error, source gomodls, docs link',
	iv && eqRange(iv.range, [6, 18], [6, 23]) && iv.severity === 'Error' && iv.source === 'gomodls' && /use v0\.20\.0/.test(iv.message) && /diagnostics\.md#invalid-version$/.test(iv.href ?? ''),
	iv ?? result.diagnostics,
);
const rd = diag(result.diagnostics, 'replace-dir-missing');
check('replace-dir-missing on "./missing" (line 10, columns 30-39)', rd && eqRange(rd.range, [9, 29], [9, 38]) && rd.severity === 'Error' && /\.\/missing does not exist/.test(rd.message), rd ?? result.diagnostics);
check('hover on a require line shows **golang.org/x/text v0.20.0**', result.hover?.includes('**golang.org/x/text v0.20.0**'), result.hover);
const ivFix = (result.codeActions?.['invalid-version'] ?? []).find((a) => a.title === 'Change version to v0.20.0');
check(
	'quick fix "Change version to v0.20.0": preferred quickfix replacing the version',
	ivFix && ivFix.kind === 'quickfix' && ivFix.isPreferred && ivFix.edits.length === 1 && ivFix.edits[0].newText === 'v0.20.0' && eqRange(ivFix.edits[0].range, [6, 18], [6, 23]),
	result.codeActions?.['invalid-version'],
);
const rdFix = (result.codeActions?.['replace-dir-missing'] ?? []).find((a) => a.title === 'Remove this replace');
check(
	'quick fix "Remove this replace": deletes line 10',
	rdFix && rdFix.kind === 'quickfix' && rdFix.edits.length === 1 && rdFix.edits[0].newText === '' && eqRange(rdFix.edits[0].range, [9, 0], [10, 0]),
	result.codeActions?.['replace-dir-missing'],
);
const fixed = readFileSync(join(here, 'testdata', 'fixture', 'go.mod'), 'utf8').replace('golang.org/x/mod v0.20\n', 'golang.org/x/mod v0.20.0\n');
check('workspace.applyEdit applied the fix; the saved go.mod has v0.20.0', result.applyEditOk && result.savedAfterFix && result.textAfterFix === fixed && readFileSync(join(dirs.ws, 'go.mod'), 'utf8') === fixed, result.textAfterFix);
check('after the fix: invalid-version gone, replace-dir-missing still there', !diag(result.diagnosticsAfterFix, 'invalid-version') && diag(result.diagnosticsAfterFix, 'replace-dir-missing'), result.diagnosticsAfterFix);
let wsSettings = {};
try {
	wsSettings = JSON.parse(readFileSync(join(dirs.ws, '.vscode', 'settings.json'), 'utf8'));
} catch (err) {
	wsSettings = { error: String(err) };
}
check(
	'gomodls.setEnvSetting wrote gomodls.env.GOPRIVATE to the workspace settings',
	result.setEnvSetting?.target === 'workspace' && result.envSetting?.GOPRIVATE === 'git.corp.example.com' && wsSettings['gomodls.env']?.GOPRIVATE === 'git.corp.example.com',
	{ result: result.setEnvSetting, envSetting: result.envSetting, wsSettings },
);
check('restart: diagnostics come back, status ready', diag(result.diagnosticsAfterRestart, 'replace-dir-missing') && ['ready', 'checking'].includes(result.statusAfterRestart?.phase), { d: result.diagnosticsAfterRestart, s: result.statusAfterRestart });
check('rendered: an error squiggle under each diagnostic', ui.squiggles >= 2, ui);
check('rendered: hover widget shows the replace-dir-missing message', /replacement directory \.\/missing does not exist/.test(ui.hover ?? ''), ui);
check('rendered: Problems panel lists both diagnostics', /replacement directory \.\/missing does not exist/.test(ui.problems ?? '') && /version "v0\.20" of golang\.org\/x\/mod is not canonical/.test(ui.problems ?? ''), ui.problems);
check('rendered: gomodls status bar item', /gomodls/.test(ui.statusBar ?? ''), ui.statusBar);
check('screenshot written', existsSync(resolve(opt.screenshot)) && statSync(resolve(opt.screenshot)).size > 10000, opt.screenshot);

const failed = checks.filter((c) => !c.ok).length;
if (pageErrors.length) {
	say(`page errors (not failures): ${pageErrors.slice(0, 3).join(' | ')}`);
}
say(`code-server log: ${csLog}`);
console.log(`${checks.length - failed} passed, ${failed} failed`);
cleanup();
rmSync(wsParent, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
