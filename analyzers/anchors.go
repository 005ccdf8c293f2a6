package analyzers

import (
	"fmt"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// An anchor is where a diagnostic about a line of a workspace's go.mod or
// go.work files goes in the snapshot: on that line when it is one of the
// snapshot's files; else, in the snapshot's go.work, on the use line of
// the module whose go.mod holds it; else on the snapshot's module line
// (or go.work's first line), for the go command fails here too.
type anchor struct {
	File snapshot.FileKind
	Span span.Span
	// Exact is set when the span is on the line itself; Where then is "",
	// else it names the line (" (in ../b/go.mod:7)").
	Exact bool
	Where string
	// Line is the snapshot's own line when Exact.
	Line *modfile.Line
}

// anchorAt returns the anchor of line (which may be nil) in the go.mod or
// go.work at path file; ok is false when the snapshot has no line to put
// it on.
func anchorAt(snap *snapshot.Snapshot, plan *modplan.Plan, file string, line *modfile.Line) (a anchor, ok bool) {
	if line != nil && file != "" {
		for _, k := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
			if f := snap.ModFile(k); f != nil && samePath(f.Name, file) {
				return anchor{File: k, Span: f.LineSpan(line), Exact: true, Line: line}, true
			}
		}
	}
	where := ""
	if file != "" {
		where = " (in " + plan.ShortPath(file)
		if line != nil {
			where += fmt.Sprintf(":%d", line.Start.Line)
		}
		where += ")"
	}
	if w := snap.Work; w != nil && file != "" {
		if path, ok := plan.InWorkspace(); ok && samePath(path, snap.Path(snapshot.GoWork)) {
			for _, m := range plan.Mains() {
				if m.Use != nil && samePath(m.GoMod(), file) {
					return anchor{File: snapshot.GoWork, Span: w.LineSpan(m.Use.Syntax), Where: where}, true
				}
			}
		}
	}
	if a, ok := headAnchor(snap); ok {
		a.Where = where
		return a, true
	}
	return anchor{}, false
}

// headAnchor is the snapshot's module line, or its go.work's first
// directive.
func headAnchor(snap *snapshot.Snapshot) (anchor, bool) {
	if f := snap.Mod; f != nil && f.Mod.Module != nil {
		return anchor{File: snapshot.GoMod, Span: f.LineSpan(f.Mod.Module.Syntax)}, true
	}
	if w := snap.Work; w != nil {
		switch {
		case w.Work.Go != nil:
			return anchor{File: snapshot.GoWork, Span: w.LineSpan(w.Work.Go.Syntax)}, true
		case len(w.Work.Use) > 0:
			return anchor{File: snapshot.GoWork, Span: w.LineSpan(w.Work.Use[0].Syntax)}, true
		}
		return anchor{File: snapshot.GoWork}, true
	}
	return anchor{}, false
}

func samePath(a, b string) bool { return filepath.Clean(a) == filepath.Clean(b) }
