// Copyright 2026 The gomodls Authors.

package analyzers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// Vulns reports module versions and Go releases with known vulnerabilities.
var Vulns = &Analyzer{
	Name: "vulns",
	Doc: `report module versions and Go toolchains with known vulnerabilities

Each require (not redirected by a replace) and each module@version
replacement target is looked up in the Go vulnerability database
(GOVULNDB, default https://vuln.go.dev, read as govulncheck reads it): a
report applies when one of its affected modules is the module and one of
its SEMVER ranges holds the version; withdrawn reports never do. Each
vulnerability is one vulnerable-version diagnostic on the line: its ID and
CVE/GHSA aliases, summary, affected packages, the version that fixes it,
and, for public modules, its pkg.go.dev/vuln page. The quick fix upgrades
to the lowest version of the same major, not retracted, that fixes every
known vulnerability of the module at once; the source action "Upgrade
every vulnerable require" applies that to each.

The Go release the go command will run for the module here (the local
toolchain, or the one the go and toolchain lines make it switch to under
GOTOOLCHAIN=auto or path) is checked against the database's "stdlib" and
"toolchain" (cmd/go) reports: one vulnerable-toolchain diagnostic on the go
line (or the toolchain line that selects it) lists them.

The check is module-level, like ` + "`govulncheck -scan module`" + `: it does not
know whether the code imports the affected packages or calls the
vulnerable symbols, which needs govulncheck's type checker; the message
says so, and the gomodls.govulncheck command runs govulncheck when it is
installed.

Only the database's index and reports by ID are downloaded, never a module
path. They are cached in gomodls' cache directory and re-read when their
modified stamps change; offline, or when the database cannot be reached,
the cached copy answers and vulndb-unavailable says how old it is. The
settings gomodls.vulncheck (on by default) and gomodls.vulncheckDirectOnly
turn the check off or limit it to direct requires.`,
	Codes:   []*Code{CodeVulnerableVersion, CodeVulnerableToolchain, CodeVulnDBUnavailable},
	Network: true,
	Run:     runVulns,
}

// moduleLevel is the caveat every finding carries.
const moduleLevel = "module-level finding: whether your code calls it is not checked (govulncheck does)"

func runVulns(pass *Pass) error {
	snap := pass.Snapshot
	if snap.Vulns == nil || snap.Settings == nil || !snap.Settings.Vulncheck {
		return nil
	}
	db, err := snap.Vulns.Load(pass.Context)
	if err != nil {
		if pass.Context.Err() == nil {
			reportVulnDB(pass, unavailableSeverity(err), "known vulnerabilities not checked: %v", err)
		}
		return nil
	}
	stale := db.Status.Describe(db.Now())
	if db.Status.Err != nil {
		reportVulnDB(pass, Information, "known vulnerabilities checked against an older copy of the database: %s", stale)
	}
	g, ctx := errgroup.WithContext(pass.Context)
	g.SetLimit(16)
	for _, u := range vulnUses(snap) {
		if !db.Has(u.mod.Path) {
			continue
		}
		g.Go(func() error {
			checkModuleVulns(ctx, pass, db, u, stale)
			return nil
		})
	}
	g.Go(func() error {
		checkToolchainVulns(ctx, pass, db, stale)
		return nil
	})
	return g.Wait()
}

// vulnUses lists the module versions to check: those the go command
// downloads (see moduleUses and modplan.Line.Fetched: requires not
// replaced, replacement targets in use; never excludes), direct ones only
// with gomodls.vulncheckDirectOnly.
func vulnUses(s *snapshot.Snapshot) []modUse {
	directOnly := s.Settings.VulncheckDirectOnly
	var out []modUse
	for _, u := range moduleUses(s) {
		if !u.fetched() {
			continue
		}
		switch u.role {
		case roleRequire:
			if directOnly && u.indirect {
				continue
			}
		case roleReplaceTarget:
			if directOnly && replacesIndirect(s, u) {
				continue
			}
		}
		out = append(out, u)
	}
	return out
}

// replacesIndirect reports whether the replace on u's line redirects a
// module that go.mod requires only indirectly.
func replacesIndirect(s *snapshot.Snapshot, u modUse) bool {
	if s.Mod == nil {
		return false
	}
	for _, r := range s.Mod.Mod.Require {
		if r.Mod.Path == u.pl.Old.Path {
			return r.Indirect
		}
	}
	return false
}

