// Copyright 2026 The gomodls Authors.
// The lookups follow cmd/go/internal/modfetch (proxy.go, cache.go,
// fetch.go) and cmd/go/internal/modload/query.go, Copyright The Go
// Authors, BSD-style license.

package modproxy

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/redact"
)

// Info returns the .info of path@version: from memory, the module cache,
// our cache, or the GOPROXY chain. version must be canonical (a semantic
// version as go.mod files hold them, e.g. v1.2.3,
// v0.0.0-20240102030405-abcdef012345, v2.0.0+incompatible); queries such
// as "latest", branch names or commit hashes are not resolved (see Latest).
//
// A NotFound error says in Module whether the module path itself is known,
// when the version list can tell.
func (c *Client) Info(ctx context.Context, path, version string) (*Info, error) {
	v, err := c.shared(ctx, "info", path, version, func(ctx context.Context) (any, error) { return c.infoLookup(ctx, path, version) })
	if err != nil {
		return nil, err
	}
	return v.(*Info).Clone(), nil
}

// infoLookup is Info without the sharing of concurrent identical calls.
func (c *Client) infoLookup(ctx context.Context, path, version string) (*Info, error) {
	if e := checkVersion(path, version); e != nil {
		return nil, e
	}
	key := memKey{"info", path, version}
	if v, e, ok := c.memLookup(key); ok {
		if e != nil {
			return nil, e
		}
		return v.(*Info), nil
	}
	if info := c.cachedInfo(path, version); info != nil {
		c.mem.put(key, memEntry{val: info, at: c.now()})
		return info, nil
	}
	if c.offline {
		return nil, c.offlineError(path, version)
	}
	if e := c.diskNegative(path, "info-"+version); e != nil {
		return nil, e.WithModule(path, version)
	}
	info, attempts, e := tryChain(c, ctx, path, version, func(ctx context.Context, p goenv.ProxyEntry) (*Info, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directInfo(ctx, path, version)
		}
		return c.proxyInfo(ctx, p.URL, false, path, version)
	})
	if e != nil {
		if e.Kind == NotFound {
			c.annotateExistence(ctx, e)
		}
		c.rememberFailure(key, path, "info-"+version, e)
		return nil, e
	}
	info.Attempts = attempts
	c.storeInfo(info)
	return info, nil
}

// storeInfo keeps an answer: proxies' answers forever (memory and disk),
// direct ones (tags can move) for ListTTL in memory only.
func (c *Client) storeInfo(info *Info) {
	key := memKey{"info", info.Path, info.Version}
	if strings.HasPrefix(info.Source, SourceDirect) && !strings.HasPrefix(info.Source, SourceDirect+" (mod ") {
		c.mem.put(key, memEntry{val: info, at: c.now(), ttl: c.listTTL})
		return
	}
	c.mem.put(key, memEntry{val: info, at: c.now()})
	if c.disk != nil {
		c.disk.write(c.disk.immutablePath(c.routeKey(info.Path), versionFile(info.Path, info.Version), "info"), &diskEntry{Source: info.Source, Fetched: info.Fetched, Data: string(marshalInfo(info))})
	}
}

// cachedInfo returns the .info from the module cache or our cache.
func (c *Client) cachedInfo(path, version string) *Info {
	vf := versionFile(path, version)
	if info := c.modCacheInfo(path, version, vf); info != nil {
		c.stats.add(func(s *Stats) { s.ModCacheHits++ })
		info.Unverified = c.offline
		return info
	}
	if e, ok := c.disk.read(c.disk.immutablePath(c.routeKey(path), vf, "info")); ok {
		info, err := parseInfo([]byte(e.Data))
		if err == nil && info.Version == version {
			c.stats.add(func(s *Stats) { s.DiskHits++ })
			info.Path = path
			info.Provenance = Provenance{Source: SourceDisk, CachedFrom: e.Source, Fetched: e.Fetched, Unverified: c.offline}
			return info
		}
	}
	return nil
}

