package lsp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

const wait = 20 * time.Second

// hermetic returns server options that see no go binary and a fixed Go
// environment, so results do not depend on the machine. Its GOPROXY=off
// and empty module cache make every require a lookup-disabled error (as
// the go command would fail); tests about other things disable that code
// (offlineOK).
//
// Its fixtures have no go.sum: -mod=mod (the go command writes go.sum
// itself) keeps sum-missing out of tests about other things; the go.sum
// tests (sum_test.go) use the default, -mod=readonly.
func hermetic(t testing.TB) lsp.Options {
	home := lsptest.LooseDir(t)
	return lsp.Options{
		Logger:    zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
		Version:   "test",
		GoCommand: "-",
		Environ: []string{
			"HOME=" + home, "GOENV=off", "PATH=", "GOPROXY=off", "GOTOOLCHAIN=local",
			"GOVERSION=go1.26.8", "GOPATH=" + filepath.Join(home, "go"), "GOFLAGS=-mod=mod",
			// An empty vulnerability database: no vuln.go.dev, no findings.
			"GOVULNDB=" + proxytest.VulnDBFileURL(t, nil),
		},
		CacheDir: filepath.Join(home, "cache"),
	}
}

// offlineOK is the configuration of tests whose requires are made up: with
// hermetic's GOPROXY=off and empty module cache, each would be a
// lookup-disabled error.
var offlineOK = json.RawMessage(`{"disable": ["lookup-disabled"]}`)

func start(t *testing.T, opts lsp.Options) *lsptest.Editor {
	return lsptest.Start(t, serveFunc(opts))
}

func serveFunc(opts lsp.Options) lsptest.ServeFunc {
	return func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return lsp.Serve(ctx, rwc, opts)
	}
}

func hermeticB(b *testing.B) lsp.Options {
	opts := hermetic(b)
	opts.Logger = zap.NewNop()
	return opts
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const brokenMod = `module example.com/m

go 1.22

require (
	golang.org/x/text v0.20.0
	not a valid line
)

replace golang.org/x/text => ./missing
`

func TestLifecycleAndDiagnostics(t *testing.T) {
	dir := writeFiles(t, map[string]string{"go.mod": brokenMod})
	ed := start(t, hermetic(t))
	res := ed.Initialize(dir, lsptest.Caps{})
	if v, _ := res.ServerInfo.Version.Get(); res.ServerInfo.Name != "gomodls" || v != "test" {
		t.Errorf("serverInfo = %+v", res.ServerInfo)
	}
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, lsptest.AtVersion(1))
	want := "6:1-6:17 parse-error: usage: require module/path v1.2.3\n" +
		"9:29-9:38 replace-dir-missing: replacement directory ./missing does not exist (resolved to " + filepath.Join(dir, "missing") + ")\n"
	if d := lsptest.Describe(got.Diagnostics); d != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", d, want)
	}
	for _, d := range got.Diagnostics {
		if s, _ := d.Source.Get(); s != "gomodls" {
			t.Errorf("source = %q", s)
		}
		if !strings.Contains(d.CodeDescription.Href.String(), "docs/diagnostics.md#") {
			t.Errorf("codeDescription = %v", d.CodeDescription.Href)
		}
	}

	// Fix the broken line: the parse error goes, the replace stays.
	v := ed.Replace(gomod, strings.Replace(brokenMod, "\tnot a valid line\n", "", 1))
	got = ed.Diagnostics(gomod, wait, lsptest.AtVersion(v))
	if codes := lsptest.Codes(got.Diagnostics); len(codes) != 1 || codes[0] != "replace-dir-missing" {
		t.Errorf("after fix: %s", lsptest.Describe(got.Diagnostics))
	}

	// Document symbols.
	syms, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describeSymbols(syms.(protocol.DocumentSymbolSlice), ""), "example.com/m (module)\ngo (1.22)\nrequire\n  golang.org/x/text (v0.20.0)\ngolang.org/x/text (=> ./missing)\n"; got != want {
		t.Errorf("symbols:\n%s\nwant:\n%s", got, want)
	}

	if code := ed.Shutdown(); code != 0 {
		t.Errorf("exit code after shutdown = %d, want 0", code)
	}
}

func describeSymbols(syms []protocol.DocumentSymbol, indent string) string {
	var b strings.Builder
	for _, s := range syms {
		b.WriteString(indent + s.Name)
		if s.Detail != nil {
			b.WriteString(" (" + *s.Detail + ")")
		}
		b.WriteString("\n")
		b.WriteString(describeSymbols(s.Children, indent+"  "))
	}
	return b.String()
}

func TestExitWithoutShutdown(t *testing.T) {
	ed := start(t, hermetic(t))
	ed.Initialize(t.TempDir(), lsptest.Caps{})
	if code := ed.Exit(); code != 1 {
		t.Errorf("exit code without shutdown = %d, want 1", code)
	}
}

