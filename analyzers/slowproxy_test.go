package analyzers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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
)

// TestSlowProxyCrossCheck: through a proxy that serves one request at a
// time, each answer coming after gomodls' request timeout once a few
// requests queue, the go command downloads every required module (it
// asks one thing at a time and waits); gomodls must then report no error,
// in bounded time.
func TestSlowProxyCrossCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	srv := proxytest.New(t, proxytest.WithSerial(20*time.Millisecond))
	gomod := "module example.com/m\n\ngo 1.22\n\nrequire (\n" +
		"\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n\texample.com/retract v1.4.0\n" +
		"\texample.com/deep/a v1.0.0\n\texample.com/deep/b v1.0.0\n\texample.com/deep/c v1.1.0\n" +
		"\texample.com/deep/d v1.1.0\n\texample.com/deep/e v1.1.0\n\texample.com/nested v1.0.0\n" +
		"\texample.com/Upper/mod v1.1.0\n\texample.com/pseudo v0.0.0-20240102030405-abcdef012345\n" +
		"\texample.com/incompat v3.1.0+incompatible\n)\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}

	r := benchfixture.RunGo(context.Background(), srv.GoEnv("GOSUMDB=off"), dir, 2*time.Minute, "mod", "download")
	if r.Err != nil || r.Hung {
		t.Fatalf("go mod download: %v (hung %v)\n%s", r.Err, r.Hung, r.Stderr)
	}

	srv.Reset()
	env := fixtureEnv(t, srv)
	// 100ms: the 6th request in the proxy's queue waits longer than that.
	src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, RequestTimeout: 100 * time.Millisecond, ProxyDeadline: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	snap, diags := checkDir(t, dir, env, src)
	for _, d := range diags {
		if d.Severity == analyzers.Error {
			t.Errorf("go downloads every module; gomodls: %s", analyzerstest.Format(snap, d))
		}
	}
	s := src.Stats()
	t.Logf("check through a serial proxy: %v, %d requests, at most %d at once at the proxy, %d slow, %d backoffs",
		time.Since(start).Round(time.Millisecond), s.Requests, srv.PeakConcurrency(), s.SlowRequests, s.Backoffs)
}

// checkDir runs every analyzer on dir with the default settings, failing
// the test if one fails.
func checkDir(tb testing.TB, dir string, env *goenv.Env, src snapshot.Source) (*snapshot.Snapshot, []analyzers.Diagnostic) {
	tb.Helper()
	contents, err := snapshot.ReadDir(nil, dir)
	if err != nil {
		tb.Fatal(err)
	}
	snap := snapshot.Build(dir, contents, env, settings.Default(), nil, src)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	diags, failures := checker.Run(ctx, snap, analyzers.All())
	for _, f := range failures {
		tb.Fatalf("analyzer failed: %v", f)
	}
	return snap, diags
}
