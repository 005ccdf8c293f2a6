package modplan

import (
	"bytes"
	"errors"
	"fmt"
	"go/version"
	"path/filepath"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modcache"
)

// LookupBlocked returns why the go command cannot look path up at all,
// worded as it words it, or "": the route's first entry is "off" ("module
// lookup disabled by GOPROXY=off"; GONOPROXY paths go direct instead), or
// GOPROXY cannot be parsed. The go command then works only with what the
// module cache holds (modfetch.cachingRepo reads it before the proxy).
func (p *Plan) LookupBlocked(path string) string {
	r := p.Route(path)
	switch {
	case p.snap.Env == nil:
		return ""
	case r.Err != nil:
		return r.Err.Error()
	case len(r.Proxies) > 0 && r.Proxies[0].URL == goenv.ProxyOff:
		return "module lookup disabled by GOPROXY=off"
	}
	return ""
}

// A Cached module version is what the module cache (GOMODCACHE) holds of
// it: the go command reads these before it looks the version up.
type Cached struct {
	// GoMod is the go.mod, cache/download/<path>/@v/<version>.mod
	// (modfetch.readDiskGoMod), nil when absent.
	GoMod []byte
	// Info says that the .info is there, which go list -m reads (go build
	// and go mod tidy do not).
	Info bool
	// Source says that the module's files are there: the extracted
	// directory <path>@<version>, or the zip it is extracted from.
	Source bool
}

// InModCache returns what the module cache holds of m. GOMODCACHE is the
// effective one; paths and versions are case-escaped as the go command
// stores them.
func (p *Plan) InModCache(m module.Version) Cached {
	var c Cached
	env := p.snap.Env
	if env == nil || env.Get("GOMODCACHE") == "" {
		return c
	}
	root := env.Get("GOMODCACHE")
	vf, ok := modcache.VersionFile(m)
	if !ok {
		return c
	}
	file := filepath.Join(modcache.Download(root), vf)
	if data, err := p.snap.FS.ReadFile(file + ".mod"); err == nil && !bytes.HasPrefix(data, []byte("//vgo 0.0.")) {
		c.GoMod = data
	}
	if _, err := p.snap.FS.Stat(file + ".info"); err == nil {
		c.Info = true
	}
	if dir, _ := modcache.Dir(root, m); dir != "" {
		if fi, err := p.snap.FS.Stat(dir); err == nil && fi.IsDir() {
			c.Source = true
		}
	}
	if !c.Source {
		if _, err := p.snap.FS.Stat(file + ".zip"); err == nil {
			c.Source = true
		}
	}
	return c
}

// A Missing is a go.mod the go command must read to load the module graph
// and cannot: lookups are blocked and the module cache does not have it.
type Missing struct {
	// Mod is the module version whose go.mod is missing.
	Mod module.Version
	// Via is the chain of requirements from the main module's require to
	// Mod (empty when Mod is the required version itself).
	Via []module.Version
}

// MissingGoMods walks the part of the module graph the go command loads
// (modload.readModGraph) from the module version root, reading go.mod
// files from the module cache only, and returns the first go.mod it cannot
// read, or false. With graph pruning (go 1.17 and later) the go command
// reads the go.mod of each module the main module requires, and goes on
// to their requirements only for modules without pruning (go 1.16 and
// earlier, or a main module without it). Replacements of the main modules
// apply; a requirement on an excluded version, which the go command would
// have to look up to skip, ends the walk there.
func (p *Plan) MissingGoMods(root module.Version) (Missing, bool) {
	type item struct {
		m        module.Version
		unpruned bool
		via      []module.Version
	}
	mainUnpruned := p.work == nil && len(p.mains) == 1 && !prunedGo(goLine(p.mains[0].File))
	queue := []item{{m: root, unpruned: mainUnpruned}}
	type seenKey struct {
		m        module.Version
		unpruned bool
	}
	seen := map[seenKey]bool{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		key := seenKey{it.m, it.unpruned}
		if seen[key] {
			continue
		}
		seen[key] = true
		f, err := p.summary(it.m)
		if errors.Is(err, errNotCached) {
			return Missing{Mod: it.m, Via: it.via}, true
		} else if err != nil || f == nil {
			continue // unreadable: other analyzers report it
		}
		pruned := prunedGo(goLine(f))
		if !it.unpruned && pruned {
			continue
		}
		via := append(append([]module.Version(nil), it.via...), it.m)
		for _, r := range f.Require {
			if p.excludedByMain(r.Mod) {
				continue
			}
			queue = append(queue, item{m: r.Mod, unpruned: it.unpruned || !pruned, via: via})
		}
	}
	return Missing{}, false
}

var errNotCached = errors.New("not in the module cache")

// summary returns the go.mod the go command uses for m: a replacement's
// (a directory's go.mod, or the target version's from the cache), else
// m's own from the cache.
func (p *Plan) summary(m module.Version) (*modfile.File, error) {
	target := m
	if r := p.Replacement(m); r != nil {
		if r.Dir != "" {
			name := filepath.Join(r.Dir, "go.mod")
			data, err := p.snap.FS.ReadFile(name)
			if err != nil {
				return nil, err
			}
			return modfile.ParseLax(name, data, nil)
		}
		target = r.New
	}
	if !Fetchable(target) {
		return nil, fmt.Errorf("%s cannot be fetched", target)
	}
	if p.LookupBlocked(target.Path) == "" {
		return nil, nil // the go command may fetch it: not this walk's question
	}
	c := p.InModCache(target)
	if c.GoMod == nil {
		return nil, errNotCached
	}
	return modfile.ParseLax(target.String()+".mod", c.GoMod, nil)
}

// excludedByMain reports whether a main module excludes m.
func (p *Plan) excludedByMain(m module.Version) bool {
	for _, mm := range p.mains {
		for _, x := range mm.File.Exclude {
			if x.Mod == m {
				return true
			}
		}
	}
	return false
}

func goLine(f *modfile.File) string {
	if f != nil && f.Go != nil {
		return f.Go.Version
	}
	return ""
}

// prunedGo reports whether a go.mod at go version v has a pruned module
// graph (modload.pruningForGoVersion): go 1.17 or later. Without a go
// line a dependency counts as go 1.16 (unpruned).
func prunedGo(v string) bool {
	return v != "" && version.Compare("go"+v, "go1.17") >= 0
}
