package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

func invalidParams(format string, args ...any) error {
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf(format, args...))
}

// CodeAction returns the quick fixes of the diagnostics under the range,
// and source actions for the whole file.
func (s *server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	path, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	v := s.eng.View(filepath.Dir(path))
	_, versions := v.Current(ctx)
	diags := v.Diagnostics(kind)
	m := snap.Mapper(kind)
	rng := fromRange(m, params.Range)
	want := func(k protocol.CodeActionKind) bool {
		if len(params.Context.Only) == 0 {
			return true
		}
		for _, o := range params.Context.Only {
			if o == k || (len(k) > len(o) && k[:len(o)] == o && k[len(o)] == '.') {
				return true
			}
		}
		return false
	}
	actions := []protocol.CommandOrCodeAction{}
	// A command that fixes several diagnostics (go mod vendor for each
	// reason of an inconsistent vendor directory) is offered once.
	commands := map[string]*protocol.CodeAction{}
	for _, d := range diags {
		if len(d.Fixes) == 0 {
			continue
		}
		if !overlaps(d.Span, rng) || !want(protocol.CodeActionKindQuickFix) {
			continue
		}
		pd := toProtocolDiagnostic(snap, d)
		for _, fx := range d.Fixes {
			key := ""
			if fx.Command != nil && len(fx.Edits) == 0 {
				args, _ := json.Marshal(fx.Command.Args)
				key = fx.Title + "\x00" + fx.Command.Name + "\x00" + string(args)
				if ca := commands[key]; ca != nil {
					ca.Diagnostics = append(ca.Diagnostics, pd)
					continue
				}
			}
			ca, ok := s.toCodeAction(snap, versions, fx, protocol.CodeActionKindQuickFix)
			if !ok {
				continue
			}
			ca.Diagnostics = []protocol.Diagnostic{pd}
			actions = append(actions, ca)
			if key != "" {
				commands[key] = ca
			}
		}
	}
	if all, ok := engine.FixAll(diags); ok && want(protocol.CodeActionKindSourceFixAll) {
		if ca, ok := s.toCodeAction(snap, versions, all, protocol.CodeActionKindSourceFixAll); ok {
			actions = append(actions, ca)
		}
	}
	if want(protocol.CodeActionKindQuickFix) {
		actions = append(actions, s.lazySumFixes(snap, diags, func(d analyzers.Diagnostic) bool { return overlaps(d.Span, rng) })...)
	}
	actions = append(actions, s.sourceActions(snap, versions, kind, want)...)
	actions = append(actions, s.vulnUpgradeAction(snap, versions, diags, want)...)
	return actions, nil
}

func overlaps(a, b span.Span) bool {
	return a.Start <= b.End && b.Start <= a.End
}

// toCodeAction converts a fix. It reports false when the client cannot
// apply it (creating a file without resource operation support).
func (s *server) toCodeAction(snap *snapshot.Snapshot, versions map[snapshot.FileKind]int32, fx fixes.Fix, kind protocol.CodeActionKind) (*protocol.CodeAction, bool) {
	ca := &protocol.CodeAction{Title: fx.Title, Kind: ptr(kind)}
	if fx.Preferred {
		ca.IsPreferred = ptr(true)
	}
	if len(fx.Edits) > 0 {
		we, ok := s.workspaceEdit(snap, versions, fx.Edits)
		if !ok {
			return nil, false
		}
		ca.Edit = we
	}
	if fx.Command != nil {
		ca.Command = toCommand(fx.Command)
	}
	return ca, true
}

func toCommand(c *fixes.Command) protocol.Command {
	cmd := protocol.Command{Title: c.Title, Command: c.Name}
	for _, a := range c.Args {
		raw, err := json.Marshal(a)
		if err == nil {
			cmd.Arguments = append(cmd.Arguments, raw)
		}
	}
	return cmd
}

// workspaceEdit converts edits to an LSP workspace edit, versioned when
// the client supports documentChanges so a stale edit is rejected instead
// of corrupting the file.
func (s *server) workspaceEdit(snap *snapshot.Snapshot, versions map[snapshot.FileKind]int32, edits []fixes.Edit) (*protocol.WorkspaceEdit, bool) {
	byFile := map[snapshot.FileKind][]fixes.Edit{}
	var order []snapshot.FileKind
	for _, e := range edits {
		if _, ok := byFile[e.File]; !ok {
			order = append(order, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	we := &protocol.WorkspaceEdit{}
	caps := s.caps
	for _, k := range order {
		es := byFile[k]
		u := s.uriFor(snap.Path(k))
		create := false
		for _, e := range es {
			create = create || e.Create
		}
		var m *span.Mapper
		if !create {
			m = snap.Mapper(k)
			if m == nil {
				return nil, false
			}
		}
		var tes []protocol.TextEdit
		for _, e := range es {
			if create {
				tes = append(tes, protocol.TextEdit{NewText: e.NewText})
				continue
			}
			tes = append(tes, protocol.TextEdit{Range: toRange(m, e.Span), NewText: e.NewText})
		}
		if create {
			if !caps.documentChanges || !caps.createFile {
				return nil, false
			}
			we.DocumentChanges = append(we.DocumentChanges, &protocol.CreateFile{Kind: "create", URI: u, Options: &protocol.CreateFileOptions{IgnoreIfExists: ptr(true)}})
		}
		if caps.documentChanges {
			tde := &protocol.TextDocumentEdit{TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}}}
			if v, ok := versions[k]; ok && !create {
				tde.TextDocument.Version = ptr(v)
			}
			for i := range tes {
				tde.Edits = append(tde.Edits, &tes[i])
			}
			we.DocumentChanges = append(we.DocumentChanges, tde)
		} else {
			if we.Changes == nil {
				we.Changes = map[uri.URI][]protocol.TextEdit{}
			}
			we.Changes[u] = append(we.Changes[u], tes...)
		}
	}
	return we, true
}
