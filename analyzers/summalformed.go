package analyzers

import (
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// SumMalformed reports malformed, duplicate and conflicting go.sum lines.
var SumMalformed = &Analyzer{
	Name: "summalformed",
	Doc: `report malformed, duplicate and conflicting lines in go.sum and go.work.sum

A line the go command cannot read ("malformed go.sum") makes every command
in the module fail. A hash that is not an h1: SHA-256 digest, an invalid
module path or version, and two different hashes for the same module
version are errors. An exact duplicate is harmless to the go command and is
reported as a warning with a fix that deletes it.`,
	Codes: []*Code{CodeSumMalformed},
	Run: func(pass *Pass) error {
		for _, kind := range []snapshot.FileKind{snapshot.GoSum, snapshot.GoWorkSum} {
			f := pass.Snapshot.Sum
			if kind == snapshot.GoWorkSum {
				f = pass.Snapshot.WorkSum
			}
			if f == nil {
				continue
			}
			for _, e := range f.Errors {
				d := Diagnostic{File: kind, Span: e.Span, Code: CodeSumMalformed, Severity: Error, Message: e.Msg}
				if e.Duplicate {
					d.Severity = Warning
					d.Tags = []Tag{Unnecessary}
					fix := fixes.DeleteLineNum(kind, f.Mapper, e.Num, "Delete duplicate line")
					fix.Preferred = true
					d.Fixes = []fixes.Fix{fix}
				} else if f.LineAt(e.Num) == nil {
					d.Fixes = []fixes.Fix{fixes.DeleteLineNum(kind, f.Mapper, e.Num, "Delete malformed line")}
				}
				pass.Report(d)
			}
		}
		return nil
	},
}
