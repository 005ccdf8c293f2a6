// The end-to-end probe runs inside VS Code's extension host next to the
// gomodls extension. It uses only the public VS Code API, as a user's
// editor would: it opens the fixture go.mod, waits for gomodls'
// diagnostics, asks for a hover and code actions, applies a quick fix,
// runs the client-side command gomodls.setEnvSetting, restarts the server
// and leaves a diagnostic and its hover on screen for the screenshot. What
// it saw goes to $GOMODLS_E2E_RESULT as JSON; ../run.mjs asserts on it.
'use strict';

const fs = require('fs');
const vscode = require('vscode');

const t0 = Date.now();

exports.activate = function () {
	const out = process.env.GOMODLS_E2E_RESULT;
	if (!out) {
		return;
	}
	const result = { steps: [], errors: [] };
	const log = (msg) => result.steps.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${msg}`);
	run(result, log, out)
		.catch((err) => result.errors.push(String((err && err.stack) || err)))
		.finally(() => {
			log('done');
			fs.writeFileSync(out + '.tmp', JSON.stringify(result, null, 2));
			fs.renameSync(out + '.tmp', out);
		});
};

exports.deactivate = function () {};

/** waitFor polls f until it returns a value other than undefined. */
async function waitFor(what, f, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await f();
		if (v !== undefined) {
			return v;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
}

function codeOf(d) {
	return d.code !== null && typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function range(r) {
	return { start: [r.start.line, r.start.character], end: [r.end.line, r.end.character] };
}

function diagnostics(uri) {
	return vscode.languages.getDiagnostics(uri).map((d) => ({
		code: codeOf(d),
		source: d.source,
		message: d.message,
		severity: vscode.DiagnosticSeverity[d.severity],
		range: range(d.range),
		href: d.code && typeof d.code === 'object' ? String(d.code.target) : undefined,
	}));
}

function withCodes(uri, want, unwanted = []) {
	const ds = diagnostics(uri);
	const codes = new Set(ds.map((d) => d.code));
	if (want.every((c) => codes.has(c)) && !unwanted.some((c) => codes.has(c))) {
		return ds;
	}
	return undefined;
}

function hoverText(hovers) {
	const parts = [];
	for (const h of hovers || []) {
		for (const c of h.contents) {
			parts.push(typeof c === 'string' ? c : c.value);
		}
	}
	return parts.join('\n---\n');
}

function describeAction(a) {
	const edits = [];
	if (a.edit) {
		for (const [uri, list] of a.edit.entries()) {
			for (const e of list) {
				edits.push({ file: uri.path.split('/').pop(), range: range(e.range), newText: e.newText });
			}
		}
	}
	return {
		title: a.title,
		kind: a.kind ? a.kind.value : undefined,
		isPreferred: !!a.isPreferred,
		diagnostics: (a.diagnostics || []).map(codeOf),
		command: a.command ? (typeof a.command === 'string' ? a.command : a.command.command) : undefined,
		edits,
	};
}

async function run(result, log, out) {
	const ext = vscode.extensions.getExtension('gomodls.gomodls');
	if (!ext) {
		throw new Error('extension gomodls.gomodls is not installed');
	}
	const api = await ext.activate();
	await api.whenReady(60000);
	result.server = api.server();
	log(`server running: ${JSON.stringify(result.server)}`);

	const folder = vscode.workspace.workspaceFolders[0];
	const uri = vscode.Uri.joinPath(folder.uri, 'go.mod');
	const doc = await vscode.workspace.openTextDocument(uri);
	await vscode.window.showTextDocument(doc);
	result.languageId = doc.languageId;
	result.languages = (await vscode.languages.getLanguages()).filter((l) => l.startsWith('go.'));

	result.diagnostics = await waitFor('diagnostics invalid-version and replace-dir-missing', () => withCodes(uri, ['invalid-version', 'replace-dir-missing']), 60000);
	log(`diagnostics: ${result.diagnostics.map((d) => d.code).join(', ')}`);

	// Hover on the module path of a require line.
	const lines = doc.getText().split('\n');
	const reqLine = lines.findIndex((l) => l.includes('golang.org/x/text v0.20.0'));
	const reqPos = new vscode.Position(reqLine, lines[reqLine].indexOf('golang.org') + 3);
	result.hover = hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, reqPos));
	log('hover: ' + JSON.stringify(result.hover.slice(0, 80)));

	// Quick fixes of each diagnostic, as the light bulb would ask.
	result.codeActions = {};
	let versionFix;
	for (const d of vscode.languages.getDiagnostics(uri)) {
		const code = codeOf(d);
		const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, d.range)) || [];
		result.codeActions[code] = actions.map(describeAction);
		if (code === 'invalid-version') {
			versionFix = actions.find((a) => a.edit && a.kind && a.kind.value === 'quickfix' && a.title.includes('v0.20.0'));
		}
	}
	log('code actions: ' + JSON.stringify(Object.fromEntries(Object.entries(result.codeActions).map(([k, v]) => [k, v.map((a) => a.title)]))));

	await screenshot(doc, out, log);

	// Apply the version fix as the editor does: its edit, then its command.
	if (!versionFix) {
		throw new Error('no quick fix with an edit for invalid-version');
	}
	result.appliedFix = versionFix.title;
	result.applyEditOk = await vscode.workspace.applyEdit(versionFix.edit);
	if (versionFix.command) {
		await vscode.commands.executeCommand(versionFix.command.command, ...(versionFix.command.arguments || []));
	}
	result.textAfterFix = doc.getText();
	result.savedAfterFix = await doc.save();
	result.diagnosticsAfterFix = await waitFor('invalid-version to go after the fix', () => withCodes(uri, ['replace-dir-missing'], ['invalid-version']), 30000);
	log('after fix: ' + result.diagnosticsAfterFix.map((d) => d.code).join(', '));

	// The server cannot write editor settings: the extension does it.
	result.setEnvSetting = await vscode.commands.executeCommand('gomodls.setEnvSetting', { name: 'GOPRIVATE', value: 'git.corp.example.com' });
	result.envSetting = vscode.workspace.getConfiguration('gomodls').get('env');
	log('gomodls.env: ' + JSON.stringify(result.envSetting));

	// Restart: the diagnostics must come back from a new server process.
	await vscode.commands.executeCommand('gomodls.restartServer');
	await api.whenReady(60000);
	result.diagnosticsAfterRestart = await waitFor('diagnostics after restart', () => withCodes(uri, ['replace-dir-missing']), 60000);
	result.statusAfterRestart = api.status();
	log('after restart: ' + result.diagnosticsAfterRestart.map((d) => d.code).join(', ') + ' status ' + result.statusAfterRestart.phase);

}

/**
 * screenshot puts both diagnostics on screen (the Problems panel, and the
 * hover of the replace line with its diagnostic), tells run.mjs with the
 * file OUT.screenshot and waits for OUT.screenshot-done.
 */
async function screenshot(doc, out, log) {
	await vscode.commands.executeCommand('workbench.actions.view.problems');
	const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
	const text = doc.getText().split('\n');
	const line = text.findIndex((l) => l.startsWith('replace '));
	const col = text[line].indexOf('./missing') + 3;
	editor.selection = new vscode.Selection(line, col, line, col);
	await new Promise((r) => setTimeout(r, 300));
	await vscode.commands.executeCommand('editor.action.showHover');
	fs.writeFileSync(out + '.screenshot', 'ready');
	log('waiting for the screenshot');
	await waitFor('run.mjs to take the screenshot', () => (fs.existsSync(out + '.screenshot-done') ? true : undefined), 60000);
	await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => {});
}
