package analyzers

import (
	"fmt"
	"go/version"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// GoVersion reports go and toolchain lines that the local toolchain cannot
// satisfy.
var GoVersion = &Analyzer{
	Name: "goversion",
	Doc: `report go and toolchain lines the go command cannot satisfy here

The go line of go.mod or go.work is the minimum Go version; the toolchain
line names the toolchain to use. The go command picks the toolchain that
runs as toolchain.Select does: the local one, or the minimum GOTOOLCHAIN
names, or, when GOTOOLCHAIN allows switching (auto, the default, path, or
a +auto / +path suffix), the newer one that the go or toolchain line of
go.work (in workspace mode) or go.mod asks for (go 1.99 asks for go1.99.0).

go-version-unsupported is reported when that cannot work here: switching
is not allowed (GOTOOLCHAIN=local or a fixed version: "go.mod requires go
>= X (running go Y; GOTOOLCHAIN=...)"); GOTOOLCHAIN=path and the toolchain
is not in PATH ("cannot find \"go1.99.0\" in PATH"); or the toolchain would
have to be downloaded, is neither in PATH nor in the module cache, and the
go command may not download it: GOPROXY=off, or GOSUMDB=off or malformed
(toolchain downloads are always verified with the checksum database). Whether
the proxy serves the toolchain is the toolchains analyzer's question.

toolchain-invalid is reported for a GOTOOLCHAIN or toolchain line the go
command refuses ("invalid GOTOOLCHAIN", "invalid toolchain"), and for a
toolchain line of go.mod that it drops, which fails every build with
"updates to go.mod needed": toolchain default, a toolchain older than
go1.21, or one that repeats the go line (go 1.22 with toolchain go1.22).
With -mod=mod the go command rewrites go.mod instead (a warning).`,
	Codes: []*Code{CodeGoVersionUnsupported, CodeToolchainInvalid},
	Run:   runGoVersion,
}

func runGoVersion(pass *Pass) error {
	snap := pass.Snapshot
	if snap.Env == nil {
		return nil
	}
	plan := modplan.Of(snap)
	tc := plan.Toolchain()
	if tc.Local == "" {
		return nil // no go binary: we cannot know what would run
	}
	if tc.Err != nil {
		reportToolchainErr(pass, tc)
		return nil
	}
	reportDroppedToolchain(pass, plan)
	setting := tc.Setting
	if tc.Target != "" {
		if d, ok := switchFails(pass, plan, tc); ok {
			pass.Report(d)
			return nil
		}
		if tc.Line != "GOTOOLCHAIN" {
			return nil // the newer toolchain satisfies the go lines
		}
	}
	// No switch (or only to GOTOOLCHAIN's minimum): every go line must be
	// satisfied by the toolchain that runs (modload's TooNewError).
	running := tc.Running()
	for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
		f := snap.ModFile(kind)
		if f == nil {
			continue
		}
		goLine, sp, ok := goDirective(f)
		if !ok || version.Compare("go"+goLine, running) <= 0 {
			continue
		}
		pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeGoVersionUnsupported, Severity: Error,
			Message: fmt.Sprintf("%s requires go >= %s (running go %s; GOTOOLCHAIN=%s)", kind.Base(), goLine, strings.TrimPrefix(running, "go"), setting)})
	}
	return nil
}

