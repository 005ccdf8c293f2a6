package analyzers

import (
	"fmt"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// SumMissing reports go.mod lines whose go.sum entries are missing.
var SumMissing = &Analyzer{
	Name: "summissing",
	Doc: `report requires whose go.sum entries are missing

The go command needs the /go.mod hash of every module version in the module
graph before it reads that go.mod, and the zip hash of every module it
builds packages from. With -mod=readonly (the default) it never adds them on
its own: "go build", "go test" and "go list" stop with "missing go.sum entry".

For each require of go.mod (unless a replace redirects it) and each
module@version replacement of a required module, a missing "/go.mod" line is
an error, reported on the require (or replace) line. A missing zip line of a
direct require (one without "// indirect", whose packages the module
imports) is a warning.

The check is local and immediate: it is cleared as soon as go.sum holds the
lines, whether the edit happens in the editor or on disk. Its fix adds the
exact lines, as "go mod download" would: those the checksum database
records, or, for modules GOSUMDB=off or GONOSUMDB/GOPRIVATE exclude from it,
the hashes of what the GOPROXY chain serves. The fix is offered once the
hashes are known without waiting: from an earlier lookup, the persistent
checksum database cache, the module cache or gomodls' cache (the network
analyzer sumverify looks them up in the background). No hash is ever
invented.

Nothing is reported where the go command would not fail: in workspace mode
(go.work; it records missing sums in go.work.sum), with -mod=mod (it adds
them) or -mod=vendor (or a vendor directory with go 1.14 or later), and for a
module without any go.sum yet ("go mod tidy" creates it; hover says so).`,
	Codes: []*Code{CodeSumMissing},
	Run:   runSumMissing,
}

func runSumMissing(pass *Pass) error {
	snap := pass.Snapshot
	missing := MissingSums(snap)
	diags := make([]Diagnostic, len(missing))
	var all []string // every line the fixes add
	fixable := 0
	for i, m := range missing {
		sums := cachedSums(snap, m.Mod)
		diags[i] = m.Diagnostic(snap, sums)
		if len(diags[i].Fixes) > 0 {
			fixable++
			all = append(all, sums.Lines(m.Direct)...)
		}
	}
	if fixable > 1 {
		// Quick fixes of several lines all insert at the same places; one
		// fix adding every line is the one "fix all" applies (identical on
		// every diagnostic, so it is applied once).
		allFix, _ := fixes.AddSumLines(snapshot.GoSum, snap.Sum, all, fmt.Sprintf("Add all %d missing go.sum entries", fixable))
		allFix.Preferred = true
		for i := range diags {
			if len(diags[i].Fixes) > 0 {
				diags[i].Fixes[0].Preferred = false
				diags[i].Fixes = append(diags[i].Fixes, allFix)
			}
		}
	}
	for _, d := range diags {
		pass.Report(d)
	}
	return nil
}

func cachedSums(snap *snapshot.Snapshot, m module.Version) *sumcheck.Sums {
	if snap.Sums == nil {
		return nil
	}
	return snap.Sums.CachedSums(m.Path, m.Version)
}

// A MissingSum is a go.sum entry that a go.mod line needs and go.sum
// lacks.
type MissingSum struct {
	Mod  module.Version // the module version the hashes are for (a replacement's target)
	File snapshot.FileKind
	Span span.Span // the module path (the replacement's) on its line
	// GoMod is set when the "/go.mod" line is missing (an error); Zip when
	// the zip line of a direct require is missing (alone: a warning).
	GoMod, Zip bool
	// Direct says that the module provides packages to the main module
	// (its require has no "// indirect"): the fix adds its zip line too.
	Direct bool
	// Replaces is the required module a replacement stands in for.
	Replaces string
}

// MissingSums returns the go.sum entries the snapshot's go.mod needs and its
// go.sum lacks, in go.mod order (see SumMissing for the rules).
func MissingSums(snap *snapshot.Snapshot) []MissingSum {
	if snap.Mod == nil || snap.Sum == nil || !sumsRequired(snap) {
		return nil
	}
	plan := modplan.Of(snap)
	required := map[string][]*modfile.Require{}
	for _, r := range snap.Mod.Mod.Require {
		required[r.Mod.Path] = append(required[r.Mod.Path], r)
	}
	var out []MissingSum
	for _, u := range moduleUses(snap) {
		if u.file != snapshot.GoMod || u.role == roleExclude || module.Check(u.mod.Path, u.mod.Version) != nil {
			continue // not a module the go command could fetch: other analyzers say why
		}
		m := MissingSum{Mod: u.mod, File: u.file, Span: u.pathSpan(), Direct: !u.indirect}
		if u.role == roleReplaceTarget {
			// A replacement matters only when the go command uses it for
			// a module the go.mod requires.
			if !u.fetched() {
				continue
			}
			req := false
			m.Direct = false
			for _, r := range required[u.pl.Old.Path] {
				if rep := plan.Replacement(r.Mod); rep != nil && rep.Line == u.pl {
					req = true
					m.Direct = m.Direct || !r.Indirect
				}
			}
			if !req {
				continue
			}
			m.Replaces = u.pl.Old.Path
		}
		m.GoMod = !snap.Sum.Has(m.Mod.Path, m.Mod.Version, true)
		m.Zip = m.Direct && !snap.Sum.Has(m.Mod.Path, m.Mod.Version, false)
		if m.GoMod || m.Zip {
			out = append(out, m)
		}
	}
	return out
}

// Diagnostic returns the sum-missing diagnostic, with the fix adding the
// lines when sums (possibly nil) has them.
func (m MissingSum) Diagnostic(snap *snapshot.Snapshot, sums *sumcheck.Sums) Diagnostic {
	what := m.Mod.Path + " " + m.Mod.Version
	if m.Replaces != "" {
		what += " (the replacement of " + m.Replaces + ")"
	}
	d := Diagnostic{File: m.File, Span: m.Span, Code: CodeSumMissing, Severity: Error}
	switch {
	case m.GoMod && m.Zip:
		d.Message = fmt.Sprintf("missing go.sum entry for %s/go.mod and its zip hash: go build, go test and go list stop with \"missing go.sum entry\" until they are added (go mod download %s)", what, m.Mod.Path)
	case m.GoMod:
		d.Message = fmt.Sprintf("missing go.sum entry for %s/go.mod: go build, go test and go list stop with \"missing go.sum entry for go.mod file\" until it is added (go mod download %s)", what, m.Mod.Path)
	default:
		d.Severity = Warning
		d.Message = fmt.Sprintf("missing go.sum entry for the zip hash of %s: building its packages stops with \"missing go.sum entry for module providing package\" (go mod download %s)", what, m.Mod.Path)
	}
	if fx, ok := m.Fix(snap, sums); ok {
		d.Fixes = []fixes.Fix{fx}
	}
	return d
}

// Fix returns the fix that adds the missing lines from sums: only hashes
// verified by the checksum database, or computed from served content for
// modules it may not be asked about, and never when served content
// contradicts the database. It is false when there is nothing to add.
func (m MissingSum) Fix(snap *snapshot.Snapshot, sums *sumcheck.Sums) (fixes.Fix, bool) {
	if sums == nil || sums.Path != m.Mod.Path || sums.Version != m.Mod.Version || sums.Conflict() != "" {
		return fixes.Fix{}, false
	}
	// Lines already in go.sum are skipped: the zip line is added for a
	// direct require, the /go.mod line when it is missing.
	lines := sums.Lines(m.Direct)
	title := fmt.Sprintf("Add go.sum lines for %s %s (%s)", m.Mod.Path, m.Mod.Version, sums.Origin())
	fx, ok := fixes.AddSumLines(snapshot.GoSum, snap.Sum, lines, title)
	fx.Preferred = ok
	return fx, ok
}

// sumsRequired reports whether the go command insists on go.sum entries
// for this go.mod (modload.mustHaveSums): in module mode, with
// -mod=readonly (see modplan.Plan.Mode).
func sumsRequired(snap *snapshot.Snapshot) bool {
	if snap.Env == nil {
		return true
	}
	plan := modplan.Of(snap)
	// In a workspace the go command checks go.work.sum; outside the
	// go.work that covers the directory it refuses to run at all.
	if plan.OutsideWorkspace() != "" {
		return false
	} else if _, ws := plan.InWorkspace(); ws {
		return false
	}
	// -mod=mod adds them; in vendor mode (-mod=vendor, or a vendor
	// directory with go 1.14 or later) the go command reads no go.sum.
	return plan.Mode().Mod == modplan.ModReadonly
}