// proxyInfo is proxyRepo.Stat for a canonical version.
func (c *Client) proxyInfo(ctx context.Context, base string, origin bool, path, version string) (*Info, *Error) {
	encV, err := module.EscapeVersion(version)
	if err != nil {
		return nil, &Error{Kind: Invalid, Err: err}
	}
	r, e := c.proxyReq(base, origin, path, "@v/"+encV+".info", "info", c.maxBody)
	if e != nil {
		return nil, e
	}
	res, e := c.fetchShared(ctx, r)
	if e != nil {
		return nil, e
	}
	info, err := parseInfo(res.data)
	if err != nil {
		return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Err: fmt.Errorf("invalid response from proxy %q: %w", proxyName(r.proxy), err)}
	}
	if info.Version != version && module.Check(path, version) == nil {
		// A correct, canonical version must be answered with exactly
		// that version or an error (as the go command insists).
		return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: "reading " + r.redacted, Err: fmt.Errorf("proxy returned info for version %s instead of requested version", info.Version)}
	}
	info.Path = path
	info.Source = r.proxy
	info.Fetched = c.now()
	return info, nil
}

// proxyName strips our "direct (mod ...)" decoration for go-like messages.
func proxyName(p string) string {
	if s, ok := strings.CutPrefix(p, SourceDirect+" (mod "); ok {
		return strings.TrimSuffix(s, ")")
	}
	return p
}

// GoMod returns the go.mod of path@version (canonical version) as the
// proxy serves it. It does not verify it against go.sum or the checksum
// database.
func (c *Client) GoMod(ctx context.Context, path, version string) (*GoModFile, error) {
	v, err := c.shared(ctx, "mod", path, version, func(ctx context.Context) (any, error) { return c.goModLookup(ctx, path, version) })
	if err != nil {
		return nil, err
	}
	return v.(*GoModFile).Clone(), nil
}

// goModLookup is GoMod without the sharing of concurrent identical calls.
func (c *Client) goModLookup(ctx context.Context, path, version string) (*GoModFile, error) {
	if e := checkVersion(path, version); e != nil {
		return nil, e
	}
	key := memKey{"mod", path, version}
	if v, e, ok := c.memLookup(key); ok {
		if e != nil {
			return nil, e
		}
		return v.(*GoModFile), nil
	}
	vf := versionFile(path, version)
	if data := c.modCacheGoMod(vf); data != nil {
		c.stats.add(func(s *Stats) { s.ModCacheHits++ })
		gm := &GoModFile{Path: path, Version: version, Data: data, Provenance: Provenance{Source: SourceModCache, Unverified: c.offline}}
		c.mem.put(key, memEntry{val: gm, at: c.now()})
		return gm, nil
	}
	if e, ok := c.disk.read(c.disk.immutablePath(c.routeKey(path), vf, "mod")); ok {
		c.stats.add(func(s *Stats) { s.DiskHits++ })
		gm := &GoModFile{Path: path, Version: version, Data: []byte(e.Data), Provenance: Provenance{Source: SourceDisk, CachedFrom: e.Source, Fetched: e.Fetched, Unverified: c.offline}}
		c.mem.put(key, memEntry{val: gm, at: c.now()})
		return gm, nil
	}
	if c.offline {
		return nil, c.offlineError(path, version)
	}
	if e := c.diskNegative(path, "mod-"+version); e != nil {
		return nil, e.WithModule(path, version)
	}
	gm, attempts, e := tryChain(c, ctx, path, version, func(ctx context.Context, p goenv.ProxyEntry) (*GoModFile, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directGoMod(ctx, path, version)
		}
		return c.proxyGoMod(ctx, p.URL, false, path, version)
	})
	if e != nil {
		if e.Kind == NotFound {
			c.annotateExistence(ctx, e)
		}
		c.rememberFailure(key, path, "mod-"+version, e)
		return nil, e
	}
	gm.Attempts = attempts
	c.mem.put(key, memEntry{val: gm, at: c.now()})
	if c.disk != nil {
		c.disk.write(c.disk.immutablePath(c.routeKey(path), vf, "mod"), &diskEntry{Source: gm.Source, Fetched: gm.Fetched, Data: string(gm.Data)})
	}
	return gm, nil
}

func (c *Client) proxyGoMod(ctx context.Context, base string, origin bool, path, version string) (*GoModFile, *Error) {
	encV, err := module.EscapeVersion(version)
	if err != nil {
		return nil, &Error{Kind: Invalid, Err: err}
	}
	r, e := c.proxyReq(base, origin, path, "@v/"+encV+".mod", "mod", c.maxBody)
	if e != nil {
		return nil, e
	}
	res, e := c.fetchShared(ctx, r)
	if e != nil {
		return nil, e
	}
	return &GoModFile{Path: path, Version: version, Data: res.data, Provenance: Provenance{Source: r.proxy, Fetched: c.now()}}, nil
}

