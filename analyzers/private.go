package analyzers

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modplan"
)

// Private checks that modules that can only be fetched privately are
// configured as private, and that the private-module patterns work.
var Private = &Analyzer{
	Name: "private",
	Doc: `check GOPRIVATE, GONOPROXY and GONOSUMDB against the modules of the file

A private module must be matched by GONOPROXY (which defaults to
GOPRIVATE), or the go command sends its path to the GOPROXY chain, usually
the public proxy.golang.org, which cannot serve it and learns the path. It
must also be matched by GONOSUMDB (which also defaults to GOPRIVATE), or
the checksum database is asked about it and refuses. This analyzer reports,
without any network access:

- a required module that is evidently private (no dot in its first path
  element, an internal host name such as .corp, .internal, .local, .lan or
  .home.arpa, an IP address, or a host whose other modules GOPRIVATE
  matches) and that GONOPROXY does not match;
- a module GONOPROXY matches but GONOSUMDB does not (while GOSUMDB is on);
- GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE patterns that cannot match
  what was meant (spaces, URL schemes, trailing "/..."), reported on the
  requires the corrected pattern would match, and patterns so broad that
  they silently disable checksum verification for public hosts.

The fixes merge a pattern into GOPRIVATE with ` + "`go env -w`" + ` (keeping the
existing patterns) or set it in the workspace settings. A public proxy
refusing a module is reported by the versions analyzer.`,
	Codes: []*Code{CodePrivateModuleNotConfigured, CodeEnvPattern},
	Run:   runPrivate,
}

func runPrivate(pass *Pass) error {
	env := pass.Snapshot.Env
	if env == nil {
		return nil
	}
	plan := modplan.Of(pass.Snapshot)
	uses := moduleUses(pass.Snapshot)
	hosts := newPrivateHosts(env, uses)
	reported := map[string]bool{}
	for _, u := range uses {
		if reported[u.mod.Path] || (!u.fetched() && u.pl.Vendored == "") || module.CheckPath(u.mod.Path) != nil {
			continue // the modulepath analyzer reports paths no route can fetch
		}
		route := plan.Route(u.mod.Path)
		if route.NoProxy == "" {
			if d, ok := unconfiguredPrivate(pass, plan, hosts, u, route); ok {
				reported[u.mod.Path] = true
				pass.Report(u.vendored(d))
			}
			continue
		}
		if route.SumDB {
			reported[u.mod.Path] = true
			pass.Report(u.vendored(noSumDBDiagnostic(pass, u, route)))
		}
	}
	reportPatternFindings(pass, env, uses)
	return nil
}

// unconfiguredPrivate reports a module that looks private but goes to the
// GOPROXY chain. It is an error only where the go command is sure to fail
// and leak the path: the chain starts with a public proxy, which cannot
// reach an internal host. Through a corporate proxy the module may well be
// served; with GOPROXY=direct nothing leaks to a proxy.
func unconfiguredPrivate(pass *Pass, plan *modplan.Plan, hosts privateHosts, u modUse, route modplan.Route) (Diagnostic, bool) {
	env := pass.Snapshot.Env
	why := goenv.EvidentlyPrivate(u.mod.Path)
	shared := false
	if why == "" {
		other := hosts.sharedWith(u.mod.Path)
		if other == "" {
			return Diagnostic{}, false
		}
		why, shared = "GOPRIVATE matches "+other+" on the same host", true
	}
	first := ""
	if len(route.Proxies) > 0 {
		first = route.Proxies[0].URL
	}
	if !plan.PublicProxy(first) {
		return Diagnostic{}, false
	}
	pat := goenv.PrivatePattern(u.mod.Path)
	d := Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodePrivateModuleNotConfigured, Severity: Error,
		Message: fmt.Sprintf("%s is private (%s), but GOPRIVATE/GONOPROXY do not match it: `go mod tidy` will ask %s for it, leaking the path, and fail; set GOPRIVATE to include %s",
			u.mod.Path, why, proxyNames(env), pat),
		Fixes: privateFixes(env, "GOPRIVATE", pat)}
	if shared {
		// Another module of the owner being private does not make this
		// one private: the proxy's answer decides (the versions analyzer
		// reports a refusal with this evidence). Without a module source,
		// say what may be wrong.
		if pass.Snapshot.Source != nil {
			return Diagnostic{}, false
		}
		d.Severity = Warning
		d.Message = fmt.Sprintf("%s may be private (%s), but GOPRIVATE/GONOPROXY do not match it: if it is, `go mod tidy` asks %s for it, leaking the path, and fails; set GOPRIVATE to include %s",
			u.mod.Path, why, proxyNames(env), pat)
	}
	return d, true
}

