// Copyright 2026 The gomodls Authors.

package engine

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modcache"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// KnownPaths returns module paths known locally, for completion: those in
// the go command's module cache and those other go.mod files of the
// workspace require, each with where it was found.
func (ss *Session) KnownPaths(snap *snapshot.Snapshot) map[string]string {
	out := map[string]string{}
	for p := range ss.modCachePaths(snap) {
		out[p] = "module cache"
	}
	for _, v := range ss.Views() {
		v.mu.Lock()
		other := v.snap
		v.mu.Unlock()
		if other == nil || other.Mod == nil || other == snap {
			continue
		}
		for _, r := range other.Mod.Mod.Require {
			if _, ok := out[r.Mod.Path]; !ok {
				out[r.Mod.Path] = "workspace"
			}
		}
	}
	return out
}

// modCache lists the module paths of GOMODCACHE/cache/download, refreshed
// at most every few minutes: a large cache takes a while to walk.
type modCache struct {
	mu      sync.Mutex
	dir     string
	paths   map[string]bool
	updated time.Time
	walking bool
}

func (ss *Session) modCachePaths(snap *snapshot.Snapshot) map[string]bool {
	if snap.Env == nil {
		return nil
	}
	dir := snap.Env.Get("GOMODCACHE")
	if dir == "" {
		return nil
	}
	c := &ss.modcache
	c.mu.Lock()
	defer c.mu.Unlock()
	stale := c.dir != dir || time.Since(c.updated) > 5*time.Minute
	if stale && !c.walking {
		c.walking = true
		done := make(chan struct{})
		started := ss.Go(func() {
			paths, complete := modcache.Paths(ss.bg, dir)
			c.mu.Lock()
			if complete {
				c.dir, c.paths, c.updated = dir, paths, time.Now()
			}
			c.walking = false
			c.mu.Unlock()
			close(done)
		})
		if !started {
			c.walking = false
			close(done)
		}
		if c.paths == nil {
			// First use: wait a little for the walk.
			c.mu.Unlock()
			select {
			case <-done:
			case <-time.After(200 * time.Millisecond):
			}
			c.mu.Lock()
		}
	}
	return c.paths
}

// Definition returns the go.mod file a require, replace or use line at
// offset off of the file of kind k leads to: the local replacement or use
// directory's, or the module cache's copy; "" for none.
func Definition(snap *snapshot.Snapshot, k snapshot.FileKind, off int) string {
	f := snap.ModFile(k)
	if f == nil {
		return ""
	}
	on := func(l *modfile.Line) bool { return f.LineSpan(l).Contains(off) }
	var target string
	var reps []*modfile.Replace
	if f.Mod != nil {
		reps = f.Mod.Replace
		for _, r := range f.Mod.Require {
			if on(r.Syntax) {
				target = goModOf(snap, r.Mod)
			}
		}
	}
	if f.Work != nil {
		reps = f.Work.Replace
		for _, u := range f.Work.Use {
			if on(u.Syntax) {
				target = localGoMod(snap, u.Path)
			}
		}
	}
	for _, r := range reps {
		if on(r.Syntax) {
			if modfile.IsDirectoryPath(r.New.Path) {
				target = localGoMod(snap, r.New.Path)
			} else {
				target = goModOf(snap, r.New)
			}
		}
	}
	return target
}

// goModOf returns the go.mod file to show for m: its replacement's, or the
// module cache's (extracted module, else the downloaded .mod).
func goModOf(snap *snapshot.Snapshot, m module.Version) string {
	if r := modplan.Of(snap).Replacement(m); r != nil {
		if r.Dir != "" {
			return localGoMod(snap, r.Dir)
		}
		m = r.New
	}
	if snap.Env == nil || m.Version == "" {
		return ""
	}
	cache := snap.Env.Get("GOMODCACHE")
	dir, ok1 := modcache.Dir(cache, m)
	mod, ok2 := modcache.File(cache, m, "mod")
	if !ok1 || !ok2 {
		return ""
	}
	for _, p := range []string{filepath.Join(dir, "go.mod"), mod} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func localGoMod(snap *snapshot.Snapshot, dir string) string {
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(snap.Dir, dir)
	}
	p := filepath.Join(dir, "go.mod")
	if _, err := snap.FS.Stat(p); err != nil {
		return ""
	}
	return p
}
