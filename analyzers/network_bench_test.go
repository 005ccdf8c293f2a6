package analyzers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// The performance figures of issue 4: a 250-require go.mod through the
// fixture proxy with 50 ms latency per request, cold and warm; keystroke to
// network diagnostics in the language server; and a 500-file monorepo
// sharing 300 modules, where requests must equal the unique module
// versions. Timings are reported, never asserted; request counts are
// asserted.
//
//	go test -run '^$' -bench . -benchtime 3x ./analyzers/
//	GOMODLS_SLOW=1 go test -run 'Performance|Monorepo' -v ./analyzers/   (the go command and gomodls binaries; minutes)

const (
	perfModules = 250
	perfLatency = 50 * time.Millisecond
)

// slow reports whether the slow performance tests may run.
func slow(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("GOMODLS_SLOW") == "" {
		t.Skip("set GOMODLS_SLOW=1 (and no -short) to run the go command and binary comparisons")
	}
}

// perfFixture serves the synthetic modules with latency and writes a
// go.mod requiring perfModules of them, two thirds with an upgrade
// (upgradesIn).
func perfFixture(tb testing.TB, latency time.Duration) (*proxytest.Server, string, []module.Version) {
	tb.Helper()
	srv := proxytest.New(tb, proxytest.WithoutDefaultCorpus(), proxytest.WithLatency(latency))
	if err := benchfixture.AddSynthetic(srv, perfModules); err != nil {
		tb.Fatal(err)
	}
	reqs := benchfixture.SyntheticRequires(0, perfModules, perfModules, 0)
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), benchfixture.GoModText("example.org/app", reqs), 0o644); err != nil {
		tb.Fatal(err)
	}
	return srv, dir, reqs
}

// upgradesIn counts the requires below the latest synthetic version.
func upgradesIn(reqs []module.Version) int {
	n := 0
	for _, r := range reqs {
		if r.Version != latestSynthetic {
			n++
		}
	}
	return n
}

// latestSynthetic is the newest version of every synthetic module.
var latestSynthetic = fmt.Sprintf("v1.%d.0", benchfixture.SyntheticVersions-1)

// wantRequests returns, per endpoint, the requests a cold check of reqs
// must make and no more: one .info per module version (existence), one
// .mod per module version (path check) plus the latest version's .mod
// per path (retractions, deprecation; shared when the required version is
// the latest), and one @v/list per path (upgrades, latest version).
func wantRequests(reqs []module.Version) map[proxytest.Endpoint][]string {
	want := map[proxytest.Endpoint][]string{}
	mods := map[string]bool{}
	paths := map[string]bool{}
	for _, r := range reqs {
		want[proxytest.EndpointInfo] = append(want[proxytest.EndpointInfo], r.Path+"@"+r.Version)
		mods[r.Path+"@"+r.Version] = true
		mods[r.Path+"@"+latestSynthetic] = true
		paths[r.Path] = true
	}
	for m := range mods {
		want[proxytest.EndpointMod] = append(want[proxytest.EndpointMod], m)
	}
	for p := range paths {
		want[proxytest.EndpointList] = append(want[proxytest.EndpointList], p)
	}
	for ep, l := range want {
		slices.Sort(l)
		want[ep] = slices.Compact(l)
	}
	return want
}

// checkRequests asserts that the recorded requests are exactly want:
// each module version (or path, for lists) once, nothing else.
func checkRequests(tb testing.TB, srv *proxytest.Server, want map[proxytest.Endpoint][]string) {
	tb.Helper()
	repeated, problems := compareRequests(srv, want)
	for _, r := range repeated {
		tb.Errorf("requested more than once: %s (a lookup that missed the memory cache just after a shared fetch of the same URL ended, before its answer was stored: see internal/modproxy's flightGroup and GoMod/Versions/Info)", r)
	}
	for _, p := range problems {
		tb.Error(p)
	}
}

