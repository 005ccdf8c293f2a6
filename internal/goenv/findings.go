// Copyright 2026 The gomodls Authors.

package goenv

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/mod/module"
)

// Severity of a Finding.
type Severity string

const (
	SeverityError   Severity = "error"   // the setting cannot do what it was meant to (a pattern that never matches)
	SeverityWarning Severity = "warning" // probably not what was meant
	SeverityInfo    Severity = "info"    // harmless but worth tidying
)

// Finding is a problem with an environment setting, usually one element of
// a GOPRIVATE-style pattern list.
type Finding struct {
	Var      string   `json:"var"`
	Pattern  string   `json:"pattern,omitempty"` // the element as written ("" for whole-value findings)
	Severity Severity `json:"severity"`
	Problem  string   `json:"problem"`
	// Suggestion is the corrected value of Var: the list with this element
	// fixed or removed and the others unchanged (for `go env -w Var=...`).
	Suggestion string `json:"suggestion"`
}

func (f Finding) String() string {
	if f.Pattern != "" {
		return fmt.Sprintf("%s: %s pattern %q: %s (suggested: %s=%s)", f.Severity, f.Var, f.Pattern, f.Problem, f.Var, f.Suggestion)
	}
	return fmt.Sprintf("%s: %s: %s (suggested: %s=%s)", f.Severity, f.Var, f.Problem, f.Var, f.Suggestion)
}

// PatternVars are the variables holding module path patterns.
var PatternVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"}

// publicHosts are well-known hosts of public modules. A pattern that matches
// arbitrary modules on one of them is "too broad".
var publicHosts = []string{
	"github.com", "gitlab.com", "bitbucket.org", "golang.org", "google.golang.org",
	"go.googlesource.com", "gopkg.in", "go.uber.org", "k8s.io", "cloud.google.com",
	"go.opentelemetry.io", "honnef.co", "gotest.tools", "go.etcd.io",
}

// patternFix is the analysis of one list element.
type patternFix struct {
	severity Severity
	problems []string
	fixed    string // "" means: remove the element
}

