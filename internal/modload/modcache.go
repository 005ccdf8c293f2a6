package modload

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/mod/module"
)

// ModCache is the Reader of what is on this machine: the module cache
// (GOMODCACHE), and go.mod files other caches hold.
type ModCache struct {
	// Root is GOMODCACHE ("" for none).
	Root string
	// Cached, if set, gives go.mod files the module cache does not have
	// (gomodls' cache, earlier lookups).
	Cached func(m module.Version) ([]byte, bool)
}

// modFiles remembers the .mod files read from module caches: the go
// command writes each once and never changes it.
var modFiles struct {
	sync.Mutex
	m map[string][]byte
}

// NewModCache returns the ModCache of root, with no Root when root has no
// module cache at all (then no file of it is looked for).
func NewModCache(root string, cached func(module.Version) ([]byte, bool)) ModCache {
	if root != "" {
		if fi, err := os.Stat(filepath.Join(root, "cache", "download")); err != nil || !fi.IsDir() {
			root = ""
		}
	}
	return ModCache{Root: root, Cached: cached}
}

// GoMod reads GOMODCACHE/cache/download/<path>/@v/<version>.mod, else
// asks Cached.
func (c ModCache) GoMod(_ context.Context, m module.Version) ([]byte, bool) {
	if f, ok := c.File(m, "mod"); ok {
		modFiles.Lock()
		data, ok := modFiles.m[f]
		modFiles.Unlock()
		if ok {
			return data, true
		}
		if data, err := os.ReadFile(f); err == nil {
			modFiles.Lock()
			if len(modFiles.m) >= maxSummaries || modFiles.m == nil {
				modFiles.m = map[string][]byte{}
			}
			modFiles.m[f] = data
			modFiles.Unlock()
			return data, true
		}
	}
	if c.Cached != nil {
		return c.Cached(m)
	}
	return nil, false
}

// Dir returns GOMODCACHE/<path>@<version> when it is completely extracted
// (modfetch.DownloadDir: no .partial file).
func (c ModCache) Dir(m module.Version) (string, bool) {
	ep, ev, ok := c.escaped(m)
	if !ok {
		return "", false
	}
	dir := filepath.Join(c.Root, filepath.FromSlash(ep)+"@"+ev)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", false
	}
	if f, ok := c.File(m, "partial"); ok {
		if _, err := os.Stat(f); err == nil {
			return "", false
		}
	}
	return dir, true
}

// File returns GOMODCACHE/cache/download/<path>/@v/<version>.<ext> (ext
// "mod", "zip", "ziphash", "partial"), whether it exists or not; false
// without a module cache or for an invalid m.
func (c ModCache) File(m module.Version, ext string) (string, bool) {
	ep, ev, ok := c.escaped(m)
	if !ok {
		return "", false
	}
	return filepath.Join(c.Root, "cache", "download", filepath.FromSlash(ep), "@v", ev+"."+ext), true
}

// escaped returns m's path and version as the module cache spells them;
// false without a module cache or for an invalid m.
func (c ModCache) escaped(m module.Version) (path, version string, ok bool) {
	if c.Root == "" {
		return "", "", false
	}
	// Not module.Check, which costs more than the rest of a lookup: the
	// callers look up module versions the go command would fetch; this
	// only keeps any other string inside the module cache.
	if m.Path == "" || m.Version == "" || strings.Contains(m.Path+m.Version, "..") ||
		strings.ContainsAny(m.Path+m.Version, "!\\\x00") || strings.HasPrefix(m.Path, "/") || strings.Contains(m.Version, "/") {
		return "", "", false
	}
	return escape(m.Path), escape(m.Version), true
}

// escape is module.EscapePath without its validity check (the module
// cache's case-encoding: each upper-case letter becomes '!' and the letter
// in lower case). Callers pass module versions the go command looks up.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b = append(b, '!', c+'a'-'A')
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
