// Package modplan answers, for one snapshot, the question every check of a
// module version starts from: which module versions will the go command
// fetch when it builds this module now, which lines does it ignore, and by
// which route (proxies, direct, off) does it fetch each module path.
//
// Every rule here follows the go command's own (cmd/go/internal/modload
// and modfetch); the comment on each rule names the function it follows.
// Analyzers, hover, lenses and fixes ask the Plan instead of deciding for
// themselves, so that they agree: an error is only reported on a module
// version the go command fetches (the verdict contract in DESIGN.md).
package modplan

import (
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Role says what a line does with the module version it names.
type Role int

const (
	Require Role = iota // require path version
	Exclude             // exclude path version
	Replace             // replace old [version] => new [version]
)

func (r Role) String() string {
	switch r {
	case Exclude:
		return "exclude"
	case Replace:
		return "replace"
	}
	return "require"
}

// A Line is a require, exclude or replace line of the snapshot's go.mod
// or go.work, with what the go command does with it.
type Line struct {
	File   snapshot.FileKind
	F      *gomod.File
	Syntax *modfile.Line
	Role   Role
	// Mod is the module version the line names: the required or excluded
	// version, or the target of a replace (Version "" for a directory).
	Mod module.Version
	// Old is, for a replace, the module (and version, if any) it replaces.
	Old      module.Version
	Indirect bool

	// Ignored says, when the go command does not use the line while it
	// builds this module now, why, and when the line would matter; "" when
	// the line is used.
	Ignored string
	// ReplacedBy is, for a require, the replacement the go command uses
	// instead of fetching Mod.
	ReplacedBy *Replacement
	// Vendored says, in vendor mode, why the go command does not download
	// Mod (or read a replacement directory) although it uses the line: it
	// reads the module from the vendor directory. "" otherwise.
	Vendored string
}

// Dir reports whether the line is a replace whose target is a directory.
func (l *Line) Dir() bool { return l.Role == Replace && modfile.IsDirectoryPath(l.Mod.Path) }

// Fetched reports whether the go command downloads Mod (its go.mod, and
// its zip when a package of it is built) because of this line: a used
// require that no replace redirects, or a used replace with a module
// target, outside vendor mode. Excluded versions are never fetched.
func (l *Line) Fetched() bool {
	switch {
	case l.Ignored != "" || l.Vendored != "" || l.Role == Exclude:
		return false
	case l.Role == Require:
		return l.ReplacedBy == nil
	}
	return !l.Dir()
}

// A Replacement is a replace directive the go command applies, wherever
// it is: the snapshot's go.mod or go.work, or the go.mod of another module
// of the workspace.
type Replacement struct {
	Old, New module.Version
	// File is the absolute path of the go.mod or go.work that holds it.
	File string
	// Line is its line when it is in one of the snapshot's own files.
	Line *Line
	// Syntax is the directive's line in File.
	Syntax *modfile.Line
	// Dir is the directory of a directory replacement, absolute.
	Dir string
}

// String is "old [v] => new [v]".
func (r *Replacement) String() string {
	s := r.Old.Path
	if r.Old.Version != "" {
		s += " " + r.Old.Version
	}
	s += " => " + r.New.Path
	if r.New.Version != "" {
		s += " " + r.New.Version
	}
	return s
}

// A MainModule is a module the go command builds: the snapshot's own, or
// in workspace mode each module the go.work uses (whose go.mod could be
// read), in the go.work's order.
type MainModule struct {
	// Dir is the module's directory, absolute and clean.
	Dir string
	// File is its parsed go.mod (the snapshot's own text for the
	// snapshot's module).
	File *modfile.File
	// Use is its use directive in the go.work; nil outside workspace
	// mode.
	Use *modfile.Use

	// replace is its replace directives by the module they replace
	// (modload.toReplaceMap; the first of conflicting ones).
	replace map[module.Version]*Replacement
}

// GoMod returns the path of the module's go.mod.
func (m *MainModule) GoMod() string { return filepath.Join(m.Dir, "go.mod") }

// A Plan is what the go command will do with one snapshot. Build it with
// Of; it is immutable.
type Plan struct {
	snap *snapshot.Snapshot
	// Lines lists the snapshot's require, exclude and replace lines in
	// file order, go.mod's before go.work's.
	Lines []*Line

	// work is the go.work of workspace mode (the snapshot's own or one
	// above it that uses the snapshot's module), workPath its path.
	work     *gomod.File
	workPath string
	// outside is set when a go.work above the module does not use it: the
	// go command refuses to run there (modload: "directory ... is
	// contained in a module that is not one of the workspace modules").
	outside string

	mains []*MainModule
	// workReplace holds the go.work's replace directives by the module
	// they replace (modload.MainModules.WorkFileReplaceMap).
	workReplace map[module.Version]*Replacement
	// required maps a module path to the versions main modules require.
	required map[string][]string
	// conflicts are the replace directives the go command refuses.
	conflicts []*Conflict

	// vendor is the vendor mode and list, computed on demand.
	vendorOnce sync.Once
	vendor     *vendorState
}

type memoKey struct{}

// Of returns the plan of s, computed once per snapshot.
func Of(s *snapshot.Snapshot) *Plan {
	return s.Memo(memoKey{}, func() any { return build(s) }).(*Plan)
}

func build(s *snapshot.Snapshot) *Plan {
	p := &Plan{snap: s, required: map[string][]string{}}
	p.findWorkspace()
	p.addLines()
	p.resolveReplacements()
	p.judgeLines()
	return p
}

// findWorkspace decides between workspace and single-module mode
// (modload.InitWorkfile, loadWorkFile) and collects the main modules.
func (p *Plan) findWorkspace() {
	s := p.snap
	wf, wpath := s.WorkFile()
	if wf != nil && s.Mod != nil && !uses(wf, filepath.Dir(wpath), s.Dir) {
		p.outside = wpath
		wf, wpath = nil, ""
	}
	p.work, p.workPath = wf, wpath
	if wf == nil {
		if s.Mod != nil {
			p.mains = []*MainModule{{Dir: filepath.Clean(s.Dir), File: s.Mod.Mod}}
		}
		return
	}
	root := filepath.Dir(wpath)
	seen := map[string]bool{}
	for _, u := range wf.Work.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		dir = filepath.Clean(dir)
		if seen[dir] {
			continue // the go command refuses the go.work (see Duplicates)
		}
		seen[dir] = true
		if s.Mod != nil && dir == filepath.Clean(s.Dir) {
			p.mains = append(p.mains, &MainModule{Dir: dir, File: s.Mod.Mod, Use: u})
			continue
		}
		name := filepath.Join(dir, "go.mod")
		data, err := s.FS.ReadFile(name)
		if err != nil {
			continue // the workuse analyzer reports it
		}
		// The go command reads a workspace module's go.mod as a main
		// module's: replace, exclude and tool count (ParseLax would drop
		// them).
		if f := gomod.Parse(gomod.GoMod, name, data); f.Mod != nil {
			p.mains = append(p.mains, &MainModule{Dir: dir, File: f.Mod, Use: u})
		}
	}
}

