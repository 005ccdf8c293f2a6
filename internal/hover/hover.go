// Package hover explains the line under the cursor of a go.mod, go.sum or
// go.work file: what the go command will do with it in this environment.
//
// Hover is a function of a snapshot; it knows nothing of the LSP. It
// renders Markdown, with a plain-text rendering for clients that cannot
// show Markdown.
package hover

import (
	"context"
	"fmt"
	"go/version"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/gosum"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// A Result is a hover: the span it is about and its text.
type Result struct {
	Span     span.Span
	Markdown string
	Plain    string
}

// doc accumulates a hover in both renderings.
type doc struct {
	md, plain strings.Builder
}

func (d *doc) title(s string) {
	fmt.Fprintf(&d.md, "**%s**\n\n", escape(s))
	fmt.Fprintf(&d.plain, "%s\n\n", s)
}

// line adds a paragraph; code spans are written as `x` and stay as x in
// plain text.
func (d *doc) line(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	d.md.WriteString(s + "\n\n")
	d.plain.WriteString(strings.ReplaceAll(s, "`", "") + "\n\n")
}

func (d *doc) link(text, url string) {
	fmt.Fprintf(&d.md, "[%s](%s)\n\n", text, url)
	fmt.Fprintf(&d.plain, "%s: %s\n\n", text, url)
}

func (d *doc) result(sp span.Span) *Result {
	return &Result{Span: sp, Markdown: strings.TrimSpace(d.md.String()), Plain: strings.TrimSpace(d.plain.String())}
}

func escape(s string) string {
	r := strings.NewReplacer("*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`)
	return r.Replace(s)
}

// At returns the hover for byte offset off of the snapshot file kind, or
// nil when there is nothing to say.
func At(ctx context.Context, snap *snapshot.Snapshot, kind snapshot.FileKind, off int, opts Options) *Result {
	switch kind {
	case snapshot.GoMod, snapshot.GoWork:
		return modHover(ctx, snap, kind, off, opts)
	case snapshot.GoSum:
		return sumHover(snap, snap.Sum, off)
	case snapshot.GoWorkSum:
		return sumHover(snap, snap.WorkSum, off)
	}
	return nil
}

func modHover(ctx context.Context, snap *snapshot.Snapshot, kind snapshot.FileKind, off int, opts Options) *Result {
	f := snap.ModFile(kind)
	if f == nil {
		return nil
	}
	on := func(l *modfile.Line) bool {
		return l != nil && f.LineSpan(l).Contains(off)
	}
	if mf := f.Mod; mf != nil {
		if mf.Module != nil && on(mf.Module.Syntax) {
			return moduleHover(snap, f, mf.Module)
		}
		if mf.Go != nil && on(mf.Go.Syntax) {
			return goHover(ctx, snap, f, mf.Go.Syntax, mf.Go.Version, toolchainOf(mf.Toolchain), opts)
		}
		if mf.Toolchain != nil && on(mf.Toolchain.Syntax) {
			return goHover(ctx, snap, f, mf.Toolchain.Syntax, goOf(mf.Go), mf.Toolchain.Name, opts)
		}
		for _, r := range mf.Require {
			if on(r.Syntax) {
				return requireHover(ctx, snap, f, r.Syntax, r.Mod, r.Indirect, "", opts)
			}
		}
		for _, x := range mf.Exclude {
			if on(x.Syntax) {
				return requireHover(ctx, snap, f, x.Syntax, x.Mod, false, "exclude", opts)
			}
		}
		for _, r := range mf.Replace {
			if on(r.Syntax) {
				return replaceHover(ctx, snap, f, r, opts)
			}
		}
		for _, g := range mf.Godebug {
			if on(g.Syntax) {
				d := &doc{}
				d.title("godebug " + g.Key + "=" + g.Value)
				d.line("Sets the default of the `%s` GODEBUG setting for programs built in this module (main packages only). See https://go.dev/doc/godebug.", g.Key)
				return d.result(f.LineSpan(g.Syntax))
			}
		}
	}
	if wf := f.Work; wf != nil {
		if wf.Go != nil && on(wf.Go.Syntax) {
			return goHover(ctx, snap, f, wf.Go.Syntax, wf.Go.Version, toolchainOf(wf.Toolchain), opts)
		}
		for _, u := range wf.Use {
			if on(u.Syntax) {
				return useHover(snap, f, u)
			}
		}
		for _, r := range wf.Replace {
			if on(r.Syntax) {
				return replaceHover(ctx, snap, f, r, opts)
			}
		}
	}
	return nil
}

func toolchainOf(t *modfile.Toolchain) string {
	if t == nil {
		return ""
	}
	return t.Name
}

func goOf(g *modfile.Go) string {
	if g == nil {
		return ""
	}
	return g.Version
}

func moduleHover(snap *snapshot.Snapshot, f *gomod.File, m *modfile.Module) *Result {
	d := &doc{}
	d.title("module " + m.Mod.Path)
	if m.Deprecated != "" {
		d.line("Deprecated: %s", m.Deprecated)
	}
	privacy(d, snap.Env, m.Mod.Path)
	envFindings(d, snap.Env)
	return d.result(f.LineSpan(m.Syntax))
}

// envFindings lists the problems of the Go environment (patterns that
// cannot match, empty GOPROXY, ...), as `gomodls env` does.
func envFindings(d *doc, env *goenv.Env) {
	if env == nil {
		return
	}
	var lines []string
	for _, f := range env.Findings() {
		if f.Severity == goenv.SeverityInfo {
			continue
		}
		line := "- " + f.Var
		if f.Pattern != "" {
			line += fmt.Sprintf(" pattern `%s`", f.Pattern)
		}
		line += ": " + f.Problem
		if f.Suggestion != "" || f.Pattern != "" {
			line += fmt.Sprintf(" (suggested: `%s=%s`)", f.Var, f.Suggestion)
		}
		lines = append(lines, line)
	}
	if len(lines) > 0 {
		d.line("**Go environment problems** (see `gomodls env`):\n%s", strings.Join(lines, "\n"))
	}
}

// privacy explains which private-module patterns match path.
func privacy(d *doc, env *goenv.Env, path string) {
	if env == nil {
		return
	}
	var parts []string
	if p, ok := env.MatchNoProxy(path); ok {
		parts = append(parts, fmt.Sprintf("fetched directly from version control, never through a proxy (GONOPROXY pattern `%s`)", p))
	} else {
		chain := env.Get("GOPROXY")
		parts = append(parts, fmt.Sprintf("fetched through GOPROXY=`%s`", chain))
	}
	if p, ok := env.MatchNoSumDB(path); ok {
		parts = append(parts, fmt.Sprintf("not checked against the checksum database (GONOSUMDB pattern `%s`)", p))
	} else if env.Get("GOSUMDB") == "off" {
		parts = append(parts, "not checked against a checksum database (GOSUMDB=off)")
	} else {
		parts = append(parts, fmt.Sprintf("verified with the checksum database `%s`", firstField(env.Get("GOSUMDB"))))
	}
	if p, ok := env.MatchPrivate(path); ok {
		parts = append(parts, fmt.Sprintf("private (GOPRIVATE pattern `%s`)", p))
	}
	d.line("This module is %s.", strings.Join(parts, "; "))
}

func firstField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return s
	}
	return f[0]
}

