// Package analyzers holds gomodls' checks, one Analyzer per check, in the
// spirit of golang.org/x/tools/go/analysis.
//
// An Analyzer is a plain value: a name, a Doc string that is its user
// documentation, the diagnostic codes it may report, and a Run function over
// a Pass. A Pass gives the analyzer an immutable snapshot of one directory
// (its go.mod, go.sum, go.work, go.work.sum and the effective Go
// environment) and a way to report diagnostics. Analyzers never know which
// driver runs them: the language server (package lsp) and `gomodls check`
// (package internal/checker) are both drivers.
package analyzers

import (
	"context"
	"fmt"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// An Analyzer describes one check.
type Analyzer struct {
	// Name identifies the analyzer in settings, logs and documentation. It is
	// a lower-case identifier.
	Name string

	// Doc is the documentation: the first line is a one-line summary, the
	// rest (after a blank line) is the longer explanation users read in
	// docs/diagnostics.md.
	Doc string

	// Codes lists every diagnostic code the analyzer may report. Reporting a
	// code not listed here is a bug that the framework catches in tests.
	Codes []*Code

	// Network marks analyzers that consult the module source (proxies,
	// checksum database). Drivers run them in the background, after the local
	// analyzers have already published, and cancel them when the input
	// changes.
	Network bool

	// Run applies the analyzer to a Pass. It reports diagnostics through
	// pass.Report and returns an error only when the analysis itself could not
	// run (never for findings).
	Run func(*Pass) error
}

func (a *Analyzer) String() string { return a.Name }

// Title returns the first line of Doc.
func (a *Analyzer) Title() string {
	title, _, _ := strings.Cut(a.Doc, "\n")
	return title
}

// A Pass is one application of an Analyzer to a snapshot.
type Pass struct {
	Analyzer *Analyzer
	Snapshot *snapshot.Snapshot
	// Context is cancelled when the result is no longer wanted (the document
	// changed, the request was cancelled, the check deadline passed).
	Context context.Context
	// Report records a diagnostic. It is safe for concurrent use.
	Report func(Diagnostic)
}

// Reportf reports a diagnostic with the code's default severity.
func (p *Pass) Reportf(file snapshot.FileKind, sp span.Span, code *Code, format string, args ...any) {
	p.Report(Diagnostic{File: file, Span: sp, Code: code, Severity: code.Severity, Message: fmt.Sprintf(format, args...)})
}

// Severity mirrors the LSP severities; the CLI prints them as words.
type Severity int

const (
	Error       Severity = 1
	Warning     Severity = 2
	Information Severity = 3
	Hint        Severity = 4
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Information:
		return "info"
	case Hint:
		return "hint"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses the String form (and "information").
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(s) {
	case "error":
		return Error, true
	case "warning", "warn":
		return Warning, true
	case "info", "information":
		return Information, true
	case "hint":
		return Hint, true
	}
	return 0, false
}

// Tag mirrors the LSP diagnostic tags.
type Tag int

const (
	Unnecessary Tag = 1 // rendered faded out
	Deprecated  Tag = 2 // rendered struck through
)

// A Diagnostic is one finding, positioned in one file of the snapshot.
type Diagnostic struct {
	File     snapshot.FileKind
	Span     span.Span
	Severity Severity
	Code     *Code
	Message  string
	Tags     []Tag
	Related  []Related
	Fixes    []fixes.Fix
	// Transient marks a report that rests on an answer that may differ
	// when asked again although its code does not always (Code.Transient).
	Transient bool
}

// IsTransient reports whether d rests on an answer that may differ when
// asked again: a check that reported it must run again, not be repeated.
func (d Diagnostic) IsTransient() bool { return d.Transient || d.Code != nil && d.Code.Transient }

// Related points at another place that explains the diagnostic. Either
// File (a file of the same snapshot) with Span, or Path (any file, shown
// at its first line) is set.
type Related struct {
	File    snapshot.FileKind
	Span    span.Span
	Path    string
	Message string
}