// switchFails reports a switch to tc.Target that cannot happen here.
func switchFails(pass *Pass, plan *modplan.Plan, tc modplan.Toolchain) (Diagnostic, bool) {
	env := pass.Snapshot.Env
	if plan.OnPath(tc.Target) != "" {
		return Diagnostic{}, false // toolchain.Exec runs it from PATH
	}
	file, sp := toolchainAnchor(pass.Snapshot, tc)
	d := Diagnostic{File: file, Span: sp, Code: CodeGoVersionUnsupported, Severity: Error}
	asks := toolchainAsks(tc)
	if tc.Mode == "path" {
		d.Message = fmt.Sprintf("%s: the go command looks for it in PATH only and fails: cannot find %q in PATH", asks, tc.Target)
		return d, true
	}
	// Downloaded or taken from the module cache, a toolchain is verified
	// with the checksum database (modfetch.useSumDB, checkMod).
	mod := modplan.ToolchainModule + "@" + modplan.ModuleVersion(tc.Target)
	if env.UseSumDB(modplan.ToolchainModule) {
		if _, err := env.SumDB(); err != nil {
			d.Message = fmt.Sprintf("%s: the go command would verify %s with the checksum database, but %v", asks, mod, err)
			return d, true
		}
		if env.Get("GOSUMDB") == "off" {
			d.Message = fmt.Sprintf("%s: the go command would download %s, but it verifies toolchains (downloaded or cached) with the checksum database even when GOSUMDB=off, so it fails (checksum database disabled by GOSUMDB=off)", asks, mod)
			d.Fixes = toolchainLocalFixes(tc)
			return d, true
		}
	}
	if plan.ToolchainCached(tc.Target) {
		return Diagnostic{}, false
	}
	if why := plan.LookupBlocked(modplan.ToolchainModule); why != "" {
		d.Message = fmt.Sprintf("%s: the go command would download %s, but %s: it fails with \"download %s for %s: toolchain not available\"", asks, mod, why, tc.Target, modplan.Platform())
		d.Fixes = toolchainLocalFixes(tc)
		return d, true
	}
	return Diagnostic{}, false
}

// toolchainLocalFixes offers to run the local toolchain instead of the
// one the toolchain line asks for, when the go line allows it: delete the
// toolchain line.
func toolchainLocalFixes(tc modplan.Toolchain) []fixes.Fix {
	if tc.Line != "toolchain" || !tc.Own || tc.F == nil {
		return nil
	}
	var goV string
	var l *modfile.Line
	switch f := tc.F; {
	case f.Mod != nil && f.Mod.Toolchain != nil:
		l = f.Mod.Toolchain.Syntax
		if f.Mod.Go != nil {
			goV = f.Mod.Go.Version
		}
	case f.Work != nil && f.Work.Toolchain != nil:
		l = f.Work.Toolchain.Syntax
		if f.Work.Go != nil {
			goV = f.Work.Go.Version
		}
	default:
		return nil
	}
	if goV != "" && version.Compare("go"+goV, tc.Local) > 0 {
		return nil // the go line needs a newer toolchain anyway
	}
	return []fixes.Fix{fixes.DeleteLine(tc.Kind, tc.F, l, "Delete the toolchain line (run the local "+tc.Local+")")}
}

// toolchainAnchor is where a diagnostic about the toolchain the go command
// switches to goes: the line that asks for it, in the snapshot's file, or
// the module line when that is in a go.work above.
func toolchainAnchor(snap *snapshot.Snapshot, tc modplan.Toolchain) (snapshot.FileKind, span.Span) {
	if tc.Own && tc.F != nil {
		switch tc.Line {
		case "go":
			if _, sp, ok := goDirective(tc.F); ok {
				return tc.Kind, sp
			}
		case "toolchain":
			if sp, ok := toolchainSpan(tc.F); ok {
				return tc.Kind, sp
			}
		}
	}
	file, sp, _ := envAnchor(snap)
	return file, sp
}

// reportToolchainErr reports a GOTOOLCHAIN or toolchain line the go
// command refuses.
func reportToolchainErr(pass *Pass, tc modplan.Toolchain) {
	snap := pass.Snapshot
	msg := tc.Err.Error() + ": every go command fails"
	if strings.HasPrefix(msg, "invalid toolchain ") && tc.Own {
		if sp, ok := toolchainSpan(tc.F); ok {
			pass.Report(Diagnostic{File: tc.Kind, Span: sp, Code: CodeToolchainInvalid, Severity: Error, Message: msg + " (GOTOOLCHAIN=" + tc.Setting + " reads it)"})
		}
		return
	}
	file, sp, ok := envAnchor(snap)
	if !ok {
		return
	}
	advice, fx := envFix(snap.Env, "GOTOOLCHAIN", "")
	if advice != "" {
		msg += "; " + advice
	}
	v := snap.Env.Lookup("GOTOOLCHAIN")
	pass.Report(Diagnostic{File: file, Span: sp, Code: CodeToolchainInvalid, Severity: Error,
		Message: fmt.Sprintf("GOTOOLCHAIN=%q (%s): %s", v.Value, v.Where(), msg), Fixes: fx})
}