// uses reports whether the go.work in root lists dir.
func uses(wf *gomod.File, root, dir string) bool {
	dir = filepath.Clean(dir)
	for _, u := range wf.Work.Use {
		d := u.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, d)
		}
		if filepath.Clean(d) == dir {
			return true
		}
	}
	return false
}

// InWorkspace reports whether the go command works in workspace mode for
// the snapshot, and the go.work's path.
func (p *Plan) InWorkspace() (string, bool) { return p.workPath, p.work != nil }

// OutsideWorkspace returns the path of a go.work above the module that
// does not use it ("" if none): the go command refuses to run in the
// module while that go.work is in effect.
func (p *Plan) OutsideWorkspace() string { return p.outside }

func (p *Plan) addLines() {
	s := p.snap
	if f := s.Mod; f != nil {
		for _, r := range f.Mod.Require {
			p.Lines = append(p.Lines, &Line{File: snapshot.GoMod, F: f, Syntax: r.Syntax, Role: Require, Mod: r.Mod, Indirect: r.Indirect})
		}
		for _, x := range f.Mod.Exclude {
			p.Lines = append(p.Lines, &Line{File: snapshot.GoMod, F: f, Syntax: x.Syntax, Role: Exclude, Mod: x.Mod})
		}
		for _, r := range f.Mod.Replace {
			p.Lines = append(p.Lines, &Line{File: snapshot.GoMod, F: f, Syntax: r.Syntax, Role: Replace, Mod: r.New, Old: r.Old})
		}
	}
	if f := s.Work; f != nil {
		for _, r := range f.Work.Replace {
			p.Lines = append(p.Lines, &Line{File: snapshot.GoWork, F: f, Syntax: r.Syntax, Role: Replace, Mod: r.New, Old: r.Old})
		}
	}
	slices.SortStableFunc(p.Lines, func(a, b *Line) int {
		if a.File != b.File {
			return int(a.File) - int(b.File)
		}
		return a.Syntax.Start.Byte - b.Syntax.Start.Byte
	})
}

