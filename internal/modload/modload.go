// Package modload answers, for one module, which go.sum lines the go
// command reads and which of its commands fail without each. It follows
// cmd/go/internal/modload, whose names it borrows:
//
//   - the module graph (buildlist.go, readModGraph): `go list -m all`
//     loads the go.mod of every requirement of the main module, and below
//     a module whose go.mod has no go line for 1.17 or later ("unpruned")
//     the go.mod of everything it requires, transitively; a main module
//     below go 1.17 loads the whole graph for every command;
//   - the packages (load.go, import.go: importFromModules, fetch): `go
//     build` resolves each imported package among the modules of the build
//     list whose paths are prefixes of the import path (with a pruned
//     graph, among the main module's requirements), needs the zip hash of
//     every such module and the go.mod hash of the one that provides the
//     package, and goes on with that package's imports; `go test` adds the
//     imports of the main module's test files.
//
// Imports come from the main module's own .go files, matched with
// go/build for the environment's GOOS, GOARCH and build tags, and from the
// source of dependencies where it is on this machine (the module cache's
// extracted directories, local replacements). Where it is not, the result
// says which modules' packages could not be read and which lines may be
// needed because of them (Need.Maybe): gomodls cannot tell, and never
// turns that into an error.
//
// The package does no network I/O itself: a Reader gives go.mod files
// and source directories (the module cache's, or what a caller fetched).
package modload