// analyzePattern checks one element of a pattern list for varName. Every
// "never matches" claim here holds because module.CheckPath rejects the
// corresponding module paths (spaces, ':', upper case in the first element,
// "..." elements, empty elements) and MatchPrefixPatterns compares paths
// literally.
func analyzePattern(varName, g string) (patternFix, bool) {
	var f patternFix
	worst := func(s Severity) {
		if rank(s) > rank(f.severity) {
			f.severity = s
		}
	}
	p := g
	if t := strings.TrimSpace(p); t != p {
		f.problems = append(f.problems, "has leading or trailing space; patterns are not trimmed and module paths contain no spaces, so it never matches")
		worst(SeverityError)
		p = t
	}
	// Character classes and escapes make textual reasoning unsound ("[:a]"
	// matches "a"), so such patterns only get the mechanical checks.
	literal := !strings.ContainsAny(p, "[\\")
	if i := strings.Index(p, "://"); literal && i >= 0 {
		f.problems = append(f.problems, fmt.Sprintf("starts with a URL scheme (%s); patterns match module paths, which have none, so it never matches", p[:i+3]))
		worst(SeverityError)
		p = p[i+3:]
	}
	// scp-like git@host:org/repo or host:port/path.
	if at := strings.Index(p, "@"); literal && at >= 0 && at < strings.IndexAny(p+"/", "/:") {
		f.problems = append(f.problems, "contains user@ (a git remote, not a module path), so it never matches")
		worst(SeverityError)
		p = p[at+1:]
	}
	if i := strings.IndexByte(p, ':'); literal && i >= 0 {
		host, rest := p[:i], p[i+1:]
		port, after, _ := strings.Cut(rest, "/")
		if port != "" && strings.Trim(port, "0123456789") == "" {
			p = host
			if after != "" {
				p += "/" + after
			}
			f.problems = append(f.problems, "contains a port; module paths have none, so it never matches")
		} else {
			p = host + "/" + rest
			f.problems = append(f.problems, "contains ':' (a git remote?); module paths have none, so it never matches")
		}
		worst(SeverityError)
	}
	if literal && strings.Contains(strings.TrimSuffix(p, "/"), "//") {
		f.problems = append(f.problems, "contains an empty path element (//), so it never matches")
		worst(SeverityError)
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
	}
	p = strings.TrimSuffix(p, "/") // harmless: MatchPrefixPatterns trims one trailing slash
	switch {
	case !literal:
	case p == "...":
		f.problems = append(f.problems, `"..." is not a wildcard here (path.Match treats it literally); "*" matches one path element`)
		worst(SeverityError)
		p = "*"
	case strings.HasSuffix(p, "/..."):
		f.problems = append(f.problems, `ends in "/..." which path.Match treats literally, so it never matches; patterns already match everything below a prefix`)
		worst(SeverityError)
		p = strings.TrimSuffix(p, "/...")
	case strings.Contains(p, "/.../"):
		f.problems = append(f.problems, `contains "/.../", which path.Match treats literally, so it never matches; use "*" for one path element`)
		worst(SeverityError)
		p = strings.ReplaceAll(p, "/.../", "/*/")
	}
	for _, suf := range []string{"/**", "/*"} {
		if literal && strings.HasSuffix(p, suf) && len(p) > len(suf) {
			f.problems = append(f.problems, fmt.Sprintf("the trailing %q is redundant (a pattern already matches everything below it) and excludes the module %q itself", suf, strings.TrimSuffix(p, suf)))
			worst(SeverityInfo)
			p = strings.TrimSuffix(p, suf)
			break
		}
	}
	if p == "" {
		f.fixed = ""
		if len(f.problems) == 0 {
			return f, false
		}
		return f, true
	}
	if _, err := path.Match(p, ""); err != nil {
		f.problems = append(f.problems, "is not a valid glob (path.Match: syntax error in pattern), so it never matches")
		worst(SeverityError)
		f.fixed = ""
		return f, true
	}
	first, rest, hasRest := strings.Cut(p, "/")
	if !literal {
		// no case reasoning inside classes
	} else if hasUpper(first) {
		f.problems = append(f.problems, "has upper-case letters in the host; module paths must have a lower-case first element, so it never matches")
		worst(SeverityError)
		first = strings.ToLower(first)
		p = first
		if hasRest {
			p += "/" + rest
		}
	} else if hasRest && hasUpper(rest) {
		f.problems = append(f.problems, "has upper-case letters; matching is case-sensitive and most module paths are lower case (check the exact spelling in go.mod)")
		worst(SeverityWarning)
		// Some real paths have upper case (github.com/Azure/...): keep the
		// pattern and add the lower-case spelling.
		if _, broad := tooBroad(p); !broad {
			f.fixed = p + "," + first + "/" + strings.ToLower(rest)
			return f, true
		}
	}
	if host, ok := tooBroad(p); ok {
		f.problems = append(f.problems, fmt.Sprintf("matches every module on %s; %s", host, broadEffect(varName)))
		worst(SeverityWarning)
		f.fixed = ""
		return f, true
	}
	f.fixed = p
	return f, len(f.problems) > 0
}

func rank(s Severity) int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

func hasUpper(s string) bool {
	return strings.IndexFunc(s, unicode.IsUpper) >= 0
}

// tooBroad reports a well-known public host on which p matches modules of
// arbitrary owners (two unrelated probe paths).
func tooBroad(p string) (string, bool) {
	for _, h := range publicHosts {
		if module.MatchPrefixPatterns(p, h+"/x0probe/r") && module.MatchPrefixPatterns(p, h+"/q9probe/s") {
			return h, true
		}
	}
	return "", false
}

