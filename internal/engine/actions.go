// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// The code actions of a file beyond the fixes of its diagnostics: fixes
// of the whole file, and those computed only when chosen.

// FixAll merges the preferred fixes of diags into one, each edit once.
func FixAll(diags []analyzers.Diagnostic) (fixes.Fix, bool) {
	all := fixes.Fix{Title: "Fix all auto-fixable problems (gomodls)"}
	seen := map[span.Span]bool{}
	found := false
	for _, d := range diags {
		for _, fx := range d.Fixes {
			if !fx.Preferred {
				continue
			}
			found = true
			for _, e := range fx.Edits {
				if !seen[e.Span] {
					seen[e.Span] = true
					all.Edits = append(all.Edits, e)
				}
			}
		}
	}
	return all, found
}

// VulnUpgrade upgrades every vulnerable require (and replacement) to the
// version its vulnerable-version diagnostics propose: the lowest that
// fixes all of the module's known vulnerabilities.
func VulnUpgrade(diags []analyzers.Diagnostic) (fixes.Fix, bool) {
	all := fixes.Fix{}
	seen := map[span.Span]bool{}
	modules := 0
	for _, d := range diags {
		if d.Code != analyzers.CodeVulnerableVersion || len(d.Fixes) == 0 || len(d.Fixes[0].Edits) == 0 {
			continue
		}
		fresh := false
		for _, e := range d.Fixes[0].Edits {
			if !seen[e.Span] {
				seen[e.Span], fresh = true, true
				all.Edits = append(all.Edits, e)
			}
		}
		if fresh {
			modules++
		}
	}
	if modules == 0 {
		return all, false
	}
	all.Title = fmt.Sprintf("Upgrade every vulnerable require to its lowest fixed version (%d %s)", modules, plural(modules, "module", "modules"))
	return all, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// RemoveUnusedReplaces deletes replaces of modules the go.mod does not
// require: since Go 1.17 go.mod lists every module the build needs, so
// such a replace has no effect.
func RemoveUnusedReplaces(snap *snapshot.Snapshot) (fixes.Fix, bool) {
	f := snap.Mod
	required := map[string]bool{}
	for _, r := range f.Mod.Require {
		required[r.Mod.Path] = true
	}
	fix := fixes.Fix{Title: "Remove unused replace directives"}
	for _, r := range f.Mod.Replace {
		if !required[r.Old.Path] {
			fix.Edits = append(fix.Edits, fixes.DeleteLine(snapshot.GoMod, f, r.Syntax, "").Edits...)
		}
	}
	return fix, len(fix.Edits) > 0
}

// SortAndFormat sorts the require, exclude and replace blocks and formats
// the file, as `go mod tidy` would leave it (without changing
// requirements).
func SortAndFormat(snap *snapshot.Snapshot) (fixes.Fix, bool) {
	f := snap.Mod
	if len(f.Errors) > 0 {
		return fixes.Fix{}, false
	}
	mf, err := modfile.Parse(f.Name, f.Content, func(_, v string) (string, error) { return v, nil })
	if err != nil {
		return fixes.Fix{}, false
	}
	mf.SortBlocks()
	mf.Cleanup()
	out := modfile.Format(mf.Syntax)
	if string(out) == string(f.Content) {
		return fixes.Fix{}, false
	}
	return fixes.Fix{Title: "Sort and format go.mod", Edits: []fixes.Edit{{File: snapshot.GoMod, Span: span.Span{Start: 0, End: len(f.Content)}, NewText: string(out)}}}, true
}

// A SnapshotFix is a fix computed on a snapshot (and the versions of the
// open documents in it), for a front end to apply.
type SnapshotFix struct {
	Snapshot *snapshot.Snapshot
	Versions map[snapshot.FileKind]int32
	Fix      fixes.Fix
}

// UpgradeAll computes the upgrade of every direct require of the go.mod at
// path to its latest patch or minor release (never a retracted one). The
// fix has no edits when every require is at its latest.
func (ss *Session) UpgradeAll(ctx context.Context, path, level string) (*SnapshotFix, error) {
	if level != "patch" && level != "minor" {
		return nil, invalidArg("upgradeAll: level must be patch or minor, not %q", level)
	}
	snap, versions, err := ss.Snapshot(ctx, path)
	if err != nil || snap.Mod == nil {
		return nil, invalidArg("upgradeAll: %s is neither open nor on disk", path)
	}
	if snap.Source == nil {
		return nil, fmt.Errorf("upgradeAll: network checks are off")
	}
	wd, wctx := ss.client.StartProgress(ctx, "gomodls", "Looking up upgrades", true)
	wctx, cancel := context.WithTimeout(wctx, snap.Settings.CheckDeadline.D())
	defer cancel()
	var (
		mu  sync.Mutex
		fix = fixes.Fix{Title: "Upgrade direct requires (" + level + ")"}
	)
	g, gctx := errgroup.WithContext(wctx)
	g.SetLimit(16)
	plan := modplan.Of(snap)
	for _, r := range snap.Mod.Mod.Require {
		if r.Indirect || !plan.Lookable(r.Mod.Path) {
			continue
		}
		g.Go(func() error {
			vl, err := snap.Source.Versions(gctx, r.Mod.Path)
			if err != nil {
				return nil
			}
			var isRetracted func(string) bool
			if gm, _, _, err := modinfo.LatestGoMod(gctx, snap.Source, r.Mod.Path); err == nil {
				isRetracted = func(v string) bool { _, ok := modinfo.Retracted(gm, v); return ok }
			}
			up := modinfo.Upgrade(vl.Versions, r.Mod.Version, modinfo.UpgradeOptions{
				Level: level, Prereleases: snap.Settings.Prereleases, Retracted: isRetracted, HasGoMod: modinfo.HasGoModFunc(gctx, snap.Source, r.Mod.Path), Time: modinfo.TimeFunc(gctx, snap.Source, r.Mod.Path)})
			if up == "" {
				return nil
			}
			if tok, ok := snap.Mod.VersionToken(r.Syntax); ok {
				mu.Lock()
				fix.Edits = append(fix.Edits, fixes.SetVersion(snapshot.GoMod, tok, up).Edits...)
				mu.Unlock()
			}
			return nil
		})
	}
	g.Wait()
	wd.End(fmt.Sprintf("%d upgrades", len(fix.Edits)))
	if len(fix.Edits) == 0 {
		ss.client.ShowMessage(MessageInfo, "gomodls: every direct require is at its latest "+level+" release")
	}
	return &SnapshotFix{Snapshot: snap, Versions: versions, Fix: fix}, nil
}

// A LazySum is a sum-missing diagnostic without a fix yet (the hashes are
// not cached) and the module version whose lines a fix would add once
// looked up (ResolveSum).
type LazySum struct {
	Diagnostic analyzers.Diagnostic
	Missing    analyzers.MissingSum
}

// LazySums returns, for the sum-missing diagnostics among diags that have
// no fix and that in accepts, the missing lines they are about.
func LazySums(snap *snapshot.Snapshot, diags []analyzers.Diagnostic, in func(analyzers.Diagnostic) bool) []LazySum {
	if snap.Sums == nil {
		return nil
	}
	var out []LazySum
	missing := analyzers.MissingSums(snap)
	for _, d := range diags {
		if d.Code != analyzers.CodeSumMissing || len(d.Fixes) > 0 || !in(d) {
			continue
		}
		for _, m := range missing {
			// Several modules may be reported on one line (those reached
			// through one requirement): the message tells them apart.
			if m.File != d.File || m.Span != d.Span || m.Diagnostic(snap, nil).Message != d.Message {
				continue
			}
			out = append(out, LazySum{Diagnostic: d, Missing: m})
		}
	}
	return out
}

// ResolveSum looks up the go.sum lines of modPath@version that the
// go.mod at path needs and its go.sum lacks, and returns the fix that adds
// them, computed on the snapshot it returns.
func (ss *Session) ResolveSum(ctx context.Context, path, modPath, version string) (*SnapshotFix, error) {
	snap, versions, err := ss.Snapshot(ctx, path)
	if err != nil || snap.Sums == nil {
		return nil, invalidArg("cannot resolve the fix: %s is gone or network checks are off", filepath.Base(path))
	}
	for _, m := range analyzers.MissingSums(snap) {
		if m.Mod.Path != modPath || m.Mod.Version != version {
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
		return &SnapshotFix{Snapshot: snap, Versions: versions, Fix: fx}, nil
	}
	return nil, invalidArg("go.sum already has the lines for %s %s", modPath, version)
}