// compareRequests returns the requests repeated beyond want, and every
// other difference.
func compareRequests(srv *proxytest.Server, want map[proxytest.Endpoint][]string) (repeated, problems []string) {
	got := map[proxytest.Endpoint][]string{}
	for _, r := range srv.Requests() {
		key := r.Module
		if r.Version != "" {
			key += "@" + r.Version
		}
		got[r.Endpoint] = append(got[r.Endpoint], key)
	}
	for ep, keys := range got {
		slices.Sort(keys)
		for i := 1; i < len(keys); i++ {
			if keys[i] == keys[i-1] {
				repeated = append(repeated, fmt.Sprintf("%s %s", ep, keys[i]))
			}
		}
		if uniq := slices.Compact(slices.Clone(keys)); !slices.Equal(uniq, want[ep]) {
			problems = append(problems, fmt.Sprintf("%s requests for %d module versions or paths, want %d", ep, len(uniq), len(want[ep])))
		}
	}
	for ep, w := range want {
		if len(got[ep]) == 0 && len(w) > 0 {
			problems = append(problems, fmt.Sprintf("no %s requests, want %d", ep, len(w)))
		}
	}
	return repeated, problems
}

// runAll runs every analyzer on dir's go.mod and fails on any problem of
// error or warning severity (the synthetic files are correct, but have no
// go.sum: sum-missing says so, once for the whole file).
func runAll(tb testing.TB, dir string, env *goenv.Env, src snapshot.Source) []analyzers.Diagnostic {
	tb.Helper()
	snap, diags := checkDir(tb, dir, env, src)
	for _, d := range diags {
		if d.Severity <= analyzers.Warning && d.Code != analyzers.CodeSumMissing {
			tb.Fatalf("unexpected problem: %s", analyzerstest.Format(snap, d))
		}
	}
	return diags
}

