// Copyright 2026 The gomodls Authors.

package lsp

import (
	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// vulnUpgradeAction is the source action that upgrades every vulnerable
// require (and replacement) of the file (engine.VulnUpgrade).
func (s *server) vulnUpgradeAction(snap *snapshot.Snapshot, versions map[snapshot.FileKind]int32, diags []analyzers.Diagnostic, want func(protocol.CodeActionKind) bool) []protocol.CommandOrCodeAction {
	if !want(protocol.CodeActionKindSource) {
		return nil
	}
	fx, ok := engine.VulnUpgrade(diags)
	if !ok {
		return nil
	}
	ca, ok := s.toCodeAction(snap, versions, fx, protocol.CodeActionKindSource)
	if !ok {
		return nil
	}
	return []protocol.CommandOrCodeAction{ca}
}
