// The gomodls VS Code extension: finds the gomodls binary, runs it as a
// language server for go.mod, go.sum and go.work, and shows its state.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import * as vscode from 'vscode';
import {
	LanguageClient,
	LanguageClientOptions,
	RevealOutputChannelOn,
	ServerOptions,
	State,
	TransportKind,
} from 'vscode-languageclient/node';

import { parseEnvSettingArgs, restartKeys, serverSection, withEnv } from './config';
import { Candidate, exeName, findServer, goEnv, installPackage, isExecutable, target } from './lookup';
import { Status, View } from './status';

/** Server command that must run in the editor: the server cannot write editor settings. */
const setEnvSettingCommand = 'gomodls.setEnvSetting';

/** What activate returns; the end-to-end test reads it. */
export interface Api {
	status(): View;
	server(): Candidate | undefined;
	/** Resolves when the client is running (or rejects after timeoutMs). */
	whenReady(timeoutMs: number): Promise<void>;
}

class Controller implements vscode.Disposable {
	private client: LanguageClient | undefined;
	private found: Candidate | undefined;
	private localSetEnv: vscode.Disposable | undefined;
	private readonly status: Status;
	private readonly item: vscode.StatusBarItem;
	private readonly disposables: vscode.Disposable[] = [];
	private lifecycle: Promise<void> = Promise.resolve();

	constructor(
		private readonly context: vscode.ExtensionContext,
		private readonly output: vscode.OutputChannel,
	) {
		this.item = vscode.window.createStatusBarItem('gomodls.status', vscode.StatusBarAlignment.Right, 100);
		this.item.name = 'gomodls';
		this.item.command = 'gomodls.showOutput';
		this.status = new Status((v) => {
			this.item.text = v.text;
			this.item.tooltip = v.tooltip;
			this.item.backgroundColor = v.phase === 'failed' || v.phase === 'notFound' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
		});
		this.item.show();
		this.disposables.push(this.item);
	}

	api(): Api {
		return {
			status: () => this.status.view(),
			server: () => this.found,
			whenReady: (timeoutMs) => this.whenReady(timeoutMs),
		};
	}

	private log(msg: string): void {
		this.output.appendLine(`[${new Date().toISOString()}] ${msg}`);
	}

	/** Serialises start, stop and restart so that two restarts never interleave. */
	private queue(op: () => Promise<void>): Promise<void> {
		this.lifecycle = this.lifecycle.then(op, op);
		return this.lifecycle;
	}

	start(): Promise<void> {
		return this.queue(() => this.doStart());
	}

	restart(): Promise<void> {
		return this.queue(async () => {
			await this.doStop();
			await this.doStart();
		});
	}

	private async locate(): Promise<Candidate | undefined> {
		const cfg = vscode.workspace.getConfiguration('gomodls');
		const input = {
			configured: cfg.get<string>('server.path', ''),
			extensionPath: this.context.extensionPath,
			workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
			platform: process.platform,
			arch: process.arch,
			env: process.env,
			homedir: os.homedir(),
			isExecutable,
		};
		ensureExecutable(path.join(this.context.extensionPath, 'bin', target(process.platform, process.arch), exeName(process.platform)));
		let res = findServer(input);
		if (!res.ok && input.configured.trim() === '') {
			// Only now ask go where `go install` puts binaries: it costs a process.
			const ge = await goEnv(process.env);
			if (ge) {
				res = findServer({ ...input, goEnv: ge });
			}
		}
		if (res.ok) {
			this.log(`using ${res.found.path} (${res.found.source})`);
			return res.found;
		}
		this.log(res.error + '; looked at:\n  ' + res.tried.map((c) => `${c.path} (${c.source})`).join('\n  '));
		this.status.set('notFound', res.error);
		const install = 'Install with go install';
		const settings = 'Set gomodls.server.path';
		void vscode.window.showErrorMessage(res.error, install, settings).then((choice) => {
			if (choice === install) {
				void this.install();
			} else if (choice === settings) {
				void vscode.commands.executeCommand('workbench.action.openSettings', 'gomodls.server.path');
			}
		});
		return undefined;
	}

