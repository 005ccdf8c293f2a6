package analyzers

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// ToolRequire reports tool directives whose package no required module
// provides.
var ToolRequire = &Analyzer{
	Name: "toolrequire",
	Doc: `report tool directives whose package no required module provides

A tool directive (go 1.24) names a package that "go tool" runs. The module
that provides it is the required module whose path is the longest prefix
of the package path (or a main module). When no require of go.mod (of any
module of the workspace) and no main module is a prefix of it, every
command that loads the tool fails with "no required module provides
package": go tool, go list tool, go build all, go mod vendor. (go build ./...
and go test ./... do not load tools and still succeed.) With -mod=mod in
GOFLAGS the go command adds the requirement itself: a warning then.

Standard-library paths (no dot in the first element) are not checked. A
package of a main module must have its directory; whether a required
module really contains the package is known only from its zip and is not
checked here. The fix runs "go mod tidy", which adds the
module; "go get <package>" does the same.`,
	Codes: []*Code{CodeToolNotRequired},
	Run:   runToolRequire,
}

func runToolRequire(pass *Pass) error {
	snap := pass.Snapshot
	f := snap.Mod
	if f == nil || len(f.Mod.Tool) == 0 {
		return nil
	}
	plan := modplan.Of(snap)
	mode := plan.Mode()
	for _, t := range f.Mod.Tool {
		first, _, _ := strings.Cut(t.Path, "/")
		if !strings.Contains(first, ".") {
			continue
		}
		if m, ok := providedBy(plan, t.Path); ok {
			if m == nil {
				continue
			}
			// A package of a main module: its directory must exist.
			rel := strings.TrimPrefix(strings.TrimPrefix(t.Path, m.File.Module.Mod.Path), "/")
			dir := filepath.Join(m.Dir, filepath.FromSlash(rel))
			if fi, err := snap.FS.Stat(dir); err != nil || !fi.IsDir() {
				pass.Report(Diagnostic{File: snapshot.GoMod, Span: f.LineSpan(t.Syntax), Code: CodeToolNotRequired, Severity: Error,
					Message: fmt.Sprintf("tool %s: no required module provides package %s: it would be in main module %s, which has no directory %s; `go tool`, `go list tool`, `go mod vendor` and `go build all` fail", t.Path, t.Path, m.File.Module.Mod.Path, plan.ShortPath(dir)),
					Fixes:   []fixes.Fix{fixes.DeleteLine(snapshot.GoMod, f, t.Syntax, "Remove this tool directive")}})
			}
			continue
		}
		name := t.Path[strings.LastIndex(t.Path, "/")+1:]
		d := Diagnostic{File: snapshot.GoMod, Span: f.LineSpan(t.Syntax), Code: CodeToolNotRequired, Severity: Error,
			Message: fmt.Sprintf("tool %s: no required module provides package %s; to add it: go get %s (or go mod tidy): `go tool %s`, `go list tool`, `go mod vendor` and `go build all` fail until then (`go build ./...` does not load tools)", t.Path, t.Path, t.Path, name),
			Fixes:   []fixes.Fix{fixes.RunGoCommand(filepath.Dir(f.Name), "mod", "tidy"), fixes.DeleteLine(snapshot.GoMod, f, t.Syntax, "Remove this tool directive")}}
		if mode.Explicit && mode.Mod == modplan.ModMod {
			d.Severity = Warning
			d.Message = fmt.Sprintf("tool %s: no require of go.mod provides package %s; not an error now: GOFLAGS has -mod=mod, so `go tool %s` adds the requirement itself", t.Path, t.Path, name)
		}
		pass.Report(d)
	}
	return nil
}

// providedBy reports whether a main module, or a module a main module
// requires, has a path that is a prefix of pkg (modload.importFromModules
// looks for the package in each of them), and which main module, when the
// longest such path is a main module's.
func providedBy(plan *modplan.Plan, pkg string) (*modplan.MainModule, bool) {
	for p := pkg; ; {
		if len(plan.Required(p)) > 0 {
			return nil, true
		}
		for _, m := range plan.Mains() {
			if m.File.Module != nil && m.File.Module.Mod.Path == p {
				return m, true
			}
		}
		i := strings.LastIndex(p, "/")
		if i < 0 {
			return nil, false
		}
		p = p[:i]
	}
}
