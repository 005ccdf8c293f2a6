package analyzers

import (
	"fmt"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// Workspace checks the rules the go command enforces on a workspace
// before it builds anything.
var Workspace = &Analyzer{
	Name: "workspace",
	Doc: `check the rules the go command enforces on a go.work workspace

The go command refuses to work in a workspace (cmd/go/internal/modload:
LoadWorkFile, loadModFile, makeMainModules) when:

- go.work uses one directory twice ("path ... appears multiple times in
  workspace"), or two directories whose go.mod declare the same module path
  ("module ... appears multiple times in workspace");
- a module's go line is 1.21 or later and newer than go.work's (go 1.18
  when go.work has none): "module ... listed in go.work file requires go >=
  X, but go.work lists go Y"; the fix raises go.work's go line, as "go
  work use" does;
- go.work replaces one of its own modules at every version;
- the module being edited is inside the directory of a go.work (or the one
  GOWORK names) that does not use it: "current directory is contained in a
  module that is not one of the workspace modules listed in go.work"; the
  fix runs "go work use ." (GOWORK=off builds the module on its own).

In go.work each problem is reported on the line that causes it. In a
module of the workspace it is reported on the module's own line when it
has one (its go line, its module line), else on the module line, naming
the go.work line: the go command fails in every module of the workspace.`,
	Codes: []*Code{CodeOutsideWorkspace, CodeWorkspaceDuplicate, CodeWorkGoTooOld, CodeReplaceMainModule},
	Run:   runWorkspace,
}

func runWorkspace(pass *Pass) error {
	snap := pass.Snapshot
	plan := modplan.Of(snap)
	if w := plan.OutsideWorkspace(); w != "" {
		if a, ok := headAnchor(snap); ok && a.File == snapshot.GoMod {
			pass.Report(Diagnostic{File: a.File, Span: a.Span, Code: CodeOutsideWorkspace, Severity: Error,
				Message: fmt.Sprintf("current directory is contained in a module that is not one of the workspace modules listed in go.work. You can add the module to the workspace using: go work use . (go.work: %s; or set GOWORK=off to build the module on its own)", plan.ShortPath(w)),
				Fixes:   []fixes.Fix{fixes.RunGoCommand(snap.Dir, "work", "use", ".")}})
		}
		return nil
	}
	path, ws := plan.InWorkspace()
	if !ws {
		return nil
	}
	wf, _ := snap.WorkFile()
	if wf == nil || wf.Work == nil {
		return nil
	}
	// own is the snapshot's go.work when it is the workspace's.
	var own *gomod.File
	if snap.Work != nil && samePath(path, snap.Path(snapshot.GoWork)) {
		own = snap.Work
	}
	report := func(code *Code, line *modfile.Line, msg string, fx ...fixes.Fix) {
		a, ok := anchorAt(snap, plan, path, line)
		if !ok {
			return
		}
		d := Diagnostic{File: a.File, Span: a.Span, Code: code, Severity: Error, Message: msg + a.Where}
		if a.Exact {
			d.Fixes = fx
		}
		pass.Report(d)
	}
	deleteUse := func(u *modfile.Use) []fixes.Fix {
		if own == nil {
			return nil
		}
		return []fixes.Fix{fixes.DeleteLine(snapshot.GoWork, own, u.Syntax, "Remove this use directive")}
	}

	// LoadWorkFile: a directory used twice.
	root := filepath.Dir(path)
	seen := map[string]*modfile.Use{}
	for _, u := range wf.Work.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		if first := seen[dir]; first != nil {
			report(CodeWorkspaceDuplicate, u.Syntax, fmt.Sprintf("path %s appears multiple times in workspace (also on line %d of go.work): the go command refuses go.work", dir, first.Syntax.Start.Line), deleteUse(u)...)
			continue
		}
		seen[dir] = u
	}

	// loadModFile: a module whose go line is newer than go.work's. In
	// go.work the fix sets its go line to the highest of them.
	wv, verb := "1.18", "implicitly requires"
	if wf.Work.Go != nil {
		wv, verb = wf.Work.Go.Version, "lists"
	}
	need := ""
	var tooOld []*modplan.MainModule
	for _, m := range plan.Mains() {
		if mv := goLine(m.File); modplan.CompareGo(mv, wv) > 0 && modplan.CompareGo(mv, "1.21") >= 0 {
			tooOld = append(tooOld, m)
			if modplan.CompareGo(mv, need) > 0 {
				need = mv
			}
		}
	}
	for _, m := range tooOld {
		mv := goLine(m.File)
		msg := fmt.Sprintf("module %s listed in go.work file requires go >= %s, but go.work %s go %s; to update it: go work use", plan.ShortPath(m.Dir), mv, verb, wv)
		if own == nil && snap.Mod != nil && snap.Mod.Mod.Go != nil && samePath(m.Dir, snap.Dir) {
			// In the module, on its go line; the fix runs go work use.
			pass.Report(Diagnostic{File: snapshot.GoMod, Span: snap.Mod.LineSpan(snap.Mod.Mod.Go.Syntax), Code: CodeWorkGoTooOld, Severity: Error,
				Message: msg + " (in " + plan.ShortPath(path) + ")", Fixes: []fixes.Fix{fixes.RunGoCommand(snap.Dir, "work", "use")}})
			continue
		}
		line := m.Use.Syntax
		if wf.Work.Go != nil {
			line = wf.Work.Go.Syntax
		}
		var fx []fixes.Fix
		if own != nil {
			fx = []fixes.Fix{setWorkGo(own, need)}
			fx[0].Preferred = true
		}
		report(CodeWorkGoTooOld, line, msg, fx...)
	}

	// makeMainModules: one module path twice; a workspace module replaced
	// at every version.
	byPath := map[string]*modplan.MainModule{}
	for _, m := range plan.Mains() {
		if m.File.Module == nil {
			continue
		}
		p := m.File.Module.Mod.Path
		if first := byPath[p]; first != nil {
			report(CodeWorkspaceDuplicate, m.Use.Syntax, fmt.Sprintf("module %s appears multiple times in workspace (%s and %s): the go command refuses the workspace", p, plan.ShortPath(first.Dir), plan.ShortPath(m.Dir)), deleteUse(m.Use)...)
			continue
		}
		byPath[p] = m
	}
	for _, r := range wf.Work.Replace {
		if r.Old.Version == "" && byPath[r.Old.Path] != nil {
			var fx []fixes.Fix
			if own != nil {
				fx = []fixes.Fix{fixes.DeleteLine(snapshot.GoWork, own, r.Syntax, "Remove this replace")}
			}
			report(CodeReplaceMainModule, r.Syntax, fmt.Sprintf("workspace module %s is replaced at all versions in the go.work file. To fix, remove the replacement from the go.work file or specify the version at which to replace the module.", r.Old.Path), fx...)
		}
	}
	return nil
}

// goLine is a go.mod's go version as the go command takes it
// (gover.FromGoMod: 1.16 when there is none).
func goLine(f *modfile.File) string {
	if f.Go == nil {
		return "1.16"
	}
	return f.Go.Version
}

// setWorkGo is the fix that sets go.work's go line to v (adding one when
// it has none).
func setWorkGo(w *gomod.File, v string) fixes.Fix {
	title := "Set go.work's go line to " + v
	if g := w.Work.Go; g != nil {
		if toks := w.LineTokens(g.Syntax); len(toks) >= 2 {
			return fixes.ReplaceToken(snapshot.GoWork, toks[1], v, title)
		}
	}
	return fixes.Fix{Title: title, Edits: []fixes.Edit{{File: snapshot.GoWork, Span: span.Span{}, NewText: "go " + v + "\n\n"}}}
}
