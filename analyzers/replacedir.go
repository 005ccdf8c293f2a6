package analyzers

import (
	"errors"
	"io/fs"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
)

// ReplaceDir checks replace directives that point at local directories.
var ReplaceDir = &Analyzer{
	Name: "replacedir",
	Doc: `check replace directives that point at local directories

A replacement that is a file path (starting with ./, ../ or /) must name a
directory that exists, contains a go.mod file, and whose go.mod declares the
module path being replaced; otherwise every go command in the module fails
("replacement directory ... does not exist", "module declares its path as
... but was required as ..."). Relative paths are resolved against the
directory of the go.mod (or go.work) that contains the replace. Replaces in
go.work are checked the same way.

The go command reads a replacement directory only when it uses the replace
(see package modplan): a replace of a module nothing requires, of a version
that is not the required one, or one that a go.work replace overrides is
reported as a warning that says when it would matter. So is every
replacement directory in vendor mode, where the go command builds from the
vendor directory instead.`,
	Codes: []*Code{CodeReplaceDirMissing, CodeReplaceDirNoGoMod, CodeReplaceModuleMismatch},
	Run: func(pass *Pass) error {
		for _, l := range modplan.Of(pass.Snapshot).Lines {
			if l.Role == modplan.Replace && l.Dir() {
				checkReplaceDir(pass, l)
			}
		}
		return nil
	},
}

func checkReplaceDir(pass *Pass, l *modplan.Line) {
	kind, f := l.File, l.F
	r := &modfile.Replace{Old: l.Old, New: l.Mod, Syntax: l.Syntax}
	target, _, _ := f.ReplaceTargetTokens(r.Syntax)
	sp := target.Span
	if sp.Empty() {
		sp = f.LineSpan(r.Syntax)
	}
	dir := r.New.Path
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(pass.Snapshot.Dir, dir)
	}
	remove := fixes.DeleteLine(kind, f, r.Syntax, "Remove this replace")
	// The go command reads a replacement directory only when it uses the
	// replace. Projects point modules that must never be required at a
	// directory that does not exist on purpose (etcd's "go.etcd.io/etcd =>
	// ./FORBIDDEN_DEPENDENCY"): a replace of a module nothing requires is
	// information only; one the go command ignores for another reason (a
	// go.work replace overrides it, another version is required) is a
	// warning, since it matters as soon as that changes.
	sev, unused := CodeReplaceDirMissing.Severity, ""
	switch {
	case l.Ignored != "":
		sev, unused = Warning, "; not an error now: "+l.Ignored
		if len(modplan.Of(pass.Snapshot).Required(l.Old.Path)) == 0 {
			sev = Information
		}
	case l.Vendored != "":
		sev, unused = Warning, "; not an error now: "+l.Vendored
	}
	fsys := pass.Snapshot.FS
	info, err := fsys.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceDirMissing, Severity: sev,
			Message: "replacement directory " + r.New.Path + " does not exist (resolved to " + dir + ")" + unused,
			Fixes:   []fixes.Fix{remove}})
		return
	case err != nil:
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceDirMissing, Severity: sev,
			Message: "replacement directory " + r.New.Path + " cannot be read: " + err.Error() + unused})
		return
	case !info.IsDir():
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceDirMissing, Severity: sev,
			Message: "replacement " + r.New.Path + " is a file, not a directory (resolved to " + dir + ")" + unused,
			Fixes:   []fixes.Fix{remove}})
		return
	}
	gomodPath := filepath.Join(dir, "go.mod")
	data, err := fsys.ReadFile(gomodPath)
	if err != nil {
		msg := "replacement directory " + r.New.Path + " has no go.mod file"
		if !errors.Is(err, fs.ErrNotExist) {
			msg = "cannot read " + gomodPath + ": " + err.Error()
		}
		if unused == "" {
			sev = CodeReplaceDirNoGoMod.Severity
		}
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceDirNoGoMod, Severity: sev,
			Message: msg + "; the go command needs a module root here (run `go mod init " + r.Old.Path + "` in it, or point the replace at the directory that has the go.mod)" + unused,
			Fixes:   []fixes.Fix{remove}})
		return
	}
	// The go command reads dependency go.mod files leniently.
	mf, err := modfile.ParseLax(gomodPath, data, nil)
	if err != nil {
		if unused == "" {
			sev = Error
		}
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceModuleMismatch, Severity: sev,
			Message: "the go.mod in replacement directory " + r.New.Path + " cannot be parsed, so the go command fails: " + err.Error() + unused,
			Related: []Related{{Path: gomodPath, Message: "replacement go.mod"}}})
		return
	}
	declared := ""
	if mf.Module != nil {
		declared = mf.Module.Mod.Path
	}
	if declared == "" {
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceModuleMismatch, Severity: CodeReplaceModuleMismatch.Severity,
			Message: r.New.Path + "/go.mod has no module line, but it replaces " + r.Old.Path + "; the go command accepts this for a directory, but the replacement is probably not the module you meant",
			Related: []Related{{Path: gomodPath, Message: "replacement go.mod"}}})
		return
	}
	if declared != r.Old.Path {
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeReplaceModuleMismatch, Severity: CodeReplaceModuleMismatch.Severity,
			Message: r.New.Path + "/go.mod declares module " + declared + ", but it replaces " + r.Old.Path +
				"; the go command accepts this for a directory, and then looks for " + r.Old.Path + "'s packages in that module",
			Related: []Related{{Path: gomodPath, Message: "declares module " + declared}}})
	}
}