// resolveReplacements indexes the replace directives as modload does:
// the go.work's (modload.MainModules.WorkFileReplaceMap) and each main
// module's (modFileIndex.replace), each with toReplaceMap's check for
// conflicting duplicates; then makeMainModules' check that two workspace
// modules do not replace one module version differently (paths the
// go.work replaces exempt). Relative directories resolve against the file
// that holds them.
func (p *Plan) resolveReplacements() {
	own := map[*modfile.Line]*Line{}
	for _, l := range p.Lines {
		if l.Role == Replace {
			own[l.Syntax] = l
		}
	}
	index := func(rs []*modfile.Replace, file string) map[module.Version]*Replacement {
		m := map[module.Version]*Replacement{}
		dir := filepath.Dir(file)
		for _, r := range rs {
			rep := &Replacement{Old: r.Old, New: r.New, File: file, Line: own[r.Syntax], Syntax: r.Syntax}
			if modfile.IsDirectoryPath(r.New.Path) {
				rep.Dir = r.New.Path
				if !filepath.IsAbs(rep.Dir) {
					rep.Dir = filepath.Join(dir, rep.Dir)
				}
				rep.Dir = filepath.Clean(rep.Dir)
			}
			if prev, dup := m[r.Old]; dup {
				if prev.New != r.New {
					p.conflicts = append(p.conflicts, &Conflict{Mod: r.Old, First: prev, Second: rep,
						Message: fmt.Sprintf("conflicting replacements for %v:\n\t%v\n\t%v", r.Old, prev.New, r.New)})
				}
				continue
			}
			m[r.Old] = rep
		}
		return m
	}
	workPath := p.workPath
	if p.work == nil && p.snap.Mod == nil && p.snap.Work != nil {
		// A go.work whose modules could not be read: its own replaces.
		workPath = p.snap.Path(snapshot.GoWork)
	}
	if wf := p.workFile(); wf != nil {
		p.workReplace = index(wf.Work.Replace, workPath)
	}
	for _, m := range p.mains {
		m.replace = index(m.File.Replace, m.GoMod())
		excluded := map[module.Version]bool{}
		for _, x := range m.File.Exclude {
			excluded[x.Mod] = true
		}
		for _, r := range m.File.Require {
			if !excluded[r.Mod] && !slices.Contains(p.required[r.Mod.Path], r.Mod.Version) {
				p.required[r.Mod.Path] = append(p.required[r.Mod.Path], r.Mod.Version)
			}
		}
	}
	if p.work == nil {
		return
	}
	// makeMainModules: "conflicting replacements for ...", with relative
	// directories made absolute (the same directory named two ways is no
	// conflict).
	byWork := map[string]bool{}
	for old := range p.workReplace {
		byWork[old.Path] = true
	}
	seen := map[module.Version]*Replacement{}
	for _, m := range p.mains {
		for _, r := range m.File.Replace {
			rep := m.replace[r.Old]
			if byWork[r.Old.Path] || rep == nil || rep.Syntax != r.Syntax {
				continue
			}
			if prev := seen[r.Old]; prev != nil && prev.File != rep.File && absTarget(prev) != absTarget(rep) {
				p.conflicts = append(p.conflicts, &Conflict{Mod: r.Old, First: prev, Second: rep, Workspace: true,
					Message: fmt.Sprintf("conflicting replacements for %v:\n\t%v\n\t%v\nuse \"go work edit -replace %v=[override]\" to resolve", r.Old, absTarget(prev), absTarget(rep), r.Old)})
				continue
			}
			seen[r.Old] = rep
		}
	}
	// replacementFrom: a version-specific replace in a later module that
	// disagrees with an earlier module's, for each version the main
	// modules require.
	for _, path := range slices.Sorted(maps.Keys(p.required)) {
		for _, v := range p.required[path] {
			if _, c := p.replacementFrom(module.Version{Path: path, Version: v}); c != nil {
				p.conflicts = append(p.conflicts, c)
			}
		}
	}
}