func goHover(ctx context.Context, snap *snapshot.Snapshot, f *gomod.File, l *modfile.Line, goVersion, toolchain string, opts Options) *Result {
	d := &doc{}
	toks := f.LineTokens(l)
	if len(toks) > 0 && toks[0].Text == "toolchain" {
		d.title("toolchain " + toolchain)
		d.line("The toolchain the go command prefers when it switches toolchains (GOTOOLCHAIN=auto or path). It never lowers the go line's minimum.")
	} else {
		d.title("go " + goVersion)
		d.line("The minimum Go version (language version and toolchain) for this %s.", f.Kind)
	}
	env := snap.Env
	if env == nil {
		return d.result(f.LineSpan(l))
	}
	local := env.Get("GOVERSION")
	gotoolchain := env.Get("GOTOOLCHAIN")
	if local != "" {
		d.line("Local toolchain: `%s` (GOTOOLCHAIN=`%s`).", local, gotoolchain)
	}
	need := "go" + goVersion
	if toolchain != "" && version.Compare(toolchain, need) > 0 {
		need = toolchain
	}
	if version.IsValid(local) && version.IsValid("go"+goVersion) {
		mode := gotoolchain
		if _, m, ok := strings.Cut(gotoolchain, "+"); ok {
			mode = m
		}
		switch {
		case version.Compare("go"+goVersion, local) <= 0 && (toolchain == "" || version.Compare(toolchain, local) <= 0 || (mode != "auto" && mode != "path")):
			d.line("The local toolchain satisfies it: the go command runs `%s`.", local)
		case mode == "auto":
			d.line("The go command will switch to `%s`, downloading it through GOPROXY (module golang.org/toolchain) if it is not cached.", need)
		case mode == "path":
			d.line("The go command will look for `%s` (or newer) on PATH and fail if it is not there.", need)
		default:
			if version.Compare("go"+goVersion, local) > 0 {
				d.line("The go command will fail: GOTOOLCHAIN=`%s` forbids switching, and the local toolchain is older than go %s.", gotoolchain, goVersion)
			} else {
				d.line("GOTOOLCHAIN=`%s`: the toolchain line is ignored, the go command runs `%s`.", gotoolchain, local)
			}
		}
	}
	toolchainVulnFacts(ctx, d, snap, goVersion, toolchain, opts)
	return d.result(f.LineSpan(l))
}

