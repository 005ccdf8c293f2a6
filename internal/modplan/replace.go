package modplan

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Which replacement applies to a module version, as the go command
// decides, and the conflicts between replacements it refuses.

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