// workFile is the go.work whose replaces apply: the workspace's, or the
// snapshot's own when its modules could not be read.
func (p *Plan) workFile() *gomod.File {
	if p.work == nil && p.snap.Mod == nil {
		return p.snap.Work
	}
	return p.work
}

// absTarget is r's target as makeMainModules compares targets in a
// workspace: a relative directory made absolute.
func absTarget(r *Replacement) module.Version {
	if r.Dir != "" && !filepath.IsAbs(r.New.Path) {
		return module.Version{Path: r.Dir}
	}
	return r.New
}

// A Conflict is a pair of replace directives for one module that the go
// command refuses: it stops with Message.
type Conflict struct {
	// Mod is the module (version "" for every version) as the go command
	// names it.
	Mod module.Version
	// First and Second are the two replacements in the order the go
	// command meets them; they may be in the same file.
	First, Second *Replacement
	// Workspace marks conflicts between two workspace modules (which a
	// replace in the go.work resolves).
	Workspace bool
	// Message is the go command's error, without "go: ".
	Message string
}

// Conflicts returns the replace directives the go command refuses, in the
// order it checks them: duplicates in one file (each go.mod, the go.work),
// then disagreements between workspace modules.
func (p *Plan) Conflicts() []*Conflict { return p.conflicts }

// Replacement returns the replacement the go command applies to m, or nil
// (modload.Replacement): the go.work's for m's version, else its one for
// every version; else, in each main module in turn, the one for m's
// version or else the one for every version, the last module's winning
// (where a later module's version-specific one disagrees with an earlier
// module's, the go command fails: see Conflicts).
func (p *Plan) Replacement(m module.Version) *Replacement {
	r, _ := p.replacementFrom(m)
	return r
}

// replacementFrom is modload.replacementFrom: the replacement of m and the
// conflict the go command reports while it looks it up.
func (p *Plan) replacementFrom(m module.Version) (*Replacement, *Conflict) {
	if m.Version == "" && p.isMain(m.Path) {
		return nil, nil // the workspace version of a main module
	}
	if r, _ := lookupReplace(p.workReplace, m); r != nil {
		return r, nil
	}
	var found *Replacement
	for _, mm := range p.mains {
		r, exact := lookupReplace(mm.replace, m)
		if r == nil {
			continue
		}
		if found != nil && exact && found.New != r.New {
			return found, &Conflict{Mod: m, First: found, Second: r, Workspace: true,
				Message: fmt.Sprintf("conflicting replacements found for %v in workspace modules defined by %v and %v", m, found.File, r.File)}
		}
		found = r
	}
	return found, nil
}

// lookupReplace is modload.replacement: the replace of m's version, else
// the one of every version; exact says which.
func lookupReplace(rs map[module.Version]*Replacement, m module.Version) (r *Replacement, exact bool) {
	if r, ok := rs[m]; ok {
		return r, m.Version != ""
	}
	return rs[module.Version{Path: m.Path}], false
}

// isMain reports whether path is the module path of a main module.
func (p *Plan) isMain(path string) bool {
	for _, m := range p.mains {
		if m.File.Module != nil && m.File.Module.Mod.Path == path {
			return true
		}
	}
	return false
}

// Mains returns the main modules: the snapshot's own, or in workspace mode
// those the go.work uses whose go.mod could be read, in its order.
func (p *Plan) Mains() []*MainModule { return p.mains }

