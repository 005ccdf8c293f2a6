package analyzers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modproxy"
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

Offline (GOPROXY=off, -mod=vendor, the offline setting) nothing is
reported for versions not in the caches.`,
	Codes: []*Code{CodeUnknownVersion, CodeUnknownModule, CodeModuleNotServed, CodeProxyAuthRequired,
		CodeProxyUnreachable, CodeProxyError, CodePrivateModuleNotConfigured, CodeInvalidVersion},
	Network: true,
	Run:     runVersions,
}

func runVersions(pass *Pass) error {
	hosts := newPrivateHosts(pass.Snapshot.Env, moduleUses(pass.Snapshot))
	return eachLookup(pass, nil, func(ctx context.Context, src snapshot.Source, u modUse) {
		_, err := src.Info(ctx, u.mod.Path, u.mod.Version)
		if err == nil {
			return
		}
		var list []string
		var e *modproxy.Error
		if errors.As(err, &e) && (e.Kind == modproxy.NotFound || e.Kind == modproxy.NotServed) {
			if vl, lerr := src.Versions(ctx, u.mod.Path); lerr == nil {
				list = vl.Versions
			}
		}
		reportLookup(pass, hosts, u, err, list)
	})
}

// reportLookup turns a failed lookup of u into a diagnostic.
func reportLookup(pass *Pass, hosts privateHosts, u modUse, err error, list []string) {
	var e *modproxy.Error
	if !errors.As(err, &e) {
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyError, Severity: Error,
			Message: fmt.Sprintf("%s: %v", u.mod, err)})
		return
	}
	env := pass.Snapshot.Env
	who := e.Proxy
	switch e.Kind {
	case modproxy.Offline, modproxy.Canceled, modproxy.Invalid, modproxy.Direct:
		return
	case modproxy.Unreachable:
		msg := fmt.Sprintf("%s: proxy %s unreachable: %s", u.mod, who, cause(e))
		if strings.HasPrefix(who, modproxy.SourceDirect) {
			// The chain reached "direct" and the origin could not be
			// reached: the go command reports the origin's error, whatever
			// the proxies before it said (TryProxies ranks "direct" errors
			// first, cmd/go/internal/modfetch/proxy.go). Say it in its
			// words, and what the proxies said.
			msg = fmt.Sprintf("%s: %s", u.mod, oneLine(e))
			if n := len(e.Attempts); n > 1 {
				msg += fmt.Sprintf(" (before that, %s)", attemptList(e.Attempts[:n-1]))
			}
		}
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyUnreachable, Severity: Error, Message: msg})
		return
	case modproxy.AuthRequired:
		if isPublicProxy(pass.Snapshot, who) && env != nil {
			if !locallyPrivate(env, hosts, u.mod.Path) {
				reportPrivateRefused(pass, u, e)
			}
			return
		}
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyAuthRequired, Severity: Error,
			Message: fmt.Sprintf("%s: proxy %s requires credentials (%s); add `machine %s login USER password TOKEN` to %s or configure GOAUTH",
				u.mod, who, statusText(e), hostOf(who), netrcName(env))})
		return
	case modproxy.ProxyError:
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeProxyError, Severity: Error,
			Message: fmt.Sprintf("%s: proxy %s failed: %s", u.mod, who, oneLine(e))})
		return
	}
	// NotFound or NotServed: is this a private module the public proxy was
	// never going to serve?
	if env != nil && isPublicProxy(pass.Snapshot, who) {
		if locallyPrivate(env, hosts, u.mod.Path) {
			return // the private analyzer reports it, without the network
		}
		if _, direct := env.MatchNoProxy(u.mod.Path); !direct && (e.Kind == modproxy.NotServed || privateRefusal(e.ServerText)) {
			reportPrivateRefused(pass, u, e)
			return
		}
	}
	if e.Kind == modproxy.NotServed {
		d := Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeModuleNotServed, Severity: Error,
			Message: fmt.Sprintf("%s: not served by %s (%s); the module may exist, but this proxy does not serve it", u.mod, who, statusText(e))}
		if nearest, _ := modinfo.Nearest(list, u.mod.Version, false); nearest != "" {
			d.Message += "; the proxy lists " + nearest
			d.Fixes = append(d.Fixes, fixes.SetVersion(u.file, u.versionToken(), nearest))
		}
		if pat := goenv.PrivatePattern(u.mod.Path); env != nil {
			d.Fixes = append(d.Fixes, privateFixes(env, "GONOPROXY", pat)...)
		}
		pass.Report(d)
		return
	}
	// NotFound. A proxy that refuses an invalid pseudo-version says so.
	if strings.Contains(strings.ToLower(e.ServerText), "invalid pseudo-version") {
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Error,
			Message: fmt.Sprintf("%s: %s (%s)", u.mod, firstLineOf(e.ServerText), e.Proxy)})
		return
	}
	moduleKnown := e.Module == modproxy.ModuleKnown || len(list) > 0
	if e.Module == modproxy.ModuleUnknown && len(list) == 0 {
		pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeUnknownModule, Severity: severityFor(u, CodeUnknownModule),
			Message: fmt.Sprintf("%s: module not found by any proxy (%s); check the path for typos and its case", u.mod.Path, attempts(e))})
		return
	}
	d := Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeUnknownVersion, Severity: severityFor(u, CodeUnknownVersion)}
	d.Message = fmt.Sprintf("%s: version does not exist (%s)", u.mod, attempts(e))
	if u.role == roleExclude {
		d.Message = fmt.Sprintf("%s: excluded version does not exist (%s); the exclude has no effect", u.mod, attempts(e))
	}
	if !moduleKnown {
		d.Message = fmt.Sprintf("%s: version not found (%s)", u.mod, attempts(e))
	}
	nearest, latest := modinfo.Nearest(list, u.mod.Version, false)
	if latest != "" {
		d.Message += "; latest is " + latest
	}
	if u.role != roleExclude {
		if nearest != "" {
			fx := fixes.SetVersion(u.file, u.versionToken(), nearest)
			fx.Title = "Change to nearest existing version " + nearest
			fx.Preferred = nearest == latest
			d.Fixes = append(d.Fixes, fx)
		}
		if latest != "" && latest != nearest {
			fx := fixes.SetVersion(u.file, u.versionToken(), latest)
			fx.Title = "Change to latest version " + latest
			d.Fixes = append(d.Fixes, fx)
		}
	} else {
		d.Fixes = append(d.Fixes, fixes.DeleteLine(u.file, u.f, u.line, "Remove this exclude"))
	}
	pass.Report(d)
}

func severityFor(u modUse, c *Code) Severity {
	if u.role == roleExclude {
		return Warning
	}
	return c.Severity
}

// locallyPrivate reports whether the private analyzer already reports
// path as an unconfigured private module.
func locallyPrivate(env *goenv.Env, hosts privateHosts, path string) bool {
	if _, ok := env.MatchNoProxy(path); ok {
		return false
	}
	return goenv.EvidentlyPrivate(path) != "" || hosts.sharedWith(path) != ""
}

// reportPrivateRefused reports a module that a public proxy refused or
// wants credentials for, while GOPRIVATE does not match it.
func reportPrivateRefused(pass *Pass, u modUse, e *modproxy.Error) {
	env := pass.Snapshot.Env
	pat := goenv.PrivatePattern(u.mod.Path)
	pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodePrivateModuleNotConfigured, Severity: Error,
		Message: fmt.Sprintf("%s looks private: the public proxy %s refused it (%s), and GOPRIVATE does not match it, so `go mod tidy` sends its path there and fails; set GOPRIVATE to include %s",
			u.mod.Path, e.Proxy, refusalText(e), pat),
		Fixes: privateFixes(env, "GOPRIVATE", pat)})
}

// privateFixes returns the fixes that add pattern to a variable: `go env
// -w` merging with the existing value, and the workspace setting.
func privateFixes(env *goenv.Env, name, pattern string) []fixes.Fix {
	merged := goenv.MergePattern(env.Get(name), pattern)
	return []fixes.Fix{fixes.GoEnvWrite(name, merged), fixes.SetEnvSetting(name, merged)}
}

