package lsp

import (
	"context"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// hintBudget bounds how long inlay hints wait for the module source: they
// are drawn on every scroll, so they show what the caches know.
const hintBudget = 50 * time.Millisecond

// InlayHint shows the latest version after each require (setting
// gomodls.latestVersionHints), when it is newer and known in time.
func (s *server) InlayHint(ctx context.Context, params *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	hints := []protocol.InlayHint{}
	if kind != snapshot.GoMod || snap.Mod == nil || !snap.Settings.LatestVersionHints || snap.Source == nil {
		return hints, nil
	}
	m := snap.Mod.Mapper
	ctx, cancel := context.WithTimeout(ctx, hintBudget)
	defer cancel()
	for _, h := range engine.LatestHints(ctx, snap, fromRange(m, params.Range)) {
		l, c := m.UTF16Position(h.Offset)
		hints = append(hints, protocol.InlayHint{
			Position:    protocol.Position{Line: uint32(l), Character: uint32(c)},
			Label:       protocol.String("latest " + h.Latest),
			PaddingLeft: ptr(true),
		})
	}
	return hints, nil
}

// CodeLens puts "Upgrade direct requires" and "Check modules now" above
// the first require block (setting gomodls.codeLenses).
func (s *server) CodeLens(ctx context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	lenses := []protocol.CodeLens{}
	if kind != snapshot.GoMod || snap.Mod == nil || !snap.Settings.CodeLenses || len(snap.Mod.Mod.Require) == 0 {
		return lenses, nil
	}
	first := snap.Mod.Mod.Require[0].Syntax
	m := snap.Mod.Mapper
	line := m.Line(first.Start.Byte)
	if first.InBlock && line > 0 {
		line-- // the "require (" line
	}
	rng := toRange(m, span.Span{Start: m.LineStart(line), End: m.LineStart(line)})
	u := s.uriFor(snap.Path(snapshot.GoMod)).String()
	lenses = append(lenses,
		protocol.CodeLens{Range: rng, Command: toCommand(&fixes.Command{Title: "Check modules now", Name: fixes.CmdRecheck})},
	)
	if snap.Source != nil {
		lenses = append(lenses, protocol.CodeLens{Range: rng, Command: toCommand(&fixes.Command{Title: "Upgrade direct requires (minor)", Name: fixes.CmdUpgradeAll,
			Args: []any{map[string]string{"uri": u, "level": "minor"}}})})
	}
	return lenses, nil
}

// Definition jumps from a require or replace to the module's go.mod: the
// local replacement directory's, or the module cache's copy
// (engine.Definition).
func (s *server) Definition(ctx context.Context, params *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	f := snap.ModFile(kind)
	if f == nil {
		return protocol.LocationSlice{}, nil
	}
	off := f.Mapper.OffsetUTF16(int(params.Position.Line), int(params.Position.Character))
	target := engine.Definition(snap, kind, off)
	if target == "" {
		return protocol.LocationSlice{}, nil
	}
	return protocol.LocationSlice{{URI: fileURI(target)}}, nil
}