// Required returns the versions of path that the main modules require
// (excluded ones left out), in file order.
func (p *Plan) Required(path string) []string { return p.required[path] }

// judgeLines sets Ignored and ReplacedBy on every line.
func (p *Plan) judgeLines() {
	excluded := map[module.Version]*Line{}
	for _, l := range p.Lines {
		if l.Role == Exclude {
			excluded[l.Mod] = l
		}
	}
	for _, l := range p.Lines {
		switch l.Role {
		case Require:
			// modload.rootsFromModFile: "ignoring requirement on excluded
			// version".
			if x := excluded[l.Mod]; x != nil {
				l.Ignored = fmt.Sprintf("the exclude on line %d excludes %s, so the go command ignores this requirement (and `go mod tidy` drops it)", x.Syntax.Start.Line, l.Mod.Version)
				continue
			}
			l.ReplacedBy = p.Replacement(l.Mod)
		case Replace:
			l.Ignored = p.replaceIgnored(l)
		}
	}
	if !p.Vendor() {
		return
	}
	mode := p.Mode()
	why := mode.Reason
	if mode.Explicit {
		why = "GOFLAGS has -mod=vendor"
	}
	for _, l := range p.Lines {
		if l.Ignored == "" && l.Role != Exclude && !(l.Role == Require && l.ReplacedBy != nil) {
			l.Vendored = fmt.Sprintf("the go command builds from the vendor directory (%s): it downloads no module and reads no replacement directory; the line matters again for go mod vendor, go mod tidy and -mod=mod", strings.TrimSuffix(why, "."))
		}
	}
}

// replaceIgnored says why the go command does not use the replace l when
// it builds the module now, or "".
func (p *Plan) replaceIgnored(l *Line) string {
	if p.snap.Mod == nil && p.work == nil {
		return "" // a go.work whose modules could not be read: no evidence
	}
	overridden := func(w *Replacement) string {
		return fmt.Sprintf("%s:%d replaces %s, which overrides this replace in the workspace; it applies with GOWORK=off or when this module is built on its own", w.File, w.Syntax.Start.Line, describe(w.Old))
	}
	if l.File == snapshot.GoMod && p.work != nil {
		// The go.work replaces every version this line could apply to.
		if w, _ := lookupReplace(p.workReplace, l.Old); w != nil {
			return overridden(w)
		}
	}
	versions := p.required[l.Old.Path]
	if len(versions) == 0 {
		if p.work != nil {
			return fmt.Sprintf("no module of the workspace requires %s, so the go command uses this replace only if a dependency requires it", l.Old.Path)
		}
		return fmt.Sprintf("this module does not require %s, so the go command uses this replace only if a dependency requires it", l.Old.Path)
	}
	if l.Old.Version != "" && !slices.Contains(versions, l.Old.Version) {
		return fmt.Sprintf("it replaces only %s %s, but %s is required at %s; the go command uses it only if a dependency requires %s", l.Old.Path, l.Old.Version, l.Old.Path, strings.Join(versions, ", "), l.Old.Version)
	}
	for _, c := range p.conflicts {
		if !c.Workspace && c.Second.Syntax == l.Syntax {
			return fmt.Sprintf("line %d replaces %s too, and the go command refuses both (conflicting replacements)", c.First.Syntax.Start.Line, describe(l.Old))
		}
	}
	// The replacement the go command uses for each required version this
	// line could apply to.
	var winners []*Replacement
	first := ""
	for _, v := range versions {
		if l.Old.Version != "" && v != l.Old.Version {
			continue
		}
		r := p.Replacement(module.Version{Path: l.Old.Path, Version: v})
		if r == nil || r.Syntax == l.Syntax || (r.Old == l.Old && r.New == l.Mod) {
			return ""
		}
		if first == "" {
			first = v
		}
		winners = append(winners, r)
	}
	own := true // each winner is a version-specific replace of the same file
	for _, r := range winners {
		if r.File == p.workPath && l.File == snapshot.GoMod {
			return overridden(r)
		}
		own = own && r.Old.Version != "" && r.File == l.F.Name
	}
	if own && l.Old.Version == "" {
		return fmt.Sprintf("every required version of %s (%s) has a replace of its own", l.Old.Path, strings.Join(versions, ", "))
	}
	r := winners[0]
	return fmt.Sprintf("the go command uses %s:%d (%s) for %s %s instead: in a workspace, the replace of the last module that has one wins; this one applies with GOWORK=off or when this module is built on its own", r.File, r.Syntax.Start.Line, r, l.Old.Path, first)
}