// Versions returns the module's @v/list through the GOPROXY chain (fresh
// for ListTTL in our caches). Offline, it is assembled from the caches
// (the module cache's list and .info files, our cached lists) and marked
// Unverified.
func (c *Client) Versions(ctx context.Context, path string) (*VersionList, error) {
	v, err := c.shared(ctx, "list", path, "", func(ctx context.Context) (any, error) { return c.versionsLookup(ctx, path) })
	if err != nil {
		return nil, err
	}
	return v.(*VersionList).Clone(), nil
}

// versionsLookup is Versions without the sharing of concurrent identical calls.
func (c *Client) versionsLookup(ctx context.Context, path string) (*VersionList, error) {
	if e := checkPath(path); e != nil {
		return nil, e
	}
	l, e := c.versions(ctx, path)
	if e != nil {
		return nil, e
	}
	return l, nil
}

func (c *Client) versions(ctx context.Context, path string) (*VersionList, *Error) {
	key := memKey{"list", path, ""}
	if v, e, ok := c.memLookup(key); ok {
		if e != nil {
			return nil, e
		}
		return v.(*VersionList), nil
	}
	rk := c.routeKey(path)
	if c.offline {
		return c.offlineVersions(path, rk)
	}
	if de, ok := c.disk.read(c.disk.routePath(rk, path, "list")); ok && c.fresh(de.Fetched, c.listTTL) {
		c.stats.add(func(s *Stats) { s.DiskHits++ })
		l := newVersionList(path, parseList([]byte(de.Data)))
		l.Provenance = Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched}
		c.mem.put(key, memEntry{val: l, at: de.Fetched, ttl: c.listTTL})
		return l, nil
	}
	if e := c.diskNegative(path, "list"); e != nil {
		return nil, e.WithModule(path, "")
	}
	l, attempts, e := tryChain(c, ctx, path, "", func(ctx context.Context, p goenv.ProxyEntry) (*VersionList, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directVersions(ctx, path)
		}
		return c.proxyList(ctx, p.URL, false, path)
	})
	if e != nil {
		c.rememberFailure(key, path, "list", e)
		return nil, e
	}
	l.Attempts = attempts
	c.mem.put(key, memEntry{val: l, at: l.Fetched, ttl: c.listTTL})
	if c.disk != nil && !strings.HasPrefix(l.Source, SourceDirect+" (git") {
		c.disk.write(c.disk.routePath(rk, path, "list"), &diskEntry{Source: l.Source, Fetched: l.Fetched, Data: formatList(linesOf(l))})
	}
	return l, nil
}

