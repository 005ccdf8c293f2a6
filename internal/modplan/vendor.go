package modplan

import (
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// vendorState is what the plan knows about vendoring, computed once.
type vendorState struct {
	dir      string // the vendor directory the go command consults, or ""
	list     *vendorList
	problems []*VendorProblem
}

// Vendor reports whether the go command builds from the vendor directory:
// it downloads nothing then (no module version is fetched), and fails
// when vendor/modules.txt disagrees with go.mod or go.work (see
// VendorProblems).
func (p *Plan) Vendor() bool { return p.Mode().Mod == ModVendor }

// VendorDir returns the vendor directory the go command consults: the
// module's, or the go.work directory's in workspace mode; "" when there is
// no main module.
func (p *Plan) VendorDir() string { return p.vendorState().dir }

func (p *Plan) vendorState() *vendorState {
	p.vendorOnce.Do(func() {
		v := &vendorState{}
		if p.outside == "" && len(p.mains) > 0 {
			v.dir = p.Mode().VendorDir
		}
		if p.Vendor() && v.dir != "" {
			v.list = p.readVendorList(v.dir)
			v.problems = p.checkVendor(v.list)
		}
		p.vendor = v
	})
	return p.vendor
}

// CompareGo compares two go versions ("1.14", "1.21.0", "1.22rc1") as
// gover.Compare does; an invalid one is lower than any valid one.
func CompareGo(a, b string) int { return version.Compare("go"+a, "go"+b) }

// A vendorList is vendor/modules.txt as modload.readVendorList reads it.
type vendorList struct {
	path   string // of modules.txt
	exists bool
	// list holds the modules that provide packages, in order; version
	// their versions by path.
	list     []module.Version
	version  map[string]string
	meta     map[module.Version]*vendorMeta
	replaced []module.Version // every "# ... => ..." line's module, in order
	// tooNew are the "## go" annotations newer than the local Go.
	tooNew []module.Version
}

type vendorMeta struct {
	explicit    bool
	replacement module.Version
	goVersion   string
	line        int // the first "# " line of the module (1-based)
}

func (v *vendorList) metaOf(m module.Version) vendorMeta {
	if mm := v.meta[m]; mm != nil {
		return *mm
	}
	return vendorMeta{}
}

// readVendorList is modload.readVendorList, keeping line numbers.
func (p *Plan) readVendorList(vendorDir string) *vendorList {
	v := &vendorList{path: filepath.Join(vendorDir, "modules.txt"), version: map[string]string{}, meta: map[module.Version]*vendorMeta{}}
	data, err := p.snap.FS.ReadFile(v.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			v.exists = true // unreadable: the go command fails; nothing to compare
		}
		return v
	}
	v.exists = true
	local := ""
	if p.snap.Env != nil {
		local = strings.TrimPrefix(p.snap.Env.Get("GOVERSION"), "go")
	}
	metaOf := func(m module.Version, num int) *vendorMeta {
		mm := v.meta[m]
		if mm == nil {
			mm = &vendorMeta{line: num}
			v.meta[m] = mm
		}
		return mm
	}
	var mod module.Version
	for i, line := range strings.Split(string(data), "\n") {
		num := i + 1
		if strings.HasPrefix(line, "# ") {
			f := strings.Fields(line)
			if len(f) < 3 {
				continue
			}
			switch {
			case semver.IsValid(f[2]):
				mod = module.Version{Path: f[1], Version: f[2]}
				f = f[3:]
			case f[2] == "=>":
				mod = module.Version{Path: f[1]}
				f = f[2:]
			default:
				mod = module.Version{}
				continue
			}
			mm := metaOf(mod, num)
			if len(f) >= 2 && f[0] == "=>" {
				switch {
				case len(f) == 2:
					mm.replacement = module.Version{Path: f[1]}
					v.replaced = append(v.replaced, mod)
				case len(f) == 3 && semver.IsValid(f[2]):
					mm.replacement = module.Version{Path: f[1], Version: f[2]}
					v.replaced = append(v.replaced, mod)
				}
			}
			continue
		}
		if mod.Path == "" {
			continue
		}
		if annotations, ok := strings.CutPrefix(line, "## "); ok {
			mm := metaOf(mod, num)
			for entry := range strings.SplitSeq(annotations, ";") {
				entry = strings.TrimSpace(entry)
				if entry == "explicit" {
					mm.explicit = true
				}
				if g, ok := strings.CutPrefix(entry, "go "); ok {
					mm.goVersion = g
					if version.IsValid("go"+local) && CompareGo(g, local) > 0 {
						v.tooNew = append(v.tooNew, mod)
					}
				}
			}
			continue
		}
		if f := strings.Fields(line); len(f) == 1 && module.CheckImportPath(f[0]) == nil {
			if old, ok := v.version[mod.Path]; !ok || semver.Compare(old, mod.Version) < 0 {
				v.list = append(v.list, mod)
				v.version[mod.Path] = mod.Version
			}
		}
	}
	return v
}

