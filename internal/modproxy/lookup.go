// Copyright 2026 The gomodls Authors.
// The lookups follow cmd/go/internal/modfetch (proxy.go, cache.go,
// fetch.go) and cmd/go/internal/modload/query.go, Copyright The Go
// Authors, BSD-style license.

package modproxy

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/redact"
)

// Every lookup climbs the same stairs: a remembered answer or failure in
// memory; the caches that need no network (the module cache, gomodls'
// own); offline, what the caches can assemble, or an Offline error; a
// remembered "not found" on disk; the GOPROXY chain; then the failure is
// remembered, or the answer kept. A kind describes what differs between
// the five questions (.info, .mod, @v/list, @latest, the zip's hash), and
// lookup climbs the stairs for any of them.
type kind[T any] struct {
	// op names the question in memory keys, in the sharing of
	// concurrent lookups and in disk names ("info", "mod", "list",
	// "latest", "zip").
	op string
	// label stands for the version in errors and in the chain when the
	// question has none: "" for lists, "latest".
	label string
	// check refuses a request the go command would reject before any
	// network access.
	check func(path, version string) *Error
	// cached is the answer of the caches that need no network, and how
	// long memory keeps it (0: for good, since it cannot change).
	cached func(c *Client, path, version string) (v T, at time.Time, ttl time.Duration, ok bool)
	// offline answers when the network may not be used; nil: an Offline
	// error.
	offline func(c *Client, ctx context.Context, path string) (T, *Error)
	// fetch asks one GOPROXY entry ("direct" included).
	fetch func(c *Client, ctx context.Context, p goenv.ProxyEntry, path, version string) (T, *Error)
	// annotate fills in, for "not found", whether the module exists.
	annotate bool
	// store keeps a fresh answer from the chain, in memory and on disk.
	store func(c *Client, v T)
	// prov is the provenance of an answer; clone copies an answer.
	prov  func(T) *Provenance
	clone func(T) T
}

