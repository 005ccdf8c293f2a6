// Package checker runs analyzers over a snapshot. It is the one engine
// behind both front ends: the language server and `gomodls check`.
//
// It isolates analyzers from each other (a panic or error in one is
// reported, not fatal), applies the user's settings (disabled codes,
// severity overrides) and suppression comments, and returns the diagnostics
// in a stable order.
package checker

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// A Failure is an analyzer that could not run to completion.
type Failure struct {
	Analyzer *analyzers.Analyzer
	Err      error
}

func (f Failure) Error() string { return f.Analyzer.Name + ": " + f.Err.Error() }

// Run applies each analyzer to snap, concurrently, and returns the
// diagnostics that survive settings and suppressions, sorted by file and
// position. Analyzers that fail are returned as failures; their partial
// diagnostics are kept.
func Run(ctx context.Context, snap *snapshot.Snapshot, list []*analyzers.Analyzer) ([]analyzers.Diagnostic, []Failure) {
	var (
		mu       sync.Mutex
		diags    []analyzers.Diagnostic
		failures []Failure
		wg       sync.WaitGroup
	)
	for _, a := range list {
		if snap.Settings != nil && snap.Settings.Disabled(a.Name) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pass := &analyzers.Pass{
				Analyzer: a,
				Snapshot: snap,
				Context:  ctx,
				Report: func(d analyzers.Diagnostic) {
					mu.Lock()
					diags = append(diags, d)
					mu.Unlock()
				},
			}
			if err := runOne(pass); err != nil {
				mu.Lock()
				failures = append(failures, Failure{a, err})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	diags = Filter(snap, diags)
	Sort(diags)
	sort.Slice(failures, func(i, j int) bool { return failures[i].Analyzer.Name < failures[j].Analyzer.Name })
	return diags, failures
}

// runOne runs an analyzer, turning a panic into an error so that one buggy
// check cannot take the language server down.
func runOne(pass *analyzers.Pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return pass.Analyzer.Run(pass)
}

// Filter drops diagnostics whose code is disabled or suppressed by a
// "// gomodls:ignore code" comment, and applies severity overrides.
func Filter(snap *snapshot.Snapshot, diags []analyzers.Diagnostic) []analyzers.Diagnostic {
	out := diags[:0]
	for _, d := range diags {
		if d.Code == nil {
			continue
		}
		if snap.Settings != nil {
			if snap.Settings.Disabled(d.Code.Name) {
				continue
			}
			if s, ok := snap.Settings.Severity[d.Code.Name]; ok {
				if sev, ok := analyzers.ParseSeverity(s); ok {
					d.Severity = sev
				}
			}
		}
		if suppressed(snap, d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// IgnoreDirective is the comment that suppresses diagnostics on its line
// (or, as a whole-line comment, on the next line).
const IgnoreDirective = "gomodls:ignore"

func suppressed(snap *snapshot.Snapshot, d analyzers.Diagnostic) bool {
	content := snap.Content(d.File)
	m := snap.Mapper(d.File)
	if content == nil || m == nil {
		return false
	}
	line := m.Line(d.Span.Start)
	if ignores(lineText(content, m, line), d.Code.Name) {
		return true
	}
	if line > 0 {
		prev := strings.TrimSpace(lineText(content, m, line-1))
		if strings.HasPrefix(prev, "//") && ignores(prev, d.Code.Name) {
			return true
		}
	}
	return false
}

func lineText(content []byte, m interface {
	LineStart(int) int
	LineEnd(int) int
}, line int) string {
	return string(content[m.LineStart(line):m.LineEnd(line)])
}

// ignores reports whether a line's comment suppresses code. The directive
// takes a comma- or space-separated list of codes; "all" matches every code.
func ignores(line, code string) bool {
	i := strings.Index(line, "//")
	if i < 0 {
		return false
	}
	comment := line[i+2:]
	j := strings.Index(comment, IgnoreDirective)
	if j < 0 {
		return false
	}
	rest := comment[j+len(IgnoreDirective):]
	if k := strings.Index(rest, "//"); k >= 0 {
		rest = rest[:k]
	}
	for _, f := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if f == code || f == "all" {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, position, code and message.
func Sort(diags []analyzers.Diagnostic) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i], diags[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		if a.Code.Name != b.Code.Name {
			return a.Code.Name < b.Code.Name
		}
		return a.Message < b.Message
	})
}
