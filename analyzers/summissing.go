package analyzers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checksum"
	"github.com/gomodls/gomodls/internal/modload"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// SumMissing reports go.sum lines the go command needs and go.sum lacks.
var SumMissing = &Analyzer{
	Name: "summissing",
	Doc: `report go.sum lines that go build, go test or go list -m all need and go.sum lacks

With -mod=readonly (the default) the go command never adds go.sum lines on
its own: it stops with "missing go.sum entry" when one it reads is missing.
Which lines it reads follows its own rules (cmd/go/internal/modload):

- go list -m all reads the go.mod of every module this go.mod requires
  (or of its replacement), and below a module whose go.mod has no go line
  of 1.17 or later, of everything that module requires, transitively
  (the module graph is not pruned there). With a go line below 1.17 in
  this go.mod, every command reads the whole graph.
- go build ./... reads, for each package it imports, the zip hash of every
  required module whose path is a prefix of the import path, and the
  go.mod hash of the module that provides the package; then it goes on
  with that package's imports. go test ./... adds the imports of this
  module's test files.

Imports are read from this module's .go files (for the environment's
GOOS, GOARCH and build tags) and, for dependencies, from their source in
the module cache (or a local replacement). Each diagnostic says which
command fails and why, on the require (or replace) line of the module, or
of the requirement through which the module is reached. A missing line is
an error when a go command certainly fails without it; when a dependency's
source is not in the module cache, what its packages import is unknown,
and the lines they may need are warnings that say so ("go mod download"
fills the module cache). Without any go.sum every needed line is missing.

The check is local and immediate: it is cleared as soon as go.sum holds the
lines, whether the edit happens in the editor or on disk. The go.mod files
of the module graph come from the module cache or from gomodls' cache (the
network analyzer sumverify fetches those that are missing). Its fix adds
the exact lines, as "go mod download" would: those the checksum database
records, or, for modules GOSUMDB=off or GONOSUMDB/GOPRIVATE exclude from it,
the hashes of what the GOPROXY chain serves. The fix is offered once the
hashes are known without waiting: from an earlier lookup, the persistent
checksum database cache, the module cache or gomodls' cache (sumverify
looks them up in the background). No hash is ever invented.

Nothing is reported where the go command would not fail: in workspace mode
(go.work; it records missing sums in go.work.sum), with -mod=mod (it adds
them) or -mod=vendor (or a vendor directory with go 1.14 or later).`,
	Codes: []*Code{CodeSumMissing},
	Run:   runSumMissing,
}

func runSumMissing(pass *Pass) error {
	snap := pass.Snapshot
	missing := MissingSums(snap)
	if snap.Sum == nil && len(missing) > 0 {
		// Without any go.sum every line is missing: one diagnostic on the
		// module line, whose fix creates go.sum, instead of one per module.
		pass.Report(noGoSum(snap, missing))
		return nil
	}
	diags := make([]Diagnostic, len(missing))
	var all []string // every line the fixes add
	fixable := 0
	for i, m := range missing {
		sums := cachedSums(snap, m.Mod)
		diags[i] = m.Diagnostic(snap, sums)
		if len(diags[i].Fixes) > 0 {
			fixable++
			all = append(all, sums.Lines(m.Zip)...)
		}
	}
	if fixable > 1 {
		// Quick fixes of several lines all insert at the same places; one
		// fix adding every line is the one "fix all" applies (identical on
		// every diagnostic, so it is applied once).
		allFix, _ := fixes.AddSumLines(snapshot.GoSum, snap.Sum, all, fmt.Sprintf("Add all %d missing go.sum entries", fixable))
		allFix.Preferred = true
		for i := range diags {
			if len(diags[i].Fixes) > 0 {
				diags[i].Fixes[0].Preferred = false
				diags[i].Fixes = append(diags[i].Fixes, allFix)
			}
		}
	}
	for _, d := range diags {
		pass.Report(d)
	}
	return nil
}