func TestRequestBeforeInitialize(t *testing.T) {
	ed := start(t, hermetic(t))
	_, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI("/x/go.mod")}})
	if err == nil || !strings.Contains(err.Error(), "not initialized") {
		t.Errorf("request before initialize: err = %v, want server not initialized", err)
	}
	ed.Initialize(t.TempDir(), lsptest.Caps{})
	if err := ed.Server.Shutdown(ed.Context()); err != nil {
		t.Fatal(err)
	}
	_, err = ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI("/x/go.mod")}})
	if err == nil || !strings.Contains(err.Error(), "after shutdown") {
		t.Errorf("request after shutdown: err = %v", err)
	}
	if code := ed.Exit(); code != 0 {
		t.Errorf("exit code = %d", code)
	}
}

// TestBurstOfChanges sends 300 didChange notifications, most incremental,
// and checks that the diagnostics finally published belong to the last
// version and describe the last text.
func TestBurstOfChanges(t *testing.T) {
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{Config: offlineOK})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, wait, lsptest.AtVersion(1))
	var last int32
	for i := 0; i < 300; i++ {
		text := ed.Text(gomod)
		lines := strings.Count(text, "\n")
		switch {
		case i%50 == 49:
			// A full replacement now and then.
			last = ed.Replace(gomod, text+fmt.Sprintf("require example.com/dep%d v1.0\n", i))
		default:
			// Append a require line at the end, incrementally.
			pos := protocol.Position{Line: uint32(lines), Character: 0}
			last = ed.Edit(gomod, protocol.Range{Start: pos, End: pos}, fmt.Sprintf("require example.com/dep%d v1.%d.0\n", i, i))
		}
	}
	got := ed.Diagnostics(gomod, wait, lsptest.AtVersion(last))
	// Every full replacement wrote a non-canonical version: 6 of them.
	if n := len(got.Diagnostics); n != 6 {
		t.Errorf("got %d diagnostics, want 6:\n%s", n, lsptest.Describe(got.Diagnostics))
	}
	for _, d := range got.Diagnostics {
		code, _ := d.Code.(protocol.String)
		if code != "invalid-version" {
			t.Errorf("unexpected %s", lsptest.Describe([]protocol.Diagnostic{d}))
		}
	}
	// Nothing published after the final version may belong to an older one.
	all := ed.Client.AllDiagnostics(gomod)
	seenLast := false
	for _, p := range all {
		v, _ := p.Version.Get()
		if v == last {
			seenLast = true
		} else if seenLast {
			t.Errorf("diagnostics for version %d published after version %d", v, last)
		}
	}
	ed.Shutdown()
}

func TestUTF16Positions(t *testing.T) {
	// Comments with characters outside the BMP (2 UTF-16 units) and in it
	// (1 unit, 3 bytes) before the error on the same line.
	text := "module example.com/m // 🎉 ünïcode\n\ngo 1.22\n\n// 日本語 🎉🎉\nrequire golang.org/x/text v1.2 // 🎉 after\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{Config: offlineOK})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, lsptest.AtVersion(1))
	if d := lsptest.Describe(got.Diagnostics); !strings.HasPrefix(d, "5:26-5:30 invalid-version") {
		t.Fatalf("diagnostics: %s", d)
	}
	// An incremental edit after astral characters on the same line: put
	// the cursor after "🎉 " in the comment of line 5 (UTF-16 column 39).
	v := ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: 5, Character: 26}, End: protocol.Position{Line: 5, Character: 30}}, "v1.2.0")
	got = ed.Diagnostics(gomod, wait, lsptest.AtVersion(v))
	if len(got.Diagnostics) != 0 {
		t.Fatalf("after fix: %s", lsptest.Describe(got.Diagnostics))
	}
	v = ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: 5, Character: 39}, End: protocol.Position{Line: 5, Character: 39}}, "x")
	if !strings.Contains(ed.Text(gomod), "// 🎉 xafter") {
		t.Fatalf("test's own edit went wrong: %q", ed.Text(gomod))
	}
	got = ed.Diagnostics(gomod, wait, lsptest.AtVersion(v))
	if len(got.Diagnostics) != 0 {
		t.Fatalf("after comment edit: %s", lsptest.Describe(got.Diagnostics))
	}
	// The server's view of the text must match ours: format it and compare.
	edits, err := ed.Server.Formatting(ed.Context(), &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}})
	if err != nil {
		t.Fatal(err)
	}
	formatted := lsptest.ApplyEdits(ed.Text(gomod), edits)
	if !strings.Contains(formatted, "require golang.org/x/text v1.2.0 // 🎉 xafter") {
		t.Errorf("formatted text lost the edit:\n%s", formatted)
	}
	ed.Shutdown()
}
