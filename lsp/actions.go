package lsp

import (
	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// sourceActions returns the whole-file actions for a go.mod: upgrade all
// direct requires (patch, minor), remove unused replaces, sort and format.
func (s *server) sourceActions(snap *snapshot.Snapshot, versions map[snapshot.FileKind]int32, kind snapshot.FileKind, want func(protocol.CodeActionKind) bool) []protocol.CommandOrCodeAction {
	var out []protocol.CommandOrCodeAction
	if kind != snapshot.GoMod || snap.Mod == nil {
		return out
	}
	u := s.uriFor(snap.Path(snapshot.GoMod))
	if snap.Source != nil && want(protocol.CodeActionKindSource) {
		for _, level := range []string{"patch", "minor"} {
			cmd := toCommand(&fixes.Command{Title: "Upgrade direct requires (" + level + ")", Name: fixes.CmdUpgradeAll,
				Args: []any{map[string]string{"uri": string(u.String()), "level": level}}})
			out = append(out, &protocol.CodeAction{Title: "Upgrade all direct requires to the latest " + level + " release", Kind: ptr(protocol.CodeActionKindSource), Command: cmd})
		}
	}
	if want(protocol.CodeActionKindSource) {
		if fx, ok := engine.RemoveUnusedReplaces(snap); ok {
			if ca, ok := s.toCodeAction(snap, versions, fx, protocol.CodeActionKindSource); ok {
				out = append(out, ca)
			}
		}
	}
	if want(protocol.CodeActionKindSourceOrganizeImports) {
		if fx, ok := engine.SortAndFormat(snap); ok {
			if ca, ok := s.toCodeAction(snap, versions, fx, protocol.CodeActionKindSourceOrganizeImports); ok {
				out = append(out, ca)
			}
		}
	}
	return out
}