func requireHover(ctx context.Context, snap *snapshot.Snapshot, f *gomod.File, l *modfile.Line, mod module.Version, indirect bool, verb string, opts Options) *Result {
	d := &doc{}
	title := mod.Path + " " + mod.Version
	if verb != "" {
		title = verb + " " + title
	}
	d.title(title)
	switch {
	case verb == "exclude":
		d.line("The go command ignores this version when it selects versions.")
	case indirect:
		d.line("Required indirectly: no package of this module imports it directly (`// indirect`).")
	}
	for _, pl := range modplan.Of(snap).Lines {
		switch {
		case pl.Syntax != l:
		case pl.Ignored != "":
			d.line("**Not used now:** %s.", pl.Ignored)
		case pl.Vendored != "":
			d.line("**Vendored:** %s.", pl.Vendored)
		}
	}
	r := modplan.Of(snap).Replacement(mod)
	if verb == "exclude" {
		r = nil // an excluded version is never fetched, replaced or not
	}
	if r != nil {
		where := ""
		if r.Line == nil || r.Line.File != kindOf(f) {
			where = " (in " + r.File + ")"
		}
		d.line("Replaced by `%s`%s%s: the go command uses the replacement instead of this version.", replacementText(r.New), replacementStatus(snap, r.Old.Path, r.New, r.Dir), where)
	}
	privacy(d, snap.Env, mod.Path)
	if r == nil {
		networkFacts(ctx, d, snap, mod, opts)
		if verb == "" {
			vulnFacts(ctx, d, snap, mod, opts)
		}
	}
	sumStatus(d, snap, mod)
	if verb == "" && module.IsPseudoVersion(mod.Version) {
		if t, err := module.PseudoVersionTime(mod.Version); err == nil {
			rev, _ := module.PseudoVersionRev(mod.Version)
			d.line("Pseudo-version: commit `%s` from %s.", rev, t.UTC().Format("2006-01-02 15:04 UTC"))
		}
	}
	links(d, snap, mod)
	return d.result(f.LineSpan(l))
}

func links(d *doc, snap *snapshot.Snapshot, mod module.Version) {
	if !modplan.Of(snap).Public(mod.Path) {
		return
	}
	target := "https://pkg.go.dev/" + mod.Path
	if mod.Version != "" {
		target += "@" + mod.Version
	}
	d.link("pkg.go.dev/"+mod.Path, target)
}

// kindOf is the snapshot file kind of a parsed go.mod or go.work.
func kindOf(f *gomod.File) snapshot.FileKind {
	if f.Kind == gomod.GoWork {
		return snapshot.GoWork
	}
	return snapshot.GoMod
}

func replacementText(target module.Version) string {
	if target.Version == "" {
		return target.Path
	}
	return target.Path + " " + target.Version
}

// replacementStatus describes a directory replacement of old by target
// (dir is the directory, resolved; "" to resolve it against the
// snapshot's directory).
func replacementStatus(snap *snapshot.Snapshot, old string, target module.Version, dir string) string {
	if !modfile.IsDirectoryPath(target.Path) {
		return ""
	}
	if dir == "" {
		dir = target.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(snap.Dir, dir)
		}
	}
	data, err := snap.FS.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		if _, serr := snap.FS.Stat(dir); serr != nil {
			return " (the directory does not exist)"
		}
		return " (the directory has no go.mod)"
	}
	if p := modfile.ModulePath(data); p != "" {
		if p != old {
			return fmt.Sprintf(" (its go.mod declares `%s`, not `%s`)", p, old)
		}
		return fmt.Sprintf(" (a local directory with module `%s`)", p)
	}
	return " (its go.mod has no module line)"
}

