package analyzers

import (
	"fmt"
	"go/version"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/godebugs"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Godebug checks godebug lines against the toolchain that will run.
var Godebug = &Analyzer{
	Name: "godebug",
	Doc: `check godebug lines against the settings the toolchain knows

The go command refuses a go.mod (or, in workspace mode, a go.work) whose
godebug lines it does not understand (modload.CheckGodebug): an unknown
setting ("unknown godebug"), one its toolchain removed ("use of removed
godebug"), a default= that is not goVERSION or is newer than the
toolchain, and keys or values with spaces or commas. It checks the keys
only: any value of a known setting is accepted.

The known settings are read from the local toolchain itself
($GOROOT/src/internal/godebugs/table.go, parsed when needed), never from a
list in gomodls. When the go or toolchain line makes the go command switch
to a newer toolchain, that toolchain decides: a setting the local one does
not know is then a warning. In workspace mode the godebug lines of go.mod
are not used (the go.work's are): they are warnings, which would matter
with GOWORK=off.`,
	Codes: []*Code{CodeGodebugInvalid},
	Run:   runGodebug,
}

func runGodebug(pass *Pass) error {
	snap := pass.Snapshot
	env := snap.Env
	if env == nil {
		return nil
	}
	plan := modplan.Of(snap)
	tc := plan.Toolchain()
	if tc.Local == "" || tc.Err != nil {
		return nil // no toolchain to ask, or the go command fails before (goversion)
	}
	table, err := godebugs.Load(env.Get("GOROOT"))
	if err != nil {
		return nil // a toolchain without the table: nothing to compare with
	}
	workPath, inWorkspace := plan.InWorkspace()
	for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
		f := snap.ModFile(kind)
		own := true
		if kind == snapshot.GoWork && inWorkspace && f == nil {
			// The go.work above the module: its lines fail here too.
			f, _ = snap.WorkFile()
			own = false
		}
		if f == nil {
			continue
		}
		var lines []*modfile.Godebug
		switch {
		case kind == snapshot.GoMod && f.Mod != nil:
			lines = f.Mod.Godebug
		case kind == snapshot.GoWork && f.Work != nil:
			lines = f.Work.Godebug
		}
		// modload.loadModFile checks go.mod's lines outside workspace
		// mode only; loadWorkFile checks go.work's.
		ignored := ""
		if kind == snapshot.GoMod && inWorkspace {
			ignored = "the go command does not use go.mod's godebug lines in workspace mode (go.work's apply), but fails on this one with GOWORK=off"
		}
		if kind == snapshot.GoWork && !inWorkspace {
			continue
		}
		for _, g := range lines {
			d, ok := checkGodebug(f, kind, g, tc, table)
			if !ok {
				continue
			}
			if ignored != "" {
				d.Severity = Warning
				d.Message += "; " + ignored
			}
			if !own {
				// Positions and fixes belong to another file: say where.
				file, sp, ok := envAnchor(snap)
				if !ok || file != snapshot.GoMod {
					continue
				}
				where := fmt.Sprintf("%s:%d", workPath, g.Syntax.Start.Line)
				d.File, d.Span, d.Fixes = file, sp, nil
				d.Message = where + ": " + d.Message + " (the workspace's go.work, which the go command loads here)"
				d.Related = []Related{{Path: workPath, Message: "the godebug line"}}
			}
			pass.Report(d)
		}
	}
	return nil
}

// checkGodebug applies modload.CheckGodebug to one line.
func checkGodebug(f *gomod.File, kind snapshot.FileKind, g *modfile.Godebug, tc modplan.Toolchain, table *godebugs.Table) (Diagnostic, bool) {
	// The key=value token is the line's last.
	var tok gomod.Token
	sp := f.LineSpan(g.Syntax)
	if toks := f.LineTokens(g.Syntax); len(toks) > 0 {
		tok = toks[len(toks)-1]
		sp = tok.Span
	}
	d := Diagnostic{File: kind, Span: sp, Code: CodeGodebugInvalid, Severity: Error}
	replace := func(text string) {
		if tok.Text != "" {
			d.Fixes = append(d.Fixes, fixes.ReplaceToken(kind, tok, text, "Change to "+text))
		}
	}
	del := fixes.DeleteLine(kind, f, g.Syntax, "Delete the godebug line")
	running := tc.Running()
	fails := fmt.Sprintf("so every go command fails to load %s", kind.Base())
	k, v := g.Key, g.Value
	switch {
	case strings.ContainsAny(k, " \t"):
		d.Message = "godebug key contains space, " + fails
	case strings.ContainsAny(v, " \t"):
		d.Message = "godebug value contains space, " + fails
	case strings.Contains(k, ","):
		d.Message = "godebug key contains comma, " + fails
	case strings.Contains(v, ","):
		d.Message = "godebug value contains comma, " + fails
	case k == "default":
		gv, ok := strings.CutPrefix(v, "go")
		switch {
		case !ok || !version.IsValid("go"+gv):
			d.Message = "value for default= must be goVERSION, " + fails
		case version.Compare("go"+gv, running) > 0:
			d.Message = fmt.Sprintf("default=%s too new (toolchain is %s), %s", v, running, fails)
			replace("default=" + version.Lang(running))
		default:
			return d, false
		}
	default:
		if _, ok := table.Lookup(k); ok {
			return d, false
		}
		if minor, ok := table.Removed(k); ok {
			d.Message = fmt.Sprintf("use of removed godebug %q, see https://go.dev/doc/godebug#go-1%d: %s removed it, %s", k, minor, tc.Local, fails)
			break
		}
		d.Message = fmt.Sprintf("unknown godebug %q: %s does not know it (its settings are listed in %s), %s", k, tc.Local, table.File, fails)
		if near := nearestSetting(table, k); near != "" {
			d.Message += "; did you mean " + near + "?"
			replace(near + "=" + v)
		}
		if tc.Target != "" {
			// The toolchain the go command switches to decides.
			d.Severity = Warning
			d.Message += fmt.Sprintf("; but the go command switches to %s here (the %s line), which may know it", tc.Target, tc.Line)
		}
	}
	d.Fixes = append(d.Fixes, del)
	return d, true
}

// nearestSetting returns the known setting closest to name when it is a
// likely typo (at most two edits away), or "".
func nearestSetting(table *godebugs.Table, name string) string {
	best, bestD := "", 3
	for _, s := range table.Names() {
		if d := editDistance(name, s); d < bestD || d == bestD && s < best {
			best, bestD = s, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