func broadEffect(varName string) string {
	switch varName {
	case "GOPRIVATE":
		return "they all bypass the proxy and checksum verification is silently disabled for them; narrow it to your own host or organisation (e.g. github.com/yourorg)"
	case "GONOSUMDB":
		return "checksum verification is silently disabled for all of them; narrow it to your own host or organisation"
	case "GONOPROXY":
		return "they are all fetched directly from version control, bypassing the proxy; narrow it to your own host or organisation"
	case "GOINSECURE":
		return "they may all be fetched over plain HTTP or unverified HTTPS; narrow it to the host that needs it"
	}
	return "narrow it to your own host or organisation"
}

// CheckPatterns reports problems with the elements of a GOPRIVATE-style
// list held by varName: patterns that can never match what the user meant,
// patterns that match well-known public hosts, duplicates and empty elements.
func CheckPatterns(varName, value string) []Finding {
	elems := strings.Split(value, ",")
	var out []Finding
	seen := map[string]bool{}
	emptyReported := false
	for i, g := range elems {
		if g == "" {
			if len(elems) > 1 && !emptyReported {
				emptyReported = true
				out = append(out, Finding{Var: varName, Severity: SeverityInfo,
					Problem:    "the list has empty elements (stray commas); they are ignored",
					Suggestion: replaceElem(elems, -1, "")})
			}
			continue
		}
		f, bad := analyzePattern(varName, g)
		if !bad {
			if seen[g] {
				out = append(out, Finding{Var: varName, Pattern: g, Severity: SeverityInfo,
					Problem: "duplicate pattern", Suggestion: replaceElem(elems, i, "")})
			}
			seen[g] = true
			continue
		}
		sugg := f.fixed
		for j, other := range elems {
			if j != i && other == sugg {
				sugg = "" // the corrected form is already in the list
			}
		}
		out = append(out, Finding{
			Var: varName, Pattern: g, Severity: f.severity,
			Problem:    strings.Join(f.problems, "; "),
			Suggestion: replaceElem(elems, i, sugg),
		})
	}
	return out
}

// replaceElem returns the list with element i replaced by repl ("" removes
// it) and empty elements dropped; the other elements are kept as written.
func replaceElem(elems []string, i int, repl string) string {
	out := make([]string, 0, len(elems))
	for j, g := range elems {
		if j == i {
			g = repl
		}
		if g != "" {
			out = append(out, g)
		}
	}
	return strings.Join(out, ",")
}