func replaceHover(ctx context.Context, snap *snapshot.Snapshot, f *gomod.File, r *modfile.Replace, opts Options) *Result {
	d := &doc{}
	old := r.Old.Path
	if r.Old.Version != "" {
		old += " " + r.Old.Version
	}
	d.title("replace " + old + " => " + replacementText(r.New))
	if r.Old.Version == "" {
		d.line("Every version of `%s` is replaced.", r.Old.Path)
	} else {
		d.line("Only version `%s` of `%s` is replaced.", r.Old.Version, r.Old.Path)
	}
	if modfile.IsDirectoryPath(r.New.Path) {
		d.line("Replacement: a local directory%s.", replacementStatus(snap, r.Old.Path, r.New, ""))
	} else {
		privacy(d, snap.Env, r.New.Path)
		networkFacts(ctx, d, snap, r.New, opts)
		vulnFacts(ctx, d, snap, r.New, opts)
		sumStatus(d, snap, r.New)
		links(d, snap, r.New)
	}
	for _, l := range modplan.Of(snap).Lines {
		switch {
		case l.Syntax != r.Syntax:
		case l.Ignored != "":
			d.line("**Not used now:** %s.", l.Ignored)
		case l.Vendored != "":
			d.line("**Vendored:** %s.", l.Vendored)
		}
	}
	if f.Kind == gomod.GoMod {
		d.line("Replace directives only apply when this module is the main module (or in a workspace); they are ignored when another module depends on this one.")
	}
	return d.result(f.LineSpan(r.Syntax))
}

// sumStatus says what go.sum has for mod.
func sumStatus(d *doc, snap *snapshot.Snapshot, mod module.Version) {
	sum := snap.Sum
	name := "go.sum"
	if snap.Mod == nil && snap.WorkSum != nil {
		sum, name = snap.WorkSum, "go.work.sum"
	}
	if sum == nil {
		if name == "go.sum" {
			d.line("There is no go.sum: the go command stops with \"missing go.sum entry\" on every line it reads (`go mod tidy` creates go.sum).")
		} else {
			d.line("There is no %s yet.", name)
		}
		return
	}
	zip, gm := sum.Has(mod.Path, mod.Version, false), sum.Has(mod.Path, mod.Version, true)
	switch {
	case zip && gm:
		d.line("%s has the zip and go.mod hashes of this version.", name)
	case gm:
		d.line("%s has the go.mod hash of this version (enough for version selection; the zip hash is added when a package from it is built).", name)
	case zip:
		d.line("%s has the zip hash but not the go.mod hash of this version.", name)
	default:
		d.line("%s has no hash of this version.", name)
	}
}

func sumHover(snap *snapshot.Snapshot, sum *gosum.File, off int) *Result {
	if sum == nil {
		return nil
	}
	for _, l := range sum.Lines {
		if !l.Span.Contains(off) {
			continue
		}
		d := &doc{}
		d.title(l.Path + " " + l.Version)
		if l.GoMod {
			d.line("The hash of this version's go.mod file (dirhash h1: SHA-256), used when the go command reads its requirements.")
		} else {
			d.line("The hash of this version's module zip (dirhash h1: SHA-256 over every file), checked when its packages are downloaded or built.")
		}
		privacy(d, snap.Env, l.Path)
		sumStatusLine(d, snap, l)
		return d.result(l.Span)
	}
	return nil
}

// sumStatusLine says what is known, without waiting for the network,
// about the line's hash: what the checksum database records (from an
// earlier lookup or its persistent cache) or what the caches hold.
func sumStatusLine(d *doc, snap *snapshot.Snapshot, l *gosum.Line) {
	if snap.Sums == nil {
		return
	}
	s := snap.Sums.CachedSums(l.Path, l.Version)
	if s == nil {
		return
	}
	want, served := s.Zip, s.ServedZip
	if l.GoMod {
		want, served = s.GoMod, s.ServedGoMod
	}
	switch {
	case s.Verified && want == l.Hash:
		d.line("Verified: the checksum database `%s` records this hash.", s.DB)
	case s.Verified && want != "":
		d.line("**Checksum mismatch:** the checksum database `%s` records `%s`.", s.DB, want)
	case served != "" && served == l.Hash:
		d.line("Matches the downloaded content (not verified by a checksum database: %s).", s.Excluded)
	case served != "":
		d.line("**Checksum mismatch:** the downloaded content hashes to `%s` (%s).", served, s.Excluded)
	}
}

func useHover(snap *snapshot.Snapshot, f *gomod.File, u *modfile.Use) *Result {
	d := &doc{}
	d.title("use " + u.Path)
	dir := u.Path
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(snap.Dir, dir)
	}
	data, err := snap.FS.ReadFile(filepath.Join(dir, "go.mod"))
	switch {
	case err != nil:
		d.line("No module here: %s has no readable go.mod.", dir)
	default:
		if p := modfile.ModulePath(data); p != "" {
			d.line("Module `%s` in %s is a main module of this workspace.", p, dir)
		} else {
			d.line("%s/go.mod has no module line.", dir)
		}
	}
	return d.result(f.LineSpan(u.Syntax))
}