func formatList(lines []listLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.version)
		if l.hasTime {
			b.WriteString(" " + l.time.Format("2006-01-02T15:04:05Z07:00"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// proxyList is one proxy's @v/list, remembered per proxy for ListTTL (so
// Latest after Versions costs no second list request).
func (c *Client) proxyList(ctx context.Context, base string, origin bool, path string) (*VersionList, *Error) {
	key := memKey{"plist " + base, path, ""}
	if e, ok := c.mem.get(key, c.now()); ok {
		c.stats.add(func(s *Stats) { s.MemoryHits++ })
		return e.val.(*VersionList).Clone(), nil
	}
	r, e := c.proxyReq(base, origin, path, "@v/list", "list", c.maxBody)
	if e != nil {
		return nil, e
	}
	res, e := c.fetchShared(ctx, r)
	if e != nil {
		return nil, e
	}
	l := newVersionList(path, parseList(res.data))
	l.Source, l.Fetched = r.proxy, c.now()
	c.mem.put(key, memEntry{val: l.Clone(), at: l.Fetched, ttl: c.listTTL})
	return l, nil
}

// offlineVersions assembles a list from the caches.
func (c *Client) offlineVersions(path, rk string) (*VersionList, *Error) {
	var lines []listLine
	var src []string
	var prov Provenance
	if de, ok := c.disk.read(c.disk.routePath(rk, path, "list")); ok {
		lines = append(lines, parseList([]byte(de.Data))...)
		src = append(src, SourceDisk)
		prov.CachedFrom, prov.Fetched = de.Source, de.Fetched
	}
	if vs := c.modCacheVersions(path); len(vs) > 0 {
		for _, v := range vs {
			lines = append(lines, listLine{version: v})
		}
		src = append(src, SourceModCache)
	}
	if ed := escapedDir(path); c.disk != nil && ed != "" {
		for _, v := range infoFileVersions(filepath.Join(c.disk.dir, rk, ed), ".info.json") {
			lines = append(lines, listLine{version: v})
		}
	}
	if len(lines) == 0 {
		return nil, c.offlineError(path, "")
	}
	c.stats.add(func(s *Stats) { s.DiskHits++ })
	l := newVersionList(path, lines)
	prov.Source = strings.Join(src, ", ")
	if prov.Source == "" {
		prov.Source = SourceDisk
	}
	prov.Unverified = true
	l.Provenance = prov
	return l, nil
}

// Latest answers path@latest as `go list -m path@latest` does, through
// the chain, each proxy in turn (modload.queryProxy): the highest release
// in the proxy's @v/list (ignoring +incompatible versions above a
// compatible one with a go.mod), else the highest prerelease, else the
// proxy's @latest, and if that is not found (filtered mirrors answer 404
// to every @latest) the newest pseudo-version in the list. Retractions and
// exclusions are not applied: the caller decides (see the retraction
// analyzer).
func (c *Client) Latest(ctx context.Context, path string) (*Info, error) {
	v, err := c.shared(ctx, "latest", path, "", func(ctx context.Context) (any, error) { return c.latestLookup(ctx, path) })
	if err != nil {
		return nil, err
	}
	return v.(*Info).Clone(), nil
}

// latestLookup is Latest without the sharing of concurrent identical calls.
func (c *Client) latestLookup(ctx context.Context, path string) (*Info, error) {
	if e := checkPath(path); e != nil {
		return nil, e
	}
	key := memKey{"latest", path, ""}
	if v, e, ok := c.memLookup(key); ok {
		if e != nil {
			return nil, e
		}
		return v.(*Info), nil
	}
	rk := c.routeKey(path)
	if c.offline {
		info, e := c.offlineLatest(ctx, path, rk)
		if e != nil {
			return nil, e
		}
		return info, nil
	}
	if de, ok := c.disk.read(c.disk.routePath(rk, path, "latest")); ok && c.fresh(de.Fetched, c.listTTL) {
		if info, err := parseInfo([]byte(de.Data)); err == nil {
			c.stats.add(func(s *Stats) { s.DiskHits++ })
			info.Path = path
			info.Provenance = Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched}
			c.mem.put(key, memEntry{val: info, at: de.Fetched, ttl: c.listTTL})
			return info, nil
		}
	}
	if e := c.diskNegative(path, "latest"); e != nil {
		return nil, e.WithModule(path, "latest")
	}
	info, attempts, e := tryChain(c, ctx, path, "latest", func(ctx context.Context, p goenv.ProxyEntry) (*Info, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directLatest(ctx, path)
		}
		return c.proxyLatest(ctx, p.URL, false, path)
	})
	if e != nil {
		c.rememberFailure(key, path, "latest", e)
		return nil, e
	}
	info = info.Clone()
	info.Attempts = attempts
	c.mem.put(key, memEntry{val: info, at: c.now(), ttl: c.listTTL})
	if c.disk != nil && info.Unchecked == "" {
		c.disk.write(c.disk.routePath(rk, path, "latest"), &diskEntry{Source: info.Source, Fetched: c.now(), Data: string(marshalInfo(info))})
	}
	return info, nil
}

// proxyLatest is modload.queryProxy for the query "latest" on one proxy.
func (c *Client) proxyLatest(ctx context.Context, base string, origin bool, path string) (*Info, *Error) {
	list, e := c.proxyList(ctx, base, origin, path)
	if e != nil {
		return nil, e
	}
	releases, prereleases, e := c.latestCandidates(ctx, path, list.Versions)
	if e != nil {
		return nil, e
	}
	stat := func(v string) (*Info, *Error) {
		if info := c.cachedInfo(path, v); info != nil {
			// The proxy's list chose the version; the cache only saved
			// asking for its .info.
			info.Source, info.CachedFrom, info.Fetched = list.Source, "", list.Fetched
			return info, nil
		}
		info, e := c.proxyInfo(ctx, base, origin, path, v)
		if e == nil {
			c.storeInfo(info)
		}
		return info, e
	}
	switch {
	case len(releases) > 0:
		return stat(releases[len(releases)-1])
	case len(prereleases) > 0:
		return stat(prereleases[len(prereleases)-1])
	}

	// proxyRepo.Latest: @latest, falling back to the list's pseudo-versions.
	r, e := c.proxyReq(base, origin, path, "@latest", "latest", c.maxBody)
	if e != nil {
		return nil, e
	}
	res, e := c.fetchShared(ctx, r)
	if e == nil {
		info, err := parseInfo(res.data)
		if err != nil {
			return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Err: fmt.Errorf("invalid response from proxy %q: %w", proxyName(r.proxy), err)}
		}
		info.Path, info.Source, info.Fetched = path, r.proxy, c.now()
		return info, nil
	}
	if !notExist(e) {
		return nil, e
	}
	if v := latestFromList(linesOf(list)); v != "" {
		info, e := stat(v)
		if e != nil {
			return nil, e
		}
		return info, nil
	}
	// The proxy knows the module (its list answered) but has no version:
	// like the go command's NoMatchingVersionError, this does not fall
	// through a ','.
	return nil, &Error{Kind: NotFound, Proxy: r.proxy, Module: ModuleKnown, NoMatch: true, Err: errors.New(`no matching versions for query "latest"`)}
}

