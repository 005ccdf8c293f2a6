package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// A resolveData is the data of a code action whose edit is computed only
// when the user picks it (codeAction/resolve): the lookups it needs may
// take a round trip to the checksum database or the proxy.
type resolveData struct {
	Kind    string `json:"kind"` // "sumMissing"
	URI     string `json:"uri"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// lazySumFixes offers, for sum-missing diagnostics that have no fix yet
// (the hashes are not cached), a fix that looks them up when chosen.
func (s *server) lazySumFixes(snap *snapshot.Snapshot, diags []analyzers.Diagnostic, rng func(analyzers.Diagnostic) bool) []protocol.CommandOrCodeAction {
	if !s.caps.codeActionResolve {
		return nil
	}
	var out []protocol.CommandOrCodeAction
	for _, l := range engine.LazySums(snap, diags, rng) {
		m := l.Missing
		data, _ := json.Marshal(resolveData{Kind: "sumMissing", URI: s.uriFor(snap.Path(snapshot.GoMod)).String(), Path: m.Mod.Path, Version: m.Mod.Version})
		out = append(out, &protocol.CodeAction{
			Title:       fmt.Sprintf("Add go.sum lines for %s %s (looked up when applied)", m.Mod.Path, m.Mod.Version),
			Kind:        ptr(protocol.CodeActionKindQuickFix),
			Diagnostics: []protocol.Diagnostic{toProtocolDiagnostic(snap, l.Diagnostic)},
			Data:        data,
		})
	}
	return out
}

// CodeActionResolve computes the edit of a lazily offered fix.
func (s *server) CodeActionResolve(ctx context.Context, ca *protocol.CodeAction) (*protocol.CodeAction, error) {
	var rd resolveData
	if err := json.Unmarshal(ca.Data, &rd); err != nil || rd.Kind != "sumMissing" {
		return ca, nil // nothing to resolve
	}
	p, err := pathFromString(rd.URI)
	if err != nil {
		return nil, err
	}
	fix, err := s.eng.ResolveSum(ctx, p, rd.Path, rd.Version)
	var invalid *engine.InvalidArgError
	if errors.As(err, &invalid) {
		return nil, invalidParams("%s", invalid.Msg)
	}
	if err != nil {
		return nil, err
	}
	we, ok := s.workspaceEdit(fix.Snapshot, fix.Versions, fix.Fix.Edits)
	if !ok {
		return nil, fmt.Errorf("the editor cannot apply this edit (creating go.sum needs resource operations)")
	}
	ca.Edit = we
	ca.Title = fix.Fix.Title
	return ca, nil
}
