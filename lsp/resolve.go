package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/analyzers"
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
	if !s.caps.codeActionResolve || snap.Sums == nil {
		return nil
	}
	var out []protocol.CommandOrCodeAction
	missing := analyzers.MissingSums(snap)
	for _, d := range diags {
		if d.Code != analyzers.CodeSumMissing || len(d.Fixes) > 0 || !rng(d) {
			continue
		}
		for _, m := range missing {
			// Several modules may be reported on one line (those reached
			// through one requirement): the message tells them apart.
			if m.File != d.File || m.Span != d.Span || m.Diagnostic(snap, nil).Message != d.Message {
				continue
			}
			data, _ := json.Marshal(resolveData{Kind: "sumMissing", URI: s.uriFor(snap.Path(snapshot.GoMod)).String(), Path: m.Mod.Path, Version: m.Mod.Version})
			out = append(out, &protocol.CodeAction{
				Title:       fmt.Sprintf("Add go.sum lines for %s %s (looked up when applied)", m.Mod.Path, m.Mod.Version),
				Kind:        ptr(protocol.CodeActionKindQuickFix),
				Diagnostics: []protocol.Diagnostic{toProtocolDiagnostic(snap, d)},
				Data:        data,
			})
		}
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
	snap, versions, err := s.session.snapshotFor(ctx, p)
	if err != nil || snap.Sums == nil {
		return nil, invalidParams("cannot resolve the fix: %s is gone or network checks are off", filepath.Base(p))
	}
	for _, m := range analyzers.MissingSums(snap) {
		if m.Mod.Path != rd.Path || m.Mod.Version != rd.Version {
			continue
		}
		lctx, cancel := context.WithTimeout(ctx, snap.Settings.CheckDeadline.D())
		sums, err := snap.Sums.Sums(lctx, m.Mod.Path, m.Mod.Version, m.Mode())
		cancel()
		if err != nil {
			return nil, fmt.Errorf("looking up the go.sum lines of %s %s: %w", m.Mod.Path, m.Mod.Version, err)
		}
		fx, ok := m.Fix(snap, sums)
		if !ok {
			return nil, fmt.Errorf("no verified go.sum lines for %s %s (%s)", m.Mod.Path, m.Mod.Version, sums.Conflict())
		}
		we, ok := s.workspaceEdit(snap, versions, fx.Edits)
		if !ok {
			return nil, fmt.Errorf("the editor cannot apply this edit (creating go.sum needs resource operations)")
		}
		ca.Edit = we
		ca.Title = fx.Title
		return ca, nil
	}
	return nil, invalidParams("go.sum already has the lines for %s %s", rd.Path, rd.Version)
}
