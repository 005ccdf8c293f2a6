// Copyright 2026 The gomodls Authors.
// Reading the module cache follows cmd/go/internal/modfetch/cache.go and
// fetch.go, Copyright The Go Authors, BSD-style license.

package modproxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/atomicfile"
	"github.com/gomodls/gomodls/internal/modcache"
	"github.com/gomodls/gomodls/internal/redact"
)

// ---- memory ----

type memKey struct {
	op            string // info, mod, zip, list, latest
	path, version string
}

type memEntry struct {
	val any    // *Info, *VersionList, *GoModFile, *ZipHash
	err *Error // a remembered failure
	at  time.Time
	ttl time.Duration // 0: immutable
}

type memCache struct {
	mu          sync.Mutex
	m           map[memKey]memEntry
	invalidated time.Time
}

func (m *memCache) init() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m = make(map[memKey]memEntry)
}

func (m *memCache) get(k memKey, now time.Time) (memEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[k]
	if !ok {
		return memEntry{}, false
	}
	if e.ttl > 0 && (now.Sub(e.at) >= e.ttl || e.at.Before(m.invalidated)) {
		delete(m.m, k)
		return memEntry{}, false
	}
	return e, true
}

func (m *memCache) put(k memKey, e memEntry) {
	m.mu.Lock()
	m.m[k] = e
	m.mu.Unlock()
}

// invalidate makes every entry with a TTL fetched before now stale (disk
// entries too, for this process: see fresh).
func (m *memCache) invalidate(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.invalidated = now
	for k, e := range m.m {
		if e.ttl > 0 {
			delete(m.m, k)
		}
	}
}

// fresh reports whether a TTL answer fetched at t is still usable.
func (c *Client) fresh(t time.Time, ttl time.Duration) bool {
	c.mem.mu.Lock()
	inv := c.mem.invalidated
	c.mem.mu.Unlock()
	now := c.now()
	return !t.Before(inv) && now.Sub(t) < ttl && !t.After(now.Add(time.Minute))
}

// ---- the go command's module cache ----

// escapedDir returns <escaped path>/@v, the directory of a module's files
// in the module cache and in ours; "" if path cannot be escaped.
func escapedDir(path string) string {
	d, _ := modcache.ModuleDir(path)
	return d
}

// versionFile returns <escaped path>/@v/<escaped version>, the name of a
// version's files (before their extension) in the module cache and in
// ours; "" if path or version cannot be escaped. Lookups compute it once
// for both caches.
func versionFile(path, version string) string {
	vf, _ := modcache.VersionFile(module.Version{Path: path, Version: version})
	return vf
}

// modCacheFile returns GOMODCACHE/cache/download/<vf>.<ext>, "" without a
// module cache or vf.
func (c *Client) modCacheFile(vf, ext string) string {
	if c.modCache == "" || vf == "" {
		return ""
	}
	return filepath.Join(modcache.Download(c.modCache), vf+"."+ext)
}

// oldVgoPrefix marks go.mod files synthesised by old vgo, which the go
// command ignores.
var oldVgoPrefix = []byte("//vgo 0.0.")

// modCacheInfo reads path@version's .info; vf is versionFile(path, version).
func (c *Client) modCacheInfo(path, version, vf string) *Info {
	file := c.modCacheFile(vf, "info")
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	info, err := parseInfo(data)
	if err != nil || info.Version != version {
		return nil
	}
	info.Path = path
	info.Source = SourceModCache
	return info
}

func (c *Client) modCacheGoMod(vf string) []byte {
	file := c.modCacheFile(vf, "mod")
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil || bytes.HasPrefix(data, oldVgoPrefix) {
		return nil
	}
	return data
}

func (c *Client) modCacheZipHash(vf string) string {
	file := c.modCacheFile(vf, "ziphash")
	if file == "" {
		return ""
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	data = bytes.TrimSpace(data)
	if !isValidSum(data) {
		return ""
	}
	return string(data)
}

// isValidSum is cmd/go's check of a .ziphash file (a truncated write
// leaves NUL bytes).
func isValidSum(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	return len(data) == len("h1:")+base64.StdEncoding.EncodedLen(sha256.Size) && bytes.HasPrefix(data, []byte("h1:"))
}

// modCacheVersions returns the versions the module cache knows for path:
// its list file (not authoritative: it only lists what was downloaded)
// and its .info files. For offline answers only.
func (c *Client) modCacheVersions(path string) []string {
	ed := escapedDir(path)
	if c.modCache == "" || ed == "" {
		return nil
	}
	dir := filepath.Join(modcache.Download(c.modCache), ed)
	var out []string
	if data, err := os.ReadFile(filepath.Join(dir, "list")); err == nil {
		for _, l := range parseList(data) {
			out = append(out, l.version)
		}
	}
	return append(out, infoFileVersions(dir, ".info")...)
}

// infoFileVersions lists the versions of the <escaped version><suffix>
// files in dir.
func infoFileVersions(dir, suffix string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), suffix)
		if !ok {
			continue
		}
		if v, err := module.UnescapeVersion(name); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// ---- our persistent cache ----

