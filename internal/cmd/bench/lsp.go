package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// benchLSP starts the language server in this process over env (the
// fixture environment) and the persistent cache in cache, opens the
// go.mod in dir, waits for its network check, and measures keystroke to
// network diagnostics with the given debounce and, if hover is set,
// hovers on require lines.
func benchLSP(cfg *config, g *benchfixture.GoMod, dir string, env []string, cache, debounce string, hover bool) (keys, hovers []time.Duration, err error) {
	err = guard("lsp "+g.Name, func(t *benchTB) {
		opts := lsp.Options{Version: "bench", Environ: env, CacheDir: filepath.Join(cache, "gomodls")}
		ed := lsptest.Start(t, func(ctx context.Context, rwc io.ReadWriteCloser) int { return lsp.Serve(ctx, rwc, opts) })
		settings := fmt.Sprintf(`{"debounce": %q, "checkDeadline": "5m", "workspaceScan": false}`, debounce)
		ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(settings)})
		gomod := filepath.Join(dir, "go.mod")
		ed.Open(gomod, "")
		// The first network check: done when its hints are published.
		ed.Diagnostics(gomod, 5*time.Minute, func(p *protocol.PublishDiagnosticsParams) bool {
			return strings.Contains(strings.Join(lsptest.Codes(p.Diagnostics), ","), "upgrade-available")
		})

		line, col, width := editTarget(g, ed.Text(gomod))
		if line < 0 {
			t.Fatalf("no require line to edit")
		}
		// Versions that exist nowhere, different in every session: the
		// module source remembers "not found" answers on disk.
		session := time.Now().UnixNano() % 1e6
		for i := range cfg.keystrokes {
			v := fmt.Sprintf("v1.%d.%d", 900000+session, i)
			rng := protocol.Range{Start: protocol.Position{Line: uint32(line), Character: uint32(col)}, End: protocol.Position{Line: uint32(line), Character: uint32(col + width)}}
			start := time.Now()
			ver := ed.Edit(gomod, rng, v)
			ed.Diagnostics(gomod, time.Minute, func(p *protocol.PublishDiagnosticsParams) bool {
				if got, ok := p.Version.Get(); !ok || got != ver {
					return false
				}
				for _, d := range p.Diagnostics {
					code, _ := d.Code.(protocol.String)
					msg, _ := d.Message.(protocol.String)
					if code == "unknown-version" && strings.Contains(string(msg), "@"+v+":") {
						return true
					}
				}
				return false
			})
			keys = append(keys, time.Since(start))
			width = len(v)
		}
		if !hover {
			return
		}
		lines := requireLines(ed.Text(gomod))
		for i := range cfg.hovers {
			l := lines[i%len(lines)]
			start := time.Now()
			raw, err := ed.CallRaw(protocol.MethodTextDocumentHover, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}, Position: protocol.Position{Line: uint32(l.line), Character: uint32(l.col + 1)}}})
			hovers = append(hovers, time.Since(start))
			if err != nil || len(raw) < 10 {
				t.Fatalf("hover on line %d: %v %s", l.line+1, err, raw)
			}
		}
		ed.Shutdown()
	})
	return keys, hovers, err
}

type reqLine struct{ line, col int }

// requireLines returns the 0-based lines and path columns of require
// entries (in a block or single-line).
func requireLines(text string) []reqLine {
	var out []reqLine
	inBlock := false
	for i, l := range strings.Split(text, "\n") {
		trim := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(trim, "require ("):
			inBlock = true
			continue
		case inBlock && trim == ")":
			inBlock = false
			continue
		}
		if inBlock && trim != "" && !strings.HasPrefix(trim, "//") {
			out = append(out, reqLine{i, len(l) - len(strings.TrimLeft(l, " \t"))})
		} else if strings.HasPrefix(trim, "require ") && !strings.HasSuffix(trim, "(") {
			out = append(out, reqLine{i, strings.Index(l, "require ") + len("require ")})
		}
	}
	return out
}

// editTarget picks a require in the middle of the file whose version can
// be replaced by v1.N.M and still be looked up: no major version suffix
// in the path, a v0/v1 release, not redirected by a replace. It returns
// the line, the column of the version and its width, or -1.
func editTarget(g *benchfixture.GoMod, text string) (line, col, width int) {
	lines := strings.Split(text, "\n")
	reqLines := requireLines(text)
	candidates := map[int]module.Version{}
	for _, r := range g.Requires() {
		_, major, ok := module.SplitPathVersion(r.Path)
		if !ok || major != "" || module.IsPseudoVersion(r.Version) || semver.Build(r.Version) != "" || semver.Prerelease(r.Version) != "" {
			continue
		}
		if m := semver.Major(r.Version); m != "v0" && m != "v1" {
			continue
		}
		for _, rl := range reqLines {
			f := strings.Fields(lines[rl.line])
			if len(f) >= 2 && (f[0] == r.Path && f[1] == r.Version || len(f) >= 3 && f[0] == "require" && f[1] == r.Path && f[2] == r.Version) {
				candidates[rl.line] = r
			}
		}
	}
	best := -1
	for l := range candidates {
		if best < 0 || abs(l-len(lines)/2) < abs(best-len(lines)/2) {
			best = l
		}
	}
	if best < 0 {
		return -1, 0, 0
	}
	r := candidates[best]
	c := strings.Index(lines[best], r.Path+" "+r.Version) + len(r.Path) + 1
	return best, c, len(r.Version)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
