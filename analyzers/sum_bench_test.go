package analyzers_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// sumBenchFixture is a module requiring 300 synthetic modules, with the
// 600-line go.sum the checksum database agrees with, served by the fixture
// with the given latency per response.
func sumBenchFixture(b *testing.B, latency time.Duration) (*proxytest.Server, string) {
	b.Helper()
	srv := proxytest.New(b, proxytest.WithLatency(latency))
	const n = 300
	if err := srv.AddSynthetic("example.com/synth", n, 1); err != nil {
		b.Fatal(err)
	}
	var mod, sum strings.Builder
	mod.WriteString("module example.com/m\n\ngo 1.22\n\nrequire (\n")
	for i := range n {
		p := proxytest.SyntheticPath("example.com/synth", i)
		mod.WriteString("\t" + p + " v1.0.0\n")
		for _, l := range srv.GoSumLines(p, "v1.0.0") {
			sum.WriteString(l + "\n")
		}
	}
	mod.WriteString(")\n")
	dir := b.TempDir()
	for name, data := range map[string]string{"go.mod": mod.String(), "go.sum": sum.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if lines := strings.Count(sum.String(), "\n"); lines != 2*n {
		b.Fatalf("go.sum has %d lines", lines)
	}
	return srv, dir
}

// verifySums runs sumverify over dir with src and fails on any finding.
func verifySums(b *testing.B, dir string, env *goenv.Env, src *sumcheck.Source) {
	contents, err := snapshot.ReadDir(nil, dir)
	if err != nil {
		b.Fatal(err)
	}
	snap := snapshot.Build(dir, contents, env, nil, nil, src)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	diags, failures := checker.Run(ctx, snap, []*analyzers.Analyzer{analyzers.SumVerify, analyzers.SumMissing})
	if len(failures) > 0 || len(diags) > 0 {
		b.Fatalf("failures %v, diagnostics %d, first: %+v", failures, len(diags), diags)
	}
}

// BenchmarkSumVerify verifies a 600-line go.sum (300 modules) against the
// fixture's checksum database, reached through the proxy with 50 ms of
// latency per response:
//
//   - cold: an empty cache directory (every lookup and tile fetched);
//   - warm: a new Source (a new process) over the cache a cold run left:
//     everything verified from disk, no request;
//   - memory: the same Source again (a language server's next check).
func BenchmarkSumVerify(b *testing.B) {
	srv, dir := sumBenchFixture(b, 50*time.Millisecond)
	env := analyzerstest.Env(b, map[string]string{"GOPROXY": srv.URL, "GOSUMDB": srv.SumDBKey(), "GOFLAGS": ""})
	newSource := func(cacheDir string) *sumcheck.Source {
		s, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, CacheDir: cacheDir, RequestTimeout: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	warmDir := b.TempDir()
	verifySums(b, dir, env, newSource(warmDir))

	b.Run("cold", func(b *testing.B) {
		srv.Reset()
		n := 0
		for b.Loop() {
			b.StopTimer()
			src := newSource(b.TempDir())
			b.StartTimer()
			verifySums(b, dir, env, src)
			n++
		}
		b.ReportMetric(float64(len(srv.Requests()))/float64(n), "requests/op")
	})
	b.Run("warm", func(b *testing.B) {
		srv.Reset()
		for b.Loop() {
			verifySums(b, dir, env, newSource(warmDir))
		}
		if n := len(srv.Requests()); n != 0 {
			b.Errorf("warm runs sent %d requests, e.g. %s", n, srv.Requests()[0])
		}
	})
	b.Run("memory", func(b *testing.B) {
		src := newSource(warmDir)
		verifySums(b, dir, env, src)
		srv.Reset()
		for b.Loop() {
			verifySums(b, dir, env, src)
		}
		if n := len(srv.Requests()); n != 0 {
			b.Errorf("memory runs sent %d requests", n)
		}
	})
}

// BenchmarkSumMissingFix is the local summissing analyzer (it runs on
// every keystroke) on a go.mod whose go.sum lacks the lines of every
// k-th module, with every hash cached, so that each diagnostic gets its
// fix and the fix adding all of them.
func BenchmarkSumMissingFix(b *testing.B) {
	for _, c := range []struct{ n, every int }{{300, 10}, {1300, 4}} {
		var mod, sum strings.Builder
		mod.WriteString("module example.com/m\n\ngo 1.22\n\nrequire (\n")
		missing := 0
		for i := range c.n {
			p := fmt.Sprintf("example.com/dep%05d", i)
			fmt.Fprintf(&mod, "\t%s v1.0.0\n", p)
			if i%c.every == 0 {
				missing++
				continue
			}
			fmt.Fprintf(&sum, "%s v1.0.0 %s\n%s v1.0.0/go.mod %s\n", p, fakeHash(p+"v1.0.0"), p, fakeHash(p+"v1.0.0/go.mod"))
		}
		mod.WriteString(")\n")
		contents := snapshot.Contents{snapshot.GoMod: []byte(mod.String()), snapshot.GoSum: []byte(sum.String())}
		snap := snapshot.Build(b.TempDir(), contents, nil, nil, nil, fakeSums{})
		b.Run(fmt.Sprintf("requires=%d/missing=%d", c.n, missing), func(b *testing.B) {
			for b.Loop() {
				diags, _ := checker.Run(context.Background(), snap, []*analyzers.Analyzer{analyzers.SumMissing})
				if len(diags) != missing || len(diags[0].Fixes) != 2 {
					b.Fatalf("%d diagnostics, want %d with two fixes each", len(diags), missing)
				}
			}
		})
	}
}

// hugeGoMod is a go.mod with n requires.
func hugeGoMod(n int) string {
	var sb strings.Builder
	sb.WriteString("module example.com/huge\n\ngo 1.22\n\nrequire (\n")
	for i := range n {
		fmt.Fprintf(&sb, "\texample.com/dep%05d v1.%d.%d\n", i, i%50, i%7)
	}
	sb.WriteString(")\n")
	return sb.String()
}

// BenchmarkSumMissingLocal is the local summissing analyzer (it runs on
// every keystroke) as a developer meets it, on this repository's own
// module with the machine's module cache:
//   - complete: go.sum has every line (the usual state): the module graph
//     is walked, no package is loaded;
//   - zip-missing: one zip line is gone, so the imports of every package
//     of the module and of its dependencies in the module cache are read
//     (cached across runs, checked by file sizes and times);
//   - realworld: HashiCorp Vault's 549-line go.mod with its tidy go.sum
//     and no module cache, then without go.sum; and 20,000 requires
//     without go.sum.
func BenchmarkSumMissingLocal(b *testing.B) {
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	gomod, err1 := os.ReadFile(filepath.Join(root, "go.mod"))
	gosum, err2 := os.ReadFile(filepath.Join(root, "go.sum"))
	if err1 != nil || err2 != nil {
		b.Fatal(err1, err2)
	}
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		b.Fatal(err)
	}
	env := analyzerstest.Env(b, map[string]string{"GOMODCACHE": strings.TrimSpace(string(modcache)), "GOFLAGS": ""})
	// The first zip line of a module the repository imports.
	var dropped []string
	dropOne := false
	for _, l := range strings.SplitAfter(string(gosum), "\n") {
		if !dropOne && strings.HasPrefix(l, "golang.org/x/mod ") && !strings.Contains(l, "/go.mod ") {
			dropOne = true
			continue
		}
		dropped = append(dropped, l)
	}
	vault, err := os.ReadFile(filepath.Join("..", "testdata", "realworld", "github.com_hashicorp_vault@v1.18.0.mod"))
	if err != nil {
		b.Fatal(err)
	}
	vaultSum := ""
	for _, l := range strings.Split(string(vault), "\n") {
		if _, target, ok := strings.Cut(l, "=>"); ok {
			l = target
		}
		f := strings.Fields(l)
		if len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") {
			vaultSum += fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n", f[0], f[1], fakeHash(f[0]+f[1]), f[0], f[1], fakeHash(f[0]+f[1]+"/go.mod"))
		}
	}
	vaultDir := b.TempDir()
	for _, sub := range []string{"api", "sdk", "api/auth/approle", "api/auth/kubernetes", "api/auth/userpass"} {
		os.MkdirAll(filepath.Join(vaultDir, sub), 0o755)
		os.WriteFile(filepath.Join(vaultDir, sub, "go.mod"), []byte("module x\n"), 0o644)
	}
	// A module source as the language server makes one: a persistent
	// cache (empty), the module cache, GOSUMDB=off (nothing on the network:
	// the local analyzer never asks it anything).
	withSource := func(env *goenv.Env) snapshot.Source {
		src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, CacheDir: b.TempDir(), Offline: true})
		if err != nil {
			b.Fatal(err)
		}
		return src
	}
	noSum := analyzerstest.Env(b, map[string]string{"GOFLAGS": "", "GOSUMDB": "off"})
	for _, c := range []struct {
		name      string
		dir       string
		mod, sum  string
		env       *goenv.Env
		wantDiags int
		src       snapshot.Source
	}{
		{"complete", root, string(gomod), string(gosum), env, 0, nil},
		{"zip-missing", root, string(gomod), strings.Join(dropped, ""), env, 1, nil},
		{"realworld", vaultDir, string(vault), vaultSum, analyzerstest.Env(b, map[string]string{"GOFLAGS": ""}), 0, nil},
		{"realworld-no-go.sum", vaultDir, string(vault), "", analyzerstest.Env(b, map[string]string{"GOFLAGS": ""}), 1, nil},
		{"20000-requires-no-go.sum", b.TempDir(), hugeGoMod(20000), "", analyzerstest.Env(b, map[string]string{"GOFLAGS": ""}), 1, nil},
		{"realworld-no-go.sum-source", vaultDir, string(vault), "", noSum, 1, withSource(noSum)},
		{"20000-requires-no-go.sum-source", b.TempDir(), hugeGoMod(20000), "", noSum, 1, withSource(noSum)},
	} {
		contents := snapshot.Contents{snapshot.GoMod: []byte(c.mod)}
		if c.sum != "" {
			contents[snapshot.GoSum] = []byte(c.sum)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				snap := snapshot.Build(c.dir, contents, c.env, nil, nil, c.src)
				diags, _ := checker.Run(context.Background(), snap, []*analyzers.Analyzer{analyzers.SumMissing})
				if len(diags) != c.wantDiags {
					for _, d := range diags {
						b.Log(analyzerstest.Format(snap, d))
					}
					b.Fatalf("%d diagnostics, want %d", len(diags), c.wantDiags)
				}
			}
		})
	}
}