// noSumDBDiagnostic reports a module that goes direct (GONOPROXY) while
// the checksum database would still be asked about it. The go command
// asks only for go.sum lines it does not have yet
// (modfetch.checkModSum), so the error is certain only when go.sum lacks
// one; otherwise it is a warning about the next version.
func noSumDBDiagnostic(pass *Pass, u modUse, route modplan.Route) Diagnostic {
	env := pass.Snapshot.Env
	sum := pass.Snapshot.Sum
	complete := sum != nil && sum.Has(u.mod.Path, u.mod.Version, true) && (u.indirect || sum.Has(u.mod.Path, u.mod.Version, false))
	d := Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodePrivateModuleNotConfigured, Severity: Error,
		Message: fmt.Sprintf("%s is fetched directly (GONOPROXY pattern %s) but GONOSUMDB does not match it: `go mod tidy` will ask the checksum database %s about it, which fails with 404/410 for private modules (and leaks the path); add %s to GONOSUMDB, or use GOPRIVATE for both",
			u.mod.Path, route.NoProxy, firstWord(env.Get("GOSUMDB")), route.NoProxy),
		Fixes: privateFixes(env, "GONOSUMDB", route.NoProxy)}
	if complete {
		d.Severity = Warning
		d.Message = fmt.Sprintf("%s is fetched directly (GONOPROXY pattern %s) but GONOSUMDB does not match it: go.sum has its lines, so the go command does not ask the checksum database %s now, but it will for the next version, and fail (leaking the path); add %s to GONOSUMDB, or use GOPRIVATE for both",
			u.mod.Path, route.NoProxy, firstWord(env.Get("GOSUMDB")), route.NoProxy)
	}
	return d
}

func proxyNames(env *goenv.Env) string {
	chain, err := env.ProxyChain()
	if err != nil {
		return "GOPROXY"
	}
	var names []string
	for _, p := range chain {
		if p.URL == "noproxy" {
			continue
		}
		names = append(names, p.Redacted())
	}
	if len(names) == 0 {
		return "GOPROXY"
	}
	return strings.Join(names, ", ")
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// reportPatternFindings turns the environment's pattern findings into
// diagnostics on the lines they matter for: a pattern that never matches is
// reported on each require its corrected form would match; a too-broad
// pattern on the first require of a public host it matches.
func reportPatternFindings(pass *Pass, env *goenv.Env, uses []modUse) {
	for _, f := range env.Findings() {
		if f.Pattern == "" {
			continue
		}
		fixed := f.Suggestion
		for _, u := range uses {
			_, now := goenv.MatchPattern(env.Get(f.Var), u.mod.Path)
			_, then := goenv.MatchPattern(fixed, u.mod.Path)
			broad := strings.Contains(f.Problem, "narrow it")
			if (!now && then) || (broad && now && !then) {
				pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeEnvPattern, Severity: Warning,
					Message: fmt.Sprintf("%s pattern %q: %s; corrected: %s=%s", f.Var, f.Pattern, f.Problem, f.Var, fixed),
					Fixes:   []fixes.Fix{fixes.GoEnvWrite(f.Var, fixed), fixes.SetEnvSetting(f.Var, fixed)}})
				if broad {
					break
				}
			}
		}
	}
}