	private async doStart(): Promise<void> {
		this.status.set('starting');
		const found = await this.locate();
		if (!found) {
			return;
		}
		this.found = found;
		this.status.setServer(`${found.path} (${found.source})`);
		const serverOptions: ServerOptions = {
			command: found.path,
			args: ['serve'],
			transport: TransportKind.stdio,
			options: { env: process.env },
		};
		const clientOptions: LanguageClientOptions = {
			documentSelector: [
				{ scheme: 'file', language: 'go.mod' },
				{ scheme: 'file', language: 'go.sum' },
				{ scheme: 'file', language: 'go.work' },
			],
			outputChannel: this.output,
			revealOutputChannelOn: RevealOutputChannelOn.Never,
			// The server pulls the "gomodls" section with workspace/configuration
			// and is told to pull again on every change of it.
			synchronize: { configurationSection: 'gomodls' },
			// Read at initialize (e.g. whether to offer formatting).
			initializationOptions: () => serverSection(vscode.workspace.getConfiguration().get('gomodls')) ?? {},
			middleware: {
				executeCommand: (command, args, next) => {
					if (command === setEnvSettingCommand) {
						return this.setEnvSetting(args);
					}
					return next(command, args);
				},
				handleWorkDoneProgress: (token, params, next) => {
					this.status.progress(token, params);
					next(token, params);
				},
				workspace: {
					configuration: async (params, token, next) => {
						const res = await next(params, token);
						if (!Array.isArray(res)) {
							return res;
						}
						return res.map((r, i) => (params.items[i]?.section === 'gomodls' ? serverSection(r) ?? r : r));
					},
				},
			},
		};
		const client = new LanguageClient('gomodls', 'gomodls', serverOptions, clientOptions);
		this.client = client;
		client.onDidChangeState((e) => {
			if (this.client !== client) {
				return;
			}
			switch (e.newState) {
				case State.Running:
					this.status.set('ready');
					void vscode.commands.executeCommand('setContext', 'gomodls.running', true);
					break;
				case State.Starting:
					this.status.set('starting');
					break;
				case State.Stopped:
					this.status.set('stopped');
					void vscode.commands.executeCommand('setContext', 'gomodls.running', false);
					break;
			}
		});
		try {
			await client.start();
		} catch (err) {
			const msg = `could not start ${found.path}: ${errorText(err)}`;
			this.log(msg);
			this.status.set('failed', msg);
			void vscode.window.showErrorMessage('gomodls: ' + msg);
			return;
		}
		const serverCommands = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
		// A server that lists the command gets it through the middleware
		// above; otherwise code actions carrying it need a local command.
		if (!serverCommands.includes(setEnvSettingCommand) && !this.localSetEnv) {
			this.localSetEnv = vscode.commands.registerCommand(setEnvSettingCommand, (...args: unknown[]) => this.setEnvSetting(args));
		}
		const info = client.initializeResult?.serverInfo;
		this.log(`started ${info?.name ?? 'gomodls'} ${info?.version ?? ''}`.trim());
	}

	private async doStop(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		this.localSetEnv?.dispose();
		this.localSetEnv = undefined;
		if (!client) {
			return;
		}
		try {
			if (client.isRunning()) {
				await client.stop(5000);
			}
		} catch (err) {
			this.log('stopping the server: ' + errorText(err));
		}
		try {
			await client.dispose(2000);
		} catch {
			// already stopped
		}
		this.status.set('stopped');
	}

	stop(): Promise<void> {
		return this.queue(() => this.doStop());
	}