// describe is "path" or "path version".
func describe(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + " " + m.Version
}

// A Route is how the go command fetches a module path
// (modfetch.Lookup, lookup; goenv.Env.ProxiesFor).
type Route struct {
	Path string
	// NoProxy is the GONOPROXY pattern that sends the path to its origin
	// directly, or "".
	NoProxy string
	// Proxies are the entries the go command tries in order: a single
	// "direct" for a NoProxy path, else the GOPROXY chain.
	Proxies []goenv.ProxyEntry
	// Err is GOPROXY's parse error, with which the go command fails every
	// download.
	Err error
	// SumDB says whether the go command verifies the path's go.sum lines
	// with the checksum database (GOSUMDB not off, GONOSUMDB not matching;
	// modfetch.useSumDB).
	SumDB bool
}

// Direct reports whether the first entry fetches from the origin.
func (r Route) Direct() bool {
	return len(r.Proxies) > 0 && r.Proxies[0].URL == goenv.ProxyDirect
}

// Route returns how the go command fetches path. The environment may be
// nil (no route: Proxies is empty).
func (p *Plan) Route(path string) Route {
	r := Route{Path: path}
	env := p.snap.Env
	if env == nil {
		return r
	}
	r.NoProxy, _ = env.MatchNoProxy(path)
	r.Proxies, r.Err = env.ProxiesFor(path)
	r.SumDB = env.UseSumDB(path)
	return r
}

// PublicProxy reports whether proxy (a URL, possibly redacted) is one of
// the public mirrors of the settings' publicProxies: those that must never
// see a private module path, and whose refusal of a module says nothing
// about its privacy unless their words do.
func (p *Plan) PublicProxy(proxy string) bool {
	pu, err := url.Parse(proxy)
	if err != nil || pu.Host == "" {
		return false
	}
	for _, s := range p.snap.Settings.PublicProxies {
		u, err := url.Parse(s)
		if err == nil && strings.EqualFold(u.Host, pu.Host) && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(pu.Path, "/") {
			return true
		}
	}
	return false
}

// Fetchable reports whether the go command would look m up as it is
// written: a valid module path and a canonical version that matches the
// path's major version (module.Check). Other lines are the local
// analyzers' (invalid-version, invalid-module-path).
func Fetchable(m module.Version) bool {
	return m.Version != "" && module.CanonicalVersion(m.Version) == m.Version && module.Check(m.Path, m.Version) == nil
}

// Lookable reports whether gomodls may send path to the module source at
// all; every feature follows it (diagnostics, hover, completion, lenses,
// actions). A path GONOPROXY matches goes direct, as configured. A path
// that looks private (goenv.EvidentlyPrivate) but that GONOPROXY does not
// match is never sent to a public proxy, where the go command would leak
// it (the private analyzer says what to configure instead); a corporate
// proxy first in GOPROXY may serve it, so it is asked.
func (p *Plan) Lookable(path string) bool {
	if p.snap.Env == nil {
		return false
	}
	r := p.Route(path)
	if r.NoProxy != "" || goenv.EvidentlyPrivate(path) == "" {
		return true
	}
	return len(r.Proxies) > 0 && !p.PublicProxy(r.Proxies[0].URL)
}

// Public reports whether path may be shown to public web sites (links to
// pkg.go.dev, the vulnerability database's pages): a valid path that no
// GOPRIVATE or GONOPROXY pattern matches and that does not look private.
func (p *Plan) Public(path string) bool {
	env := p.snap.Env
	if env == nil || module.CheckPath(path) != nil || goenv.EvidentlyPrivate(path) != "" {
		return false
	}
	if _, ok := env.MatchPrivate(path); ok {
		return false
	}
	_, ok := env.MatchNoProxy(path)
	return !ok
}