// latestCandidates is queryMatcher.filterVersions for "latest": releases
// and prereleases, dropping +incompatible versions above the last
// compatible version when that one has a go.mod file.
func (c *Client) latestCandidates(ctx context.Context, path string, versions []string) (releases, prereleases []string, _ *Error) {
	needIncompatible := false
	lastCompatible := ""
	for _, v := range versions {
		if !needIncompatible {
			if !strings.HasSuffix(v, "+incompatible") {
				lastCompatible = v
			} else if lastCompatible != "" {
				ok, e := c.versionHasGoMod(ctx, path, lastCompatible)
				if e != nil {
					return nil, nil, e
				}
				if ok {
					break
				}
				needIncompatible = true
			}
		}
		if semver.Prerelease(v) != "" {
			prereleases = append(prereleases, v)
		} else {
			releases = append(releases, v)
		}
	}
	return releases, prereleases, nil
}

// versionHasGoMod reports whether path@v has a real go.mod (not the one
// proxies synthesise for modules without one).
func (c *Client) versionHasGoMod(ctx context.Context, path, v string) (bool, *Error) {
	gm, err := c.GoMod(ctx, path, v)
	if err != nil {
		var e *Error
		errors.As(err, &e)
		return false, e
	}
	legacy := fmt.Appendf(nil, "module %s\n", modfile.AutoQuote(path))
	return !bytes.Equal(gm.Data, legacy), nil
}

// offlineLatest picks the latest version from cached lists.
func (c *Client) offlineLatest(ctx context.Context, path, rk string) (*Info, *Error) {
	if de, ok := c.disk.read(c.disk.routePath(rk, path, "latest")); ok {
		if info, err := parseInfo([]byte(de.Data)); err == nil {
			info.Path = path
			info.Provenance = Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched, Unverified: true}
			return info, nil
		}
	}
	l, e := c.offlineVersions(path, rk)
	if e != nil {
		return nil, e.WithModule(path, "latest")
	}
	v := latestTagged(l.Versions)
	if v == "" {
		v = latestFromList(linesOf(l))
	}
	if v == "" {
		return nil, c.offlineError(path, "latest")
	}
	if info := c.cachedInfo(path, v); info != nil {
		info.Unverified = true
		return info, nil
	}
	return &Info{Path: path, Version: v, Provenance: Provenance{Source: l.Source, Unverified: true}}, nil
}

// ZipHash returns the h1: hash of path@version's zip, as go.sum records it:
// the module cache's .ziphash when present, else our cached hash, else the
// zip is downloaded (size-capped, to a temporary file that is removed),
// checked as the go command checks it (every file under path@version/) and
// hashed with dirhash.HashZip. Nothing is written to the module cache and
// nothing is verified against go.sum or the checksum database.
func (c *Client) ZipHash(ctx context.Context, path, version string) (*ZipHash, error) {
	v, err := c.shared(ctx, "zip", path, version, func(ctx context.Context) (any, error) { return c.zipHashLookup(ctx, path, version) })
	if err != nil {
		return nil, err
	}
	return v.(*ZipHash).Clone(), nil
}