// reportDurations reports the median and p99 of samples.
func reportDurations(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	b.ReportMetric(float64(s[len(s)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(s[min(len(s)-1, len(s)*99/100)].Microseconds())/1000, "ms-p99")
}

func fixtureEnv(tb testing.TB, srv *proxytest.Server) *goenv.Env {
	return analyzerstest.Env(tb, map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": ""})
}

// benchSource is a module source as the language server and the CLI
// make one (without credentials or the go command's module cache), over
// the persistent cache in cache ("" for none), with perHost requests in
// flight per host (0: the default).
func benchSource(tb testing.TB, env *goenv.Env, cache string, perHost int) *sumcheck.Source {
	tb.Helper()
	src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, CacheDir: cache, PerHostConcurrency: perHost})
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

// BenchmarkCheckCold250 is a cold check (every analyzer, a new module
// source with empty caches) of a 250-require go.mod through the fixture
// with 50 ms latency per request. Target: 1.5 s. It runs with the default
// per-host concurrency (8) and with more, to show what bounds it, and
// asserts that the requests made are exactly one per module version and
// path.
func BenchmarkCheckCold250(b *testing.B) {
	for _, perHost := range []int{0, 32, 64} {
		name := "perhost=default"
		if perHost != 0 {
			name = fmt.Sprintf("perhost=%d", perHost)
		}
		b.Run(name, func(b *testing.B) {
			srv, dir, reqs := perfFixture(b, perfLatency)
			env := fixtureEnv(b, srv)
			want := wantRequests(reqs)
			var samples []time.Duration
			repeated := 0
			for i := 0; i < b.N; i++ {
				src := benchSource(b, env, b.TempDir(), perHost)
				srv.Reset()
				start := time.Now()
				diags := runAll(b, dir, env, src)
				samples = append(samples, time.Since(start))
				if n := countCode(diags, analyzers.CodeUpgradeAvailable); n != upgradesIn(reqs) {
					b.Fatalf("%d upgrade hints, want %d", n, upgradesIn(reqs))
				}
				// Requests beyond one per URL are counted, not fatal here
				// (TestMonorepoRequests asserts it): the timing is the point.
				rep, problems := compareRequests(srv, want)
				for _, p := range problems {
					b.Error(p)
				}
				repeated += len(rep)
			}
			reportDurations(b, samples)
			b.ReportMetric(float64(len(srv.Requests())), "requests/check")
			b.ReportMetric(float64(repeated)/float64(b.N), "repeated/check")
		})
	}
}

// BenchmarkCheckWarm250 is a warm check: a new module source (what a new
// process has) over the persistent cache a cold check filled. Target:
// 150 ms. No request may be made.
func BenchmarkCheckWarm250(b *testing.B) {
	srv, dir, reqs := perfFixture(b, perfLatency)
	env := fixtureEnv(b, srv)
	cache := b.TempDir()
	runAll(b, dir, env, benchSource(b, env, cache, 0))
	b.ResetTimer() // the cold check that filled the cache is not measured
	var samples []time.Duration
	for i := 0; i < b.N; i++ {
		src := benchSource(b, env, cache, 0)
		srv.Reset()
		start := time.Now()
		diags := runAll(b, dir, env, src)
		samples = append(samples, time.Since(start))
		if n := countCode(diags, analyzers.CodeUpgradeAvailable); n != upgradesIn(reqs) {
			b.Fatalf("%d upgrade hints, want %d", n, upgradesIn(reqs))
		}
		if n := len(srv.Requests()); n != 0 {
			b.Fatalf("warm check made %d requests", n)
		}
	}
	reportDurations(b, samples)
}

func countCode(diags []analyzers.Diagnostic, c *analyzers.Code) int {
	n := 0
	for _, d := range diags {
		if d.Code == c {
			n++
		}
	}
	return n
}

// startEditor starts the language server in this process against srv,
// with the persistent cache in cache and the given debounce, opens the
// go.mod in dir and waits for its network check (its upgrade hints).
func startEditor(tb testing.TB, srv *proxytest.Server, dir, cache, debounce string, upgrades int) (*lsptest.Editor, string) {
	tb.Helper()
	home := tb.TempDir()
	opts := lsp.Options{
		Version:   "bench",
		GoCommand: "-",
		Environ: []string{"HOME=" + home, "GOENV=off", "PATH=", "GOTOOLCHAIN=local", "GOVERSION=go1.26.8",
			"GOPATH=" + filepath.Join(home, "go"), "GOPROXY=" + srv.URL, "GOSUMDB=off", "GOFLAGS=-modcacherw"},
		CacheDir: cache,
	}
	ed := lsptest.Start(tb, func(ctx context.Context, rwc io.ReadWriteCloser) int { return lsp.Serve(ctx, rwc, opts) })
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(fmt.Sprintf(`{"debounce": %q, "checkDeadline": "5m", "workspaceScan": false}`, debounce))})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, 5*time.Minute, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Count(strings.Join(lsptest.Codes(p.Diagnostics), ","), "upgrade-available") == upgrades
	})
	return ed, gomod
}

// BenchmarkOpenWarm250 is the warm check as an editor sees it: a new
// language server session over the persistent cache a first session
// filled, from initialize and didOpen to the published network results.
func BenchmarkOpenWarm250(b *testing.B) {
	srv, dir, reqs := perfFixture(b, perfLatency)
	cache := b.TempDir()
	ed, _ := startEditor(b, srv, dir, cache, "0ms", upgradesIn(reqs))
	ed.Shutdown()
	b.ResetTimer() // the cold open that filled the cache is not measured
	var samples []time.Duration
	for i := 0; i < b.N; i++ {
		srv.Reset()
		start := time.Now()
		ed, _ := startEditor(b, srv, dir, cache, "0ms", upgradesIn(reqs))
		samples = append(samples, time.Since(start))
		if n := len(srv.Requests()); n != 0 {
			b.Errorf("warm check made %d requests", n)
		}
		ed.Shutdown()
	}
	reportDurations(b, samples)
}

