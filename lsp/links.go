package lsp

import (
	"context"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// DocumentLink links module paths to pkg.go.dev and local replacement and
// use directories to their go.mod. Private modules (matched by GOPRIVATE
// or GONOPROXY, or with no dot in the first path element) get no web link:
// following it would leak the path to a public site.
func (s *server) DocumentLink(ctx context.Context, params *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	links := []protocol.DocumentLink{}
	plan := modplan.Of(snap)
	addWeb := func(m interface{ Line(int) int }, tok gomod.Token, path, version string, mapperFile snapshot.FileKind) {
		if !plan.Public(path) {
			return
		}
		target := "https://pkg.go.dev/" + path
		if version != "" {
			target += "@" + version
		}
		u, err := uri.Parse(target)
		if err != nil {
			return
		}
		links = append(links, protocol.DocumentLink{Range: toRange(snap.Mapper(mapperFile), tok.Span), Target: &u, Tooltip: ptr("Open " + path + " on pkg.go.dev")})
	}
	addLocal := func(f *gomod.File, tok gomod.Token, dir string) {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(snap.Dir, dir)
		}
		gm := filepath.Join(dir, "go.mod")
		if _, err := snap.FS.Stat(gm); err != nil {
			return
		}
		u := fileURI(gm)
		links = append(links, protocol.DocumentLink{Range: toRange(f.Mapper, tok.Span), Target: &u, Tooltip: ptr("Open " + gm)})
	}
	switch kind {
	case snapshot.GoMod, snapshot.GoWork:
		f := snap.ModFile(kind)
		var lines []struct {
			line          *modfile.Line
			path, version string
		}
		add := func(l *modfile.Line, p, v string) {
			lines = append(lines, struct {
				line          *modfile.Line
				path, version string
			}{l, p, v})
		}
		var replaces []*modfile.Replace
		if f.Mod != nil && kind == snapshot.GoMod {
			for _, r := range f.Mod.Require {
				add(r.Syntax, r.Mod.Path, r.Mod.Version)
			}
			for _, x := range f.Mod.Exclude {
				add(x.Syntax, x.Mod.Path, x.Mod.Version)
			}
			for _, t := range f.Mod.Tool {
				add(t.Syntax, t.Path, "")
			}
			replaces = f.Mod.Replace
		}
		if f.Work != nil && kind == snapshot.GoWork {
			replaces = f.Work.Replace
			for _, u := range f.Work.Use {
				toks := f.LineTokens(u.Syntax)
				if len(toks) > 0 {
					addLocal(f, toks[len(toks)-1], u.Path)
				}
			}
		}
		for _, l := range lines {
			if tok, ok := f.PathToken(l.line); ok {
				addWeb(f.Mapper, tok, l.path, l.version, kind)
			}
		}
		for _, r := range replaces {
			if tok, ok := f.PathToken(r.Syntax); ok {
				addWeb(f.Mapper, tok, r.Old.Path, r.Old.Version, kind)
			}
			target, _, _ := f.ReplaceTargetTokens(r.Syntax)
			if modfile.IsDirectoryPath(r.New.Path) {
				addLocal(f, target, r.New.Path)
			} else if target.Text != "" {
				addWeb(f.Mapper, target, r.New.Path, r.New.Version, kind)
			}
		}
	case snapshot.GoSum, snapshot.GoWorkSum:
		sum := snap.Sum
		if kind == snapshot.GoWorkSum {
			sum = snap.WorkSum
		}
		for _, l := range sum.Lines {
			addWeb(sum.Mapper, gomod.Token{Text: l.Path, Span: l.PathSpan}, l.Path, l.Version, kind)
		}
	}
	return links, nil
}
