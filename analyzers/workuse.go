package analyzers

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// WorkUse checks the use directives of go.work.
var WorkUse = &Analyzer{
	Name: "workuse",
	Doc: `check that every go.work use directive names a module directory

Each directory named by a use directive must exist and contain a go.mod
file; otherwise the go command fails for every package in the workspace.
Relative paths are resolved against the go.work's directory.`,
	Codes: []*Code{CodeUseDirMissing},
	Run: func(pass *Pass) error {
		w := pass.Snapshot.Work
		if w == nil {
			return nil
		}
		for _, u := range w.Work.Use {
			dir := u.Path
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(pass.Snapshot.Dir, dir)
			}
			toks := w.LineTokens(u.Syntax)
			sp := w.LineSpan(u.Syntax)
			if len(toks) > 0 {
				sp = toks[len(toks)-1].Span
			}
			remove := fixes.DeleteLine(snapshot.GoWork, w, u.Syntax, "Remove this use directive")
			info, err := pass.Snapshot.FS.Stat(dir)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				pass.Report(Diagnostic{File: snapshot.GoWork, Span: sp, Code: CodeUseDirMissing, Severity: Error,
					Message: "directory " + u.Path + " does not exist (resolved to " + dir + ")", Fixes: []fixes.Fix{remove}})
				continue
			case err != nil:
				pass.Reportf(snapshot.GoWork, sp, CodeUseDirMissing, "cannot read directory %s: %v", u.Path, err)
				continue
			case !info.IsDir():
				pass.Report(Diagnostic{File: snapshot.GoWork, Span: sp, Code: CodeUseDirMissing, Severity: Error,
					Message: u.Path + " is a file, not a directory", Fixes: []fixes.Fix{remove}})
				continue
			}
			if _, err := pass.Snapshot.FS.Stat(filepath.Join(dir, "go.mod")); err != nil {
				pass.Report(Diagnostic{File: snapshot.GoWork, Span: sp, Code: CodeUseDirMissing, Severity: Error,
					Message: "directory " + u.Path + " has no go.mod file; run `go mod init` there or remove the use directive",
					Fixes:   []fixes.Fix{remove}})
			}
		}
		return nil
	},
}
