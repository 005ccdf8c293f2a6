package analyzers_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// TestVerdictFollowsRoute: GOPRIVATE changes between two checks sharing
// the persistent cache. The module then goes direct, where its origin
// cannot be reached (here: every non-loopback connection is refused), and
// the go command fails; so must gomodls, warm (answers cached through the
// proxy are not the new route's) as cold.
func TestVerdictFollowsRoute(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	srv := proxytest.New(t)
	refused := proxytest.RefusedURL(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The go command's verdict on the new route.
	goEnv := srv.GoEnv("GOSUMDB=off", "GOPRIVATE=example.com/basic", "HTTPS_PROXY="+refused, "HTTP_PROXY="+refused, "NO_PROXY=127.0.0.1")
	r := benchfixture.RunGo(context.Background(), goEnv, t.TempDir(), time.Minute, "list", "-m", "-json", "example.com/basic@v1.1.0")
	if r.Err == nil || !strings.Contains(r.Stderr, `unrecognized import path "example.com/basic"`) {
		t.Fatalf("go list -m direct: %v\n%s%s", r.Err, r.Stdout, r.Stderr)
	}
	t.Logf("go: %s", strings.TrimSpace(r.Stderr))

	proxyURL, _ := url.Parse(refused)
	hc := &http.Client{Transport: &http.Transport{Proxy: func(r *http.Request) (*url.URL, error) {
		if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
			return nil, nil
		}
		return proxyURL, nil
	}}}
	check := func(private, cache string) []string {
		t.Helper()
		env := analyzerstest.Env(t, map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": "", "GOPRIVATE": private})
		src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, HTTPClient: hc, CacheDir: cache,
			RequestTimeout: time.Second, ProxyDeadline: 2 * time.Second, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		snap, diags := checkDir(t, dir, env, src)
		var errs []string
		for _, d := range diags {
			t.Logf("GOPRIVATE=%q: %s", private, analyzerstest.Format(snap, d))
			if d.Severity == analyzers.Error {
				errs = append(errs, d.Code.Name)
			}
		}
		slices.Sort(errs)
		return errs
	}

	cache := t.TempDir()
	if errs := check("", cache); len(errs) > 0 {
		t.Fatalf("through the proxy: %v", errs)
	}
	warm := check("example.com/basic", cache)
	cold := check("example.com/basic", t.TempDir())
	if !slices.Equal(warm, cold) || !slices.Contains(cold, "proxy-unreachable") {
		t.Errorf("direct, the origin unreachable: warm %v, cold %v; want both to say proxy-unreachable as the go command fails", warm, cold)
	}
	if strings.Join(warm, ",") == "" {
		t.Errorf("a stale answer of the old route was used")
	}
}
