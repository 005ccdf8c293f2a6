package lsp

import (
	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/settings"
)

func ptr[T any](v T) *T { return &v }

// capabilities returns what the server offers, given the client's
// capabilities and the initial settings.
func (s *server) capabilities(caps clientCaps, init *settings.Settings) protocol.ServerCapabilities {
	sc := protocol.ServerCapabilities{
		PositionEncoding: protocol.PositionEncodingKindUTF16,
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: ptr(true),
			Change:    ptr(protocol.TextDocumentSyncKindIncremental),
			Save:      &protocol.SaveOptions{IncludeText: ptr(false)},
		},
		HoverProvider:          protocol.Boolean(true),
		CompletionProvider:     &protocol.CompletionOptions{TriggerCharacters: []string{" ", "/", "."}},
		DocumentSymbolProvider: protocol.Boolean(true),
		FoldingRangeProvider:   protocol.Boolean(true),
		DefinitionProvider:     protocol.Boolean(true),
		InlayHintProvider:      protocol.Boolean(true),
		CodeLensProvider:       &protocol.CodeLensOptions{},
		DocumentLinkProvider:   &protocol.DocumentLinkOptions{},
		CodeActionProvider: &protocol.CodeActionOptions{
			ResolveProvider: ptr(caps.codeActionResolve),
			CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, protocol.CodeActionKindSource, protocol.CodeActionKindSourceFixAll, protocol.CodeActionKindSourceOrganizeImports},
		},
		ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: s.commandNames()},
		Workspace: &protocol.WorkspaceOptions{
			WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
				Supported:           ptr(true),
				ChangeNotifications: protocol.Boolean(true),
			},
		},
	}
	if init.Formatting {
		sc.DocumentFormattingProvider = protocol.Boolean(true)
	}
	if caps.pullDiagnostics {
		sc.DiagnosticProvider = &protocol.DiagnosticOptions{
			Identifier:            ptr("gomodls"),
			InterFileDependencies: true,
		}
	}
	return sc
}
