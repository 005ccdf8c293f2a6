package analyzers

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/internal/inputs"
	"github.com/gomodls/gomodls/internal/modload"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// checkModCache hashes the module cache's copies of the module versions
// go.sum has zip lines for, as go mod verify does (modcmd.verifyMod): the
// extracted directory and the zip must hash to the .ziphash recorded when
// the module was downloaded (go.sum's line when there is no .ziphash).
func checkModCache(pass *Pass, groups []*sumGroup) {
	snap := pass.Snapshot
	if snap.Env == nil {
		return
	}
	mc := modload.NewModCache(snap.Env.Get("GOMODCACHE"), nil)
	type entry struct {
		mod  module.Version
		want string // the zip line of go.sum
		gr   *sumGroup
		line int // index in gr.lines
	}
	var entries []entry
	seen := map[module.Version]bool{}
	for _, gr := range groups {
		for i, l := range gr.lines {
			if !l.GoMod && !seen[gr.mod] {
				seen[gr.mod] = true
				entries = append(entries, entry{gr.mod, l.Hash, gr, i})
			}
		}
	}
	var mu sync.Mutex
	var diags []Diagnostic
	g, ctx := errgroup.WithContext(pass.Context)
	g.SetLimit(4) // hashing reads every file
	for _, e := range entries {
		if module.Check(e.mod.Path, e.mod.Version) != nil {
			continue
		}
		dir, ok := mc.Dir(e.mod)
		zip, zok := mc.File(e.mod, "zip")
		if !ok && !zok {
			continue
		}
		g.Go(func() error {
			if ctx.Err() != nil {
				return nil
			}
			want, from := e.want, "go.sum"
			if f, ok := mc.File(e.mod, "ziphash"); ok {
				if data, err := inputs.ReadFile(f); err == nil {
					want, from = string(bytes.TrimSpace(data)), "its .ziphash"
				}
			}
			var what []string
			if _, err := inputs.Stat(zip); zok && err == nil {
				if h, err := dirhash.HashZip(zip, dirhash.DefaultHash); err == nil && h != want {
					what = append(what, fmt.Sprintf("zip has been modified (%s hashes to %s, %s records %s)", zip, h, from, want))
				}
			}
			if ok {
				h, err := dirhash.HashDir(dir, e.mod.Path+"@"+e.mod.Version, dirhash.DefaultHash)
				if err == nil && h != want {
					what = append(what, fmt.Sprintf("dir has been modified (%s hashes to %s, %s records %s)", dir, h, from, want))
				}
			}
			if len(what) == 0 {
				return nil
			}
			file, sp := modCacheSpan(snap, e.mod, e.gr, e.line)
			d := Diagnostic{File: file, Span: sp, Code: CodeModCacheModified, Severity: Error,
				Message: fmt.Sprintf("the module cache's copy of %s %s no longer matches what was downloaded: %s; go mod verify fails, and go build uses the modified files without checking them. Remove it and download it again: go clean -modcache (removes every module), or delete %s and run go mod download %s",
					e.mod.Path, e.mod.Version, strings.Join(what, "; "), dir, e.mod.Path)}
			mu.Lock()
			diags = append(diags, d)
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	for _, d := range diags {
		pass.Report(d)
	}
}

// modCacheSpan places a diagnostic about m's module cache copy: on the
// require (or replace) line of go.mod that makes the go command use it,
// else on its go.sum line.
func modCacheSpan(snap *snapshot.Snapshot, m module.Version, gr *sumGroup, line int) (snapshot.FileKind, span.Span) {
	for _, l := range modplan.Of(snap).Lines {
		if l.File != snapshot.GoMod || l.Mod != m || !l.Fetched() {
			continue
		}
		if l.Role == modplan.Replace {
			p, _, _ := l.F.ReplaceTargetTokens(l.Syntax)
			return snapshot.GoMod, nonEmpty(p.Span, l.F.LineSpan(l.Syntax))
		}
		t, _ := l.F.PathToken(l.Syntax)
		return snapshot.GoMod, nonEmpty(t.Span, l.F.LineSpan(l.Syntax))
	}
	return gr.kind, gr.lines[line].PathSpan
}
