// Copyright 2026 The gomodls Authors.

package engine

import (
	"bytes"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// remapNetwork returns the network diagnostics positioned in snap. Those
// computed for an older snapshot keep their place when their line is
// unchanged (the same text, the same occurrence) and are dropped when it
// changed: stale results for untouched lines stay visible while the new
// check runs.
func remapNetwork(netSnap, snap *snapshot.Snapshot, diags []analyzers.Diagnostic) []analyzers.Diagnostic {
	if netSnap == nil || netSnap == snap {
		return diags
	}
	// Compare each file once, not per diagnostic.
	unchanged := map[snapshot.FileKind]bool{}
	same := func(k snapshot.FileKind) bool {
		eq, ok := unchanged[k]
		if !ok {
			eq = bytes.Equal(netSnap.Content(k), snap.Content(k))
			unchanged[k] = eq
		}
		return eq
	}
	out := make([]analyzers.Diagnostic, 0, len(diags))
	maps := map[snapshot.FileKind]*lineMap{}
	for _, d := range diags {
		if snap.Content(d.File) == nil {
			continue
		}
		if same(d.File) {
			out = append(out, d)
			continue
		}
		lm := maps[d.File]
		if lm == nil {
			lm = newLineMap(netSnap.Mapper(d.File), snap.Mapper(d.File))
			maps[d.File] = lm
		}
		delta, ok := lm.shift(d.Span)
		if !ok {
			continue
		}
		d.Span = span.Span{Start: d.Span.Start + delta, End: d.Span.End + delta}
		var kept []fixes.Fix
		for _, fx := range d.Fixes {
			fx, ok := shiftFix(fx, d.File, lm, same)
			if ok {
				kept = append(kept, fx)
			}
		}
		d.Fixes = kept
		var rel []analyzers.Related
		for _, r := range d.Related {
			if r.Path == "" && r.File == d.File {
				if dl, ok := lm.shift(r.Span); ok {
					r.Span = span.Span{Start: r.Span.Start + dl, End: r.Span.End + dl}
				} else {
					continue
				}
			}
			rel = append(rel, r)
		}
		d.Related = rel
		out = append(out, d)
	}
	return out
}

// shiftFix moves the edits of fx in file by lm. Edits of other files stay
// only if those files are unchanged (same).
func shiftFix(fx fixes.Fix, file snapshot.FileKind, lm *lineMap, same func(snapshot.FileKind) bool) (fixes.Fix, bool) {
	edits := make([]fixes.Edit, 0, len(fx.Edits))
	for _, e := range fx.Edits {
		if e.File != file {
			if !same(e.File) {
				return fx, false
			}
			edits = append(edits, e)
			continue
		}
		dl, ok := lm.shift(e.Span)
		if !ok {
			return fx, false
		}
		e.Span = span.Span{Start: e.Span.Start + dl, End: e.Span.End + dl}
		edits = append(edits, e)
	}
	fx.Edits = edits
	return fx, true
}

// lineMap maps unchanged lines of an old text to the new text.
type lineMap struct {
	old, cur *span.Mapper
	// newStart maps an old line number to the start offset of the same
	// line in the new text.
	newStart map[int]int
}

func newLineMap(old, cur *span.Mapper) *lineMap {
	lm := &lineMap{old: old, cur: cur, newStart: map[int]int{}}
	text := func(m *span.Mapper, l int) string {
		return string(m.Content()[m.LineStart(l):m.LineEnd(l)])
	}
	// The n-th occurrence of a line text in the old text maps to its n-th
	// occurrence in the new one.
	where := map[string][]int{}
	for l := 0; l < cur.LineCount(); l++ {
		t := text(cur, l)
		where[t] = append(where[t], l)
	}
	seen := map[string]int{}
	for l := 0; l < old.LineCount(); l++ {
		t := text(old, l)
		n := seen[t]
		seen[t] = n + 1
		if n < len(where[t]) {
			lm.newStart[l] = cur.LineStart(where[t][n])
		}
	}
	return lm
}

// shift returns how far a single-line span moves, or false if its line
// changed or it spans lines.
func (lm *lineMap) shift(sp span.Span) (int, bool) {
	l := lm.old.Line(sp.Start)
	if lm.old.Line(sp.End) != l && sp.End != lm.old.LineStart(l+1) {
		return 0, false
	}
	ns, ok := lm.newStart[l]
	if !ok {
		return 0, false
	}
	return ns - lm.old.LineStart(l), true
}
