// Package report prints check results for the command line: a text form
// like the go command's ("go.mod:7:2: error: ... [code]"), JSON for tools,
// and SARIF 2.1.0 for code scanning services.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// A Finding is one diagnostic with resolved positions. Lines and columns
// are 1-based; Column counts bytes like the go command, Column16 counts
// UTF-16 code units like SARIF and the LSP.
type Finding struct {
	Path      string `json:"file"` // relative to the base directory when possible
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Column16  int    `json:"-"`
	EndCol16  int    `json:"-"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	URL       string `json:"url"`
	Fixes     []Fix  `json:"fixes,omitempty"`
	// Transient: the finding rests on an answer that may differ when
	// asked again (analyzers.Diagnostic.IsTransient).
	Transient bool `json:"-"`

	code *analyzers.Code
}

// A Fix is a suggested fix with positioned edits.
type Fix struct {
	Title     string `json:"title"`
	Preferred bool   `json:"preferred,omitempty"`
	Edits     []Edit `json:"edits,omitempty"`
	Command   string `json:"command,omitempty"`
}

// An Edit replaces [Start, End) (1-based line and byte column) of a file.
type Edit struct {
	Path      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	NewText   string `json:"newText"`
}

// Findings flattens results into findings sorted by path and position.
// Paths are made relative to base when they are below it.
func Findings(results []checker.Result, base string) []Finding {
	var out []Finding
	for _, r := range results {
		for _, d := range r.Diagnostics {
			out = append(out, finding(r.Snapshot, d, base))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Code < b.Code
	})
	return out
}

func relPath(p, base string) string {
	if base == "" {
		return p
	}
	if rel, err := filepath.Rel(base, p); err == nil && !filepath.IsAbs(rel) && rel != ".." && !hasDotDot(rel) {
		return filepath.ToSlash(rel)
	}
	return p
}

func hasDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

func finding(snap *snapshot.Snapshot, d analyzers.Diagnostic, base string) Finding {
	m := snap.Mapper(d.File)
	f := Finding{
		Path:      relPath(snap.Path(d.File), base),
		Severity:  d.Severity.String(),
		Code:      d.Code.Name,
		Message:   d.Message,
		URL:       d.Code.URL(),
		Transient: d.IsTransient(),
		code:      d.Code,
	}
	f.Line, f.Column = m.BytePosition(d.Span.Start)
	f.EndLine, f.EndColumn = m.BytePosition(d.Span.End)
	f.Column16 = col16(m, d.Span.Start)
	f.EndCol16 = col16(m, d.Span.End)
	for _, fx := range d.Fixes {
		rf := Fix{Title: fx.Title, Preferred: fx.Preferred}
		if fx.Command != nil {
			rf.Command = fx.Command.Name
		}
		for _, e := range fx.Edits {
			re := Edit{Path: relPath(snap.Path(e.File), base), NewText: e.NewText, Line: 1, Column: 1, EndLine: 1, EndColumn: 1}
			if em := snap.Mapper(e.File); em != nil && !e.Create {
				re.Line, re.Column = em.BytePosition(e.Span.Start)
				re.EndLine, re.EndColumn = em.BytePosition(e.Span.End)
			}
			rf.Edits = append(rf.Edits, re)
		}
		f.Fixes = append(f.Fixes, rf)
	}
	return f
}

// col16 returns the 1-based UTF-16 column of off.
func col16(m *span.Mapper, off int) int {
	_, c := m.UTF16Position(off)
	return c + 1
}

// Text writes findings one per line: "path:line:col: severity: message [code]".
func Text(w io.Writer, findings []Finding) error {
	for _, f := range findings {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", f.Path, f.Line, f.Column, f.Severity, f.Message, f.Code); err != nil {
			return err
		}
	}
	return nil
}

// JSONReport is the -format json document.
type JSONReport struct {
	Diagnostics []Finding `json:"diagnostics"`
	// Failures are analyzers that could not run, as "analyzer: error".
	Failures []string `json:"failures,omitempty"`
}

// JSON writes findings as a JSONReport.
func JSON(w io.Writer, findings []Finding, failures []string) error {
	if findings == nil {
		findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(JSONReport{Diagnostics: findings, Failures: failures})
}

// Errors counts findings of error severity.
func Errors(findings []Finding) int {
	n := 0
	for _, f := range findings {
		if f.Severity == analyzers.Error.String() {
			n++
		}
	}
	return n
}