// zipHashLookup is ZipHash without the sharing of concurrent identical calls.
func (c *Client) zipHashLookup(ctx context.Context, path, version string) (*ZipHash, error) {
	if e := checkVersion(path, version); e != nil {
		return nil, e
	}
	key := memKey{"zip", path, version}
	if v, e, ok := c.memLookup(key); ok {
		if e != nil {
			return nil, e
		}
		return v.(*ZipHash), nil
	}
	vf := versionFile(path, version)
	if h := c.modCacheZipHash(vf); h != "" {
		c.stats.add(func(s *Stats) { s.ModCacheHits++ })
		z := &ZipHash{Path: path, Version: version, Hash: h, Provenance: Provenance{Source: SourceModCache, Unverified: c.offline}}
		c.mem.put(key, memEntry{val: z, at: c.now()})
		return z, nil
	}
	if de, ok := c.disk.read(c.disk.immutablePath(c.routeKey(path), vf, "ziphash")); ok && isValidSum([]byte(de.Data)) {
		c.stats.add(func(s *Stats) { s.DiskHits++ })
		z := &ZipHash{Path: path, Version: version, Hash: de.Data, Provenance: Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched, Unverified: c.offline}}
		c.mem.put(key, memEntry{val: z, at: c.now()})
		return z, nil
	}
	if c.offline {
		return nil, c.offlineError(path, version)
	}
	if e := c.diskNegative(path, "zip-"+version); e != nil {
		return nil, e.WithModule(path, version)
	}
	z, attempts, e := tryChain(c, ctx, path, version, func(ctx context.Context, p goenv.ProxyEntry) (*ZipHash, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directZipHash(ctx, path, version)
		}
		return c.proxyZipHash(ctx, p.URL, false, path, version)
	})
	if e != nil {
		c.rememberFailure(key, path, "zip-"+version, e)
		return nil, e
	}
	z.Attempts = attempts
	c.mem.put(key, memEntry{val: z, at: c.now()})
	if c.disk != nil {
		c.disk.write(c.disk.immutablePath(c.routeKey(path), vf, "ziphash"), &diskEntry{Source: z.Source, Fetched: z.Fetched, Data: z.Hash})
	}
	return z, nil
}

func (c *Client) proxyZipHash(ctx context.Context, base string, origin bool, path, version string) (*ZipHash, *Error) {
	encV, err := module.EscapeVersion(version)
	if err != nil {
		return nil, &Error{Kind: Invalid, Err: err}
	}
	r, e := c.proxyReq(base, origin, path, "@v/"+encV+".zip", "zip", c.maxZip)
	if e != nil {
		return nil, e
	}
	r.toFile, r.dir = true, c.tmpDir()
	v, e, shared := c.flight.do(ctx, "ziphash "+r.u.String(), func(ctx context.Context) (any, *Error) {
		res, e := c.fetch(ctx, r)
		if e != nil {
			return nil, e
		}
		if r.u.Scheme != "file" {
			defer os.Remove(res.file)
		}
		h, err := hashZip(res.file, res.size, path, version)
		if err != nil {
			return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: "reading " + r.redacted, Err: err}
		}
		return h, nil
	})
	if shared {
		c.stats.add(func(s *Stats) { s.Shared++ })
	}
	if e != nil {
		if e.Op == "" {
			e.Op, e.Proxy = "reading "+r.redacted, r.proxy
		}
		return nil, e
	}
	return &ZipHash{Path: path, Version: version, Hash: v.(string), Provenance: Provenance{Source: r.proxy, Fetched: c.now()}}, nil
}

// hashZip checks the zip as downloadZip does and hashes it.
func hashZip(file string, size int64, path, version string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	z, err := zip.NewReader(f, size)
	if err != nil {
		return "", fmt.Errorf("invalid zip: %w", err)
	}
	prefix := path + "@" + version + "/"
	for _, zf := range z.File {
		if !strings.HasPrefix(zf.Name, prefix) {
			return "", fmt.Errorf("zip for %s has unexpected file %s", prefix[:len(prefix)-1], zf.Name)
		}
	}
	return dirhash.HashZip(file, dirhash.DefaultHash)
}

// tmpDir is where zips are downloaded.
func (c *Client) tmpDir() string {
	if c.disk != nil {
		return filepath.Join(c.disk.dir, "tmp")
	}
	return filepath.Join(os.TempDir(), "gomodls-modproxy")
}