// noGoSum is the diagnostic for a module without go.sum: it gives the
// reason of the most common go command that fails (the first such module),
// and the fix that creates go.sum with every line known.
func noGoSum(snap *snapshot.Snapshot, missing []MissingSum) Diagnostic {
	var certain modload.Cmd
	first := 0
	for i, m := range missing {
		c, _ := m.Cmds()
		certain |= c
		if f, _ := missing[first].Cmds(); cmdRank(c) > cmdRank(f) {
			first = i
		}
	}
	sp := span.Span{}
	if mod := snap.Mod.Mod.Module; mod != nil {
		t, _ := snap.Mod.PathToken(mod.Syntax)
		sp = nonEmpty(t.Span, snap.Mod.LineSpan(mod.Syntax))
	}
	d := Diagnostic{File: snapshot.GoMod, Span: sp, Code: CodeSumMissing, Severity: Error,
		Message: fmt.Sprintf("there is no go.sum, so every line the go command reads is missing (for %s; go mod tidy creates go.sum); first, %s", moduleVersions(len(missing)), missing[first].message())}
	if certain == 0 {
		d.Severity = Warning
	}
	var lines []string
	fixable := 0
	for _, m := range missing {
		if sums := cachedSums(snap, m.Mod); sums != nil && sums.Conflict() == "" && sums.Path == m.Mod.Path && sums.Version == m.Mod.Version {
			if l := sums.Lines(m.Zip); len(l) > 0 {
				lines = append(lines, l...)
				fixable++
			}
		}
	}
	if fixable > 0 {
		title := fmt.Sprintf("Create go.sum with the lines of %s", moduleVersions(fixable))
		if fx, ok := fixes.AddSumLines(snapshot.GoSum, nil, lines, title); ok {
			fx.Preferred = true
			d.Fixes = []fixes.Fix{fx}
		}
	}
	return d
}

func cachedSums(snap *snapshot.Snapshot, m module.Version) *checksum.Sums {
	if snap.Sums == nil {
		return nil
	}
	return snap.Sums.CachedSums(m.Path, m.Version)
}

// A MissingSum is the go.sum lines of one module version that a go
// command needs and go.sum lacks.
type MissingSum struct {
	Mod  module.Version // the module version the hashes are for (a replacement's target)
	File snapshot.FileKind
	Span span.Span // the module path (the replacement's) on its line
	// GoMod is set when the "/go.mod" line is missing, Zip when the zip
	// line is: lines a go command certainly reads (GoModNeed.Cmds,
	// ZipNeed.Cmds) or may read (their Maybe).
	GoMod, Zip         bool
	GoModNeed, ZipNeed *modload.Need
	// Replaces is the required module a replacement stands in for.
	Replaces string
	// Via is the requirement of go.mod through which the go command
	// reaches Mod, when Mod is not required (or replaced) itself.
	Via module.Version
}

// Mode is the work a module source must do to give the missing lines:
// look up the /go.mod line, and the zip line too when it is missing. The
// quick fix, gomodls check -fix and sumverify's warm-up all ask with it.
func (m MissingSum) Mode() checksum.Mode {
	if m.Zip {
		return checksum.ZipLine
	}
	return checksum.GoModLine
}

// Cmds returns the go commands that certainly fail without the lines, and
// those that may.
func (m MissingSum) Cmds() (certain, maybe modload.Cmd) {
	for _, n := range []*modload.Need{m.GoModNeed, m.ZipNeed} {
		if n != nil {
			certain |= n.Cmds
			maybe |= n.Maybe
		}
	}
	return certain, maybe &^ certain
}

// LocalLoad returns what the go command reads for the snapshot's module,
// from what is on this machine: the module cache, and the go.mod files the
// module source has cached (FetchGoMods fills them in). It is computed
// anew on each call: a network pass may have cached more since. Nil when
// go.sum lines are not required (see SumMissing).
func LocalLoad(snap *snapshot.Snapshot) *modload.Result {
	if snap.Mod == nil || !sumsRequired(snap) {
		return nil
	}
	return modload.Load(context.Background(), snap, modplan.Of(snap), LocalReader(snap), modload.Options{})
}

