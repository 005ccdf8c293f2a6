package analyzers

import (
	"context"
	"fmt"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// PathMismatch reports required modules whose go.mod declares another path.
var PathMismatch = &Analyzer{
	Name: "pathmismatch",
	Doc: `report required modules whose go.mod declares a different module path

The go command fails with "module declares its path as: X but was required
as: Y" when the go.mod of a required version names another path: a case
change (github.com/Sirupsen/logrus), a fork that kept its upstream's module
line, or a missing /vN suffix. The fixes switch the require to the declared
path, or, for a fork, keep the fork by requiring the declared path and
adding a replace that points it at the fork.`,
	Codes:   []*Code{CodeModulePathMismatch},
	Network: true,
	Run: func(pass *Pass) error {
		return eachLookup(pass, notExcluded, func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
			gm, err := src.GoMod(ctx, u.mod.Path, u.mod.Version)
			if err != nil {
				return
			}
			declared := modfile.ModulePath(gm.Data)
			if declared == "" || declared == u.mod.Path {
				return
			}
			requiredAs := u.mod.Path
			if u.role == roleReplaceTarget {
				// The target of a replace may declare either its own path
				// or the replaced one, as forks that keep their upstream's
				// module line do (modload.rawGoModSummary); the go
				// command's message names the replaced path.
				requiredAs = u.pl.Old.Path
				if declared == requiredAs {
					return
				}
			}
			d := Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeModulePathMismatch, Severity: Error,
				Message: fmt.Sprintf("%s: module declares its path as: %s but was required as: %s", u.mod, declared, requiredAs)}
			tok := u.pathToken()
			fx := fixes.ReplaceToken(u.file, tok, declared, "Use the declared path "+declared)
			d.Fixes = append(d.Fixes, fx)
			if u.role == roleRequire && !equalFoldPath(declared, u.mod.Path) {
				// A fork: require the upstream path and redirect it.
				fork := fixes.ReplaceToken(u.file, tok, declared, "Keep the fork: require "+declared+" and replace it with "+u.mod.Path+" "+u.mod.Version)
				fork.Edits = append(fork.Edits, fixes.Edit{File: u.file, Span: endOfFile(u), NewText: fmt.Sprintf("\nreplace %s => %s %s\n", declared, u.mod.Path, u.mod.Version)})
				d.Fixes = append(d.Fixes, fork)
			}
			pass.Report(d)
		})
	},
}

func equalFoldPath(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}

// endOfFile returns the empty span at the end of u's file.
func endOfFile(u modUse) span.Span {
	n := len(u.f.Content)
	return span.Span{Start: n, End: n}
}
