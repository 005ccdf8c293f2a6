package lsp_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// TestSoak plays a scripted editor session: thousands of edits, full and
// incremental, across several go.mod files, while the proxy flips between
// healthy and failing. Afterwards the goroutine count and the live heap
// must be back within a stated bound of where they started, and the final
// diagnostics must be exactly those of the final texts.
//
// GOMODLS_SOAK=<edits> runs a longer session (the default is 3000 edits,
// a few seconds).
func TestSoak(t *testing.T) {
	edits := 3000
	if v := os.Getenv("GOMODLS_SOAK"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("GOMODLS_SOAK=%q: want a number of edits", v)
		}
		edits = n
	}
	srv := proxytest.New(t)
	sick := proxytest.NewSwitch(false)
	srv.Fault("example.com/deep", proxytest.Status(503, "flapping").When(sick))
	srv.Fault("example.com/zero", proxytest.ConnReset().When(sick))

	versions := map[string][]string{ // module -> versions to type (some do not exist)
		"example.com/basic":   {"v1.0.0", "v1.1.0", "v1.9.9", "v0.1.0"},
		"example.com/zero":    {"v0.1.0", "v0.2.0", "v0.2.7"},
		"example.com/deep/a":  {"v1.0.0", "v1.3.0"},
		"example.com/retract": {"v1.1.0", "v1.4.0"},
	}
	modules := []string{"example.com/basic", "example.com/zero", "example.com/deep/a", "example.com/retract"}
	render := func(name string, chosen map[string]string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "module example.com/%s\n\ngo 1.22\n\nrequire (\n", name)
		for _, m := range modules {
			fmt.Fprintf(&b, "\t%s %s\n", m, chosen[m])
		}
		b.WriteString(")\n")
		return b.String()
	}
	names := []string{"a", "b", "c"}
	files := map[string]string{}
	chosen := map[string]map[string]string{}
	for _, n := range names {
		chosen[n] = map[string]string{}
		for _, m := range modules {
			chosen[n][m] = versions[m][0]
		}
		files[n+"/go.mod"] = render(n, chosen[n])
	}
	dir := writeFiles(t, files)
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"debounce": "5ms", "requestTimeout": "1s", "checkDeadline": "3s", "workspaceScan": false}`)})
	for _, n := range names {
		p := filepath.Join(dir, n, "go.mod")
		ed.Open(p, "")
		ed.Diagnostics(p, wait, func(pp *protocol.PublishDiagnosticsParams) bool {
			return strings.Contains(codesOf(pp), "retracted-version")
		})
	}
	baseGoroutines, baseHeap := quiesce()

	rng := rand.New(rand.NewSource(1))
	begin := time.Now()
	for i := 0; i < edits; i++ {
		n := names[rng.Intn(len(names))]
		p := filepath.Join(dir, n, "go.mod")
		m := modules[rng.Intn(len(modules))]
		v := versions[m][rng.Intn(len(versions[m]))]
		if i%7 == 0 {
			chosen[n][m] = v
			ed.Replace(p, render(n, chosen[n]))
		} else {
			// Incremental: replace the version token on the module's line.
			line := 5
			for j, mm := range modules {
				if mm == m {
					line += j
				}
			}
			old := chosen[n][m]
			col := 1 + len(m) + 1
			chosen[n][m] = v
			ed.Edit(p, protocol.Range{Start: protocol.Position{Line: uint32(line), Character: uint32(col)}, End: protocol.Position{Line: uint32(line), Character: uint32(col + len(old))}}, v)
			if got, want := ed.Text(p), render(n, chosen[n]); got != want {
				t.Fatalf("edit %d: the test's own text diverged:\n%s\nwant:\n%s", i, got, want)
			}
		}
		if i%100 == 99 {
			sick.Set(!sick.On())
		}
		if i%25 == 0 {
			time.Sleep(20 * time.Millisecond) // let some checks complete, others get cancelled
		}
	}
	t.Logf("%d edits in %v", edits, time.Since(begin))

	// Heal, recheck, and expect exactly the diagnostics of the final texts.
	sick.Set(false)
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.recheck"}); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		p := filepath.Join(dir, n, "go.mod")
		want := expectedCodes(chosen[n])
		ed.Diagnostics(p, 30*time.Second, func(pp *protocol.PublishDiagnosticsParams) bool {
			v, _ := pp.Version.Get()
			return v == ed.Version(p) && codesOf(pp) == want
		})
	}
	goroutines, heap := quiesce()
	t.Logf("goroutines %d -> %d, live heap %d KiB -> %d KiB", baseGoroutines, goroutines, baseHeap>>10, heap>>10)
	if goroutines > baseGoroutines+20 {
		t.Errorf("goroutines grew from %d to %d", baseGoroutines, goroutines)
	}
	if heap > baseHeap+32<<20 {
		t.Errorf("live heap grew from %d KiB to %d KiB", baseHeap>>10, heap>>10)
	}
	ed.Shutdown()
}

// expectedCodes are the codes the final text must show, in line order.
func expectedCodes(chosen map[string]string) string {
	var codes []string
	switch chosen["example.com/basic"] {
	case "v1.9.9":
		codes = append(codes, "unknown-version")
	case "v1.0.0":
		codes = append(codes, "upgrade-available")
	case "v0.1.0":
		// no newer v0 release; v1 is offered only with upgrades=major
	}
	switch chosen["example.com/zero"] {
	case "v0.1.0":
		codes = append(codes, "upgrade-available")
	case "v0.2.7":
		codes = append(codes, "unknown-version")
	}
	if chosen["example.com/deep/a"] == "v1.3.0" {
		codes = append(codes, "unknown-version")
	}
	if chosen["example.com/retract"] == "v1.1.0" {
		codes = append(codes, "retracted-version", "upgrade-available")
	}
	return strings.Join(codes, ",")
}

// quiesce waits for background work to settle and returns the goroutine
// count and the live heap.
func quiesce() (int, uint64) {
	var g int
	for i := 0; i < 50; i++ {
		time.Sleep(100 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == g {
			break
		}
		g = n
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return g, ms.HeapInuse
}
