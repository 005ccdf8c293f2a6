// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// The benchmark of issue 3: .info for 250 distinct modules through the
// fixture proxy with 50 ms latency per request, cold (empty caches), warm
// (a new Client, i.e. a new process, over the persistent cache), and the
// go command on the same proxy.

const (
	benchModules = 250
	benchLatency = 50 * time.Millisecond
	benchPrefix  = "bench.example/m"
)

func benchServer(tb testing.TB) *proxytest.Server {
	tb.Helper()
	srv := proxytest.New(tb, proxytest.WithLatency(benchLatency))
	if err := srv.AddSynthetic(benchPrefix, benchModules, 1); err != nil {
		tb.Fatal(err)
	}
	return srv
}

// resolveAll asks for every module's .info at once, as an analyzer does
// for the requirements of a go.mod (the Client bounds per-host concurrency).
func resolveAll(ctx context.Context, c *Client) error {
	var g errgroup.Group
	for i := range benchModules {
		g.Go(func() error {
			_, err := c.Info(ctx, proxytest.SyntheticPath(benchPrefix, i), "v1.0.0")
			return err
		})
	}
	return g.Wait()
}

func benchClient(tb testing.TB, srv *proxytest.Server, env []string, cache string) *Client {
	tb.Helper()
	c, err := New(Options{Env: testEnv(tb, env), HTTPClient: srv.Client(), CacheDir: cache})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func BenchmarkInfo250Cold(b *testing.B) {
	srv := benchServer(b)
	env := srv.GoEnv()
	for b.Loop() {
		b.StopTimer()
		c := benchClient(b, srv, env, b.TempDir())
		b.StartTimer()
		if err := resolveAll(context.Background(), c); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if s := c.Stats(); s.Requests != benchModules {
			b.Fatalf("%d requests for %d module versions", s.Requests, benchModules)
		}
		b.StartTimer()
	}
}

func BenchmarkInfo250Warm(b *testing.B) {
	srv := benchServer(b)
	env := srv.GoEnv()
	cache := b.TempDir()
	if err := resolveAll(context.Background(), benchClient(b, srv, env, cache)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c := benchClient(b, srv, env, cache)
		if err := resolveAll(context.Background(), c); err != nil {
			b.Fatal(err)
		}
		if s := c.Stats(); s.Requests != 0 || s.DiskHits != benchModules {
			b.Fatalf("warm: %+v", s)
		}
	}
}

// BenchmarkInfoMemory is the hot path: answers already in memory.
func BenchmarkInfoMemory(b *testing.B) {
	srv := proxytest.New(b)
	c := benchClient(b, srv, srv.GoEnv(), "")
	ctx := context.Background()
	if _, err := c.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInfoDisk is one answer from the persistent cache, as after a
// restart: memory forgotten, module cache missed, our cache hit.
func BenchmarkInfoDisk(b *testing.B) {
	srv := proxytest.New(b)
	c := benchClient(b, srv, srv.GoEnv(), b.TempDir())
	ctx := context.Background()
	if _, err := c.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.mem.init()
		if _, err := c.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
			b.Fatal(err)
		}
	}
	if s := c.Stats(); s.Requests != 1 {
		b.Fatalf("%d requests, want 1", s.Requests)
	}
}

// TestBenchmarkVsGoCommand measures the figures, the go command
// included (about a minute: it fetches sequentially). Set GOMODLS_BENCH=1.
func TestBenchmarkVsGoCommand(t *testing.T) {
	if os.Getenv("GOMODLS_BENCH") == "" {
		t.Skip("set GOMODLS_BENCH=1 to run the go command comparison (about a minute)")
	}
	srv := benchServer(t)
	env := srv.GoEnv()
	ctx := context.Background()

	cache := t.TempDir()
	cold := benchClient(t, srv, env, cache)
	start := time.Now()
	if err := resolveAll(ctx, cold); err != nil {
		t.Fatal(err)
	}
	coldD := time.Since(start)
	coldReqs := cold.Stats().Requests

	warm := benchClient(t, srv, env, cache)
	start = time.Now()
	if err := resolveAll(ctx, warm); err != nil {
		t.Fatal(err)
	}
	warmD := time.Since(start)

	args := []string{"list", "-m", "-json"}
	for i := range benchModules {
		args = append(args, proxytest.SyntheticPath(benchPrefix, i)+"@v1.0.0")
	}
	srv.Reset()
	start = time.Now()
	out, err, _ := runGo(t, srv.GoEnv(), 10*time.Minute, args...)
	goD := time.Since(start)
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if n := strings.Count(out, `"Path":`); n != benchModules {
		t.Fatalf("go listed %d modules", n)
	}
	goReqs := len(srv.Requests())

	t.Logf("%d modules, %v latency per request:", benchModules, benchLatency)
	t.Logf("  modproxy cold: %v (%d requests)", coldD.Round(time.Millisecond), coldReqs)
	t.Logf("  modproxy warm: %v (0 requests, new Client over the persistent cache)", warmD.Round(time.Microsecond))
	t.Logf("  go list -m -json: %v (%d requests: .info, .mod, checksum DB)", goD.Round(time.Millisecond), goReqs)
	t.Logf("  ratio go/cold: %.1fx; go/warm: %.0fx", float64(goD)/float64(coldD), float64(goD)/float64(warmD))
	if float64(goD)/float64(coldD) < 10 {
		t.Errorf("cold is only %.1fx faster than the go command (target 10x)", float64(goD)/float64(coldD))
	}
	if warmD > 100*time.Millisecond {
		t.Errorf("warm took %v (target 100ms)", warmD)
	}
}