func checkModuleVulns(ctx context.Context, pass *Pass, db *osv.DB, u modUse, stale string) {
	path, v := u.mod.Path, u.mod.Version
	entries, err := db.Entries(ctx, path, v)
	if err != nil && ctx.Err() == nil {
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeVulnDBUnavailable, Severity: unavailableSeverity(err),
			Message: fmt.Sprintf("known vulnerabilities of %s not fully checked: %v", u.mod, err)})
	}
	now := db.Now()
	affecting := osv.Affecting(entries, path, v, now)
	if len(affecting) == 0 {
		return
	}
	var fxs []fixes.Fix
	if up := lowestFixedVersion(ctx, pass.Snapshot, path, v, entries, now); up != "" {
		fx := fixes.SetVersion(u.file, u.versionToken(), up)
		fx.Title = fmt.Sprintf("Upgrade to %s (fixes %s)", up, plural(len(affecting), "its known vulnerability", "all %d known vulnerabilities"))
		fxs = append(fxs, fx)
	}
	fxs = append(fxs, fixes.Govulncheck(pass.Snapshot.Dir))
	public := modplan.Of(pass.Snapshot).Public(path)
	for _, e := range affecting {
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeVulnerableVersion, Severity: CodeVulnerableVersion.Severity,
			Message: vulnMessage(u.mod.String(), path, v, e, public, stale), Fixes: fxs})
	}
}

// lowestFixedVersion is the upgrade that fixes every known vulnerability
// of path: chosen from the module's versions (and not retracted) when the
// path may be looked up, else from the reports' fixed versions alone.
func lowestFixedVersion(ctx context.Context, snap *snapshot.Snapshot, path, v string, entries []*osv.Entry, now time.Time) string {
	var known []string
	var allow func(string) bool
	if src := snap.Source; src != nil && modplan.Of(snap).Lookable(path) {
		if vl, err := src.Versions(ctx, path); err == nil {
			known = vl.Versions
		}
		if f, _, _, err := modinfo.LatestGoMod(ctx, src, path); err == nil {
			allow = func(c string) bool { _, r := modinfo.Retracted(f, c); return !r }
		}
	}
	return osv.LowestFixed(entries, v, known, allow, now, path)
}

// vulnMessage describes one vulnerability of a module version: ID, aliases,
// summary, packages, the fixing version and the caveat; the report's page
// when the module is public; how old a stale database copy is.
func vulnMessage(modVersion, path, v string, e *osv.Entry, public bool, stale string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has a known vulnerability: %s", modVersion, e.ID)
	if len(e.Aliases) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(e.Aliases, ", "))
	}
	if t := modinfo.ShortMessage(e.Title(), ""); t != "" {
		b.WriteString(": " + t)
	}
	if pkgs := e.Packages(path); len(pkgs) > 0 {
		fmt.Fprintf(&b, "; %s %s", plural(len(pkgs), "in package", "in packages"), listSome(pkgs, 5))
	}
	if fx := e.Fixed(path, v); fx != "" {
		b.WriteString("; fixed in " + fx)
	} else {
		b.WriteString("; no fixed version is known")
	}
	b.WriteString("; " + moduleLevel)
	if public {
		b.WriteString("; " + e.URL())
	}
	if stale != "" {
		b.WriteString(" (" + stale + ")")
	}
	return b.String()
}

// plural returns one when n is 1, else many (formatted with n if it has a
// verb).
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	if strings.Contains(many, "%d") {
		return fmt.Sprintf(many, n)
	}
	return many
}

// listSome joins the first max items and says how many are left out.
func listSome(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:max], ", "), len(items)-max)
}

