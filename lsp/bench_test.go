package lsp_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// reportMedian adds the median and 99th percentile of samples to the
// benchmark's output, since the targets are stated as medians.
func reportMedian(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(samples[len(samples)*99/100].Microseconds())/1000, "ms-p99")
}

// BenchmarkDidChangeToDiagnostics measures keystroke-to-diagnostics for
// local checks on a real 549-line go.mod (HashiCorp Vault's): one
// incremental didChange, until the publishDiagnostics for that version
// arrives.
func BenchmarkDidChangeToDiagnostics(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "realworld", "github.com_hashicorp_vault@v1.18.0.mod"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	// The local replaces of the real file point at ./api and ./sdk.
	for _, sub := range []string{"api", "sdk", "api/auth/approle", "api/auth/kubernetes", "api/auth/userpass"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	if err := os.WriteFile(gomod, data, 0o644); err != nil {
		b.Fatal(err)
	}
	ed := lsptest.Start(b, serveFunc(hermeticB(b)))
	ed.Initialize(dir, lsptest.Caps{})
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, wait, lsptest.AtVersion(1))
	// Toggle one character of a version on a line in the middle.
	lines := strings.Split(string(data), "\n")
	line := len(lines) / 2
	for !strings.Contains(lines[line], " v") {
		line++
	}
	col := strings.LastIndex(lines[line], " v") + 2
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text := "8"
		if i%2 == 1 {
			text = string(lines[line][col])
		}
		start := time.Now()
		v := ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: uint32(line), Character: uint32(col)}, End: protocol.Position{Line: uint32(line), Character: uint32(col + 1)}}, text)
		ed.Diagnostics(gomod, wait, lsptest.AtVersion(v))
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	reportMedian(b, samples)
}

func synthetic(n int) string {
	var sb strings.Builder
	sb.WriteString("module example.com/huge\n\ngo 1.22\n\nrequire (\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "\texample.com/dep%05d v1.%d.%d\n", i, i%50, i%7)
	}
	sb.WriteString(")\n")
	return sb.String()
}

// BenchmarkHugeFile measures documentSymbol and local diagnostics on a
// synthetic go.mod with 20,000 requires.
func BenchmarkHugeFile(b *testing.B) {
	dir := b.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	text := synthetic(20000)
	if err := os.WriteFile(gomod, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	ed := lsptest.Start(b, serveFunc(hermeticB(b)))
	ed.Initialize(dir, lsptest.Caps{})
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, wait, lsptest.AtVersion(1))
	b.Run("documentSymbol", func(b *testing.B) {
		samples := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			// A change first, so the symbols come from a fresh snapshot.
			v := ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: 5, Character: 1}, End: protocol.Position{Line: 5, Character: 1}}, "")
			_ = v
			start := time.Now()
			raw, err := ed.CallRaw(protocol.MethodTextDocumentDocumentSymbol, &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}})
			samples = append(samples, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
			if n := strings.Count(string(raw), `"example.com/dep`); n != 20000 {
				b.Fatalf("%d require symbols", n)
			}
		}
		reportMedian(b, samples)
	})
	b.Run("diagnostics", func(b *testing.B) {
		samples := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			// Make one version non-canonical and back, alternately.
			text := "v1.0"
			if i%2 == 1 {
				text = "v1.0.0"
			}
			start := time.Now()
			v := ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: 5, Character: 18}, End: protocol.Position{Line: 5, Character: 24}}, text)
			ed.Diagnostics(gomod, wait, lsptest.AtVersion(v))
			samples = append(samples, time.Since(start))
			// Restore the original width for the next round.
			if i%2 == 0 {
				ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: 5, Character: 18}, End: protocol.Position{Line: 5, Character: 22}}, "v1.0.0")
			}
		}
		reportMedian(b, samples)
	})
}

// warmEditor opens a go.mod requiring 250 synthetic modules from a
// fixture proxy and waits until the background check has run, so that
// hovers and completions are answered from the caches.
func warmEditor(b *testing.B) (*lsptest.Editor, string) {
	srv := proxytest.New(b, proxytest.WithoutDefaultCorpus())
	if err := srv.AddSynthetic("example.com/bench", 250, 5); err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("module example.com/m\n\ngo 1.22\n\nrequire (\n")
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&sb, "\t%s v1.%d.0\n", proxytest.SyntheticPath("example.com/bench", i), i%5)
	}
	sb.WriteString(")\n")
	dir := b.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	opts := withProxyB(b, srv)
	ed := lsptest.Start(b, serveFunc(opts))
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"debounce": "10ms", "checkDeadline": "60s", "workspaceScan": false}`)})
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, time.Minute, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Count(strings.Join(lsptest.Codes(p.Diagnostics), ","), "upgrade-available") == 200
	})
	return ed, gomod
}

// BenchmarkHoverWarm measures hover on require lines of a 250-require
// go.mod with the module source's caches warm (target: p99 ≤ 10 ms).
func BenchmarkHoverWarm(b *testing.B) {
	ed, gomod := warmEditor(b)
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		line := uint32(5 + i%250)
		start := time.Now()
		raw, err := ed.CallRaw(protocol.MethodTextDocumentHover, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}, Position: protocol.Position{Line: line, Character: 3}}})
		samples = append(samples, time.Since(start))
		if err != nil || !strings.Contains(string(raw), "Published") {
			b.Fatalf("hover: %v %s", err, raw)
		}
	}
	b.StopTimer()
	reportMedian(b, samples)
}

// BenchmarkCompletionWarm measures version completion on a 250-require
// go.mod with warm caches (target: ≤ 20 ms).
func BenchmarkCompletionWarm(b *testing.B) {
	ed, gomod := warmEditor(b)
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		line := uint32(5 + i%250)
		start := time.Now()
		raw, err := ed.CallRaw(protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}, Position: protocol.Position{Line: line, Character: 33}}})
		samples = append(samples, time.Since(start))
		if err != nil || !strings.Contains(string(raw), `"v1.4.0"`) {
			b.Fatalf("completion: %v %s", err, raw)
		}
	}
	b.StopTimer()
	reportMedian(b, samples)
}
