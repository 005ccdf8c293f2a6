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
	"net/url"
	"path/filepath"
	"slices"
	"strings"

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
}

// Dir reports whether the line is a replace whose target is a directory.
func (l *Line) Dir() bool { return l.Role == Replace && modfile.IsDirectoryPath(l.Mod.Path) }

// Fetched reports whether the go command downloads Mod (its go.mod, and
// its zip when a package of it is built) because of this line: a used
// require that no replace redirects, or a used replace with a module
// target. Excluded versions are never fetched.
func (l *Line) Fetched() bool {
	switch {
	case l.Ignored != "" || l.Role == Exclude:
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

// A mainModule is a module the go command builds: the snapshot's own, or
// in workspace mode each module the go.work uses.
type mainModule struct {
	dir  string
	file *modfile.File
}

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

	mains   []mainModule
	replace map[module.Version]*Replacement // Old (Version "" for all versions) → replacement
	// required maps a module path to the versions main modules require.
	required map[string][]string
}

type memoKey struct{}

// Of returns the plan of s, computed once per snapshot.
func Of(s *snapshot.Snapshot) *Plan {
	return s.Memo(memoKey{}, func() any { return build(s) }).(*Plan)
}

func build(s *snapshot.Snapshot) *Plan {
	p := &Plan{snap: s, replace: map[module.Version]*Replacement{}, required: map[string][]string{}}
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
			p.mains = []mainModule{{dir: s.Dir, file: s.Mod.Mod}}
		}
		return
	}
	root := filepath.Dir(wpath)
	for _, u := range wf.Work.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		dir = filepath.Clean(dir)
		if s.Mod != nil && dir == filepath.Clean(s.Dir) {
			p.mains = append(p.mains, mainModule{dir: dir, file: s.Mod.Mod})
			continue
		}
		name := filepath.Join(dir, "go.mod")
		data, err := s.FS.ReadFile(name)
		if err != nil {
			continue // the workuse analyzer reports it
		}
		if f, err := modfile.ParseLax(name, data, nil); err == nil {
			p.mains = append(p.mains, mainModule{dir: dir, file: f})
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

// resolveReplacements builds the replacement map as modload does
// (modload.MainModules.WorkFileReplaceMap, then each main module's
// replaces for paths the go.work does not replace: init.go's
// "replacedByWorkFile"; relative directories resolve against the file
// that holds them).
func (p *Plan) resolveReplacements() {
	own := map[*modfile.Line]*Line{}
	for _, l := range p.Lines {
		if l.Role == Replace {
			own[l.Syntax] = l
		}
	}
	add := func(r *modfile.Replace, file, dir string) {
		if _, dup := p.replace[r.Old]; dup {
			return // conflicting duplicates make the go command fail; first wins here
		}
		rep := &Replacement{Old: r.Old, New: r.New, File: file, Line: own[r.Syntax]}
		if modfile.IsDirectoryPath(r.New.Path) {
			rep.Dir = r.New.Path
			if !filepath.IsAbs(rep.Dir) {
				rep.Dir = filepath.Join(dir, rep.Dir)
			}
			rep.Dir = filepath.Clean(rep.Dir)
		}
		p.replace[r.Old] = rep
	}
	byWork := map[string]bool{}
	if p.work != nil {
		for _, r := range p.work.Work.Replace {
			byWork[r.Old.Path] = true
			add(r, p.workPath, filepath.Dir(p.workPath))
		}
	}
	for _, m := range p.mains {
		for _, r := range m.file.Replace {
			if !byWork[r.Old.Path] {
				add(r, filepath.Join(m.dir, "go.mod"), m.dir)
			}
		}
		excluded := map[module.Version]bool{}
		for _, x := range m.file.Exclude {
			excluded[x.Mod] = true
		}
		for _, r := range m.file.Require {
			if !excluded[r.Mod] && !slices.Contains(p.required[r.Mod.Path], r.Mod.Version) {
				p.required[r.Mod.Path] = append(p.required[r.Mod.Path], r.Mod.Version)
			}
		}
	}
	if p.work == nil && p.snap.Mod == nil && p.snap.Work != nil {
		// A go.work whose modules could not be read: its own replaces.
		for _, r := range p.snap.Work.Work.Replace {
			add(r, p.snap.Path(snapshot.GoWork), p.snap.Dir)
		}
	}
}

// Replacement returns the replacement the go command applies to m, or nil
// (modload.replacement: the version-specific replace first, then the one
// for every version).
func (p *Plan) Replacement(m module.Version) *Replacement {
	if r, ok := p.replace[m]; ok && m.Version != "" {
		return r
	}
	return p.replace[module.Version{Path: m.Path}]
}

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
}

// replaceIgnored says why the go command does not use the replace l when
// it builds the module now, or "".
func (p *Plan) replaceIgnored(l *Line) string {
	if l.File == snapshot.GoMod && p.work != nil {
		for _, r := range p.work.Work.Replace {
			if r.Old.Path == l.Old.Path {
				return fmt.Sprintf("%s:%d replaces %s, which overrides this replace in the workspace; it applies with GOWORK=off or when this module is built on its own", p.workPath, r.Syntax.Start.Line, l.Old.Path)
			}
		}
	}
	if p.snap.Mod == nil && p.work == nil {
		return "" // a go.work whose modules could not be read: no evidence
	}
	versions := p.required[l.Old.Path]
	holder := "this module"
	if p.work != nil {
		holder = "no module of the workspace"
	}
	if len(versions) == 0 {
		if p.work != nil {
			return fmt.Sprintf("%s requires %s, so the go command uses this replace only if a dependency requires it", holder, l.Old.Path)
		}
		return fmt.Sprintf("this module does not require %s, so the go command uses this replace only if a dependency requires it", l.Old.Path)
	}
	if l.Old.Version != "" {
		if !slices.Contains(versions, l.Old.Version) {
			return fmt.Sprintf("it replaces only %s %s, but %s is required at %s; the go command uses it only if a dependency requires %s", l.Old.Path, l.Old.Version, l.Old.Path, strings.Join(versions, ", "), l.Old.Version)
		}
		return ""
	}
	// A replace of every version is shadowed, for a required version, by
	// one for that version.
	for _, v := range versions {
		if r := p.Replacement(module.Version{Path: l.Old.Path, Version: v}); r != nil && r.Old.Version == "" {
			return ""
		}
	}
	return fmt.Sprintf("every required version of %s (%s) has a replace of its own", l.Old.Path, strings.Join(versions, ", "))
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