// BenchmarkKeystrokeToNetworkDiagnostics edits one require's version in
// the language server (warm, 250 requires, 50 ms latency) to a version
// that exists nowhere and waits for its unknown-version diagnostic: the
// debounce plus one round trip (the .info 404; the version list is
// cached) plus the server's own time.
func BenchmarkKeystrokeToNetworkDiagnostics(b *testing.B) {
	for _, debounce := range []string{"0ms", "10ms"} {
		b.Run("debounce="+debounce, func(b *testing.B) {
			srv, dir, reqs := perfFixture(b, perfLatency)
			ed, gomod := startEditor(b, srv, dir, b.TempDir(), debounce, upgradesIn(reqs))
			const line = 5 + perfModules/2 // a require in the middle
			r := reqs[perfModules/2]
			col, width := 1+len(r.Path)+1, len(r.Version)
			var samples []time.Duration
			for i := 0; i < b.N; i++ {
				v := fmt.Sprintf("v1.%d.0", 1000+i)
				rng := protocol.Range{Start: protocol.Position{Line: line, Character: uint32(col)}, End: protocol.Position{Line: line, Character: uint32(col + width)}}
				start := time.Now()
				ver := ed.Edit(gomod, rng, v)
				ed.Diagnostics(gomod, time.Minute, func(p *protocol.PublishDiagnosticsParams) bool {
					got, ok := p.Version.Get()
					return ok && got == ver && hasMessage(p, "unknown-version", "@"+v+":")
				})
				samples = append(samples, time.Since(start))
				width = len(v)
			}
			reportDurations(b, samples)
		})
	}
}

func hasMessage(p *protocol.PublishDiagnosticsParams, code, substr string) bool {
	for _, d := range p.Diagnostics {
		c, _ := d.Code.(protocol.String)
		m, _ := d.Message.(protocol.String)
		if string(c) == code && strings.Contains(string(m), substr) {
			return true
		}
	}
	return false
}

// TestMonorepoRequests checks a tree of go.mod files sharing modules with
// one module source, as `gomodls check ./...` does, and asserts that each
// module version is looked up once: requests = unique module versions
// (.info), unique paths (@v/list), and unique go.mod files needed (.mod).
// By default 50 files sharing 30 modules, without latency; with
// GOMODLS_SLOW=1, the 500 files sharing 300 modules, in process
// and through the gomodls binary with 50 ms latency, wall times logged.
func TestMonorepoRequests(t *testing.T) {
	files, modules, latency := 50, 30, time.Duration(0)
	if !testing.Short() && os.Getenv("GOMODLS_SLOW") != "" {
		files, modules, latency = 500, 300, perfLatency
	}
	srv := proxytest.New(t, proxytest.WithoutDefaultCorpus(), proxytest.WithLatency(latency))
	if err := benchfixture.AddSynthetic(srv, modules); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	mono, err := benchfixture.WriteMonorepo(root, files, modules, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := wantRequests(mono.Unique)
	t.Logf("%d go.mod files, %d requires in all, %d unique module versions of %d modules", files, files*20, len(mono.Unique), len(mono.Paths))

	env := fixtureEnv(t, srv)
	start := time.Now()
	results, err := checker.CheckPaths(context.Background(), []string{root + "/..."}, checker.TreeOptions{Env: env, Settings: settings.Default(), Source: fixtureSource(t, env)})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if len(results) != files {
		t.Fatalf("checked %d directories, want %d", len(results), files)
	}
	for _, r := range results {
		for _, f := range r.Failures {
			t.Errorf("%s: %v", r.Snapshot.Dir, f)
		}
		for _, d := range r.Diagnostics {
			// The fixture writes no go.sum: go list -m all fails on every
			// require, and sum-missing says so.
			if d.Severity <= analyzers.Warning && d.Code != analyzers.CodeSumMissing {
				t.Errorf("%s: %s", r.Snapshot.Dir, analyzerstest.Format(r.Snapshot, d))
			}
		}
	}
	checkRequests(t, srv, want)
	t.Logf("in process (checker.CheckPaths, one module source): %v, %d requests (%d .info, %d .mod, %d lists)",
		took.Round(time.Millisecond), len(srv.Requests()), len(want[proxytest.EndpointInfo]), len(want[proxytest.EndpointMod]), len(want[proxytest.EndpointList]))

	if latency == 0 {
		return
	}
	// The same through the binary: gomodls check ./..., cold.
	bin := buildGomodls(t)
	srv.Reset()
	cache := t.TempDir()
	cmd := exec.Command(bin, "check", "-format", "json", "./...")
	cmd.Dir = root
	cmd.Env = srv.GoEnv("GOSUMDB=off", "XDG_CACHE_HOME="+cache, "HOME="+cache)
	var out strings.Builder
	cmd.Stdout = &out
	m, err := benchfixture.Run(cmd)
	// Exit status 1 is the sum-missing errors (no go.sum in the fixture).
	if err != nil && cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("gomodls check ./...: %v\n%s", err, out.String())
	}
	checkRequests(t, srv, want)
	t.Logf("gomodls check ./... (binary, cold, %v latency): %v, %d requests, peak RSS %d MB",
		latency, m.Wall.Round(time.Millisecond), len(srv.Requests()), m.PeakRSS>>20)
}