// reportDroppedToolchain reports a toolchain line of go.mod that the go
// command drops when it writes go.mod (modload.UpdateGoModFromReqs): with
// -mod=readonly, go build and go list stop with "updates to go.mod
// needed".
func reportDroppedToolchain(pass *Pass, plan *modplan.Plan) {
	snap := pass.Snapshot
	f := snap.Mod
	if f == nil || f.Mod == nil || f.Mod.Toolchain == nil || f.Mod.Go == nil {
		return
	}
	if _, ws := plan.InWorkspace(); ws {
		return // go.mod is not written in workspace mode
	}
	name, goV := f.Mod.Toolchain.Name, f.Mod.Go.Version
	tv := modplan.FromToolchain(name)
	var why string
	switch {
	case name == "default":
		why = "toolchain default is only for go get and go env; in go.mod it says nothing"
	case name == "go"+goV:
		why = fmt.Sprintf("it repeats the go line (go %s implies toolchain go%s)", goV, goV)
	case tv == "":
		why = "it does not name a Go toolchain"
	case version.Compare("go"+tv, "go1.21") < 0:
		why = "toolchains older than go1.21 do not understand the toolchain line"
	default:
		return
	}
	sp, _ := toolchainSpan(f)
	d := Diagnostic{File: snapshot.GoMod, Span: sp, Code: CodeToolchainInvalid, Severity: Error,
		Message: fmt.Sprintf("toolchain %s: the go command drops this line (%s), so go build, go list and go test fail with \"updates to go.mod needed\" until go mod tidy removes it", name, why),
		Fixes:   []fixes.Fix{fixes.DeleteLine(snapshot.GoMod, f, f.Mod.Toolchain.Syntax, "Delete the toolchain line")}}
	if mode := plan.Mode(); mode.Mod == modplan.ModMod {
		d.Severity = Warning
		d.Message = fmt.Sprintf("toolchain %s: the go command drops this line (%s); with %s it rewrites go.mod without it", name, why, mode.Reason)
	}
	d.Fixes[0].Preferred = true
	pass.Report(d)
}

// toolchainSpan returns the span of the toolchain line's name.
func toolchainSpan(f *gomod.File) (span.Span, bool) {
	var l *modfile.Line
	switch {
	case f.Mod != nil && f.Mod.Toolchain != nil:
		l = f.Mod.Toolchain.Syntax
	case f.Work != nil && f.Work.Toolchain != nil:
		l = f.Work.Toolchain.Syntax
	default:
		return span.Span{}, false
	}
	if toks := f.LineTokens(l); len(toks) >= 2 {
		return toks[1].Span, true
	}
	return f.LineSpan(l), true
}

// goDirective returns the go line's version and the span of its version
// token.
func goDirective(f *gomod.File) (string, span.Span, bool) {
	var v string
	if f.Mod != nil && f.Mod.Go != nil {
		v = f.Mod.Go.Version
		toks := f.LineTokens(f.Mod.Go.Syntax)
		if len(toks) >= 2 {
			return v, toks[1].Span, true
		}
	}
	if f.Work != nil && f.Work.Go != nil {
		v = f.Work.Go.Version
		toks := f.LineTokens(f.Work.Go.Syntax)
		if len(toks) >= 2 {
			return v, toks[1].Span, true
		}
	}
	return "", span.Span{}, false
}
