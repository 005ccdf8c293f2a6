package analyzers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Versions checks that every module version the go command will fetch can
// be fetched.
var Versions = &Analyzer{
	Name: "versions",
	Doc: `check that required module versions can be fetched through the GOPROXY chain

Each require (unless a replace redirects it), each replace whose target is
module@version, and each exclude is looked up through the GOPROXY chain
exactly as the go command would (",": only 404/410 fall through to the next
proxy; "|": any error does; GONOPROXY paths go direct). The outcome becomes
one of:

- unknown-version: the module exists but the version does not (not in its
  version list, 404/410); the fixes offer the nearest existing version in
  the same major and the latest one. On an exclude line this is a warning.
- unknown-module: no proxy knows the module at all.
- module-not-served: a proxy refuses the module or version (403/400 without
  an authentication challenge, as filtered Artifactory/Nexus mirrors do);
  the server's text is quoted.
- proxy-auth-required, proxy-unreachable, proxy-error: the proxy failed;
  the message names the proxy and the cause.
- private-module-not-configured: a public proxy refused a module whose
  repository needs credentials or that is not public, because GOPRIVATE does
  not match it (see the private analyzer).
- vcs-auth-required, vcs-missing, vcs-refused: in direct mode (GOPRIVATE,
  GONOPROXY, or a chain reaching direct), git was refused credentials, git
  is not installed, or the go command (or git's protocol policy) refuses the
  repository the go-get page names; the message names the URL git tried,
  after the user's url.<base>.insteadOf rules.

Offline (GOPROXY=off, -mod=vendor, the offline setting) nothing is
reported for versions not in the caches.`,
	Codes: []*Code{CodeUnknownVersion, CodeUnknownModule, CodeModuleNotServed, CodeProxyAuthRequired,
		CodeProxyUnreachable, CodeProxyError, CodePrivateModuleNotConfigured,
		CodeVCSAuthRequired, CodeVCSMissing, CodeVCSRefused},
	Network: true,
	Run:     runVersions,
}

func runVersions(pass *Pass) error {
	hosts := newPrivateHosts(pass.Snapshot.Env, moduleUses(pass.Snapshot))
	return eachLookup(pass, nil, func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
		_, err := src.Info(ctx, u.mod.Path, u.mod.Version)
		if err == nil {
			return
		}
		l := lookupFailure{err: err}
		if errors.As(err, &l.e) && (l.e.Kind == modsource.NotFound || l.e.Kind == modsource.NotServed || l.e.Kind == modsource.AuthRequired) {
			// The module's version list is the evidence that decides
			// between "no such version" and "the module is refused".
			l.list, l.listErr = src.Versions(ctx, u.mod.Path)
			if l.list != nil && semver.Build(u.mod.Version) == "+incompatible" {
				l.ownPath = u.mod.Path + "/" + semver.Major(u.mod.Version)
				if vl, err := src.Versions(ctx, l.ownPath); err == nil && len(vl.Versions) > 0 {
					l.own = vl.Versions
				}
			}
		}
		reportLookup(pass, hosts, u, l)
	})
}

// lookupFailure is a failed .info lookup with what was learned after it.
type lookupFailure struct {
	err     error
	e       *modsource.Error
	list    *modsource.VersionList // the module's version list, when it was served
	listErr error
	// own are the versions of ownPath (path/vN), for a +incompatible
	// version whose major has a module path of its own.
	ownPath string
	own     []string
}

// served reports whether the proxy served the module's version list: the
// module is public, whatever the proxy said about one version.
func (l lookupFailure) served() bool { return l.list != nil }

