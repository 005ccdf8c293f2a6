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

	hc := loopbackOnly(refused)
	check := func(private, cache string) []string {
		t.Helper()
		env := analyzerstest.Env(t, map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": "-mod=mod", "GOPRIVATE": private})
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

// TestPackagePathFallsThroughToDirect: a package path required as a module
// (github.com/stretchr/testify/assert, a package of module
// github.com/stretchr/testify). The proxy answers 404, the chain goes on
// to direct, and the origin cannot be reached (as on a machine where only
// the proxy is reachable). The go command reports the origin's git error
// (a "direct" error outranks the proxies', modfetch.TryProxies); so does
// gomodls, in the same words, saying what the proxy said before.
func TestPackagePathFallsThroughToDirect(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	srv := proxytest.New(t)
	refused := proxytest.RefusedURL(t)
	port := refused[strings.LastIndex(refused, ":")+1:]
	const pkg = "github.com/stretchr/testify/assert"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n\nrequire "+pkg+" v1.9.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Everything but loopback goes through a proxy that refuses: the
	// origin (github.com) cannot be reached, by git or by HTTP.
	noNet := map[string]string{"HTTPS_PROXY": refused, "https_proxy": refused, "HTTP_PROXY": refused, "http_proxy": refused, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "GIT_CONFIG_NOSYSTEM": "1"}
	var goEnv []string
	for k, v := range noNet {
		goEnv = append(goEnv, k+"="+v)
	}
	r := benchfixture.RunGo(context.Background(), srv.GoEnv(append(goEnv, "GOSUMDB=off", "GOPROXY="+srv.URL+",direct")...), t.TempDir(), time.Minute, "list", "-m", "-json", pkg+"@v1.9.0")
	gitSays := "fatal: unable to access 'https://github.com/stretchr/testify/': Failed to connect to 127.0.0.1 port " + port
	if r.Err == nil || !strings.Contains(r.Stderr, "invalid version: git ls-remote -q") || !strings.Contains(r.Stderr, gitSays) {
		t.Fatalf("go list -m: %v\n%s", r.Err, r.Stderr)
	}
	t.Logf("go: %s", strings.TrimSpace(r.Stderr))

	vars := map[string]string{"GOPROXY": srv.URL + ",direct", "GOSUMDB": "off", "GOFLAGS": "-mod=mod", "PATH": os.Getenv("PATH")}
	for k, v := range noNet {
		vars[k] = v
	}
	env := analyzerstest.Env(t, vars)
	hc := loopbackOnly(refused)
	src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, HTTPClient: hc, RequestTimeout: time.Second, ProxyDeadline: 2 * time.Second, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	snap, diags := checkDir(t, dir, env, src)
	var errs []string
	for _, d := range diags {
		if d.Severity == analyzers.Error {
			errs = append(errs, analyzerstest.Format(snap, d))
		}
	}
	if len(errs) != 1 {
		t.Fatalf("errors: %q, want one", errs)
	}
	for _, want := range []string{
		"proxy-unreachable: " + pkg + "@v1.9.0: invalid version: git ls-remote -q https://github.com/stretchr/testify: exit status 128: " + gitSays,
		"(before that, reading " + srv.URL + "/" + pkg + "/@v/v1.9.0.info: 404 Not Found",
	} {
		if !strings.Contains(errs[0], want) {
			t.Errorf("gomodls: %s\nlacks: %s", errs[0], want)
		}
	}
	if strings.Contains(errs[0], "proxy direct unreachable: exit status 128") {
		t.Errorf("gomodls: %s", errs[0])
	}
	t.Logf("gomodls: %s", errs[0])
}

// loopbackOnly is an HTTP client that reaches loopback directly and
// everything else through the proxy refused (which refuses).
func loopbackOnly(refused string) *http.Client {
	proxyURL, _ := url.Parse(refused)
	return &http.Client{Transport: &http.Transport{Proxy: func(r *http.Request) (*url.URL, error) {
		if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
			return nil, nil
		}
		return proxyURL, nil
	}}}
}