// diskCache is the persistent cache under Options.CacheDir/modproxy/v2:
//
//	<route>/<escaped path>/@v/<escaped version>.{info,mod,ziphash}.json   immutable answers
//	<route>/<escaped path>/@v/list.json, latest.json                      lists and @latest (ListTTL)
//	<route>/<escaped path>/@v/<name>.neg.json                             "not found" answers (NegativeTTL)
//
// An answer belongs to the route that produced it: <route> is a hash of the
// GOPROXY entries the path is looked up through (routeKey), so "direct"
// for a GONOPROXY/GOPRIVATE path, "off", or the proxies of GOPROXY. When
// GOPRIVATE, GONOPROXY, GOPROXY or GOINSECURE change, a module is never
// answered from what another route said: an answer learned through proxy A
// is not reused when the module now goes direct or through proxy B (v1 of
// this cache keyed immutable answers by module only, and did). The go
// command's module cache, which it too reads whatever the route, is read
// as it is. Files are written to a temporary name and renamed, so several
// processes can share the cache; unreadable files are ignored and
// rewritten.
type diskCache struct {
	dir string
}

// diskEntry is one cached answer.
type diskEntry struct {
	Source  string     `json:"source"`
	Fetched time.Time  `json:"fetched"`
	Data    string     `json:"data,omitempty"`
	Error   *diskError `json:"error,omitempty"`
}

// diskError is a remembered failure.
type diskError struct {
	Kind       string `json:"kind"`
	Proxy      string `json:"proxy,omitempty"`
	Op         string `json:"op,omitempty"`
	Status     int    `json:"status,omitempty"`
	StatusText string `json:"statusText,omitempty"`
	ServerText string `json:"serverText,omitempty"`
	Err        string `json:"err,omitempty"`
	Module     int    `json:"module,omitempty"`
}

// immutablePath returns our file for an immutable answer; rk is the
// route's key (routeKey) and vf is versionFile(path, version).
func (d *diskCache) immutablePath(rk, vf, ext string) string {
	if d == nil || vf == "" {
		return ""
	}
	return filepath.Join(d.dir, rk, vf+"."+ext+".json")
}

// routePath returns our file name (list, latest, <name>.neg) for path on
// the route rk.
func (d *diskCache) routePath(rk, path, name string) string {
	if d == nil {
		return ""
	}
	ed := escapedDir(path)
	if ed == "" {
		return ""
	}
	return filepath.Join(d.dir, rk, ed, escapeCase(name)+".json")
}

// escapeCase applies module case-escaping ('A' -> "!a") to a file name
// holding a version, for case-insensitive file systems.
func escapeCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanTmp removes temporary files older than a day that crashed
// processes left in dir (best effort).
func cleanTmp(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".tmp") && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func (d *diskCache) read(file string) (*diskEntry, bool) {
	if d == nil || file == "" {
		return nil, false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	var e diskEntry
	if err := json.Unmarshal(data, &e); err != nil || e.Fetched.IsZero() {
		return nil, false // corrupt: ignored, rewritten by the next answer
	}
	return &e, true
}

// write stores e atomically (temporary file + rename). Failures only cost
// a cache miss later, so they are ignored.
func (d *diskCache) write(file string, e *diskEntry) error {
	if d == nil || file == "" {
		return nil
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	// 0600: the cache names the modules a user works on, private ones too.
	return atomicfile.Write(file, data, 0o600)
}

func (d *diskCache) remove(file string) {
	if d != nil && file != "" {
		os.Remove(file)
	}
}

func toDiskError(e *Error) *diskError {
	de := &diskError{Kind: e.Kind.String(), Proxy: e.Proxy, Op: e.Op, Status: e.Status, StatusText: e.StatusText, ServerText: e.ServerText, Module: int(e.Module)}
	if e.Err != nil {
		de.Err = e.Err.Error()
	}
	return de
}

func (de *diskError) toError() *Error {
	e := &Error{Kind: NotFound, Proxy: de.Proxy, Op: de.Op, Status: de.Status, StatusText: de.StatusText, ServerText: de.ServerText, Module: ModuleExistence(de.Module)}
	var k Kind
	if k.UnmarshalText([]byte(de.Kind)) == nil {
		e.Kind = k
	}
	if de.Err != "" {
		e.Err = errors.New(de.Err)
	}
	return e
}

// routeKey identifies the route of path: the GOPROXY entries it is looked
// up through ("direct" alone for GONOPROXY paths, "off"), with the ','
// or '|' after each, and the GOINSECURE pattern that matches it. The
// environment of a Client is fixed, so the key of a path is computed once.
func (c *Client) routeKey(path string) string {
	if k, ok := c.routeKeys.Load(path); ok {
		return k.(string)
	}
	entries, err := c.env.ProxiesFor(path)
	h := sha256.New()
	if err != nil {
		h.Write([]byte("error " + err.Error()))
	}
	for _, p := range entries {
		h.Write([]byte(redact.String(p.URL)))
		if p.FallBackOnAnyError {
			h.Write([]byte("|"))
		} else {
			h.Write([]byte(","))
		}
	}
	if pat, ok := c.env.MatchInsecure(path); ok {
		h.Write([]byte("insecure " + pat))
	}
	k := hex.EncodeToString(h.Sum(nil))[:16]
	c.routeKeys.Store(path, k)
	return k
}
