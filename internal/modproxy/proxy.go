// Copyright 2026 The gomodls Authors.
// The requests follow cmd/go/internal/modfetch/proxy.go and
// cmd/go/internal/modload/query.go, Copyright The Go Authors, BSD-style
// license.

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
)

// The questions of the lookups (lookup.go) to one proxy, and the answers
// assembled from the caches offline.

// versionReq builds the request for path's @v/<version>.<ext> on the
// proxy at base; the endpoint is ext.
func (c *Client) versionReq(base string, origin bool, path, version, ext string, limit int64) (fetchReq, *Error) {
	encV, err := module.EscapeVersion(version)
	if err != nil {
		return fetchReq{}, &Error{Kind: Invalid, Err: err}
	}
	return c.proxyReq(base, origin, path, "@v/"+encV+"."+ext, ext, limit)
}

// fetchVersionFile fetches path's @v/<version>.<ext> (a metadata file)
// from the proxy at base, sharing identical requests in flight.
func (c *Client) fetchVersionFile(ctx context.Context, base string, origin bool, path, version, ext string) (fetchReq, []byte, *Error) {
	r, e := c.versionReq(base, origin, path, version, ext, c.maxBody)
	if e != nil {
		return r, nil, e
	}
	res, e := c.fetchShared(ctx, r)
	if e != nil {
		return r, nil, e
	}
	return r, res.data, nil
}

// proxyInfo is proxyRepo.Stat for a canonical version.
func (c *Client) proxyInfo(ctx context.Context, base string, origin bool, path, version string) (*Info, *Error) {
	r, data, e := c.fetchVersionFile(ctx, base, origin, path, version, "info")
	if e != nil {
		return nil, e
	}
	info, err := parseInfo(data)
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

func (c *Client) proxyGoMod(ctx context.Context, base string, origin bool, path, version string) (*GoModFile, *Error) {
	r, data, e := c.fetchVersionFile(ctx, base, origin, path, version, "mod")
	if e != nil {
		return nil, e
	}
	return &GoModFile{Path: path, Version: version, Data: data, Provenance: Provenance{Source: r.proxy, Fetched: c.now()}}, nil
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

func (c *Client) proxyZipHash(ctx context.Context, base string, origin bool, path, version string) (*ZipHash, *Error) {
	r, e := c.versionReq(base, origin, path, version, "zip", c.maxZip)
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