// checkToolchainVulns reports the known vulnerabilities of the Go release
// the go command runs for the snapshot's go.work (in workspace mode) or
// go.mod.
func checkToolchainVulns(ctx context.Context, pass *Pass, db *osv.DB, stale string) {
	snap := pass.Snapshot
	if snap.Env == nil {
		return
	}
	kind, f := snapshot.GoWork, snap.Work
	if f == nil {
		kind, f = snapshot.GoMod, snap.Mod
	}
	if f == nil {
		return
	}
	goLine, goSpan, hasGo := goDirective(f)
	tcLine, tcTok, hasTC := toolchainDirective(f)
	run, ok := snap.Env.SelectToolchain(goLine, tcLine)
	if !ok {
		return
	}
	v := osv.GoToSemver(run.Name)
	if v == "" {
		return
	}
	var all []*osv.Entry
	for _, p := range []string{osv.StdlibModule, osv.ToolchainModule} {
		list, err := db.Entries(ctx, p, v)
		if err != nil && ctx.Err() == nil {
			reportVulnDB(pass, unavailableSeverity(err), "known vulnerabilities of %s not fully checked: %v", run.Name, err)
		}
		all = append(all, list...)
	}
	now := db.Now()
	var found []string
	for _, e := range osv.AffectingAny(all, v, now, osv.StdlibModule, osv.ToolchainModule) {
		pkgs := append(e.Packages(osv.StdlibModule), e.Packages(osv.ToolchainModule)...)
		if len(pkgs) > 0 {
			found = append(found, e.ID+" ("+listSome(pkgs, 3)+")")
		} else {
			found = append(found, e.ID)
		}
	}
	if len(found) == 0 {
		return
	}
	sp := goSpan
	switch {
	case run.FromToolchainLine && hasTC:
		sp = tcTok.Span
	case !hasGo:
		sp = anchorSpan(f)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s), which the go command runs for this %s, has %s in the standard library or the go command: %s",
		run.Name, run.Why, kind.Base(), plural(len(found), "a known vulnerability", "%d known vulnerabilities"), listSome(found, 10))
	up := osv.LowestFixed(all, v, nil, nil, now, osv.StdlibModule, osv.ToolchainModule)
	var fxs []fixes.Fix
	if up != "" {
		fixed := osv.SemverToGo(up)
		fmt.Fprintf(&b, "; %s %s", fixed, plural(len(found), "fixes it", "fixes them all"))
		if fx, ok := toolchainFix(kind, f, fixed, hasGo, hasTC, tcTok); ok && run.CanSwitch {
			fxs = append(fxs, fx)
		}
	} else {
		b.WriteString("; no Go release fixes them all yet")
	}
	b.WriteString("; " + strings.Replace(moduleLevel, "calls it", "calls them", 1))
	if stale != "" {
		b.WriteString(" (" + stale + ")")
	}
	fxs = append(fxs, fixes.Govulncheck(snap.Dir))
	pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeVulnerableToolchain, Severity: CodeVulnerableToolchain.Severity, Message: b.String(), Fixes: fxs})
}

// toolchainDirective returns the toolchain line's name and its token.
func toolchainDirective(f *gomod.File) (string, gomod.Token, bool) {
	var name string
	var line *modfile.Line
	switch {
	case f.Mod != nil && f.Mod.Toolchain != nil:
		name, line = f.Mod.Toolchain.Name, f.Mod.Toolchain.Syntax
	case f.Work != nil && f.Work.Toolchain != nil:
		name, line = f.Work.Toolchain.Name, f.Work.Toolchain.Syntax
	default:
		return "", gomod.Token{}, false
	}
	toks := f.LineTokens(line)
	if len(toks) < 2 {
		return "", gomod.Token{}, false
	}
	return name, toks[1], true
}

// toolchainFix sets the toolchain line to release, or adds one after the
// go line, so that the go command switches to it.
func toolchainFix(kind snapshot.FileKind, f *gomod.File, release string, hasGo, hasTC bool, tcTok gomod.Token) (fixes.Fix, bool) {
	title := "Require toolchain " + release + " (the go command downloads it)"
	if hasTC {
		return fixes.ReplaceToken(kind, tcTok, release, title), true
	}
	if !hasGo {
		return fixes.Fix{}, false
	}
	var goSyntax *modfile.Line
	if f.Mod != nil && f.Mod.Go != nil {
		goSyntax = f.Mod.Go.Syntax
	} else if f.Work != nil && f.Work.Go != nil {
		goSyntax = f.Work.Go.Syntax
	}
	if goSyntax == nil {
		return fixes.Fix{}, false
	}
	at := f.FullLineSpan(goSyntax).End
	text := "\ntoolchain " + release + "\n"
	if at == len(f.Content) && (at == 0 || f.Content[at-1] != '\n') {
		text = "\n" + text
	}
	return fixes.Fix{Title: title, Edits: []fixes.Edit{{File: kind, Span: span.Span{Start: at, End: at}, NewText: text}}}, true
}

// unavailableSeverity is vulndb-unavailable's severity for err: lower
// when the client is offline by choice and has no copy.
func unavailableSeverity(err error) Severity {
	if osv.IsNotCached(err) {
		return Information
	}
	return CodeVulnDBUnavailable.Severity
}

// reportVulnDB reports a problem with the database itself, once per
// snapshot file, at its module (or go) line.
func reportVulnDB(pass *Pass, sev Severity, format string, args ...any) {
	snap := pass.Snapshot
	kind, f := snapshot.GoMod, snap.Mod
	if f == nil {
		kind, f = snapshot.GoWork, snap.Work
	}
	if f == nil {
		return
	}
	pass.Report(Diagnostic{File: kind, Span: anchorSpan(f), Code: CodeVulnDBUnavailable, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// anchorSpan is where file-wide findings go: the module line, else the go
// line, else the start of the file.
func anchorSpan(f *gomod.File) span.Span {
	if f.Mod != nil && f.Mod.Module != nil {
		return f.LineSpan(f.Mod.Module.Syntax)
	}
	if _, sp, ok := goDirective(f); ok {
		return sp
	}
	return span.Span{}
}