// CleanPatterns applies every fix CheckPatterns would suggest for varName at
// once (trimming, removing schemes, "/...", invalid and too-broad patterns,
// duplicates and empty elements).
func CleanPatterns(varName, value string) string {
	var out []string
	for _, g := range strings.Split(value, ",") {
		if g == "" {
			continue
		}
		if f, bad := analyzePattern(varName, g); bad {
			g = f.fixed
		}
		if g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return strings.Join(out, ",")
}

// MergePattern adds pattern to the comma-separated list existing, as a
// quick fix for `go env -w GOPRIVATE=...` would: spaces around elements are
// removed, empty elements dropped, and pattern is not added if an element
// equals it or already matches it (e.g. "git.corp" covers "git.corp/team").
func MergePattern(existing, pattern string) string {
	pattern = strings.TrimSpace(pattern)
	var out []string
	for _, g := range strings.Split(existing, ",") {
		g = strings.TrimSpace(g)
		if g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	covered := pattern == ""
	for _, g := range out {
		if g == pattern || module.MatchPrefixPatterns(g, pattern) {
			covered = true
			break
		}
	}
	if !covered {
		out = append(out, pattern)
	}
	return strings.Join(out, ",")
}

// computeFindings checks the effective environment.
func (e *Env) computeFindings() []Finding {
	var out []Finding
	for _, name := range PatternVars {
		v := e.vals[name]
		if v.Origin == OriginDefault {
			continue // inherited from GOPRIVATE, reported there
		}
		out = append(out, CheckPatterns(name, v.Value)...)
	}

	// GONOPROXY/GONOSUMDB set explicitly no longer inherit GOPRIVATE.
	priv := e.vals["GOPRIVATE"]
	if priv.Value != "" {
		for _, name := range []string{"GONOPROXY", "GONOSUMDB"} {
			v := e.vals[name]
			if v.Origin == OriginDefault {
				continue
			}
			if name == "GONOSUMDB" && e.Get("GOSUMDB") == "off" {
				continue
			}
			if name == "GONOPROXY" && (e.Get("GOPROXY") == "direct" || e.Get("GOPROXY") == "off") {
				continue
			}
			for _, p := range splitPatterns(priv.Value) {
				if f, bad := analyzePattern("GOPRIVATE", p); bad && f.severity == SeverityError {
					continue // reported already; it never matches anyway
				}
				probe := strings.TrimSuffix(p, "/")
				if module.MatchPrefixPatterns(v.Value, probe) {
					continue
				}
				what := "it is fetched through GOPROXY, which sees its path"
				if name == "GONOSUMDB" {
					what = "it is looked up in the checksum database (" + e.Get("GOSUMDB") + "), which fails with 404/410 and reveals its path"
				}
				out = append(out, Finding{Var: name, Pattern: p, Severity: SeverityWarning,
					Problem: fmt.Sprintf("%s is set (%s), so GOPRIVATE no longer applies to it; GOPRIVATE pattern %q is not covered, so %s",
						name, describeOrigin(v), p, what),
					Suggestion: MergePattern(v.Value, p)})
			}
		}
	}

	// An empty line in the go env -w file hides $GOROOT/go.env.
	for _, name := range Variables {
		v := e.vals[name]
		if v.Origin != OriginDefault || e.envFile == nil {
			continue
		}
		fe, ok := e.envFile.lookup(name, true)
		if !ok || fe.Value != "" {
			continue
		}
		ge, ok := e.goEnvFile.lookup(name, false)
		if !ok || ge.Value == "" {
			continue
		}
		out = append(out, Finding{Var: name, Severity: SeverityWarning,
			Problem: fmt.Sprintf("%s:%d sets %s= (empty); the go command then ignores %s=%s from %s and uses %q (run `go env -u %s` to remove the line)",
				e.envFile.path, fe.Line, name, name, ge.Value, e.goEnvFile.path, v.Value, name),
			Suggestion: ge.Value})
	}

	if _, err := e.ProxyChain(); err != nil {
		out = append(out, Finding{Var: "GOPROXY", Severity: SeverityError,
			Problem:    err.Error() + "; every module download fails",
			Suggestion: e.proxySuggestion()})
	}
	if _, err := e.SumDB(); err != nil {
		out = append(out, Finding{Var: "GOSUMDB", Severity: SeverityError,
			Problem:    err.Error() + "; every checksum lookup fails",
			Suggestion: "sum.golang.org"})
	}
	switch gm := e.Get("GO111MODULE"); gm {
	case "", "on", "auto":
	case "off":
		out = append(out, Finding{Var: "GO111MODULE", Severity: SeverityError,
			Problem: "modules are disabled: go mod, go get and go list -m fail in every module, and go build ignores go.mod"})
	default:
		out = append(out, Finding{Var: "GO111MODULE", Severity: SeverityError,
			Problem: fmt.Sprintf("go: unknown environment setting GO111MODULE=%s; every go command that loads modules fails", gm)})
	}
	if err := e.FlagsError(); err != nil {
		out = append(out, Finding{Var: "GOFLAGS", Severity: SeverityError,
			Problem:    "go: " + err.Error() + "; every go command except `go env` fails",
			Suggestion: e.FlagsSuggestion()})
	}
	return out
}

// proxySuggestion drops invalid GOPROXY entries, or proposes the default.
func (e *Env) proxySuggestion() string {
	var keep []string
	for _, u := range strings.FieldsFunc(e.Get("GOPROXY"), func(r rune) bool { return r == ',' || r == '|' }) {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if _, err := ParseProxyList(u, ""); err == nil {
			keep = append(keep, u)
		}
	}
	if len(keep) == 0 {
		return "https://proxy.golang.org,direct"
	}
	return strings.Join(keep, ",")
}

// Findings returns the problems found in the effective environment.
func (e *Env) Findings() []Finding { return slices.Clone(e.findings) }
