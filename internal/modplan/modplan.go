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
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

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
