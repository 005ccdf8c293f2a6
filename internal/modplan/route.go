package modplan

import (
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
)

// The route of a module path (proxies, direct, off), and the rules every
// feature shares on what may be looked up and what is public.

// A Route is how the go command fetches a module path
// (modfetch.Lookup, lookup; goenv.Env.ProxiesFor).
type Route struct {
	Path string
	// NoProxy is the GONOPROXY pattern that sends the path to its origin
	// directly, or "".
	NoProxy string
	// Proxies are the entries the go command tries in order: a single
	// "direct" for a NoProxy path, else the GOPROXY chain.
	Proxies []goenv.ProxyEntry
	// Err is GOPROXY's parse error, with which the go command fails every
	// download.
	Err error
	// SumDB says whether the go command verifies the path's go.sum lines
	// with the checksum database (GOSUMDB not off, GONOSUMDB not matching;
	// modfetch.useSumDB).
	SumDB bool
}

// Direct reports whether the first entry fetches from the origin.
func (r Route) Direct() bool {
	return len(r.Proxies) > 0 && r.Proxies[0].URL == goenv.ProxyDirect
}

// Route returns how the go command fetches path. The environment may be
// nil (no route: Proxies is empty).
func (p *Plan) Route(path string) Route {
	r := Route{Path: path}
	env := p.snap.Env
	if env == nil {
		return r
	}
	r.NoProxy, _ = env.MatchNoProxy(path)
	r.Proxies, r.Err = env.ProxiesFor(path)
	r.SumDB = env.UseSumDB(path)
	return r
}

// PublicProxy reports whether proxy (a URL, possibly redacted) is one of
// the public mirrors of the settings' publicProxies: those that must never
// see a private module path, and whose refusal of a module says nothing
// about its privacy unless their words do.
func (p *Plan) PublicProxy(proxy string) bool {
	return p.snap.Settings.PublicProxies.Has(proxy)
}

// Fetchable reports whether the go command would look m up as it is
// written: a valid module path and a canonical version that matches the
// path's major version (module.Check). Other lines are the local
// analyzers' (invalid-version, invalid-module-path).
func Fetchable(m module.Version) bool {
	return m.Version != "" && module.CanonicalVersion(m.Version) == m.Version && module.Check(m.Path, m.Version) == nil
}

// Lookable reports whether gomodls may send path to the module source at
// all; every feature follows it (diagnostics, hover, completion, lenses,
// actions). A path GONOPROXY matches goes direct, as configured. A path
// that looks private (goenv.EvidentlyPrivate) but that GONOPROXY does not
// match is never sent to a public proxy, where the go command would leak
// it (the private analyzer says what to configure instead); a corporate
// proxy first in GOPROXY may serve it, so it is asked.
func (p *Plan) Lookable(path string) bool {
	if p.snap.Env == nil {
		return false
	}
	r := p.Route(path)
	if r.NoProxy != "" || goenv.EvidentlyPrivate(path) == "" {
		return true
	}
	return len(r.Proxies) > 0 && !p.PublicProxy(r.Proxies[0].URL)
}

// Public reports whether path may be shown to public web sites (links to
// pkg.go.dev, the vulnerability database's pages): a valid path that no
// GOPRIVATE or GONOPROXY pattern matches and that does not look private.
func (p *Plan) Public(path string) bool {
	env := p.snap.Env
	if env == nil || module.CheckPath(path) != nil || goenv.EvidentlyPrivate(path) != "" {
		return false
	}
	if _, ok := env.MatchPrivate(path); ok {
		return false
	}
	_, ok := env.MatchNoProxy(path)
	return !ok
}