func statusText(e *modproxy.Error) string {
	s := e.StatusText
	if s == "" && e.Status != 0 {
		s = fmt.Sprint(e.Status)
	}
	if s == "" {
		s = e.Kind.String()
	}
	if t := firstLineOf(e.ServerText); t != "" {
		s += ": " + t
	}
	return s
}

// refusalText is statusText with the server's most telling line: the one
// saying that credentials were needed, when there is one.
func refusalText(e *modproxy.Error) string {
	for _, line := range strings.Split(e.ServerText, "\n") {
		if privateRefusal(line) {
			return strings.TrimSpace(e.StatusText + ": " + strings.TrimSpace(line))
		}
	}
	return statusText(e)
}

func cause(e *modproxy.Error) string {
	if e.Err != nil {
		return firstLineOf(e.Err.Error())
	}
	return statusText(e)
}

// oneLine is the error's message on one line, without the module@version
// prefix the diagnostic already starts with.
func oneLine(e *modproxy.Error) string {
	msg := e.Error()
	for _, prefix := range []string{e.Path + "@" + e.Version + ": ", "module " + e.Path + ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	msg = strings.ReplaceAll(msg, "\n\tserver response:", "; server response:")
	return strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n\t", " ")), " ")
}

// attempts summarises a chain's failed attempts: "proxy A: 404 Not Found;
// proxy B: 410 Gone".
func attempts(e *modproxy.Error) string {
	list := e.Attempts
	if len(list) == 0 {
		list = []*modproxy.Error{e}
	}
	return attemptList(list)
}

func attemptList(list []*modproxy.Error) string {
	var parts []string
	for _, a := range list {
		op := a.Op
		if op == "" {
			op = a.Proxy
		}
		parts = append(parts, op+": "+statusText(a))
	}
	return strings.Join(parts, "; ")
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
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
