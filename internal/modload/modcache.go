package modload

import (
	"context"
	"os"
	"path/filepath"

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

// GoMod reads GOMODCACHE/cache/download/<path>/@v/<version>.mod, else
// asks Cached.
func (c ModCache) GoMod(_ context.Context, m module.Version) ([]byte, bool) {
	if f, ok := c.File(m, "mod"); ok {
		if data, err := os.ReadFile(f); err == nil {
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
	ep, err1 := module.EscapePath(m.Path)
	ev, err2 := module.EscapeVersion(m.Version)
	return ep, ev, err1 == nil && err2 == nil
}
