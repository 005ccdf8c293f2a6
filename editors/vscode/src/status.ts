// The state shown in the status bar, kept apart from vscode so that the
// transitions can be unit-tested.

export type Phase = 'starting' | 'ready' | 'checking' | 'stopped' | 'notFound' | 'failed';

export interface ProgressValue {
	kind: 'begin' | 'report' | 'end';
	title?: string;
	message?: string;
	percentage?: number;
}

export interface View {
	phase: Phase;
	text: string;
	tooltip: string;
}

/**
 * Status follows the server's lifecycle and its work-done progress
 * ($/progress): while any progress is open the server is "checking".
 */
export class Status {
	private phase: Phase = 'starting';
	private detail = '';
	private readonly active = new Map<string, { title: string; message: string }>();
	private serverPath = '';

	constructor(private readonly onChange: (v: View) => void) {}

	setServer(path: string): void {
		this.serverPath = path;
		this.emit();
	}

	set(phase: Exclude<Phase, 'checking'>, detail = ''): void {
		this.phase = phase;
		this.detail = detail;
		if (phase !== 'ready') {
			this.active.clear();
		}
		this.emit();
	}

	progress(token: string | number, v: ProgressValue): void {
		const key = String(token);
		switch (v.kind) {
			case 'begin':
				this.active.set(key, { title: v.title ?? '', message: v.message ?? '' });
				break;
			case 'report': {
				const cur = this.active.get(key);
				if (cur) {
					cur.message = v.message ?? cur.message;
				}
				break;
			}
			case 'end':
				this.active.delete(key);
				break;
		}
		this.emit();
	}

	view(): View {
		let phase = this.phase;
		if (phase === 'ready' && this.active.size > 0) {
			phase = 'checking';
		}
		const server = this.serverPath ? `\nServer: ${this.serverPath}` : '';
		switch (phase) {
			case 'starting':
				return { phase, text: '$(loading~spin) gomodls', tooltip: 'gomodls: starting' + server };
			case 'ready':
				return { phase, text: '$(check) gomodls', tooltip: 'gomodls: ready' + server };
			case 'checking': {
				const lines = [...this.active.values()].map((p) => [p.title, p.message].filter(Boolean).join(': '));
				return { phase, text: '$(sync~spin) gomodls', tooltip: 'gomodls: checking\n' + lines.join('\n') + server };
			}
			case 'stopped':
				return { phase, text: '$(circle-slash) gomodls', tooltip: 'gomodls: stopped' + (this.detail ? ` (${this.detail})` : '') + server };
			case 'notFound':
				return { phase, text: '$(warning) gomodls', tooltip: 'gomodls: server not found. ' + this.detail };
			case 'failed':
				return { phase, text: '$(error) gomodls', tooltip: 'gomodls: ' + this.detail + server };
		}
	}

	private emit(): void {
		this.onChange(this.view());
	}
}