// A VendorKind says what a VendorProblem is about.
type VendorKind int

const (
	// NotExplicit: a require whose module vendor/modules.txt does not mark
	// "## explicit" (or, before go 1.14, vendors at another version).
	NotExplicit VendorKind = iota
	// ExplicitNotRequired: a module vendor/modules.txt marks explicit (and
	// vendors packages of) that no require names at that version.
	ExplicitNotRequired
	// ReplaceNotMarked: a replace vendor/modules.txt does not record.
	ReplaceNotMarked
	// ReplaceMismatch: a replace vendor/modules.txt records with another
	// target.
	ReplaceMismatch
	// MarkedNotReplaced: vendor/modules.txt records a replacement that no
	// replace directive makes.
	MarkedNotReplaced
	// NotRequired: a vendored module that go.mod does not require at that
	// version although its graph is pruned (go 1.17 and later; the go
	// command says "updates to go.mod needed").
	NotRequired
	// GoTooNew: vendor/modules.txt says a module needs a newer Go than the
	// local one.
	GoTooNew
)

// A VendorProblem is one reason the go command refuses the vendor
// directory.
type VendorProblem struct {
	Kind VendorKind
	// Mod is the module the go command names.
	Mod module.Version
	// Message is the go command's line for it: "path@version: detail" for
	// "inconsistent vendoring", else its whole error.
	Message string
	// File and Syntax are the go.mod or go.work line the problem concerns
	// (a require or replace line; for a module vendor/modules.txt lists,
	// the first require of the same path): File is the file's absolute
	// path. Syntax is nil when no line concerns it.
	File   string
	Syntax *modfile.Line
	// TxtLine is the line of vendor/modules.txt that concerns it (1-based),
	// 0 if none.
	TxtLine int
}

// VendorProblems returns, in vendor mode, every reason the go command
// refuses the vendor directory, in the order it checks them
// (modload.readVendorList: go versions; checkVendorConsistency: explicit
// requires, replacements, explicit markers, recorded replacements; then,
// for a single module whose graph is pruned, Requirements.initVendor's
// requirement check, which the go command reaches only when the others
// pass). Nil when the go command accepts the vendor directory or does not
// use it.
func (p *Plan) VendorProblems() []*VendorProblem { return p.vendorState().problems }

// VendorModulesTxt returns the path of the vendor/modules.txt the go
// command reads ("" outside vendor mode) and whether it exists.
func (p *Plan) VendorModulesTxt() (string, bool) {
	v := p.vendorState()
	if v.list == nil {
		return "", false
	}
	return v.list.path, v.list.exists
}