import (
	"context"
	"fmt"
	"go/version"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Cmd is a set of go commands that fail without a go.sum line.
type Cmd uint8

const (
	// Build is `go build ./...` (and go install, go run, go vet's and go
	// list -deps' loading of the same packages).
	Build Cmd = 1 << iota
	// Test is `go test ./...`: the packages of Build and the main module's
	// test files.
	Test
	// ListAll is `go list -m all` (and everything else that loads the
	// whole module graph, such as go mod graph and go mod why).
	ListAll
)

// String names the commands: "go build, go test and go list -m all".
func (c Cmd) String() string {
	if c&Build != 0 {
		c |= Test
	}
	var names []string
	if c&Build != 0 {
		names = append(names, "go build")
	}
	if c&Test != 0 {
		names = append(names, "go test")
	}
	if c&ListAll != 0 {
		names = append(names, "go list -m all")
	}
	switch len(names) {
	case 0:
		return "no go command"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// A Key names one go.sum line: the zip hash of Mod, or (GoMod) the hash
// of its go.mod.
type Key struct {
	Mod   module.Version
	GoMod bool
}

// String is the go.sum form: "path version" or "path version/go.mod".
func (k Key) String() string {
	if k.GoMod {
		return k.Mod.Path + " " + k.Mod.Version + "/go.mod"
	}
	return k.Mod.Path + " " + k.Mod.Version
}

// A Need is a go.sum line the go command reads, and why.
type Need struct {
	Key
	// Cmds are the commands that certainly fail without the line; Why
	// says why the first of them reads it.
	Cmds Cmd
	Why  Reason
	// ListWhy says why `go list -m all` reads a go.mod, when ListAll is in
	// Cmds and Why is about a package.
	ListWhy Reason
	// Maybe are commands that may fail without the line: a package whose
	// source is not on this machine may import from the module (MaybeWhy
	// says which). Only commands not in Cmds.
	Maybe    Cmd
	MaybeWhy Reason
	// Root is the requirement of the main module's go.mod through which
	// the module is reached (the module itself when it is required), and
	// Replaces the module version Mod replaces, if any.
	Root     module.Version
	Replaces module.Version
}

// A Reason says why the go command reads a line.
type Reason struct {
	// Pkg is the imported package the go command looks for, and
	// ImportedBy the package that imports it ("example.com/m" for the
	// main module's package, with Test set for its tests).
	Pkg, ImportedBy string
	Test            bool
	// Verify says that the module does not hold the package, but another
	// module whose path is a prefix of it does: the go command reads its
	// zip to verify that only one module provides the package.
	Verify bool
	// Text explains a reason that is not a package (the module graph).
	Text string
}

// String says it in a clause: "package example.com/a/b (imported by
// example.com/m) is in it", or the Text.
func (r Reason) String() string {
	if r.Pkg == "" {
		return r.Text
	}
	by := r.ImportedBy
	if r.Test {
		by += "'s tests"
	}
	return fmt.Sprintf("package %s (imported by %s)%s", r.Pkg, by, r.Text)
}

// GoMessage is the go command's error for the missing line: "missing
// go.sum entry for go.mod file" or "missing go.sum entry for module
// providing package P (imported by Q)".
func (n *Need) GoMessage() string {
	if n.GoMod {
		return "missing go.sum entry for go.mod file"
	}
	switch {
	case n.Why.Pkg != "" && n.Why.Verify:
		return fmt.Sprintf("missing go.sum entry needed to verify package %s (imported by %s) is provided by exactly one module", n.Why.Pkg, n.Why.ImportedBy)
	case n.Why.Pkg != "":
		return fmt.Sprintf("missing go.sum entry for module providing package %s (imported by %s)", n.Why.Pkg, n.Why.ImportedBy)
	}
	return "missing go.sum entry"
}

// A Result is what the go command reads for one module.
type Result struct {
	// Pruned says that the main module's go line is 1.17 or later: the
	// module graph is pruned, and go build reads only what it imports.
	Pruned bool
	// Needs are the go.sum lines, in the order found (requirements of
	// go.mod first, in file order).
	Needs []*Need
	// NoGoMod lists module versions in the graph whose go.mod the Reader
	// could not give: what they require is unknown.
	NoGoMod []module.Version
	// NoSource lists module versions whose packages the build imports but
	// whose source is not on this machine: what those packages import is
	// unknown (Need.Maybe).
	NoSource []module.Version
	// Scanned says whether packages were loaded at all (see Options).
	Scanned bool

	byKey map[Key]*Need
}

// Need returns the need for k, or nil.
func (r *Result) Need(k Key) *Need { return r.byKey[k] }

// need returns the need for k, adding it.
func (r *Result) need(k Key, root module.Version, replaces module.Version) *Need {
	n := r.byKey[k]
	if n == nil {
		n = &Need{Key: k, Root: root, Replaces: replaces}
		r.byKey[k] = n
		r.Needs = append(r.Needs, n)
	}
	return n
}

// add records that cmds need k for why.
func (r *Result) add(k Key, cmds Cmd, why Reason, root, replaces module.Version) {
	n := r.need(k, root, replaces)
	if cmds&Build != 0 {
		cmds |= Test
	}
	if cmds&ListAll != 0 && n.ListWhy == (Reason{}) {
		n.ListWhy = why
	}
	if rank(cmds) > rank(n.Cmds) {
		n.Why = why // the reason of the most common command
	}
	n.Cmds |= cmds
	n.Maybe &^= n.Cmds
}

// rank orders command sets by their most common command.
func rank(c Cmd) int {
	switch {
	case c&Build != 0:
		return 3
	case c&Test != 0:
		return 2
	case c&ListAll != 0:
		return 1
	}
	return 0
}

// addMaybe records that cmds may need k, for why.
func (r *Result) addMaybe(k Key, cmds Cmd, why Reason, root, replaces module.Version) {
	if cmds&Build != 0 {
		cmds |= Test
	}
	n := r.need(k, root, replaces)
	cmds &^= n.Cmds
	if cmds&^n.Maybe == 0 {
		return
	}
	if n.Maybe == 0 {
		n.MaybeWhy = why
	}
	n.Maybe |= cmds
}

// Reader gives the go.mod files and source the go command would read.
type Reader interface {
	// GoMod returns the go.mod of m (a module version, not a directory),
	// or false when it is not available.
	GoMod(ctx context.Context, m module.Version) ([]byte, bool)
	// Dir returns the directory of m's extracted source, or false.
	Dir(m module.Version) (string, bool)
}

// Options control Load.
type Options struct {
	// Packages asks for the packages' needs (zip lines and the go.mod
	// lines of providing modules) even when go.sum holds the zip line of
	// every module that could provide one; otherwise packages are loaded
	// only when one of those lines is missing, which keeps the check cheap
	// when go.sum is complete.
	Packages bool
}

// Load returns what the go command reads for the snapshot's module, in
// single-module mode; nil for a workspace or without a go.mod. plan is
// the snapshot's modplan.Plan, passed in so that Load may run inside
// Snapshot.Memo.
func Load(ctx context.Context, snap *snapshot.Snapshot, plan *modplan.Plan, rd Reader, opts Options) *Result {
	if snap.Mod == nil || snap.Mod.Mod.Module == nil {
		return nil
	}
	if _, ws := plan.InWorkspace(); ws {
		return nil
	}
	l := &loader{ctx: ctx, snap: snap, plan: plan, rd: rd, res: &Result{byKey: map[Key]*Need{}}}
	gov := "1.16" // the go command's assumption without a go line
	if g := snap.Mod.Mod.Go; g != nil {
		gov = g.Version
	}
	l.res.Pruned = version.Compare("go"+gov, "go1.17") >= 0
	l.loadGraph()
	if opts.Packages || l.zipMissing() {
		l.res.Scanned = true
		l.loadPackages()
	}
	return l.res
}

// loader is one Load.
type loader struct {
	ctx  context.Context
	snap *snapshot.Snapshot
	plan *modplan.Plan
	rd   Reader
	res  *Result

	roots []module.Version // the main module's requirements, in file order
	// wholeGraph is set when go build reads the whole module graph (a
	// package that no requirement of a pruned go.mod provides), why and
	// for which commands.
	wholeGraph     bool
	wholeGraphWhy  Reason
	wholeGraphCmds Cmd
	excluded       map[module.Version]bool
	graph          map[module.Version]*summary // loaded go.mod files, by the required module version
	selected       map[string]string           // MVS over the loaded graph
	rootOf         map[module.Version]module.Version
}

// resolve returns the module version the go command reads for m: m, its
// replacement, or a directory (Version "", Path the absolute directory).
func (l *loader) resolve(m module.Version) (r module.Version, replaced bool) {
	rep := l.plan.Replacement(m)
	if rep == nil {
		return m, false
	}
	if rep.Dir != "" {
		return module.Version{Path: rep.Dir}, true
	}
	return rep.New, true
}

// buildList returns the modules among which the go command looks for an
// imported package: the main module's requirements with a pruned graph
// (highest version of each path), else the selected versions.
func (l *loader) buildList() []module.Version {
	if !l.res.Pruned {
		return l.graphList()
	}
	best := map[string]string{}
	var order []string
	for _, r := range l.roots {
		v, ok := best[r.Path]
		if !ok {
			order = append(order, r.Path)
		}
		if !ok || semver.Compare(r.Version, v) > 0 {
			best[r.Path] = r.Version
		}
	}
	out := make([]module.Version, len(order))
	for i, p := range order {
		out[i] = module.Version{Path: p, Version: best[p]}
	}
	return out
}

// graphList returns the versions MVS selects in the loaded graph.
func (l *loader) graphList() []module.Version {
	out := make([]module.Version, 0, len(l.selected))
	for p, v := range l.selected {
		out = append(out, module.Version{Path: p, Version: v})
	}
	slices.SortFunc(out, func(a, b module.Version) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// zipMissing reports whether go.sum lacks the zip line of a module that
// could provide packages (or has no go.sum at all).
func (l *loader) zipMissing() bool {
	sum := l.snap.Sum
	for _, m := range l.buildList() {
		r, _ := l.resolve(m)
		if r.Version == "" {
			continue
		}
		if sum == nil || !sum.Has(r.Path, r.Version, false) || !sum.Has(r.Path, r.Version, true) {
			return true
		}
	}
	return false
}