// FetchGoMods fetches through the snapshot's module source the go.mod
// files of the module graph that no cache has (and that may be looked up:
// modplan.Plan.Lookable), level by level and concurrently, so that
// MissingSums sees the whole graph. The module source keeps them
// (checksum.Source.CachedGoMod). Failures are left to the analyzers that
// report them (versions, pathmismatch): the graph stops there.
func FetchGoMods(ctx context.Context, snap *snapshot.Snapshot) {
	src := snap.Source
	if src == nil || snap.Mod == nil || !sumsRequired(snap) {
		return
	}
	plan := modplan.Of(snap)
	tried := map[module.Version]bool{}
	for ctx.Err() == nil {
		res := LocalLoad(snap)
		if res == nil {
			return
		}
		var todo []module.Version
		for _, m := range res.NoGoMod {
			if !tried[m] && plan.Lookable(m.Path) && modplan.Fetchable(m) {
				tried[m] = true
				todo = append(todo, m)
			}
		}
		if len(todo) == 0 {
			return
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(32)
		for _, m := range todo {
			g.Go(func() error {
				src.GoMod(gctx, m.Path, m.Version)
				return nil
			})
		}
		g.Wait()
	}
}

// LocalReader reads go.mod files and module source from the module cache
// (GOMODCACHE), and go.mod files from the snapshot's go.sum source when it
// keeps them (checksum.Source.CachedGoMod).
func LocalReader(snap *snapshot.Snapshot) modload.ModCache {
	root := ""
	if snap.Env != nil {
		root = snap.Env.Get("GOMODCACHE")
	}
	var cached func(module.Version) ([]byte, bool)
	if c, ok := snap.Sums.(interface {
		CachedGoMod(path, version string) ([]byte, bool)
	}); ok {
		cached = func(m module.Version) ([]byte, bool) { return c.CachedGoMod(m.Path, m.Version) }
	}
	return modload.NewModCache(root, cached)
}

// MissingSums returns the go.sum entries a go command needs (or may need)
// and the snapshot's go.sum lacks, in go.mod order, from what is on this
// machine (see LocalLoad).
func MissingSums(snap *snapshot.Snapshot) []MissingSum {
	return missingFrom(snap, LocalLoad(snap))
}

// missingFrom turns the needs of res that go.sum lacks into MissingSums,
// one per module version, placed on the go.mod line of the module (its
// require, or the replace that stands in for it) or of the requirement
// through which it is reached.
func missingFrom(snap *snapshot.Snapshot, res *modload.Result) []MissingSum {
	if res == nil {
		return nil
	}
	sum := snap.Sum
	has := func(k modload.Key) bool { return sum != nil && sum.Has(k.Mod.Path, k.Mod.Version, k.GoMod) }
	var lines *lineIndex
	byMod := map[module.Version]int{}
	var out []MissingSum
	for _, n := range res.Needs {
		if has(n.Key) || (n.Cmds == 0 && n.Maybe == 0) {
			continue
		}
		if !modplan.Fetchable(n.Mod) {
			// The go command stops at the line first (invalid-version,
			// invalid-module-path): no go.sum line can be written for it.
			continue
		}
		i, ok := byMod[n.Mod]
		if !ok {
			if lines == nil {
				lines = indexLines(modplan.Of(snap))
			}
			m, found := lines.place(n)
			if !found {
				continue
			}
			i = len(out)
			byMod[n.Mod] = i
			out = append(out, m)
		}
		if n.GoMod {
			out[i].GoMod, out[i].GoModNeed = true, n
		} else {
			out[i].Zip, out[i].ZipNeed = true, n
		}
	}
	slices.SortStableFunc(out, func(a, b MissingSum) int {
		if a.File != b.File {
			return int(a.File) - int(b.File)
		}
		return a.Span.Start - b.Span.Start
	})
	return out
}

// lineIndex finds the go.mod lines of module versions: requires that the
// go command uses as written, the first require of each module version,
// and replace lines.
type lineIndex struct {
	plan     *modplan.Plan
	direct   map[module.Version]*modplan.Line // used, not replaced
	required map[module.Version]*modplan.Line
}

func indexLines(plan *modplan.Plan) *lineIndex {
	x := &lineIndex{plan: plan, direct: map[module.Version]*modplan.Line{}, required: map[module.Version]*modplan.Line{}}
	for _, l := range plan.Lines {
		if l.File != snapshot.GoMod || l.Role != modplan.Require || l.Ignored != "" {
			continue
		}
		if _, ok := x.direct[l.Mod]; !ok && l.ReplacedBy == nil {
			x.direct[l.Mod] = l
		}
		if _, ok := x.required[l.Mod]; !ok {
			x.required[l.Mod] = l
		}
	}
	return x
}

// place finds the go.mod line for the need's module: the replace whose
// target it is, its require, or the require of its root.
func (x *lineIndex) place(n *modload.Need) (MissingSum, bool) {
	m := MissingSum{Mod: n.Mod, File: snapshot.GoMod}
	if n.Replaces.Path != "" {
		if r := x.plan.Replacement(n.Replaces); r != nil && r.Line != nil && r.Line.File == snapshot.GoMod {
			l := r.Line
			p, _, _ := l.F.ReplaceTargetTokens(l.Syntax)
			m.Span, m.Replaces = nonEmpty(p.Span, l.F.LineSpan(l.Syntax)), n.Replaces.Path
			return m, true
		}
	}
	if l := x.direct[n.Mod]; l != nil {
		t, _ := l.F.PathToken(l.Syntax)
		m.Span = nonEmpty(t.Span, l.F.LineSpan(l.Syntax))
		return m, true
	}
	req := x.required[n.Root]
	if req == nil {
		return m, false
	}
	t, _ := req.F.PathToken(req.Syntax)
	m.Span, m.Via = nonEmpty(t.Span, req.F.LineSpan(req.Syntax)), req.Mod
	if n.Replaces.Path != "" {
		m.Replaces = n.Replaces.Path
	}
	return m, true
}

// Diagnostic returns the sum-missing diagnostic, with the fix adding the
// lines when sums (possibly nil) has them.
func (m MissingSum) Diagnostic(snap *snapshot.Snapshot, sums *checksum.Sums) Diagnostic {
	d := Diagnostic{File: m.File, Span: m.Span, Code: CodeSumMissing, Severity: Error, Message: m.message()}
	if certain, _ := m.Cmds(); certain == 0 {
		d.Severity = Warning
	}
	if fx, ok := m.Fix(snap, sums); ok {
		d.Fixes = []fixes.Fix{fx}
	}
	return d
}

// message says which lines are missing, which go commands fail (or may)
// and why.
func (m MissingSum) message() string {
	what := m.Mod.Path + " " + m.Mod.Version
	if m.Replaces != "" && m.Via.Path == "" {
		what += " (the replacement of " + m.Replaces + ")"
	}
	var lines string
	switch {
	case m.GoMod && m.Zip:
		lines = what + "/go.mod and its zip hash"
	case m.GoMod:
		lines = what + "/go.mod"
	default:
		lines = "the zip hash of " + what
	}
	if m.Via.Path != "" {
		lines += fmt.Sprintf(" (reached through the requirement on %s %s)", m.Via.Path, m.Via.Version)
	}
	certain, maybe := m.Cmds()
	var b strings.Builder
	fmt.Fprintf(&b, "missing go.sum entry for %s: ", lines)
	if certain != 0 {
		n := m.primary()
		fmt.Fprintf(&b, "%s %s with %q", certain, agree(certain, "fail"), n.GoMessage())
		switch {
		case n.Why.Pkg != "" && n.GoMod:
			fmt.Fprintf(&b, ": it provides %s", n.Why)
		case n.Why.Pkg != "":
			b.WriteString(n.Why.Text) // what else goes wrong, if anything
		case n.Why.Text != "":
			fmt.Fprintf(&b, ": %s", n.Why.Text)
		}
		switch {
		case certain&modload.Build == 0 && certain&modload.Test != 0 && maybe&modload.Build == 0:
			b.WriteString("; go build does not need it: only tests import the package")
		case certain == modload.ListAll && maybe == 0:
			b.WriteString("; go build and go test do not need it")
			if m.Via.Path == "" {
				fmt.Fprintf(&b, ": none of their packages comes from %s", m.Mod.Path)
			}
		}
	}
	if maybe != 0 {
		n := m.ZipNeed
		if n == nil || n.Maybe == 0 {
			n = m.GoModNeed
		}
		if certain != 0 {
			b.WriteString("; ")
			fmt.Fprintf(&b, "%s may fail too", maybe)
		} else {
			fmt.Fprintf(&b, "%s may fail with \"missing go.sum entry\"", maybe)
		}
		fmt.Fprintf(&b, ": %s, so gomodls cannot tell whether %s %s it", n.MaybeWhy, maybe, agree(maybe, "read"))
	}
	dl := m.Mod.Path
	if m.Replaces != "" && m.Via.Path == "" {
		dl = m.Replaces
	}
	fmt.Fprintf(&b, " (go mod download %s)", dl)
	return b.String()
}

// primary returns the need whose reason the message gives: the one of the
// most common command that fails, the zip line's on a tie (the go command
// looks for the package before it reads the go.mod).
func (m MissingSum) primary() *modload.Need {
	z, g := m.ZipNeed, m.GoModNeed
	switch {
	case z == nil || z.Cmds == 0:
		return g
	case g == nil || g.Cmds == 0:
		return z
	case cmdRank(g.Cmds) > cmdRank(z.Cmds):
		return g
	}
	return z
}

func cmdRank(c modload.Cmd) int {
	switch {
	case c&modload.Build != 0:
		return 3
	case c&modload.Test != 0:
		return 2
	case c&modload.ListAll != 0:
		return 1
	}
	return 0
}

// agree returns the verb that agrees with the commands' String: "fail"
// for several, "fails" for one.
func agree(c modload.Cmd, verb string) string {
	if strings.Contains(c.String(), " and ") {
		return verb
	}
	return verb + "s"
}

// Fix returns the fix that adds the missing lines from sums: only hashes
// verified by the checksum database, or computed from served content for
// modules it may not be asked about, and never when served content
// contradicts the database. It is false when there is nothing to add.
func (m MissingSum) Fix(snap *snapshot.Snapshot, sums *checksum.Sums) (fixes.Fix, bool) {
	if sums == nil || sums.Path != m.Mod.Path || sums.Version != m.Mod.Version || sums.Conflict() != "" {
		return fixes.Fix{}, false
	}
	// Lines already in go.sum are skipped: the zip line is added when it
	// is missing and needed, the /go.mod line when it is missing.
	lines := sums.Lines(m.Zip)
	title := fmt.Sprintf("Add go.sum lines for %s %s (%s)", m.Mod.Path, m.Mod.Version, sums.Origin())
	fx, ok := fixes.AddSumLines(snapshot.GoSum, snap.Sum, lines, title)
	fx.Preferred = ok
	return fx, ok
}

// sumsRequired reports whether the go command insists on go.sum entries
// for this go.mod (modload.mustHaveSums): in module mode, with
// -mod=readonly (see modplan.Plan.Mode).
func sumsRequired(snap *snapshot.Snapshot) bool {
	if snap.Env == nil {
		return true
	}
	plan := modplan.Of(snap)
	// In a workspace the go command checks go.work.sum; outside the
	// go.work that covers the directory it refuses to run at all.
	if plan.OutsideWorkspace() != "" {
		return false
	} else if _, ws := plan.InWorkspace(); ws {
		return false
	}
	// -mod=mod adds them; in vendor mode (-mod=vendor, or a vendor
	// directory with go 1.14 or later) the go command reads no go.sum.
	return plan.Mode().Mod == modplan.ModReadonly
}