// reportLookup turns a failed lookup of u into the diagnostic that gives the
// go command's reason. The rules, in order:
//
//   - a failure to reach or use the proxy is reported as such;
//   - a proxy that serves the module's list has shown the module is public:
//     a version missing from the list is unknown-version (whatever status
//     the proxy answered the version with: filtered mirrors answer 403);
//   - a module whose list is refused as well is private only on positive
//     evidence (the public proxy's words, a host GOPRIVATE shares);
//     otherwise it is unknown-module (404/410) or module-not-served.
func reportLookup(pass *Pass, hosts privateHosts, u modUse, l lookupFailure) {
	e := l.e
	if e == nil {
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyError, Severity: Error,
			Message: fmt.Sprintf("%s: %v", u.mod, l.err)})
		return
	}
	if reportDirect(pass, u, l) {
		return
	}
	env := pass.Snapshot.Env
	who := e.Proxy
	switch e.Kind {
	case modsource.Offline, modsource.Canceled, modsource.Invalid, modsource.Direct:
		return
	case modsource.Unreachable:
		msg := fmt.Sprintf("%s: proxy %s unreachable: %s", u.mod, who, e.Cause())
		if strings.HasPrefix(who, modsource.SourceDirect) {
			// The chain reached "direct" and the origin could not be
			// reached: the go command reports the origin's error, whatever
			// the proxies before it said (TryProxies ranks "direct" errors
			// first, cmd/go/internal/modfetch/proxy.go). Say it in its
			// words, and what the proxies said.
			msg = fmt.Sprintf("%s: %s", u.mod, e.OneLine())
			if before := e.TriedBefore(); before != "" {
				msg += fmt.Sprintf(" (before that, %s)", before)
			}
		}
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyUnreachable, Severity: Error, Message: msg})
		return
	case modsource.ProxyError:
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyError, Severity: Error,
			Message: fmt.Sprintf("%s: proxy %s failed: %s", u.mod, who, e.OneLine())})
		return
	}
	if l.served() {
		reportServedModule(pass, u, l)
		return
	}
	if why := privateEvidence(pass, hosts, u.mod.Path, e); why != "" {
		reportPrivateRefused(pass, u, e, why)
		return
	}
	switch e.Kind {
	case modsource.AuthRequired:
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyAuthRequired, Severity: Error,
			Message: fmt.Sprintf("%s: proxy %s requires credentials (%s); add `machine %s login USER password TOKEN` to %s or configure GOAUTH",
				u.mod, who, e.Answer(), hostOf(who), netrcName(env))})
		return
	case modsource.NotServed:
		reportRefusedModule(pass, u, e)
		return
	}
	// NotFound. A proxy that refuses an invalid pseudo-version (one whose
	// time or commit does not match the repository) says so.
	if strings.Contains(strings.ToLower(e.ServerText), "invalid pseudo-version") {
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeUnknownVersion, Severity: severityFor(u, CodeUnknownVersion),
			Message: fmt.Sprintf("%s: no such version: %s (%s)", u.mod, modsource.FirstLine(e.ServerText), e.Proxy)})
		return
	}
	if e.Module != modsource.ModuleKnown {
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeUnknownModule, Severity: severityFor(u, CodeUnknownModule),
			Message: fmt.Sprintf("%s: module not found by any proxy (%s); check the path for typos and its case", u.mod.Path, e.Tried())})
		return
	}
	reportUnknownVersion(pass, u, l, nil)
}

// reportServedModule reports a version that a proxy refused or did not
// find, of a module whose version list the proxy serves.
func reportServedModule(pass *Pass, u modUse, l lookupFailure) {
	e, list := l.e, l.list.Versions
	switch {
	case slices.Contains(list, u.mod.Version) && e.Kind == modsource.NotServed:
		// Listed but refused: a mirror that filters single versions.
		d := Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeModuleNotServed, Severity: Error,
			Message: fmt.Sprintf("%s: %s lists this version but refuses to serve it (%s); the go command fails here until another version is required or another proxy serves it", u.mod, e.Proxy, e.Answer())}
		nearest, latest := modinfo.Nearest(without(list, u.mod.Version), u.mod.Version, false)
		if nearest != "" {
			d.Fixes = append(d.Fixes, setVersionFix(u, nearest, "Change to "+nearest+" (listed by the proxy; it may refuse it too)", false))
		}
		if latest != "" && latest != nearest {
			d.Fixes = append(d.Fixes, setVersionFix(u, latest, "Change to "+latest+" (listed by the proxy; it may refuse it too)", false))
		}
		pass.Report(d)
	case module.IsPseudoVersion(u.mod.Version) && e.Kind == modsource.NotServed:
		// Lists name tags only, so a refused commit may exist.
		d := Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeModuleNotServed, Severity: Error,
			Message: fmt.Sprintf("%s: %s refused this pseudo-version (%s); it serves %s, so either no commit %s exists or this proxy does not serve it",
				u.mod, e.Proxy, e.Answer(), u.mod.Path, pseudoRev(u.mod.Version))}
		if _, latest := modinfo.Nearest(list, u.mod.Version, false); latest != "" {
			d.Fixes = append(d.Fixes, setVersionFix(u, latest, "Change to the latest release "+latest, false))
		}
		pass.Report(d)
	default:
		reportUnknownVersion(pass, u, l, l.list)
	}
}

