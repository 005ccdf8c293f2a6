package lsp

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modcache"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
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
	rng := fromRange(m, params.Range)
	ctx, cancel := context.WithTimeout(ctx, hintBudget)
	defer cancel()
	plan := modplan.Of(snap)
	for _, r := range snap.Mod.Mod.Require {
		sp := snap.Mod.LineSpan(r.Syntax)
		if sp.End < rng.Start || sp.Start > rng.End || !plan.Lookable(r.Mod.Path) {
			continue
		}
		latest, _, err := modinfo.LatestVersion(ctx, snap.Source, r.Mod.Path)
		if err != nil || latest == "" || latest == r.Mod.Version || module.IsPseudoVersion(latest) {
			continue
		}
		l, c := m.UTF16Position(sp.End)
		hints = append(hints, protocol.InlayHint{
			Position:    protocol.Position{Line: uint32(l), Character: uint32(c)},
			Label:       protocol.String("latest " + latest),
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
// local replacement directory's, or the module cache's copy.
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
	on := func(l *modfile.Line) bool { return f.LineSpan(l).Contains(off) }
	var target string
	var reps []*modfile.Replace
	if f.Mod != nil {
		reps = f.Mod.Replace
		for _, r := range f.Mod.Require {
			if on(r.Syntax) {
				target = s.goModOf(snap, r.Mod)
			}
		}
	}
	if f.Work != nil {
		reps = f.Work.Replace
		for _, u := range f.Work.Use {
			if on(u.Syntax) {
				target = localGoMod(snap, u.Path)
			}
		}
	}
	for _, r := range reps {
		if on(r.Syntax) {
			if modfile.IsDirectoryPath(r.New.Path) {
				target = localGoMod(snap, r.New.Path)
			} else {
				target = s.goModOf(snap, r.New)
			}
		}
	}
	if target == "" {
		return protocol.LocationSlice{}, nil
	}
	return protocol.LocationSlice{{URI: fileURI(target)}}, nil
}

// goModOf returns the go.mod file to show for m: its replacement's, or the
// module cache's (extracted module, else the downloaded .mod).
func (s *server) goModOf(snap *snapshot.Snapshot, m module.Version) string {
	if r := modplan.Of(snap).Replacement(m); r != nil {
		if r.Dir != "" {
			return localGoMod(snap, r.Dir)
		}
		m = r.New
	}
	if snap.Env == nil || m.Version == "" {
		return ""
	}
	cache := snap.Env.Get("GOMODCACHE")
	dir, ok1 := modcache.Dir(cache, m)
	mod, ok2 := modcache.File(cache, m, "mod")
	if !ok1 || !ok2 {
		return ""
	}
	for _, p := range []string{filepath.Join(dir, "go.mod"), mod} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func localGoMod(snap *snapshot.Snapshot, dir string) string {
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(snap.Dir, dir)
	}
	p := filepath.Join(dir, "go.mod")
	if _, err := snap.FS.Stat(p); err != nil {
		return ""
	}
	return p
}
