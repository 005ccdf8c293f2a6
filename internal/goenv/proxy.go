// Copyright 2026 The gomodls Authors.
// The parsing follows cmd/go/internal/modfetch/proxy.go (proxyList,
// newProxyRepo), Copyright 2018 The Go Authors, BSD-style license.

package goenv

import (
	"errors"
	"fmt"
	"net/url"
	pathpkg "path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomodls/gomodls/internal/redact"
)

// Special ProxyEntry.URL values.
const (
	ProxyDirect  = "direct"  // fetch from the origin (VCS); ends the chain
	ProxyOff     = "off"     // fail; ends the chain
	ProxyNoProxy = "noproxy" // implicit first entry when GONOPROXY is set: matching modules go direct
)

// ProxyEntry is one element of the GOPROXY chain.
type ProxyEntry struct {
	// URL is the proxy base URL (https://, http:// or file://, as cmd/go
	// accepts it, with "https://" added to bare host names), or one of
	// ProxyDirect, ProxyOff, ProxyNoProxy. It may contain credentials:
	// show it with Redacted.
	URL string `json:"url"`
	// FallBackOnAnyError is true when the entry was followed by '|': any
	// error moves on to the next entry. After ',' only "not found" (404 and
	// 410) does.
	FallBackOnAnyError bool `json:"fallBackOnAnyError"`
}

// Redacted returns the URL with any password replaced by "xxxxx".
func (p ProxyEntry) Redacted() string { return redact.String(p.URL) }

// ProxyListError reports an invalid GOPROXY entry.
type ProxyListError struct {
	Entry string // the offending entry, redacted; "" when the list is empty
	Err   error
}

func (e *ProxyListError) Error() string {
	if e.Entry == "" {
		return "GOPROXY: " + e.Err.Error()
	}
	return fmt.Sprintf("GOPROXY entry %q: %v", e.Entry, e.Err)
}

func (e *ProxyListError) Unwrap() error { return e.Err }

// ParseProxyList parses GOPROXY as cmd/go's proxyList does, given the
// effective GONOPROXY (which adds the implicit "noproxy" entry first unless
// GOPROXY is exactly "direct"). Entries are split on ',' or '|' and trimmed;
// "direct" and "off" end the chain and anything after them is ignored.
func ParseProxyList(goproxy, gonoproxy string) ([]ProxyEntry, error) {
	var list []ProxyEntry
	if gonoproxy != "" && goproxy != "direct" {
		list = append(list, ProxyEntry{URL: ProxyNoProxy})
	}
	for goproxy != "" {
		var u string
		fallBack := false
		if i := strings.IndexAny(goproxy, ",|"); i >= 0 {
			u = goproxy[:i]
			fallBack = goproxy[i] == '|'
			goproxy = goproxy[i+1:]
		} else {
			u, goproxy = goproxy, ""
		}
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if u == ProxyOff {
			list = append(list, ProxyEntry{URL: ProxyOff})
			break
		}
		if u == ProxyDirect {
			list = append(list, ProxyEntry{URL: ProxyDirect})
			break
		}
		// Single words are reserved; anything with '.', ':' or '/' that is
		// not already a URL or an absolute file path gets "https://".
		if strings.ContainsAny(u, ".:/") && !strings.Contains(u, ":/") && !filepath.IsAbs(u) && !pathpkg.IsAbs(u) {
			u = "https://" + u
		}
		if err := checkProxyURL(u); err != nil {
			return nil, &ProxyListError{Entry: redact.String(u), Err: err}
		}
		list = append(list, ProxyEntry{URL: u, FallBackOnAnyError: fallBack})
	}
	if len(list) == 0 || len(list) == 1 && list[0].URL == ProxyNoProxy {
		return nil, &ProxyListError{Err: errors.New("GOPROXY list is not the empty string, but contains no entries")}
	}
	return list, nil
}

// checkProxyURL applies newProxyRepo's checks on the base URL. Errors never
// repeat the URL itself (it may hold credentials); callers add a redacted form.
func checkProxyURL(raw string) error {
	base, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("invalid proxy URL: %v", err)
	}
	switch base.Scheme {
	case "http", "https":
	case "file":
		if *base != (url.URL{Scheme: base.Scheme, Path: base.Path, RawPath: base.RawPath}) {
			return errors.New("invalid file:// proxy URL with non-path elements")
		}
	case "":
		return errors.New("invalid proxy URL missing scheme")
	default:
		return errors.New("invalid proxy URL scheme (must be https, http, file)")
	}
	return nil
}

// ProxyChain returns the parsed GOPROXY list, including the implicit
// leading "noproxy" entry when GONOPROXY (or GOPRIVATE) is set. The error is
// the one the go command would fail every download with.
func (e *Env) ProxyChain() ([]ProxyEntry, error) {
	if e.chainErr != nil {
		return nil, e.chainErr
	}
	return slices.Clone(e.chain), nil
}

// ProxiesFor returns the entries the go command would try, in order, for
// the module path (cmd/go/internal/modfetch.lookup): a path matching
// GONOPROXY is fetched directly only (even with GOPROXY=off); otherwise the
// chain without the "noproxy" marker.
func (e *Env) ProxiesFor(path string) ([]ProxyEntry, error) {
	if e.chainErr != nil {
		return nil, e.chainErr
	}
	if _, ok := e.MatchNoProxy(path); ok {
		return []ProxyEntry{{URL: ProxyDirect}}, nil
	}
	return slices.Clone(e.proxies), nil
}