// ---- shared helpers ----

// memLookup returns a remembered answer or failure.
func (c *Client) memLookup(k memKey) (any, *Error, bool) {
	e, ok := c.mem.get(k, c.now())
	if !ok {
		return nil, nil, false
	}
	if e.err != nil {
		c.stats.add(func(s *Stats) { s.NegativeHits++ })
		return nil, cloneWithAttempts(e.err), true
	}
	c.stats.add(func(s *Stats) { s.MemoryHits++ })
	return e.val, nil, true
}

// rememberFailure keeps a failure for NegativeTTL: in memory (any failure
// but cancellation and invalid requests) and on disk ("not found" only:
// the others are transient or depend on credentials).
func (c *Client) rememberFailure(k memKey, path, name string, e *Error) {
	switch e.Kind {
	case Canceled, Invalid:
		return
	}
	if e.Kind == Unreachable && errors.Is(e, context.DeadlineExceeded) {
		return // the caller's deadline, not the proxy's fault
	}
	c.mem.put(k, memEntry{err: cloneWithAttempts(e), at: c.now(), ttl: c.negTTL})
	if c.disk != nil && e.Kind == NotFound && !e.NoMatch {
		c.disk.write(c.disk.routePath(c.routeKey(path), path, name+".neg"), &diskEntry{Source: e.Proxy, Fetched: c.now(), Error: toDiskError(e)})
	}
}

// diskNegative returns a fresh remembered "not found" from disk.
func (c *Client) diskNegative(path, name string) *Error {
	if c.disk == nil {
		return nil
	}
	de, ok := c.disk.read(c.disk.routePath(c.routeKey(path), path, name+".neg"))
	if !ok || de.Error == nil || !c.fresh(de.Fetched, c.negTTL) {
		return nil
	}
	c.stats.add(func(s *Stats) { s.NegativeHits++ })
	return de.Error.toError()
}

func (c *Client) offlineError(path, version string) *Error {
	return &Error{Kind: Offline, Path: path, Version: version, Err: errors.New(c.offlineReason)}
}

// annotateExistence fills e.Module from the module's version list (one
// extra request at most, on the failure path only, and cached).
func (c *Client) annotateExistence(ctx context.Context, e *Error) {
	if e.Module != ExistenceUnknown || e.Path == "" {
		return
	}
	l, le := c.versions(ctx, e.Path)
	switch {
	case le != nil && le.Kind == NotFound && !le.NoMatch:
		e.Module = ModuleUnknown
	case le == nil && (len(l.Versions) > 0 || len(l.Pseudo) > 0):
		e.Module = ModuleKnown
	}
}

// shared runs a whole lookup (cache checks, the chain, storing the answer)
// once for concurrent identical calls. Sharing only the HTTP fetches is not
// enough: a caller arriving between the end of a fetch and the storing of
// its answer would miss both and fetch again. Every caller gets the same
// answer, which may be the one kept in memory: the exported methods hand
// out clones, so fn need not copy it.
func (c *Client) shared(ctx context.Context, op, path, version string, fn func(context.Context) (any, error)) (any, error) {
	v, e, joined := c.lookups.do(ctx, op+"\x00"+path+"\x00"+version, func(ctx context.Context) (any, *Error) {
		v, err := fn(ctx)
		if err == nil {
			return v, nil
		}
		var me *Error
		if errors.As(err, &me) {
			return nil, me
		}
		return nil, &Error{Kind: ProxyError, Err: err}
	})
	if joined {
		c.stats.add(func(s *Stats) { s.Shared++ })
	}
	if e != nil {
		if e.Path == "" {
			// The caller's context ended while it waited: say for what,
			// and whom.
			if op == "list" || op == "latest" {
				version = ""
			}
			e = e.WithModule(path, version)
			if e.Proxy == "" {
				e.Proxy = c.firstRoute(path)
			}
		}
		return nil, e
	}
	return v, nil
}

// firstRoute names the first GOPROXY entry path is fetched through: a
// proxy's redacted URL, "direct" or "off".
func (c *Client) firstRoute(path string) string {
	entries, err := c.env.ProxiesFor(path)
	if err != nil || len(entries) == 0 {
		return ""
	}
	return redact.String(entries[0].URL)
}
