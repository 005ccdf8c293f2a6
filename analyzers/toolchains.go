package analyzers

import (
	"errors"
	"fmt"
	"go/version"
	"slices"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// Toolchains checks that the toolchain the go command switches to can be
// downloaded.
var Toolchains = &Analyzer{
	Name: "toolchains",
	Doc: `check that the toolchain the go or toolchain line asks for is served

With GOTOOLCHAIN=auto (the default), a go or toolchain line newer than the
local Go makes the go command switch toolchains (toolchain.Select): go 1.99
asks for go1.99.0, toolchain go1.99.2 for go1.99.2. Unless that toolchain
is in PATH or already in the module cache, the go command downloads it as
the module golang.org/toolchain@v0.0.1-go1.99.0.GOOS-GOARCH through the
GOPROXY chain, and fails with "download go1.99.0 for linux/amd64: toolchain
not available" when the chain does not serve it.

This analyzer asks the chain for that version, as the go command would,
and reports toolchain-unavailable on the line that asks for it when it is
not served (or the chain fails), with fixes that name toolchains the chain
does serve for this platform and satisfy the go line, or delete a
toolchain line the local Go makes unnecessary. Switches the go command may
not make at all (GOTOOLCHAIN=local or path, GOPROXY=off, GOSUMDB=off) are
the goversion analyzer's.`,
	Codes:   []*Code{CodeToolchainUnavailable},
	Network: true,
	Run:     runToolchains,
}

func runToolchains(pass *Pass) error {
	snap := pass.Snapshot
	env, src := snap.Env, snap.Source
	if env == nil || src == nil {
		return nil
	}
	plan := modplan.Of(snap)
	tc := plan.Toolchain()
	if tc.Target == "" || tc.Err != nil || tc.Mode == "path" {
		return nil
	}
	if plan.OnPath(tc.Target) != "" || plan.ToolchainCached(tc.Target) ||
		plan.LookupBlocked(modplan.ToolchainModule) != "" || !plan.Lookable(modplan.ToolchainModule) {
		return nil
	}
	if env.UseSumDB(modplan.ToolchainModule) {
		if _, err := env.SumDB(); err != nil || env.Get("GOSUMDB") == "off" {
			return nil // goversion says why the go command cannot verify it
		}
	}
	ver := modplan.ModuleVersion(tc.Target)
	_, err := src.Info(pass.Context, modplan.ToolchainModule, ver)
	if err == nil {
		return nil
	}
	var e *modsource.Error
	if !errors.As(err, &e) {
		e = &modsource.Error{Kind: modsource.ProxyError, Err: err}
	}
	switch e.Kind {
	case modsource.Canceled, modsource.Offline, modsource.Invalid:
		return nil
	}
	file, sp := toolchainAnchor(snap, tc)
	mod := modplan.ToolchainModule + "@" + ver
	d := Diagnostic{File: file, Span: sp, Code: CodeToolchainUnavailable, Severity: Error}
	asks := toolchainAsks(tc)
	if e.Kind == modsource.NotFound {
		goSays := fmt.Sprintf("download %s for %s: toolchain not available", tc.Target, modplan.Platform())
		if v := modplan.FromToolchain(tc.Target); version.Lang("go"+v) == "go"+v && version.Compare("go"+v, "go1.21") >= 0 {
			goSays = fmt.Sprintf("invalid toolchain: %s is a language version but not a toolchain version (%s.x)", tc.Target, tc.Target)
		}
		d.Message = fmt.Sprintf("%s: the go command would download %s, which the GOPROXY chain does not serve (%s): it fails with %q", asks, mod, e.Tried(), goSays)
	} else {
		d.Message = fmt.Sprintf("%s: the go command would download %s, and fetching it fails: %s", asks, mod, e.OneLine())
	}
	if tc.Own {
		list, lerr := src.Versions(pass.Context, modplan.ToolchainModule)
		if lerr == nil {
			d.Fixes = servedToolchainFixes(snap, tc, list.Versions)
		}
		d.Fixes = append(d.Fixes, toolchainLocalFixes(tc)...)
	}
	pass.Report(d)
	return nil
}

// toolchainAsks says what asks for tc.Target.
func toolchainAsks(tc modplan.Toolchain) string {
	if tc.Line == "GOTOOLCHAIN" {
		return fmt.Sprintf("GOTOOLCHAIN=%s asks for %s (local go %s)", tc.Setting, tc.Target, strings.TrimPrefix(tc.Local, "go"))
	}
	return fmt.Sprintf("the %s line asks for %s (running go %s; GOTOOLCHAIN=%s)", tc.Line, tc.Target, strings.TrimPrefix(tc.Local, "go"), tc.Setting)
}

// servedToolchainFixes names toolchains the chain serves for this
// platform that satisfy the go line: the newest release of the language
// version asked for, else the oldest newer release. A go line gets a
// toolchain line (which the go command then switches to), a toolchain
// line a new name.
func servedToolchainFixes(snap *snapshot.Snapshot, tc modplan.Toolchain, versions []string) []fixes.Fix {
	if tc.Line != "go" && tc.Line != "toolchain" || tc.F == nil {
		return nil
	}
	goV := ""
	if v, _, ok := goDirective(tc.F); ok {
		goV = v
	}
	want := modplan.FromToolchain(tc.Target)
	var same, newer []string
	for _, v := range versions {
		name, ok := strings.CutPrefix(v, "v0.0.1-")
		if !ok {
			continue
		}
		name, ok = strings.CutSuffix(name, "."+strings.Replace(modplan.Platform(), "/", "-", 1))
		tv := modplan.FromToolchain(name)
		if !ok || tv == "" || name != "go"+tv || strings.ContainsAny(tv, "abcdefghijklmnopqrstuvwxyz") {
			continue // another platform, a custom build, a prerelease
		}
		if goV != "" && version.Compare("go"+tv, "go"+goV) < 0 {
			continue
		}
		switch {
		case version.Lang("go"+tv) == version.Lang("go"+want):
			same = append(same, name)
		case version.Compare("go"+tv, "go"+want) > 0:
			newer = append(newer, name)
		}
	}
	cmp := func(a, b string) int { return version.Compare(a, b) }
	pick := ""
	switch {
	case len(same) > 0:
		pick = slices.MaxFunc(same, cmp)
	case len(newer) > 0:
		pick = slices.MinFunc(newer, cmp)
	default:
		return nil
	}
	title := "Use toolchain " + pick + " (served by the GOPROXY chain)"
	if sp, ok := toolchainSpan(tc.F); ok {
		return []fixes.Fix{{Title: title, Edits: []fixes.Edit{{File: tc.Kind, Span: sp, NewText: pick}}}}
	}
	// A new toolchain line after the go line.
	var goLine span.Span
	switch {
	case tc.F.Mod != nil && tc.F.Mod.Go != nil:
		goLine = tc.F.FullLineSpan(tc.F.Mod.Go.Syntax)
	case tc.F.Work != nil && tc.F.Work.Go != nil:
		goLine = tc.F.FullLineSpan(tc.F.Work.Go.Syntax)
	default:
		return nil
	}
	at := span.Span{Start: goLine.End, End: goLine.End}
	return []fixes.Fix{{Title: "Add toolchain " + pick + " (served by the GOPROXY chain)", Edits: []fixes.Edit{{File: tc.Kind, Span: at, NewText: "\ntoolchain " + pick + "\n"}}}}
}
