package modload

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/inputs"
)

// visit is one imported package to resolve.
type visit struct {
	path     string
	importer string
	test     bool // imported by the main module's tests: go test only
}

// loadPackages resolves the imports of the main module's packages and of
// the packages they import, as `go build ./...` and `go test ./...` do
// (loadFromRoots, importFromModules), recording the zip and go.mod lines
// each import needs.
func (l *loader) loadPackages() {
	ctxt := buildContext(l.snap.Env)
	sc := newScanner(ctxt)
	mainPath := l.snap.Mod.Mod.Module.Mod.Path
	build := l.buildList()
	done := map[string]Cmd{} // import path → commands already resolved for
	var queue []visit
	push := func(v visit) {
		cmd := Build
		if v.test {
			cmd = Test
		}
		if done[v.path]&cmd != 0 || done[v.path]&Build != 0 {
			return
		}
		done[v.path] |= cmd
		queue = append(queue, v)
	}
	for _, p := range sc.scanMainModule(l.snap.Dir, mainPath) {
		for _, imp := range p.imports {
			push(visit{path: imp, importer: p.path})
		}
		for _, imp := range p.testImports {
			push(visit{path: imp, importer: p.path, test: true})
		}
	}
	var unknowns []unknown
	for len(queue) > 0 && l.ctx.Err() == nil {
		v := queue[0]
		queue = queue[1:]
		cmds := Build
		if v.test {
			cmds = Test
		}
		if v.path == "C" || v.path == mainPath || strings.HasPrefix(v.path, mainPath+"/") {
			continue // cgo, or a package of the main module (scanned above)
		}
		why := Reason{Pkg: v.path, ImportedBy: v.importer, Test: v.test}
		cands := candidates(build, v.path)
		if len(cands) == 0 && l.res.Pruned && !isStd(ctxt.GOROOT, v.path, firstElemHasDot(v.path)) {
			// Not in a module go.mod requires: the go command loads the
			// whole module graph and looks among the versions it selects
			// (and then stops with "updates to go.mod needed").
			if cands = candidates(l.graphList(), v.path); len(cands) > 0 {
				why.Text = "; go.mod does not require " + cands[0].Path + ", so go build also stops with \"updates to go.mod needed\" (go mod tidy adds the requirement)"
				if !l.wholeGraph {
					l.wholeGraph = true
					l.wholeGraphWhy = Reason{Text: fmt.Sprintf("go build reads the whole module graph: package %s (imported by %s) is not in a module this go.mod requires", v.path, v.importer)}
					l.wholeGraphCmds = cmds
				}
			}
		}
		if len(cands) == 0 || isStd(ctxt.GOROOT, v.path, firstElemHasDot(v.path)) {
			continue // standard library, or no module provides it (the go command fails otherwise)
		}
		var providers, others []provider
		var missing []module.Version
		for _, c := range cands {
			r, replaced := l.resolve(c)
			p := provider{mod: c, resolved: r, root: l.root(c)}
			if replaced {
				p.replaces = c
			}
			dir, local, ok := l.dir(r)
			if !ok {
				missing = append(missing, r)
				others = append(others, p)
				continue
			}
			if p.dir, ok = dirInModule(v.path, c.Path, dir, local); ok {
				p.local = local
				providers = append(providers, p)
			} else {
				others = append(others, p)
			}
		}
		// fetch: every module that may hold the package must have its zip
		// hash, whether it holds it or not (then the go command needs it
		// to verify that only one module provides the package).
		for _, p := range providers {
			if p.resolved.Version != "" {
				l.res.add(Key{Mod: p.resolved}, cmds, why, p.root, p.replaces)
			}
		}
		for _, p := range others {
			if p.resolved.Version != "" {
				w := why
				w.Verify = len(providers) > 0
				l.res.add(Key{Mod: p.resolved}, cmds, w, p.root, p.replaces)
			}
		}
		if len(missing) > 0 {
			for _, m := range missing {
				unknowns = append(unknowns, unknown{m: m, cmds: cmds, pkg: v.path})
				if !slices.Contains(l.res.NoSource, m) {
					l.res.NoSource = append(l.res.NoSource, m)
				}
			}
		}
		if len(providers) != 1 {
			continue // not found, or ambiguous: the go command fails another way
		}
		p := providers[0]
		if p.resolved.Version != "" {
			// The go version of the package comes from its module's go.mod.
			l.res.add(Key{Mod: p.resolved, GoMod: true}, cmds, why, p.root, p.replaces)
		}
		info := sc.scanDir(p.dir, p.local)
		for _, imp := range info.imports {
			push(visit{path: imp, importer: v.path, test: v.test})
		}
	}
	l.addMaybes(build, unknowns)
	if l.wholeGraph {
		for _, n := range l.res.Needs {
			if n.GoMod && n.Cmds&ListAll != 0 {
				l.res.add(n.Key, l.wholeGraphCmds, l.wholeGraphWhy, n.Root, n.Replaces)
			}
		}
	}
}

// unknown is a module whose packages could not be read.
type unknown struct {
	m    module.Version // resolved
	cmds Cmd
	pkg  string // the package looked for in it
}