// reportUnknownVersion reports a version that does not exist, with the
// nearest and latest versions as fixes; served is the list the proxy
// served, when it did (the evidence), or nil.
func reportUnknownVersion(pass *Pass, u modUse, l lookupFailure, served *modsource.VersionList) {
	e := l.e
	var list []string
	if l.list != nil {
		list = l.list.Versions
	}
	d := Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeUnknownVersion, Severity: severityFor(u, CodeUnknownVersion)}
	why := e.Tried()
	if served != nil {
		why = fmt.Sprintf("%s; %s lists %s without it", why, served.Source, listSummary(list))
	}
	d.Message = fmt.Sprintf("%s: version does not exist (%s)", u.mod, why)
	if u.role == roleExclude {
		d.Message = fmt.Sprintf("%s: excluded version does not exist (%s); the exclude has no effect", u.mod, why)
	}
	if len(l.own) > 0 {
		// cmd/go (modfetch.codeRepo.convert) rejects +incompatible for a
		// major that has a go.mod of its own.
		own := modinfo.LatestOf(l.own)
		d.Message = fmt.Sprintf("%s: version does not exist (%s): %s has its own go.mod, so its %s versions are the module %s (latest %s), never %s+incompatible",
			u.mod, why, u.mod.Path, semver.Major(u.mod.Version), l.ownPath, own, u.mod.Path)
		if u.role != roleExclude {
			want := strings.TrimSuffix(u.mod.Version, "+incompatible")
			if !slices.Contains(l.own, want) {
				want = own
			}
			fx := fixes.ReplaceToken(u.file, u.pathToken(), l.ownPath, "Require "+l.ownPath+" "+want)
			fx.Edits = append(fx.Edits, fixes.SetVersion(u.file, u.versionToken(), want).Edits...)
			fx.Preferred = true
			d.Fixes = append(d.Fixes, fx)
		}
		pass.Report(d)
		return
	}
	nearest, latest := modinfo.Nearest(list, u.mod.Version, false)
	if latest != "" {
		d.Message += "; latest is " + latest
	}
	if u.role == roleExclude {
		d.Fixes = append(d.Fixes, fixes.DeleteLine(u.file, u.f, u.line, "Remove this exclude"))
	} else {
		if nearest != "" {
			d.Fixes = append(d.Fixes, setVersionFix(u, nearest, "Change to nearest existing version "+nearest, nearest == latest))
		}
		if latest != "" && latest != nearest {
			d.Fixes = append(d.Fixes, setVersionFix(u, latest, "Change to latest version "+latest, false))
		}
	}
	pass.Report(d)
}

// reportRefusedModule reports a module whose version and version list a
// proxy refuses (403/400 without a challenge), with no sign that it is
// private: it may not exist, or the proxy filters it.
func reportRefusedModule(pass *Pass, u modUse, e *modsource.Error) {
	d := Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeModuleNotServed, Severity: Error,
		Message: fmt.Sprintf("%s: %s refuses this module (%s): check the path for typos and its case; if the module exists, this proxy does not serve it", u.mod, e.Proxy, e.Answer())}
	if env := pass.Snapshot.Env; env != nil {
		// Going around the proxy works only where the origin is reachable,
		// and gives up the proxy's cache: never the preferred fix.
		pat := goenv.PrivatePattern(u.mod.Path)
		merged := goenv.MergePattern(env.Get("GONOPROXY"), pat)
		fx := fixes.GoEnvWrite("GONOPROXY", merged)
		fx.Title = fmt.Sprintf("Fetch %s from its repository instead (go env -w GONOPROXY=%s): needs access to its VCS host, and skips the proxy", pat, merged)
		d.Fixes = append(d.Fixes, fx)
	}
	pass.Report(d)
}

