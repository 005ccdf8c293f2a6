package modload

import (
	"context"
	"sync"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/inputs"
	"github.com/gomodls/gomodls/internal/modcache"
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
		if fi, err := inputs.Stat(modcache.Download(root)); err != nil || !fi.IsDir() {
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
		if data, err := inputs.ReadFile(f); err == nil {
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
	dir, ok := modcache.Dir(c.Root, m)
	if !ok {
		return "", false
	}
	if fi, err := inputs.Stat(dir); err != nil || !fi.IsDir() {
		return "", false
	}
	if f, ok := c.File(m, "partial"); ok {
		if _, err := inputs.Stat(f); err == nil {
			return "", false
		}
	}
	return dir, true
}

// File returns GOMODCACHE/cache/download/<path>/@v/<version>.<ext> (ext
// "mod", "zip", "ziphash", "partial"), whether it exists or not; false
// without a module cache or for an invalid m.
func (c ModCache) File(m module.Version, ext string) (string, bool) {
	return modcache.File(c.Root, m, ext)
}
