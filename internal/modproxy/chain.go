// Copyright 2026 The gomodls Authors.
// tryChain follows cmd/go/internal/modfetch.TryProxies, Copyright The Go
// Authors, BSD-style license.

package modproxy

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	pathpkg "path"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/redact"
)

// errProxyOff is the go command's error for an "off" GOPROXY entry.
var errProxyOff = errors.New("module lookup disabled by GOPROXY=off")

// tryChain calls f for each GOPROXY entry the go command would try for
// path, until one succeeds or one fails with an error that may not fall
// through: after ',' only "not found" falls through, after '|' any error
// does; "direct" and "off" end the chain; GONOPROXY paths are only ever
// tried directly. The error returned is the one the go command would
// report (origin errors first, then proxy errors other than "not found",
// then the last "not found"), with every attempt in Attempts.
func tryChain[T any](c *Client, ctx context.Context, path, version string, f func(context.Context, goenv.ProxyEntry) (T, *Error)) (T, []*Error, *Error) {
	var zero T
	entries, err := c.env.ProxiesFor(path)
	if err != nil {
		return zero, nil, &Error{Kind: Invalid, Path: path, Version: version, Op: "GOPROXY", Err: err}
	}
	const (
		notExistRank = iota
		proxyRank
		directRank
	)
	var (
		best     *Error
		bestRank = notExistRank
		attempts []*Error
	)
	for _, p := range entries {
		var e *Error
		switch p.URL {
		case goenv.ProxyOff:
			e = &Error{Kind: Offline, Proxy: goenv.ProxyOff, Err: errProxyOff}
		default:
			var v T
			v, e = f(ctx, p)
			if e == nil {
				return v, attempts, nil
			}
		}
		e = e.WithModule(path, version)
		attempts = append(attempts, cloneErr(e))
		if e.Kind == Canceled || ctx.Err() != nil {
			e.Attempts = attempts
			return zero, attempts, e
		}
		notExist := notExist(e) || p.URL == goenv.ProxyOff
		switch {
		case p.URL == goenv.ProxyDirect:
			best, bestRank = e, directRank
		case bestRank <= proxyRank && !notExist:
			best, bestRank = e, proxyRank
		case bestRank == notExistRank:
			best = e
		}
		if !p.FallBackOnAnyError && !notExist {
			break
		}
	}
	if best == nil {
		return zero, attempts, &Error{Kind: Invalid, Path: path, Version: version, Op: "GOPROXY", Err: errors.New("GOPROXY list is empty")}
	}
	best = cloneErr(best)
	best.Attempts = attempts
	return zero, attempts, best
}

// notExist reports whether e falls through a ',' in GOPROXY.
func notExist(e *Error) bool { return e.Kind == NotFound && !e.NoMatch }

// A proxyBase is a parsed proxy base URL from GOPROXY or a go-import
// "mod" entry, with what every request to it needs.
type proxyBase struct {
	u        *url.URL
	redacted string
	public   bool // one of Options.PublicProxies
}

// proxyBase parses raw, once per client.
func (c *Client) proxyBase(raw string) (*proxyBase, error) {
	c.basesMu.Lock()
	defer c.basesMu.Unlock()
	if b, ok := c.bases[raw]; ok {
		return b, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http", "https":
	case "file":
		if *u != (url.URL{Scheme: u.Scheme, Path: u.Path, RawPath: u.RawPath}) {
			return nil, fmt.Errorf("invalid file:// proxy URL with non-path elements: %s", redact.URL(u))
		}
	case "":
		return nil, fmt.Errorf("invalid proxy URL missing scheme: %s", redact.URL(u))
	default:
		return nil, fmt.Errorf("invalid proxy URL scheme (must be https, http, file): %s", redact.URL(u))
	}
	b := &proxyBase{u: u, redacted: redact.URL(u), public: c.public.Has(raw)}
	c.bases[raw] = b
	return b, nil
}

// errPrivate is returned (and is a bug) if a GONOPROXY path ever reaches a
// proxy request.
var errPrivate = errors.New("refusing to send a GONOPROXY/GOPRIVATE module path to a proxy (gomodls privacy guard)")

// proxyReq builds the request for path's rel ("@v/list", "@latest",
// "@v/<escaped version>.info", ...) on the proxy at base, exactly as
// newProxyRepo and getBody join them. Every proxy request goes through
// here: a path matched by GONOPROXY is refused unless the proxy is the
// module's own ("mod" go-import entry, origin true).
func (c *Client) proxyReq(base string, origin bool, path, rel, ep string, limit int64) (fetchReq, *Error) {
	pb, err := c.proxyBase(base)
	if err != nil {
		return fetchReq{}, &Error{Kind: Invalid, Proxy: redact.String(base), Op: "GOPROXY", Err: err}
	}
	b, redacted := pb.u, pb.redacted
	if !origin && !c.AllowedProxy(path) {
		return fetchReq{}, &Error{Kind: Invalid, Proxy: redacted, Err: errPrivate}
	}
	if !origin && pb.public {
		// The go command would send an evidently private path that
		// GOPRIVATE does not match; gomodls never leaks it to a public
		// proxy, from any feature (the private analyzer explains what to
		// configure). A company's proxy may see it, as it would.
		if why := goenv.EvidentlyPrivate(path); why != "" {
			return fetchReq{}, &Error{Kind: Invalid, Path: path, Proxy: redacted,
				Err: fmt.Errorf("not sent to %s: the path looks private (%s) and GOPRIVATE does not match it", redacted, why)}
		}
	}
	enc, err := module.EscapePath(path)
	if err != nil {
		return fetchReq{}, &Error{Kind: Invalid, Proxy: redacted, Err: err}
	}
	u := *b
	u.Path = strings.TrimSuffix(b.Path, "/") + "/" + enc
	u.RawPath = strings.TrimSuffix(b.RawPath, "/") + "/" + pathEscape(enc)
	u.Path = pathpkg.Join(u.Path, rel)
	u.RawPath = pathpkg.Join(u.RawPath, pathEscape(rel))
	proxy := redacted
	if origin {
		proxy = SourceDirect + " (mod " + redacted + ")"
	}
	return fetchReq{u: &u, redacted: redact.URL(&u), proxy: proxy, ep: ep, limit: limit}, nil
}

// pathEscape is cmd/go's: url.PathEscape keeping '/'.
func pathEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "%2F", "/")
}