	async whenReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await this.lifecycle;
			if (this.client?.isRunning()) {
				return;
			}
			if (Date.now() > deadline) {
				throw new Error('gomodls did not start: ' + this.status.view().tooltip);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	/**
	 * setEnvSetting handles the server command gomodls.setEnvSetting
	 * {"name", "value"[, "uri"]}: it sets gomodls.env[name] in the
	 * workspace settings (the folder's in a multi-root workspace), which
	 * makes the server re-read its configuration.
	 */
	async setEnvSetting(args: unknown[]): Promise<{ name: string; value: string; target: string }> {
		const a = parseEnvSettingArgs(args);
		let folder: vscode.WorkspaceFolder | undefined;
		if (a.uri) {
			folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(a.uri));
		}
		let target = vscode.ConfigurationTarget.Workspace;
		let where = 'workspace';
		if (!vscode.workspace.workspaceFolders?.length) {
			target = vscode.ConfigurationTarget.Global;
			where = 'user';
		} else if (folder && vscode.workspace.workspaceFile) {
			target = vscode.ConfigurationTarget.WorkspaceFolder;
			where = `folder ${folder.name}`;
		}
		const cfg = vscode.workspace.getConfiguration('gomodls', folder?.uri);
		const inspected = cfg.inspect<Record<string, string>>('env');
		const current =
			target === vscode.ConfigurationTarget.WorkspaceFolder
				? inspected?.workspaceFolderValue
				: target === vscode.ConfigurationTarget.Workspace
					? inspected?.workspaceValue
					: inspected?.globalValue;
		await cfg.update('env', withEnv(current, a.name, a.value), target);
		this.log(`set gomodls.env.${a.name}=${a.value} in ${where} settings`);
		void vscode.window.showInformationMessage(`gomodls: set ${a.name}=${a.value} in ${where} settings (gomodls.env).`);
		return { name: a.name, value: a.value, target: where };
	}

	/** install runs `go install` for the server and restarts. */
	async install(): Promise<void> {
		this.output.show(true);
		this.log(`go install ${installPackage}`);
		const ok = await vscode.window.withProgress(
			{ location: vscode.ProgressLocation.Notification, title: `gomodls: go install ${installPackage}` },
			() =>
				new Promise<boolean>((resolve) => {
					const p = spawn('go', ['install', installPackage], { env: process.env, cwd: os.homedir() });
					p.stdout.on('data', (d: Buffer) => this.output.append(d.toString()));
					p.stderr.on('data', (d: Buffer) => this.output.append(d.toString()));
					p.on('error', (err) => {
						this.log(`could not run go: ${err.message} (is Go installed and in PATH?)`);
						resolve(false);
					});
					p.on('close', (code) => {
						this.log(`go install exited with ${code}`);
						resolve(code === 0);
					});
				}),
		);
		if (!ok) {
			void vscode.window.showErrorMessage('gomodls: go install failed; see the gomodls output.');
			return;
		}
		await this.restart();
	}

	dispose(): void {
		for (const d of this.disposables) {
			d.dispose();
		}
	}
}

/**
 * ensureExecutable restores the execute bit of the bundled binary, which
 * some unzip paths (copying an extension folder by hand) drop.
 */
function ensureExecutable(p: string): void {
	if (process.platform === 'win32' || !fs.existsSync(p) || isExecutable(p)) {
		return;
	}
	try {
		fs.chmodSync(p, 0o755);
	} catch {
		// read-only install: the lookup moves on to PATH
	}
}

function errorText(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
	const output = vscode.window.createOutputChannel('gomodls');
	const c = new Controller(context, output);
	controller = c;
	context.subscriptions.push(
		output,
		c,
		vscode.commands.registerCommand('gomodls.restartServer', () => c.restart()),
		vscode.commands.registerCommand('gomodls.showOutput', () => output.show(true)),
		vscode.commands.registerCommand('gomodls.installServer', () => c.install()),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (restartKeys.some((k) => e.affectsConfiguration(k))) {
				output.appendLine('settings that are read at start changed: restarting the server');
				void c.restart();
			}
		}),
	);
	void c.start();
	return c.api();
}

export async function deactivate(): Promise<void> {
	await controller?.stop();
	controller = undefined;
}