// get answers k for path@version (version "" for lists and @latest),
// running one lookup for concurrent identical calls, and hands out a copy.
func get[T any](c *Client, ctx context.Context, k *kind[T], path, version string) (T, error) {
	v, err := c.shared(ctx, k.op, path, version, func(ctx context.Context) (any, error) {
		v, e := lookup(c, ctx, k, path, version)
		if e != nil {
			return nil, e
		}
		return v, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return k.clone(v.(T)), nil
}

// lookup climbs the stairs for k.
func lookup[T any](c *Client, ctx context.Context, k *kind[T], path, version string) (T, *Error) {
	var zero T
	label, neg := version, k.op
	if version == "" {
		label = k.label
	} else {
		neg += "-" + version
	}
	if e := k.check(path, version); e != nil {
		return zero, e
	}
	key := memKey{k.op, path, version}
	if v, e, ok := c.memLookup(key); ok {
		if e != nil {
			return zero, e
		}
		return v.(T), nil
	}
	if v, at, ttl, ok := k.cached(c, path, version); ok {
		c.mem.put(key, memEntry{val: v, at: at, ttl: ttl})
		return v, nil
	}
	if c.offline {
		if k.offline != nil {
			return k.offline(c, ctx, path)
		}
		return zero, c.offlineError(path, label)
	}
	if e := c.diskNegative(path, neg); e != nil {
		return zero, e.WithModule(path, label)
	}
	v, attempts, e := tryChain(c, ctx, path, label, func(ctx context.Context, p goenv.ProxyEntry) (T, *Error) {
		return k.fetch(c, ctx, p, path, version)
	})
	if e != nil {
		if k.annotate && e.Kind == NotFound {
			c.annotateExistence(ctx, e)
		}
		c.rememberFailure(key, path, neg, e)
		return zero, e
	}
	k.prov(v).Attempts = attempts
	k.store(c, v)
	return v, nil
}

// Info returns the .info of path@version: from memory, the module cache,
// our cache, or the GOPROXY chain. version must be canonical (a semantic
// version as go.mod files hold them, e.g. v1.2.3,
// v0.0.0-20240102030405-abcdef012345, v2.0.0+incompatible); queries such
// as "latest", branch names or commit hashes are not resolved (see Latest).
//
// A NotFound error says in Module whether the module path itself is known,
// when the version list can tell.
func (c *Client) Info(ctx context.Context, path, version string) (*Info, error) {
	return get(c, ctx, &infoKind, path, version)
}

var infoKind = kind[*Info]{
	op:    "info",
	check: checkVersion,
	cached: func(c *Client, path, version string) (*Info, time.Time, time.Duration, bool) {
		info := c.cachedInfo(path, version)
		return info, c.now(), 0, info != nil
	},
	fetch: func(c *Client, ctx context.Context, p goenv.ProxyEntry, path, version string) (*Info, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directInfo(ctx, path, version)
		}
		return c.proxyInfo(ctx, p.URL, false, path, version)
	},
	annotate: true,
	store:    (*Client).storeInfo,
	prov:     func(i *Info) *Provenance { return &i.Provenance },
	clone:    (*Info).Clone,
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

// GoMod returns the go.mod of path@version (canonical version) as the
// proxy serves it. It does not verify it against go.sum or the checksum
// database.
func (c *Client) GoMod(ctx context.Context, path, version string) (*GoModFile, error) {
	return get(c, ctx, &goModKind, path, version)
}

var goModKind = kind[*GoModFile]{
	op:    "mod",
	check: checkVersion,
	cached: func(c *Client, path, version string) (*GoModFile, time.Time, time.Duration, bool) {
		vf := versionFile(path, version)
		if data := c.modCacheGoMod(vf); data != nil {
			c.stats.add(func(s *Stats) { s.ModCacheHits++ })
			return &GoModFile{Path: path, Version: version, Data: data, Provenance: Provenance{Source: SourceModCache, Unverified: c.offline}}, c.now(), 0, true
		}
		if e, ok := c.disk.read(c.disk.immutablePath(c.routeKey(path), vf, "mod")); ok {
			c.stats.add(func(s *Stats) { s.DiskHits++ })
			return &GoModFile{Path: path, Version: version, Data: []byte(e.Data), Provenance: Provenance{Source: SourceDisk, CachedFrom: e.Source, Fetched: e.Fetched, Unverified: c.offline}}, c.now(), 0, true
		}
		return nil, time.Time{}, 0, false
	},
	fetch: func(c *Client, ctx context.Context, p goenv.ProxyEntry, path, version string) (*GoModFile, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directGoMod(ctx, path, version)
		}
		return c.proxyGoMod(ctx, p.URL, false, path, version)
	},
	annotate: true,
	store: func(c *Client, gm *GoModFile) {
		c.mem.put(memKey{"mod", gm.Path, gm.Version}, memEntry{val: gm, at: c.now()})
		if c.disk != nil {
			c.disk.write(c.disk.immutablePath(c.routeKey(gm.Path), versionFile(gm.Path, gm.Version), "mod"), &diskEntry{Source: gm.Source, Fetched: gm.Fetched, Data: string(gm.Data)})
		}
	},
	prov:  func(g *GoModFile) *Provenance { return &g.Provenance },
	clone: (*GoModFile).Clone,
}

// Versions returns the module's @v/list through the GOPROXY chain (fresh
// for ListTTL in our caches). Offline, it is assembled from the caches
// (the module cache's list and .info files, our cached lists) and marked
// Unverified.
func (c *Client) Versions(ctx context.Context, path string) (*VersionList, error) {
	return get(c, ctx, &listKind, path, "")
}

var listKind = kind[*VersionList]{
	op:    "list",
	check: func(path, _ string) *Error { return checkPath(path) },
	cached: func(c *Client, path, _ string) (*VersionList, time.Time, time.Duration, bool) {
		if c.offline {
			return nil, time.Time{}, 0, false // assembled from every cache instead
		}
		if de, ok := c.disk.read(c.disk.routePath(c.routeKey(path), path, "list")); ok && c.fresh(de.Fetched, c.listTTL) {
			c.stats.add(func(s *Stats) { s.DiskHits++ })
			l := newVersionList(path, parseList([]byte(de.Data)))
			l.Provenance = Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched}
			return l, de.Fetched, c.listTTL, true
		}
		return nil, time.Time{}, 0, false
	},
	offline: func(c *Client, _ context.Context, path string) (*VersionList, *Error) {
		return c.offlineVersions(path, c.routeKey(path))
	},
	fetch: func(c *Client, ctx context.Context, p goenv.ProxyEntry, path, _ string) (*VersionList, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directVersions(ctx, path)
		}
		return c.proxyList(ctx, p.URL, false, path)
	},
	store: func(c *Client, l *VersionList) {
		c.mem.put(memKey{"list", l.Path, ""}, memEntry{val: l, at: l.Fetched, ttl: c.listTTL})
		if c.disk != nil && !strings.HasPrefix(l.Source, SourceDirect+" (git") {
			c.disk.write(c.disk.routePath(c.routeKey(l.Path), l.Path, "list"), &diskEntry{Source: l.Source, Fetched: l.Fetched, Data: formatList(linesOf(l))})
		}
	},
	prov:  func(l *VersionList) *Provenance { return &l.Provenance },
	clone: (*VersionList).Clone,
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
	return get(c, ctx, &latestKind, path, "")
}

