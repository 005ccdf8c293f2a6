// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCacheBelongsToRoute: answers kept in the persistent cache belong to
// the route that produced them. code.example.net/pub/lib is served by the
// public proxy (which still has v1.5.0, whose tag the repository no longer
// has) and by its git origin. With GOPRIVATE set between two checks sharing
// a cache, the module goes direct, and the verdict is the origin's, warm as
// cold (the go command agrees); and back.
func TestCacheBelongsToRoute(t *testing.T) {
	const (
		host = "code.example.net"
		lib  = host + "/pub/lib"
	)
	f := newDirectFixture(t)
	f.origin.NewGitRepo(t, "pub/lib", lib)
	f.origin.AddMeta(lib + " git http://" + lib + ".git")
	for _, v := range []string{"v1.0.0", "v1.5.0"} {
		if err := f.pub.AddModule(lib, v, map[string]string{".mod": "module " + lib + "\n", "lib.go": "package lib\n"}); err != nil {
			t.Fatal(err)
		}
	}
	viaProxy := f.env("GOINSECURE=" + host)
	direct := f.env("GOINSECURE="+host, "GOPRIVATE="+host)
	client := func(env []string, cache string) *Client {
		return newClient(t, f.pub, Options{Env: testEnv(t, env), HTTPClient: f.origin.HTTPClient(), CacheDir: cache, NoModCache: true})
	}
	ctx := ctxT(t)

	// The oracle.
	if out, err, _ := runGo(t, viaProxy, time.Minute, "list", "-m", "-json", lib+"@v1.5.0"); err != nil {
		t.Fatalf("go through the proxy: %v\n%s", err, out)
	}
	if out, err, _ := runGo(t, direct, time.Minute, "list", "-m", "-json", lib+"@v1.5.0"); err == nil || !strings.Contains(out, "unknown revision v1.5.0") {
		t.Fatalf("go direct: %v\n%s", err, out)
	}

	// viaProxy: found (and now cached); direct: the origin's verdict.
	proxyVerdict := func(t *testing.T, c *Client) {
		t.Helper()
		info, err := c.Info(ctx, lib, "v1.5.0")
		if err != nil || !strings.Contains(info.Source+info.CachedFrom, f.pub.URL) {
			t.Errorf("through the proxy: %+v, %v", info, err)
		}
		l, err := c.Versions(ctx, lib)
		if err != nil || !slices.Equal(l.Versions, []string{"v1.0.0", "v1.5.0"}) {
			t.Errorf("Versions through the proxy: %+v, %v", l, err)
		}
		if li, err := c.Latest(ctx, lib); err != nil || li.Version != "v1.5.0" {
			t.Errorf("Latest through the proxy: %+v, %v", li, err)
		}
	}
	directVerdict := func(t *testing.T, c *Client) {
		t.Helper()
		_, err := c.Info(ctx, lib, "v1.5.0")
		e := wantKind(t, err, NotFound)
		wantContains(t, e.Error(), "unknown revision v1.5.0")
		if !strings.HasPrefix(e.Proxy, SourceDirect) {
			t.Errorf("Proxy = %q", e.Proxy)
		}
		l, err := c.Versions(ctx, lib)
		if err != nil || !slices.Equal(l.Versions, []string{"v1.0.0", "v1.1.0", "v1.2.0-rc.1"}) {
			t.Errorf("Versions direct: %+v, %v", l, err)
		}
		if li, err := c.Latest(ctx, lib); err != nil || li.Version != "v1.1.0" {
			t.Errorf("Latest direct: %+v, %v", li, err)
		}
	}

	t.Run("proxy then direct", func(t *testing.T) {
		cache := t.TempDir()
		proxyVerdict(t, client(viaProxy, cache))
		directVerdict(t, client(direct, cache))       // warm
		directVerdict(t, client(direct, t.TempDir())) // cold
		f.pub.AssertNoRequestMentions(t, "v1.1.0")
	})
	t.Run("direct then proxy", func(t *testing.T) {
		cache := t.TempDir()
		directVerdict(t, client(direct, cache))
		f.pub.Reset()
		proxyVerdict(t, client(viaProxy, cache))       // warm
		proxyVerdict(t, client(viaProxy, t.TempDir())) // cold
	})
	t.Run("each route keeps its answers", func(t *testing.T) {
		cache := t.TempDir()
		proxyVerdict(t, client(viaProxy, cache))
		directVerdict(t, client(direct, cache))
		f.pub.Reset()
		proxyVerdict(t, client(viaProxy, cache)) // from the cache again
		if n := len(f.pub.RequestsFor(lib)); n != 0 {
			t.Errorf("%d requests for answers cached under the proxy's route: %v", n, f.pub.Requests())
		}
		// Two routes, two directories.
		ents, err := os.ReadDir(filepath.Join(cache, "modproxy", "v2"))
		if err != nil {
			t.Fatal(err)
		}
		var routes []string
		for _, e := range ents {
			if e.Name() != "tmp" {
				routes = append(routes, e.Name())
			}
		}
		if len(routes) != 2 {
			t.Errorf("route directories %q, want 2", routes)
		}
	})
}