// checkVendor is modload.checkVendorConsistency and the check of
// Requirements.initVendor.
func (p *Plan) checkVendor(v *vendorList) []*VendorProblem {
	var out []*VendorProblem
	ws := p.work != nil
	short := p.ShortPath
	// firstRequire finds the require line of path in the main modules
	// (of version, if that one is required).
	firstRequire := func(m module.Version) (string, *modfile.Line) {
		var file string
		var line *modfile.Line
		for _, mm := range p.mains {
			for _, r := range mm.File.Require {
				if r.Mod == m {
					return mm.GoMod(), r.Syntax
				}
				if r.Mod.Path == m.Path && line == nil {
					file, line = mm.GoMod(), r.Syntax
				}
			}
		}
		return file, line
	}
	add := func(kind VendorKind, m module.Version, file string, line *modfile.Line, txt int, format string, args ...any) {
		name := m.Path
		if m.Version != "" {
			name += "@" + m.Version
		}
		out = append(out, &VendorProblem{Kind: kind, Mod: m, File: file, Syntax: line, TxtLine: txt,
			Message: name + ": " + fmt.Sprintf(format, args...)})
	}

	for _, m := range v.tooNew {
		file, line := firstRequire(m)
		tc := ""
		if env := p.snap.Env; env != nil {
			if g := env.Get("GOTOOLCHAIN"); g != "" && g != "auto" {
				tc = "; GOTOOLCHAIN=" + g
			}
			meta := v.metaOf(m)
			out = append(out, &VendorProblem{Kind: GoTooNew, Mod: m, File: file, Syntax: line, TxtLine: meta.line,
				Message: fmt.Sprintf("%s in %s requires go >= %s (running go %s%s)", m.Path, short(v.path), meta.goVersion, strings.TrimPrefix(env.Get("GOVERSION"), "go"), tc)})
		}
	}

	pre114 := !ws && (p.mains[0].File.Go == nil || CompareGo(p.mains[0].File.Go.Version, "1.14") < 0)
	for _, mm := range p.mains {
		for _, r := range mm.File.Require {
			if v.metaOf(r.Mod).explicit {
				continue
			}
			txt := v.metaOf(r.Mod).line
			if pre114 {
				if vv, ok := v.version[r.Mod.Path]; ok && vv != r.Mod.Version {
					add(NotExplicit, r.Mod, mm.GoMod(), r.Syntax, v.metaOf(module.Version{Path: r.Mod.Path, Version: vv}).line,
						"is explicitly required in go.mod, but vendor/modules.txt indicates %s@%s", r.Mod.Path, vv)
				}
				continue
			}
			add(NotExplicit, r.Mod, mm.GoMod(), r.Syntax, txt, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt")
		}
	}

	describe := func(m module.Version) string {
		if m.Version == "" {
			return m.Path
		}
		return m.Path + "@" + m.Version
	}
	seen := map[module.Version]bool{}
	checkReplace := func(file string, rs []*modfile.Replace) {
		for _, r := range rs {
			if seen[r.Old] {
				continue
			}
			seen[r.Old] = true
			rep, _ := p.replacementFrom(r.Old)
			var rNew, canonical module.Version
			source := "go.mod"
			if rep != nil {
				rNew, canonical, source = rep.New, p.canonicalReplace(rep), rep.File
			}
			meta := v.metaOf(r.Old)
			switch vr := meta.replacement; {
			case vr == module.Version{}:
				if canonical == (module.Version{}) || (pre114 && (r.Old.Version == "" || v.version[r.Old.Path] != r.Old.Version)) {
					continue
				}
				add(ReplaceNotMarked, r.Old, file, r.Syntax, meta.line, "is replaced in %s, but not marked as replaced in vendor/modules.txt", short(source))
			case vr != canonical:
				add(ReplaceMismatch, r.Old, file, r.Syntax, meta.line, "is replaced by %s in %s, but marked as replaced by %s in vendor/modules.txt", describe(rNew), short(source), describe(vr))
			}
		}
	}
	for _, mm := range p.mains {
		checkReplace(mm.GoMod(), mm.File.Replace)
	}
	if ws {
		checkReplace(p.workPath, p.work.Work.Replace)
	}

	required := map[module.Version]bool{}
	for _, mm := range p.mains {
		for _, r := range mm.File.Require {
			required[r.Mod] = true
		}
	}
	for _, m := range v.list {
		if v.metaOf(m).explicit && !required[m] {
			article := ""
			if ws {
				article = "a "
			}
			file, line := firstRequire(m)
			add(ExplicitNotRequired, m, file, line, v.metaOf(m).line, "is marked as explicit in vendor/modules.txt, but not explicitly required in %sgo.mod", article)
		}
	}

	for _, m := range v.replaced {
		if r, _ := p.replacementFrom(m); r == nil {
			where := "go.mod"
			if ws {
				where = "the workspace"
			}
			file, line := firstRequire(m)
			add(MarkedNotReplaced, m, file, line, v.metaOf(m).line, "is marked as replaced in vendor/modules.txt, but not replaced in %s", where)
		}
	}
	if len(out) > 0 || ws {
		return out
	}

	// Requirements.initVendor: with a pruned graph, each vendored module
	// must be required at the version vendored.
	if g := p.mains[0].File.Go; g == nil || CompareGo(g.Version, "1.17") < 0 {
		return nil
	}
	for _, m := range v.list {
		if sel := p.maxRequired(m.Path); sel != m.Version {
			file, line := firstRequire(m)
			out = append(out, &VendorProblem{Kind: NotRequired, Mod: m, File: file, Syntax: line, TxtLine: v.metaOf(m).line,
				Message: fmt.Sprintf("vendored module %s should be required explicitly in go.mod", describe(m))})
		}
	}
	return out
}

// maxRequired is the highest version of path the main modules require
// (excluded versions left out), or "".
func (p *Plan) maxRequired(path string) string {
	max := ""
	for _, v := range p.required[path] {
		if max == "" || semver.Compare(v, max) > 0 {
			max = v
		}
	}
	return max
}

// canonicalReplace is modload.canonicalizeReplacePath: in workspace mode a
// relative directory of a module's go.mod is written relative to the
// go.work's directory, as vendor/modules.txt records it.
func (p *Plan) canonicalReplace(r *Replacement) module.Version {
	if r.Dir == "" || filepath.IsAbs(r.New.Path) || p.work == nil || r.File == p.workPath {
		return r.New
	}
	if rel, err := filepath.Rel(filepath.Dir(p.workPath), r.Dir); err == nil {
		return module.Version{Path: toDirectoryPath(rel)}
	}
	return module.Version{Path: toDirectoryPath(r.Dir)}
}

// toDirectoryPath is modload.ToDirectoryPath.
func toDirectoryPath(path string) string {
	if modfile.IsDirectoryPath(path) {
		return path
	}
	return "./" + filepath.ToSlash(filepath.Clean(path))
}

// ShortPath is path as the go command run in the snapshot's directory
// prints it: relative when that is shorter (base.ShortPath).
func (p *Plan) ShortPath(path string) string {
	if rel, err := filepath.Rel(p.snap.Dir, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}
