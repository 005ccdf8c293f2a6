// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// A Hint is the latest version of a required module, shown after its
// require line.
type Hint struct {
	Offset int // the end of the require line
	Latest string
}

// LatestHints returns, for the requires of the go.mod whose lines meet
// rng, the latest version when it is newer and known before ctx ends
// (hints are drawn on every scroll, so they show what the caches know).
func LatestHints(ctx context.Context, snap *snapshot.Snapshot, rng span.Span) []Hint {
	var hints []Hint
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
		hints = append(hints, Hint{Offset: sp.End, Latest: latest})
	}
	return hints
}
