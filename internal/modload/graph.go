package modload

import (
	"fmt"
	"go/version"
	"path/filepath"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// summary is what the go command uses of a dependency's go.mod
// (modload.modFileSummary): its requirements, and whether it prunes the
// graph below it (a go line of 1.17 or later).
type summary struct {
	requires []module.Version
	pruned   bool
	goLine   string // "" without one
}

// summaries caches parsed go.mod files by content: a module version's
// go.mod never changes, and the graph is walked on every keystroke.
var summaries struct {
	sync.Mutex
	m map[string]*summary
}

const maxSummaries = 1 << 14

func parseSummary(name string, data []byte) (*summary, bool) {
	summaries.Lock()
	s, ok := summaries.m[string(data)]
	summaries.Unlock()
	if ok {
		return s, s != nil
	}
	f, err := modfile.ParseLax(name, data, nil)
	if err == nil {
		s = &summary{}
		if f.Go != nil {
			s.goLine = f.Go.Version
		}
		s.pruned = s.goLine != "" && version.Compare("go"+s.goLine, "go1.17") >= 0
		for _, r := range f.Require {
			s.requires = append(s.requires, r.Mod)
		}
	}
	summaries.Lock()
	if len(summaries.m) >= maxSummaries || summaries.m == nil {
		summaries.m = map[string]*summary{}
	}
	summaries.m[string(data)] = s
	summaries.Unlock()
	return s, s != nil
}

// loadGraph loads the module graph as `go list -m all` does
// (readModGraph), recording the go.mod lines it needs.
func (l *loader) loadGraph() {
	n := len(l.plan.Lines)
	l.excluded = map[module.Version]bool{}
	l.graph = make(map[module.Version]*summary, n)
	l.selected = make(map[string]string, n)
	l.rootOf = make(map[module.Version]module.Version, n)
	for _, ln := range l.plan.Lines {
		if ln.File != snapshot.GoMod {
			continue
		}
		switch {
		case ln.Role == modplan.Exclude:
			l.excluded[ln.Mod] = true
		case ln.Role == modplan.Require && ln.Ignored == "" && modplan.Fetchable(ln.Mod):
			l.roots = append(l.roots, ln.Mod)
		}
	}
	type item struct {
		m, root, via module.Version
		pruned       bool
	}
	type dedup struct {
		m      module.Version
		pruned bool
	}
	seen := make(map[dedup]bool, n)
	var queue []item
	enqueue := func(it item) {
		if it.m.Version == "none" || l.excluded[it.m] || seen[dedup{it.m, it.pruned}] {
			return
		}
		seen[dedup{it.m, it.pruned}] = true
		l.select_(it.m)
		queue = append(queue, it)
	}
	for _, r := range l.roots {
		enqueue(item{m: r, root: r, pruned: l.res.Pruned})
	}
	for len(queue) > 0 && l.ctx.Err() == nil {
		it := queue[0]
		queue = queue[1:]
		s := l.loadOne(it.m, it.root, it.via)
		if s == nil {
			continue
		}
		for _, r := range s.requires {
			if l.excluded[r] {
				// The go command moves to the next version that is not
				// excluded (a query); the graph below it is not known here.
				continue
			}
			l.select_(r)
			if !it.pruned || !s.pruned {
				enqueue(item{m: r, root: it.root, via: it.m, pruned: it.pruned && s.pruned})
			}
		}
	}
}

// select_ records m in the MVS selection.
func (l *loader) select_(m module.Version) {
	if v, ok := l.selected[m.Path]; !ok || semver.Compare(m.Version, v) > 0 {
		l.selected[m.Path] = m.Version
	}
}

// loadOne reads m's go.mod (goModSummary), recording the need for its
// go.mod line. It returns nil when the go.mod is not available.
func (l *loader) loadOne(m, root, via module.Version) *summary {
	if s, ok := l.graph[m]; ok {
		return s
	}
	if _, ok := l.rootOf[m]; !ok {
		l.rootOf[m] = root
	}
	r, replaced := l.resolve(m)
	var rep module.Version
	if replaced {
		rep = m
	}
	if r.Version != "" {
		cmds := ListAll
		if !l.res.Pruned {
			cmds |= Build
		}
		l.res.add(Key{Mod: r, GoMod: true}, cmds, l.graphReason(m, via), root, rep)
	}
	var data []byte
	name := r.Path + "@" + r.Version + "/go.mod"
	if r.Version == "" {
		name = filepath.Join(r.Path, "go.mod")
		d, err := l.snap.FS.ReadFile(name)
		if err != nil {
			l.graph[m] = nil
			return nil // replace-dir-no-gomod
		}
		data = d
	} else {
		d, ok := l.rd.GoMod(l.ctx, r)
		if !ok {
			l.res.NoGoMod = append(l.res.NoGoMod, r)
			l.graph[m] = nil
			return nil
		}
		data = d
	}
	s, ok := parseSummary(name, data)
	if !ok {
		s = nil // the go command stops; other analyzers say why
	}
	l.graph[m] = s
	return s
}

// graphReason says why the go command reads m's go.mod.
func (l *loader) graphReason(m, via module.Version) Reason {
	if !l.res.Pruned {
		gov := "has no go line"
		if g := l.snap.Mod.Mod.Go; g != nil {
			gov = "has go " + g.Version
		}
		text := "this go.mod " + gov + ", below 1.17: without module graph pruning the go command reads the go.mod of every module in the graph"
		if via.Path != "" {
			text = fmt.Sprintf("%s %s requires it, and %s", via.Path, via.Version, text)
		}
		return Reason{Text: text}
	}
	if via.Path == "" {
		return Reason{Text: "it reads the go.mod of every module this go.mod requires"}
	}
	s := l.graph[via]
	gov := "has no go line"
	if s != nil && s.goLine != "" {
		gov = "has go " + s.goLine
	}
	return Reason{Text: fmt.Sprintf("%s %s requires it, and its go.mod %s, below 1.17: the module graph is not pruned there, so go list -m all reads the go.mod of everything it requires", via.Path, via.Version, gov)}
}
