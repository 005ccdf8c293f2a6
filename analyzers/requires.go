package analyzers

import (
	"fmt"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Requires reports require lines the go command refuses to leave as they
// are.
var Requires = &Analyzer{
	Name: "requires",
	Doc: `report require lines that make the go command stop with "updates to go.mod needed"

With -mod=readonly (the default) and in vendor mode, the go command stops
with "updates to go.mod needed" when go.mod's requirements are not what it
would write itself (cmd/go/internal/modload):

- duplicate-require: one module path required at two versions (its
  requirements have a redundant root); go mod tidy keeps the higher one.
  The same version twice is accepted (a warning: go mod tidy merges the
  lines).
- excluded-require: a require of a version that an exclude of the same
  go.mod excludes; the go command ignores it ("ignoring requirement on
  excluded version") and go mod tidy drops it. A require of an excluded
  version does not count as a duplicate.

With -mod=mod in GOFLAGS the go command rewrites go.mod itself, and in
workspace mode it does not check; both are warnings then. The fixes remove
the line, as go mod tidy would.`,
	Codes: []*Code{CodeDuplicateRequire, CodeExcludedRequire},
	Run:   runRequires,
}

func runRequires(pass *Pass) error {
	snap := pass.Snapshot
	f := snap.Mod
	if f == nil {
		return nil
	}
	plan := modplan.Of(snap)
	excluded := map[module.Version]*modfile.Exclude{}
	for _, x := range f.Mod.Exclude {
		excluded[x.Mod] = x
	}
	// When the go command accepts requirements it would not write, and
	// why.
	accepted := ""
	if mode := plan.Mode(); mode.Explicit && mode.Mod == modplan.ModMod {
		accepted = "GOFLAGS has -mod=mod, so the go command rewrites go.mod itself"
	} else if _, ws := plan.InWorkspace(); ws {
		accepted = "the workspace's go command accepts it; with GOWORK=off it stops with \"updates to go.mod needed\""
	}
	ignored := map[*modfile.Line]bool{}
	for _, r := range f.Mod.Require {
		x := excluded[r.Mod]
		if x == nil {
			continue
		}
		ignored[r.Syntax] = true
		d := Diagnostic{File: snapshot.GoMod, Span: f.LineSpan(r.Syntax), Code: CodeExcludedRequire, Severity: Error,
			Message: fmt.Sprintf("%s %s is excluded (line %d): the go command ignores this requirement and stops with \"updates to go.mod needed\" (go mod tidy drops it); remove this line", r.Mod.Path, r.Mod.Version, x.Syntax.Start.Line),
			Fixes:   []fixes.Fix{fixes.DeleteLine(snapshot.GoMod, f, r.Syntax, "Remove this requirement")}}
		d.Fixes[0].Preferred = true
		if accepted != "" {
			d.Severity = Warning
			d.Message = fmt.Sprintf("%s %s is excluded (line %d), so the go command ignores this requirement; not an error now: %s", r.Mod.Path, r.Mod.Version, x.Syntax.Start.Line, accepted)
		}
		pass.Report(d)
	}
	byPath := map[string][]*modfile.Require{}
	var paths []string
	for _, r := range f.Mod.Require {
		if ignored[r.Syntax] {
			continue
		}
		if byPath[r.Mod.Path] == nil {
			paths = append(paths, r.Mod.Path)
		}
		byPath[r.Mod.Path] = append(byPath[r.Mod.Path], r)
	}
	for _, path := range paths {
		rs := byPath[path]
		if len(rs) < 2 {
			continue
		}
		keep := rs[0]
		for _, r := range rs[1:] {
			if semver.Compare(r.Mod.Version, keep.Mod.Version) > 0 {
				keep = r
			}
		}
		for _, r := range rs {
			if r == keep {
				continue
			}
			d := Diagnostic{File: snapshot.GoMod, Span: f.LineSpan(r.Syntax), Code: CodeDuplicateRequire, Severity: Error,
				Fixes: []fixes.Fix{fixes.DeleteLine(snapshot.GoMod, f, r.Syntax, "Remove this requirement")}}
			d.Fixes[0].Preferred = true
			switch {
			case r.Mod.Version == keep.Mod.Version:
				d.Severity = Warning
				d.Message = fmt.Sprintf("%s is required twice at %s (also on line %d): the go command accepts it, and go mod tidy merges the lines", path, r.Mod.Version, keep.Syntax.Start.Line)
			default:
				d.Message = fmt.Sprintf("%s is required twice, at %s here and at %s on line %d: the go command stops with \"updates to go.mod needed\" (go mod tidy keeps %s); remove this line", path, r.Mod.Version, keep.Mod.Version, keep.Syntax.Start.Line, keep.Mod.Version)
				if accepted != "" {
					d.Severity = Warning
					d.Message = fmt.Sprintf("%s is required twice, at %s here and at %s on line %d; not an error now: %s (keeping %s)", path, r.Mod.Version, keep.Mod.Version, keep.Syntax.Start.Line, accepted, keep.Mod.Version)
				}
			}
			d.Related = []Related{{File: snapshot.GoMod, Span: f.LineSpan(keep.Syntax), Message: "the other requirement"}}
			pass.Report(d)
		}
	}
	return nil
}
