package analyzers

import (
	"fmt"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
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
	uses := moduleUses(pass.Snapshot)
	hosts := newPrivateHosts(env, uses)
	sumdbOff := env.Get("GOSUMDB") == "off"
	reported := map[string]bool{}
	for _, u := range uses {
		if reported[u.mod.Path] {
			continue
		}
		_, noProxy := env.MatchNoProxy(u.mod.Path)
		if !noProxy {
			why := goenv.EvidentlyPrivate(u.mod.Path)
			if why == "" {
				if other := hosts.sharedWith(u.mod.Path); other != "" {
					why = "GOPRIVATE matches " + other + " on the same host"
				}
			}
			if why != "" {
				pat := goenv.PrivatePattern(u.mod.Path)
				reported[u.mod.Path] = true
				pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodePrivateModuleNotConfigured, Severity: Error,
					Message: fmt.Sprintf("%s is private (%s), but GOPRIVATE/GONOPROXY do not match it: `go mod tidy` will ask %s for it, leaking the path, and fail; set GOPRIVATE to include %s",
						u.mod.Path, why, proxyNames(env), pat),
					Fixes: privateFixes(env, "GOPRIVATE", pat)})
				continue
			}
		}
		if noProxy && !sumdbOff {
			if _, noSum := env.MatchNoSumDB(u.mod.Path); !noSum {
				pat, _ := env.MatchNoProxy(u.mod.Path)
				reported[u.mod.Path] = true
				pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodePrivateModuleNotConfigured, Severity: Error,
					Message: fmt.Sprintf("%s is fetched directly (GONOPROXY pattern %s) but GONOSUMDB does not match it: `go mod tidy` will ask the checksum database %s about it, which fails with 404/410 for private modules (and leaks the path); add %s to GONOSUMDB, or use GOPRIVATE for both",
						u.mod.Path, pat, firstWord(env.Get("GOSUMDB")), pat),
					Fixes: privateFixes(env, "GONOSUMDB", pat)})
			}
		}
	}
	reportPatternFindings(pass, env, uses)
	return nil
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
