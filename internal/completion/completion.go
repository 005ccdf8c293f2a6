// Package completion proposes completions in go.mod and go.work files:
// directive keywords, module paths, versions, and go/toolchain versions.
//
// Like hover, it is a function of a snapshot and never waits on the
// network for longer than a short budget; what is not known in time is
// left out and the result is marked incomplete, so the editor asks again.
//
// Privacy: module paths are completed only from local sources (the module
// cache, go.sum, other go.mod files of the workspace), never by asking a
// proxy about a half-typed path; versions are looked up only for complete
// paths that modplan.Plan.Lookable allows.
package completion

import (
	"context"
	"fmt"
	"go/version"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// Kind is what an item completes.
type Kind int

const (
	Keyword Kind = iota
	ModulePath
	Version
	GoVersion
)

// An Item is one proposal. Insert replaces Span.
type Item struct {
	Label      string
	Kind       Kind
	Detail     string
	Doc        string
	Insert     string
	Span       span.Span
	SortText   string
	Deprecated bool // retracted versions: rendered struck through
}

// A Result is a list of items; Incomplete asks the editor to ask again as
// the user types (some answers were still on their way).
type Result struct {
	Items      []Item
	Incomplete bool
}

// Options bound and feed completion.
type Options struct {
	// Budget is how long to wait for the module source (default 300ms);
	// lookups continue in Background afterwards.
	Budget     time.Duration
	Background context.Context
	// KnownPaths returns module paths known locally (the module cache, other
	// go.mod files of the workspace), with where each comes from.
	KnownPaths func() map[string]string
	// Prereleases offers prerelease versions.
	Prereleases bool
}

// Keywords of go.mod and go.work.
var (
	modKeywords  = []string{"module", "go", "toolchain", "godebug", "require", "replace", "exclude", "retract", "tool", "ignore"}
	workKeywords = []string{"go", "toolchain", "godebug", "use", "replace"}
	keywordDocs  = map[string]string{
		"module":    "The module's path.",
		"go":        "The minimum Go version.",
		"toolchain": "The preferred toolchain when switching (GOTOOLCHAIN=auto).",
		"godebug":   "Default GODEBUG settings for main packages.",
		"require":   "A required module version.",
		"replace":   "Replace a module (all versions or one) with another module version or a local directory.",
		"exclude":   "Exclude a module version from version selection.",
		"retract":   "Versions of this module that should not be used.",
		"tool":      "A tool package run with `go tool`.",
		"ignore":    "Directories the go command ignores when matching packages.",
		"use":       "A module directory that is part of the workspace.",
	}
)

// At returns the completions at byte offset off of a go.mod or go.work.
func At(ctx context.Context, snap *snapshot.Snapshot, kind snapshot.FileKind, off int, opts Options) *Result {
	f := snap.ModFile(kind)
	if f == nil {
		return &Result{}
	}
	c := position(f, off)
	res := &Result{}
	switch {
	case c.verb == "" && c.arg == 0:
		words := modKeywords
		if kind == snapshot.GoWork {
			words = workKeywords
		}
		for _, w := range words {
			if strings.HasPrefix(w, c.prefix) {
				res.Items = append(res.Items, Item{Label: w, Kind: Keyword, Insert: w + " ", Span: c.span, Doc: keywordDocs[w]})
			}
		}
	case (c.verb == "require" || c.verb == "exclude" || c.verb == "replace") && c.arg == 0,
		c.verb == "replace" && c.afterArrow && c.arg == c.arrow+1 && !strings.HasPrefix(c.prefix, "."):
		modulePaths(snap, c, opts, res)
	case (c.verb == "require" || c.verb == "exclude") && c.arg == 1,
		c.verb == "replace" && c.arg == 1 && !c.afterArrow,
		c.verb == "replace" && c.afterArrow && c.arg == c.arrow+2:
		path := c.args[0]
		if c.verb == "replace" && c.afterArrow {
			path = c.args[c.arrow+1]
		}
		versions(ctx, snap, unquote(path), c, opts, res)
	case c.verb == "go" && c.arg == 0:
		goVersions(snap, c, false, res)
	case c.verb == "toolchain" && c.arg == 0:
		goVersions(snap, c, true, res)
	}
	return res
}

// cursor describes where the cursor is on its line.
type cursor struct {
	verb       string   // the directive (from the line or its block)
	args       []string // complete argument tokens before the cursor
	arg        int      // index of the argument being typed
	prefix     string   // what is typed of it
	span       span.Span
	afterArrow bool // a "=>" precedes the cursor (replace)
	arrow      int  // index of "=>" among args
}

func position(f *gomod.File, off int) cursor {
	m := f.Mapper
	line := m.Line(off)
	start := m.LineStart(line)
	text := f.Content[start:off]
	toks := gomod.Tokenize(text, start)
	var c cursor
	// A token touching the cursor is the one being typed.
	if n := len(toks); n > 0 && toks[n-1].Span.End == off {
		c.prefix = toks[n-1].Text
		c.span = toks[n-1].Span
		toks = toks[:n-1]
	} else {
		c.span = span.Span{Start: off, End: off}
	}
	// The rest of the token after the cursor is replaced too.
	end := m.LineEnd(line)
	for i := off; i < end && !isSpace(f.Content[i]); i++ {
		c.span.End = i + 1
	}
	if strings.HasPrefix(string(text), "//") || strings.Contains(string(text), "//") {
		c.verb = "comment"
		return c
	}
	block := enclosingBlock(f, line)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Text
	}
	if block == "" {
		if len(words) == 0 {
			return c // typing a keyword
		}
		c.verb, words = words[0], words[1:]
	} else {
		c.verb = block
	}
	c.args = words
	c.arg = len(words)
	for i, w := range words {
		if w == "=>" {
			c.afterArrow, c.arrow = true, i
		}
	}
	return c
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// enclosingBlock returns the verb of the block containing the 0-based
// line, reading the text (the parse may have dropped a line being typed).
func enclosingBlock(f *gomod.File, line int) string {
	m := f.Mapper
	for l := line - 1; l >= 0; l-- {
		t := strings.TrimSpace(string(f.Content[m.LineStart(l):m.LineEnd(l)]))
		if i := strings.Index(t, "//"); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		if t == ")" {
			return ""
		}
		if strings.HasSuffix(t, "(") {
			fields := strings.Fields(strings.TrimSuffix(t, "("))
			if len(fields) == 1 {
				return fields[0]
			}
			return ""
		}
	}
	return ""
}

func unquote(s string) string { return gomod.Token{Text: s}.Unquoted() }

// modulePaths completes module paths from local sources only.
func modulePaths(snap *snapshot.Snapshot, c cursor, opts Options, res *Result) {
	known := map[string]string{}
	if opts.KnownPaths != nil {
		for p, src := range opts.KnownPaths() {
			known[p] = src
		}
	}
	if snap.Sum != nil {
		for _, l := range snap.Sum.Lines {
			if _, ok := known[l.Path]; !ok {
				known[l.Path] = "go.sum"
			}
		}
	}
	// Do not propose what the file already requires.
	if snap.Mod != nil {
		for _, r := range snap.Mod.Mod.Require {
			if c.verb == "require" {
				delete(known, r.Mod.Path)
			}
		}
	}
	prefix := unquote(c.prefix)
	var paths []string
	for p := range known {
		if strings.HasPrefix(p, prefix) || (prefix != "" && strings.Contains(p, "/"+prefix)) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	const max = 200
	if len(paths) > max {
		paths, res.Incomplete = paths[:max], true
	}
	for i, p := range paths {
		res.Items = append(res.Items, Item{Label: p, Kind: ModulePath, Detail: known[p], Insert: p, Span: c.span, SortText: fmt.Sprintf("%04d", i)})
	}
}

// versions completes the versions of path: newest first, publish dates as
// detail where known, retracted versions last and struck through,
// prereleases per setting, pseudo-versions only when one is being typed.
func versions(ctx context.Context, snap *snapshot.Snapshot, path string, c cursor, opts Options, res *Result) {
	if module.CheckPath(path) != nil && goenv.EvidentlyPrivate(path) == "" {
		return
	}
	typedPseudo := strings.Count(c.prefix, "-") > 0 && strings.HasPrefix(c.prefix, "v0.0.0-") || module.IsPseudoVersion(c.prefix)
	candidates := map[string]string{} // version -> where it was seen
	if snap.Sum != nil {
		for _, l := range snap.Sum.Lines {
			if l.Path == path {
				candidates[l.Version] = "go.sum"
			}
		}
	}
	var (
		list     *modsource.VersionList
		latestGM *modfile.File
		latestV  string
		times    = map[string]time.Time{}
		mu       sync.Mutex
	)
	if snap.Source != nil && modplan.Of(snap).Lookable(path) {
		budget := opts.Budget
		if budget <= 0 {
			budget = 300 * time.Millisecond
		}
		bg := opts.Background
		if bg == nil {
			bg = context.Background()
		}
		deadline := time.Now().Add(budget)
		wait := func(done <-chan struct{}) bool {
			select {
			case <-done:
				return true
			case <-time.After(time.Until(deadline)):
				return false
			case <-ctx.Done():
				return false
			}
		}
		listDone := make(chan struct{})
		go func() {
			defer close(listDone)
			vl, err := snap.Source.Versions(bg, path)
			if err == nil {
				mu.Lock()
				list = vl
				mu.Unlock()
			}
			gm, latest, _, err := modinfo.LatestGoMod(bg, snap.Source, path)
			mu.Lock()
			latestV = latest
			if err == nil {
				latestGM = gm
			}
			mu.Unlock()
		}()
		if !wait(listDone) {
			res.Incomplete = true
		}
		mu.Lock()
		vl, latestV := list, latestV
		mu.Unlock()
		if vl != nil {
			for _, v := range vl.Versions {
				candidates[v] = vl.Source
			}
			if typedPseudo {
				for _, v := range vl.Pseudo {
					candidates[v] = vl.Source
				}
				if module.IsPseudoVersion(latestV) {
					candidates[latestV] = "@latest"
				}
			}
			// Publish dates of the newest versions, as far as the budget allows.
			newest := sortVersions(vl.Versions)
			if len(newest) > 10 {
				newest = newest[:10]
			}
			var wg sync.WaitGroup
			for _, v := range newest {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if info, err := snap.Source.Info(bg, path, v); err == nil && !info.Time.IsZero() {
						mu.Lock()
						times[v] = info.Time
						mu.Unlock()
					}
				}()
			}
			infos := make(chan struct{})
			go func() { wg.Wait(); close(infos) }()
			if !wait(infos) {
				res.Incomplete = true
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var vs []string
	for v := range candidates {
		if !semver.IsValid(v) {
			continue
		}
		if semver.Prerelease(v) != "" && !opts.Prereleases && !module.IsPseudoVersion(v) && !strings.Contains(c.prefix, "-") {
			continue
		}
		if module.IsPseudoVersion(v) && !typedPseudo {
			continue
		}
		if _, pathMajor, ok := module.SplitPathVersion(path); ok && module.CheckPathMajor(v, pathMajor) != nil {
			continue
		}
		vs = append(vs, v)
	}
	vs = sortVersions(vs)
	var good, bad []Item
	for _, v := range vs {
		it := Item{Label: v, Kind: Version, Insert: v, Span: c.span}
		var details []string
		if t, ok := times[v]; ok {
			details = append(details, t.UTC().Format("2006-01-02"))
		}
		if r, ok := modinfo.Retracted(latestGM, v); ok {
			it.Deprecated = true
			details = append(details, "retracted")
			it.Doc = "Retracted by the module author: " + modinfo.ShortMessage(r.Rationale, "(no rationale given)")
			it.Detail = strings.Join(details, " · ")
			bad = append(bad, it)
			continue
		}
		if src := candidates[v]; src != "" && len(details) == 0 {
			details = append(details, src)
		}
		it.Detail = strings.Join(details, " · ")
		good = append(good, it)
	}
	for i, it := range append(good, bad...) {
		it.SortText = fmt.Sprintf("%04d", i)
		res.Items = append(res.Items, it)
	}
}

// sortVersions sorts newest first.
func sortVersions(vs []string) []string {
	out := append([]string(nil), vs...)
	sort.Slice(out, func(i, j int) bool { return semver.Compare(out[i], out[j]) > 0 })
	return out
}

// goVersions completes go (1.N.M) or toolchain (go1.N.M) versions: the
// local toolchain's and the last minor releases' .0 versions.
func goVersions(snap *snapshot.Snapshot, c cursor, toolchain bool, res *Result) {
	local := ""
	if snap.Env != nil {
		local = snap.Env.Get("GOVERSION")
	}
	if !version.IsValid(local) {
		return
	}
	lang := version.Lang(local) // go1.26
	minor := 0
	fmt.Sscanf(strings.TrimPrefix(lang, "go1."), "%d", &minor)
	seen := map[string]bool{}
	add := func(v, detail string) {
		if seen[v] {
			return
		}
		seen[v] = true
		label := strings.TrimPrefix(v, "go")
		if toolchain {
			label = v
		}
		if !strings.HasPrefix(label, c.prefix) {
			return
		}
		res.Items = append(res.Items, Item{Label: label, Kind: GoVersion, Detail: detail, Insert: label, Span: c.span, SortText: fmt.Sprintf("%04d", len(res.Items))})
	}
	add(local, "the local toolchain")
	for n := minor; n >= minor-5 && n >= 21; n-- {
		add(fmt.Sprintf("go1.%d.0", n), "")
	}
}