// privateEvidence says why a module that the GOPROXY chain refused or did
// not find is private, or "" when nothing says so: the public proxy's own
// words (the origin wanted credentials), or GOPRIVATE matching another
// module of the same owner. A refusal alone is no evidence: filtered
// mirrors refuse public modules too.
func privateEvidence(pass *Pass, hosts privateHosts, path string, e *modsource.Error) string {
	env := pass.Snapshot.Env
	if env == nil {
		return ""
	}
	if _, direct := env.MatchNoProxy(path); direct {
		return ""
	}
	plan := modplan.Of(pass.Snapshot)
	atts := e.Attempts
	if len(atts) == 0 {
		atts = []*modsource.Error{e}
	}
	for _, a := range atts {
		if !plan.PublicProxy(a.Proxy) {
			continue
		}
		for _, line := range strings.Split(a.ServerText, "\n") {
			if privateRefusal(line) {
				return fmt.Sprintf("the public proxy %s answered %s: %s", a.Proxy, a.StatusLine(), strings.TrimSpace(line))
			}
		}
	}
	if other := hosts.sharedWith(path); other != "" {
		return fmt.Sprintf("%s refused it, and GOPRIVATE matches %s of the same owner", e.Proxy, other)
	}
	return ""
}

// reportPrivateRefused reports a module that the GOPROXY chain refused
// while there is evidence (why) that it is private and GOPRIVATE does not
// match it.
func reportPrivateRefused(pass *Pass, u modUse, e *modsource.Error, why string) {
	env := pass.Snapshot.Env
	pat := goenv.PrivatePattern(u.mod.Path)
	pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodePrivateModuleNotConfigured, Severity: Error,
		Message: fmt.Sprintf("%s looks private (%s), and GOPRIVATE does not match it, so `go mod tidy` sends its path to %s and fails; set GOPRIVATE to include %s",
			u.mod.Path, why, e.Proxy, pat),
		Fixes: privateFixes(env, "GOPRIVATE", pat)})
}

func setVersionFix(u modUse, v, title string, preferred bool) fixes.Fix {
	fx := fixes.SetVersion(u.file, u.versionToken(), v)
	fx.Title = title
	fx.Preferred = preferred
	return fx
}

func without(list []string, v string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == v })
}

// listSummary names a version list briefly: "no tagged versions", "v1.0.0",
// "12 versions up to v1.4.0".
func listSummary(list []string) string {
	switch len(list) {
	case 0:
		return "no tagged versions"
	case 1:
		return list[0]
	}
	return fmt.Sprintf("%d versions up to %s", len(list), modinfo.LatestOf(list))
}

func pseudoRev(v string) string {
	rev, _ := module.PseudoVersionRev(v)
	return rev
}

func severityFor(u modUse, c *Code) Severity {
	if u.role == roleExclude {
		return Warning
	}
	return c.Severity
}

// privateFixes returns the fixes that add pattern to a variable: `go env
// -w` merging with the existing value, and the workspace setting.
func privateFixes(env *goenv.Env, name, pattern string) []fixes.Fix {
	merged := goenv.MergePattern(env.Get(name), pattern)
	return []fixes.Fix{fixes.GoEnvWrite(name, merged), fixes.SetEnvSetting(name, merged)}
}

func hostOf(proxy string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(proxy, "https://"), "http://")
	s, _, _ = strings.Cut(s, "/")
	return s
}

func netrcName(env *goenv.Env) string {
	if env == nil {
		return "~/.netrc"
	}
	if n := env.Get("NETRC"); n != "" {
		return n
	}
	return "~/.netrc"
}
