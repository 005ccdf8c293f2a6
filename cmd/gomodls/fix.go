package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/atomicfile"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/checksum"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// sumFixer is the part of the module source -fix needs.
type sumFixer interface {
	Sums(ctx context.Context, path, version string, mode checksum.Mode) (*checksum.Sums, error)
}

// fixSums applies the safe fixes of `gomodls check -fix`: it adds the
// go.sum lines that go build, go test and go list -m all need (or may
// need: see analyzers.SumMissing) and go.sum lacks (analyzers.MissingSums,
// after the go.mod files of the module graph are fetched), for every
// checked directory, creating go.sum if there is none. A line is added only when the checksum
// database verified it, or, for a module GOSUMDB=off or GONOSUMDB/GOPRIVATE
// keep from the database, when it is the hash of what the GOPROXY chain
// serves; never when served content contradicts the database. Existing
// lines are never changed: mismatches are reported, not fixed. Each line
// written, and each entry left missing, is reported to w. It returns the
// number of go.sum files written.
func fixSums(ctx context.Context, results []checker.Result, src sumFixer, base string, w io.Writer) (int, error) {
	written := 0
	for _, r := range results {
		snap := r.Snapshot
		analyzers.FetchGoMods(ctx, snap)
		missing := analyzers.MissingSums(snap)
		if len(missing) == 0 {
			continue
		}
		sums := make([]*checksum.Sums, len(missing))
		errs := make([]error, len(missing))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(16)
		for i, m := range missing {
			g.Go(func() error {
				sums[i], errs[i] = src.Sums(gctx, m.Mod.Path, m.Mod.Version, m.Mode())
				return nil
			})
		}
		g.Wait()
		if err := ctx.Err(); err != nil {
			return written, err
		}
		rel := relPath(base, snap.Path(snapshot.GoSum))
		modRel := relPath(base, snap.Path(snapshot.GoMod))
		var lines []string
		var notes []string
		for i, m := range missing {
			line := snap.Mapper(m.File).Line(m.Span.Start) + 1
			switch {
			case errs[i] != nil:
				notes = append(notes, fmt.Sprintf("%s:%d: %s %s: not fixed: %v", modRel, line, m.Mod.Path, m.Mod.Version, errs[i]))
				continue
			case sums[i].Conflict() != "":
				notes = append(notes, fmt.Sprintf("%s:%d: %s %s: not fixed: %s", modRel, line, m.Mod.Path, m.Mod.Version, sums[i].Conflict()))
				continue
			}
			fx, ok := m.Fix(snap, sums[i])
			if !ok {
				continue
			}
			for _, e := range fx.Edits {
				for _, l := range strings.Split(strings.TrimSpace(e.NewText), "\n") {
					lines = append(lines, l)
					notes = append(notes, fmt.Sprintf("%s: added %s (%s)", rel, l, sums[i].Origin()))
				}
			}
			if m.Zip && sums[i].Zip == "" {
				why := "unknown"
				if sums[i].ZipErr != nil {
					why = sums[i].ZipErr.Error()
				}
				notes = append(notes, fmt.Sprintf("%s:%d: %s %s: zip hash not added: %s", modRel, line, m.Mod.Path, m.Mod.Version, why))
			}
		}
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
		if len(lines) == 0 {
			continue
		}
		// One fix over all lines, so lines meant for the same place keep
		// go.sum's order.
		fx, ok := fixes.AddSumLines(snapshot.GoSum, snap.Sum, lines, "")
		if !ok {
			continue
		}
		content := fixes.Apply(snap.Content(snapshot.GoSum), fx.Edits)
		// Atomic, so the go command never reads a half-written go.sum.
		if err := atomicfile.Write(snap.Path(snapshot.GoSum), content, 0o644); err != nil {
			return written, fmt.Errorf("writing %s: %w", rel, err)
		}
		written++
	}
	return written, nil
}

// relPath returns p relative to base when below it.
func relPath(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