type provider struct {
	mod, resolved, root, replaces module.Version
	dir                           string
	local                         bool // not in the module cache
}

// root returns the requirement of go.mod through which m is reached.
func (l *loader) root(m module.Version) module.Version {
	if r, ok := l.rootOf[m]; ok {
		return r
	}
	return m
}

// dir returns the root directory of r's source: a replacement directory
// (local), or the Reader's (the module cache).
func (l *loader) dir(r module.Version) (dir string, local, ok bool) {
	if r.Version == "" {
		return r.Path, true, true
	}
	d, ok := l.rd.Dir(r)
	return d, false, ok
}

// addMaybes records the lines that the packages of unknown modules (whose
// source is not here) may need: the zip and go.mod lines of the modules of
// the build list that those modules require, transitively, by their go.mod
// files; every module of the build list when one of those go.mod files is
// not available either.
func (l *loader) addMaybes(build []module.Version, unknowns []unknown) {
	for _, un := range unknowns {
		u, cmds, pkg := un.m, un.cmds, un.pkg
		seen := map[module.Version]bool{}
		reach := map[string]bool{} // module paths
		all := false
		var walk func(m module.Version)
		walk = func(m module.Version) {
			if seen[m] {
				return
			}
			seen[m] = true
			reach[m.Path] = true
			s, known := l.graph[m]
			if !known {
				r, _ := l.resolve(m)
				if r.Version == "" {
					return
				}
				data, ok := l.rd.GoMod(l.ctx, r)
				if !ok {
					if !slices.Contains(l.res.NoGoMod, r) {
						l.res.NoGoMod = append(l.res.NoGoMod, r)
					}
					all = true
					return
				}
				s, _ = parseSummary(r.Path+"@"+r.Version+"/go.mod", data)
				l.graph[m] = s
			}
			if s == nil {
				all = true
				return
			}
			for _, req := range s.requires {
				walk(req)
			}
		}
		// u is a resolved version; walk from the required one.
		start := u
		for _, m := range build {
			if r, _ := l.resolve(m); r == u {
				start = m
			}
		}
		walk(start)
		why := Reason{Text: fmt.Sprintf("what package %s imports is not known, because %s %s is not in the module cache (go mod download %s fills it)", pkg, u.Path, u.Version, u.Path)}
		for _, m := range build {
			if !all && !reach[m.Path] {
				continue
			}
			r, replaced := l.resolve(m)
			if r.Version == "" {
				continue
			}
			var rep module.Version
			if replaced {
				rep = m
			}
			root := l.root(m)
			l.res.addMaybe(Key{Mod: r}, cmds, why, root, rep)
			l.res.addMaybe(Key{Mod: r, GoMod: true}, cmds, why, root, rep)
		}
	}
}

// candidates returns the modules of the build list whose path is a prefix
// of the import path, longest first (importFromModules).
func candidates(build []module.Version, importPath string) []module.Version {
	var out []module.Version
	for _, m := range build {
		if importPath == m.Path || strings.HasPrefix(importPath, m.Path+"/") {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b module.Version) int { return len(b.Path) - len(a.Path) })
	return out
}

// dirInModule returns the directory of the package path in the module
// mpath rooted at mdir, and whether it holds Go files (modload's
// dirInModule: build tags do not matter; in a local directory a nested
// go.mod on the way means another module).
func dirInModule(importPath, mpath, mdir string, local bool) (string, bool) {
	dir := mdir
	if importPath != mpath {
		dir = filepath.Join(mdir, filepath.FromSlash(importPath[len(mpath)+1:]))
	}
	if local {
		for d := dir; d != mdir && len(d) > len(mdir); d = filepath.Dir(d) {
			if fi, err := inputs.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
				return "", false
			}
		}
	}
	if !local {
		// The module cache does not change: remember.
		goDirs.Lock()
		has, ok := goDirs.m[dir]
		goDirs.Unlock()
		if ok {
			return dir, has
		}
	}
	entries, err := inputs.ReadDir(dir)
	has := err == nil && slices.ContainsFunc(entries, func(e fs.DirEntry) bool {
		return strings.HasSuffix(e.Name(), ".go") && e.Type().IsRegular()
	})
	if !local {
		goDirs.Lock()
		if len(goDirs.m) >= maxScanEntries || goDirs.m == nil {
			goDirs.m = map[string]bool{}
		}
		goDirs.m[dir] = has
		goDirs.Unlock()
	}
	if !has {
		return "", false
	}
	return dir, true
}

// goDirs remembers which module cache directories hold .go files.
var goDirs struct {
	sync.Mutex
	m map[string]bool
}

func firstElemHasDot(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return strings.Contains(first, ".")
}

// isStd reports whether the go command takes the import path from the
// standard library: a path whose first element has no dot and that
// GOROOT/src holds.
func isStd(goroot, p string, dotted bool) bool {
	if dotted {
		return false
	}
	if goroot == "" {
		return true
	}
	fi, err := inputs.Stat(filepath.Join(goroot, "src", filepath.FromSlash(path.Clean(p))))
	return err == nil && fi.IsDir()
}
