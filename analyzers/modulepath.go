package analyzers

import (
	"fmt"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modplan"
)

// ModulePath reports module paths the go command cannot download.
var ModulePath = &Analyzer{
	Name: "modulepath",
	Doc: `report module paths the go command cannot download from anywhere

The go command checks a module path before it asks any proxy or
repository for it (golang.org/x/mod/module.CheckPath, called by
modfetch.Lookup): the first path element must contain a dot (a host name),
and the elements may only use certain characters. A require of such a path
fails with "malformed module path" on every route, and GOPRIVATE does not
help; only a replace can provide the module. Requires that a replace
provides and replace targets that are directories are not reported.`,
	Codes: []*Code{CodeInvalidModulePath},
	Run: func(pass *Pass) error {
		for _, l := range modplan.Of(pass.Snapshot).Lines {
			if !l.Fetched() || l.Mod.Version == "" {
				continue
			}
			err := module.CheckPath(l.Mod.Path)
			if err == nil {
				continue
			}
			u := modUse{file: l.File, f: l.F, line: l.Syntax, mod: l.Mod, pl: l}
			if l.Role == modplan.Replace {
				u.role = roleReplaceTarget
			}
			pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeInvalidModulePath, Severity: Error,
				Message: fmt.Sprintf("%s: %v; the go command can only use it through a replace", l.Mod, err)})
		}
		return nil
	},
}