var latestKind = kind[*Info]{
	op:    "latest",
	label: "latest",
	check: func(path, _ string) *Error { return checkPath(path) },
	cached: func(c *Client, path, _ string) (*Info, time.Time, time.Duration, bool) {
		if c.offline {
			return nil, time.Time{}, 0, false // picked from every cache instead
		}
		if de, ok := c.disk.read(c.disk.routePath(c.routeKey(path), path, "latest")); ok && c.fresh(de.Fetched, c.listTTL) {
			if info, err := parseInfo([]byte(de.Data)); err == nil {
				c.stats.add(func(s *Stats) { s.DiskHits++ })
				info.Path = path
				info.Provenance = Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched}
				return info, de.Fetched, c.listTTL, true
			}
		}
		return nil, time.Time{}, 0, false
	},
	offline: func(c *Client, ctx context.Context, path string) (*Info, *Error) {
		return c.offlineLatest(ctx, path, c.routeKey(path))
	},
	fetch: func(c *Client, ctx context.Context, p goenv.ProxyEntry, path, _ string) (*Info, *Error) {
		var info *Info
		var e *Error
		if p.URL == goenv.ProxyDirect {
			info, e = c.directLatest(ctx, path)
		} else {
			info, e = c.proxyLatest(ctx, p.URL, false, path)
		}
		if e != nil {
			return nil, e
		}
		// The answer may be the version's .info, kept as such.
		return info.Clone(), nil
	},
	store: func(c *Client, info *Info) {
		c.mem.put(memKey{"latest", info.Path, ""}, memEntry{val: info, at: c.now(), ttl: c.listTTL})
		if c.disk != nil && info.Unchecked == "" {
			c.disk.write(c.disk.routePath(c.routeKey(info.Path), info.Path, "latest"), &diskEntry{Source: info.Source, Fetched: c.now(), Data: string(marshalInfo(info))})
		}
	},
	prov:  func(i *Info) *Provenance { return &i.Provenance },
	clone: (*Info).Clone,
}

// ZipHash returns the h1: hash of path@version's zip, as go.sum records it:
// the module cache's .ziphash when present, else our cached hash, else the
// zip is downloaded (size-capped, to a temporary file that is removed),
// checked as the go command checks it (every file under path@version/) and
// hashed with dirhash.HashZip. Nothing is written to the module cache and
// nothing is verified against go.sum or the checksum database.
func (c *Client) ZipHash(ctx context.Context, path, version string) (*ZipHash, error) {
	return get(c, ctx, &zipKind, path, version)
}

var zipKind = kind[*ZipHash]{
	op:    "zip",
	check: checkVersion,
	cached: func(c *Client, path, version string) (*ZipHash, time.Time, time.Duration, bool) {
		vf := versionFile(path, version)
		if h := c.modCacheZipHash(vf); h != "" {
			c.stats.add(func(s *Stats) { s.ModCacheHits++ })
			return &ZipHash{Path: path, Version: version, Hash: h, Provenance: Provenance{Source: SourceModCache, Unverified: c.offline}}, c.now(), 0, true
		}
		if de, ok := c.disk.read(c.disk.immutablePath(c.routeKey(path), vf, "ziphash")); ok && isValidSum([]byte(de.Data)) {
			c.stats.add(func(s *Stats) { s.DiskHits++ })
			return &ZipHash{Path: path, Version: version, Hash: de.Data, Provenance: Provenance{Source: SourceDisk, CachedFrom: de.Source, Fetched: de.Fetched, Unverified: c.offline}}, c.now(), 0, true
		}
		return nil, time.Time{}, 0, false
	},
	fetch: func(c *Client, ctx context.Context, p goenv.ProxyEntry, path, version string) (*ZipHash, *Error) {
		if p.URL == goenv.ProxyDirect {
			return c.directZipHash(ctx, path, version)
		}
		return c.proxyZipHash(ctx, p.URL, false, path, version)
	},
	store: func(c *Client, z *ZipHash) {
		c.mem.put(memKey{"zip", z.Path, z.Version}, memEntry{val: z, at: c.now()})
		if c.disk != nil {
			c.disk.write(c.disk.immutablePath(c.routeKey(z.Path), versionFile(z.Path, z.Version), "ziphash"), &diskEntry{Source: z.Source, Fetched: z.Fetched, Data: z.Hash})
		}
	},
	prov:  func(z *ZipHash) *Provenance { return &z.Provenance },
	clone: (*ZipHash).Clone,
}

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
	l, le := lookup(c, ctx, &listKind, e.Path, "")
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