// buildGomodls builds ./cmd/gomodls into a temporary directory.
func buildGomodls(t *testing.T) string {
	t.Helper()
	goBin, err := benchfixture.GoTool()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "gomodls")
	cmd := exec.Command(goBin, "build", "-o", bin, "../cmd/gomodls")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/gomodls: %v\n%s", err, out)
	}
	return bin
}

// TestPerformanceVsGoCommand measures the figures with the real
// binaries: `gomodls check` cold and warm (new processes, the persistent
// cache of the first) and `go list -e -m -json <the 250 requires>` with a
// fresh module cache, on the same fixture with 50 ms latency.
func TestPerformanceVsGoCommand(t *testing.T) {
	slow(t)
	srv, dir, reqs := perfFixture(t, perfLatency)
	bin := buildGomodls(t)
	cache := t.TempDir()
	check := func() (time.Duration, int, int64) {
		srv.Reset()
		cmd := exec.Command(bin, "check", "-format", "json", ".")
		cmd.Dir = dir
		cmd.Env = srv.GoEnv("GOSUMDB=off", "XDG_CACHE_HOME="+cache, "HOME="+cache)
		var out strings.Builder
		cmd.Stdout = &out
		m, err := benchfixture.Run(cmd)
		if err != nil {
			t.Fatalf("gomodls check: %v\n%s", err, out.String())
		}
		if n := strings.Count(out.String(), `"upgrade-available"`); n != upgradesIn(reqs) {
			t.Errorf("gomodls check found %d upgrades, want %d", n, upgradesIn(reqs))
		}
		return m.Wall, len(srv.Requests()), m.PeakRSS
	}
	cold, coldReqs, coldRSS := check()
	checkRequests(t, srv, wantRequests(reqs))
	warm, warmReqs, _ := check()
	if warmReqs != 0 {
		t.Errorf("warm check made %d requests", warmReqs)
	}

	args := []string{"list", "-e", "-m", "-json"}
	for _, r := range reqs {
		args = append(args, r.Path+"@"+r.Version)
	}
	srv.Reset()
	g := benchfixture.RunGo(context.Background(), srv.GoEnv("GOSUMDB=off"), t.TempDir(), 30*time.Minute, args...)
	if g.Err != nil || strings.Contains(g.Stdout, `"Error"`) {
		t.Fatalf("go list: %v\n%s", g.Err, g.Stderr)
	}
	t.Logf("%d requires, %v latency per request:", perfModules, perfLatency)
	t.Logf("  gomodls check, cold: %v (%d requests, peak RSS %d MB)", cold.Round(time.Millisecond), coldReqs, coldRSS>>20)
	t.Logf("  gomodls check, warm (new process, persistent cache): %v", warm.Round(time.Millisecond))
	t.Logf("  go list -e -m -json <requires>, cold: %v (%d requests, peak RSS %d MB)", g.Wall.Round(time.Millisecond), len(srv.Requests()), g.MaxRSS>>20)
	t.Logf("  go / gomodls cold: %.1fx", float64(g.Wall)/float64(cold))
}
