// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// goTool returns the go command of the toolchain running the tests.
func goTool(t testing.TB) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	return p
}

// runGo runs the go command with env in a fresh directory, bounded by
// timeout. hung reports whether it was killed at the timeout.
func runGo(t testing.TB, env []string, timeout time.Duration, args ...string) (out string, err error, hung bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(t), args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	cmd.WaitDelay = time.Second
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err = cmd.Run()
	return b.String(), err, ctx.Err() != nil
}

func TestModuleCache(t *testing.T) {
	srv := proxytest.New(t)
	env := srv.GoEnv()
	out, err, _ := runGo(t, env, 2*time.Minute, "mod", "download", "-json", "example.com/basic@v1.0.0", "example.com/Upper/mod@v1.1.0")
	if err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
	srv.Reset()
	c := newClient(t, srv, Options{Env: testEnv(t, env)})
	ctx := ctxT(t)

	for _, mv := range []struct{ path, version string }{{"example.com/basic", "v1.0.0"}, {"example.com/Upper/mod", "v1.1.0"}} {
		info, err := c.Info(ctx, mv.path, mv.version)
		if err != nil || info.Source != SourceModCache || info.Unverified {
			t.Errorf("Info(%s) = %+v, %v", mv.path, info, err)
		}
		gm, err := c.GoMod(ctx, mv.path, mv.version)
		if err != nil || gm.Source != SourceModCache || !bytes.HasPrefix(gm.Data, []byte("module ")) {
			t.Errorf("GoMod(%s) = %+v, %v", mv.path, gm, err)
		}
		z, err := c.ZipHash(ctx, mv.path, mv.version)
		if err != nil || z.Source != SourceModCache || !strings.HasSuffix(srv.GoSumLines(mv.path, mv.version)[0], " "+z.Hash) {
			t.Errorf("ZipHash(%s) = %+v, %v", mv.path, z, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for versions in the module cache: %v", n, srv.Requests())
	}
	if s := c.Stats(); s.ModCacheHits != 6 {
		t.Errorf("Stats = %+v", s)
	}
	if s := c.Stats(); s.Requests != 0 {
		t.Errorf("Stats = %+v", s)
	}
	// Latest: the proxy's list decides, the module cache saves the .info.
	if li, err := c.Latest(ctx, "example.com/Upper/mod"); err != nil || li.Version != "v1.1.0" || li.Source != srv.URL {
		t.Errorf("Latest = %+v, %v", li, err)
	}
	if n := srv.Count("/example.com/!upper/mod/@v/v1.1.0.info"); n != 0 {
		t.Errorf(".info of a cached version fetched (%d)", n)
	}
	// The module cache's list only has what was downloaded: not used online.
	l, err := c.Versions(ctx, "example.com/basic")
	if err != nil || l.Source != srv.URL || len(l.Versions) != 4 {
		t.Errorf("Versions = %+v, %v", l, err)
	}

	// A corrupt .ziphash (a truncated write) or .info is not trusted.
	modcache := c.modCache
	zh := filepath.Join(modcache, "cache/download/example.com/basic/@v/v1.0.0.ziphash")
	if err := os.WriteFile(zh, []byte("h1:\x00\x00"), 0o666); err != nil {
		t.Fatal(err)
	}
	infoFile := filepath.Join(modcache, "cache/download/example.com/basic/@v/v1.0.0.info")
	if err := os.WriteFile(infoFile, []byte("{"), 0o666); err != nil {
		t.Fatal(err)
	}
	c2 := newClient(t, srv, Options{Env: testEnv(t, env)})
	if z, err := c2.ZipHash(ctx, "example.com/basic", "v1.0.0"); err != nil || z.Source != srv.URL {
		t.Errorf("with a corrupt .ziphash: %+v, %v", z, err)
	}
	if info, err := c2.Info(ctx, "example.com/basic", "v1.0.0"); err != nil || info.Source != srv.URL {
		t.Errorf("with a corrupt .info: %+v, %v", info, err)
	}

	// Offline (GOPROXY=off): the module cache answers, marked Unverified;
	// anything else is an Offline error in the go command's words.
	offEnv := testEnv(t, append(slices.Clone(env), "GOPROXY=off"))
	off := newClient(t, srv, Options{Env: offEnv})
	srv.Reset()
	info, err := off.Info(ctx, "example.com/Upper/mod", "v1.1.0")
	if err != nil || info.Source != SourceModCache || !info.Unverified {
		t.Errorf("offline Info = %+v, %v", info, err)
	}
	_, err = off.Info(ctx, "example.com/basic", "v1.1.0")
	if e := wantKind(t, err, Offline); e.Error() != "example.com/basic@v1.1.0: module lookup disabled by GOPROXY=off" {
		t.Errorf("offline error = %q", e.Error())
	}
	ol, err := off.Versions(ctx, "example.com/Upper/mod")
	if err != nil || !ol.Unverified || !slices.Equal(ol.Versions, []string{"v1.1.0"}) {
		t.Errorf("offline Versions = %+v, %v", ol, err)
	}
	ll, err := off.Latest(ctx, "example.com/Upper/mod")
	if err != nil || ll.Version != "v1.1.0" || !ll.Unverified {
		t.Errorf("offline Latest = %+v, %v", ll, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests offline", n)
	}
	vendor := newClient(t, srv, Options{Env: testEnv(t, append(slices.Clone(env), "GOFLAGS=-mod=vendor"))})
	_, err = vendor.Info(ctx, "example.com/basic", "v1.1.0")
	wantContains(t, wantKind(t, err, Offline).Error(), "module lookup disabled by -mod=vendor")
}

func TestDiskCache(t *testing.T) {
	srv := proxytest.New(t)
	cache := t.TempDir()
	ctx := ctxT(t)
	c1 := newClient(t, srv, Options{CacheDir: cache})
	if _, err := c1.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := c1.GoMod(ctx, "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := c1.ZipHash(ctx, "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := c1.Versions(ctx, "example.com/basic"); err != nil {
		t.Fatal(err)
	}
	if _, err := c1.Latest(ctx, "example.com/prerelease"); err != nil {
		t.Fatal(err)
	}
	if _, err := c1.Info(ctx, "example.com/basic", "v1.9.9"); err == nil {
		t.Fatal("v1.9.9 found")
	}
	srv.Reset()

	// A new client (a new gomodls process) with the same cache: no requests.
	c2 := newClient(t, srv, Options{CacheDir: cache})
	info, err := c2.Info(ctx, "example.com/basic", "v1.0.0")
	if err != nil || info.Source != SourceDisk || info.CachedFrom != srv.URL || info.Fetched.IsZero() || info.Time.IsZero() || info.Origin == nil {
		t.Errorf("Info = %+v, %v", info, err)
	}
	gm, err := c2.GoMod(ctx, "example.com/basic", "v1.0.0")
	if err != nil || gm.Source != SourceDisk || !bytes.Contains(gm.Data, []byte("module example.com/basic")) {
		t.Errorf("GoMod = %+v, %v", gm, err)
	}
	z, err := c2.ZipHash(ctx, "example.com/basic", "v1.0.0")
	if err != nil || z.Source != SourceDisk || !strings.HasSuffix(srv.GoSumLines("example.com/basic", "v1.0.0")[0], z.Hash) {
		t.Errorf("ZipHash = %+v, %v", z, err)
	}
	l, err := c2.Versions(ctx, "example.com/basic")
	if err != nil || l.Source != SourceDisk || len(l.Versions) != 4 {
		t.Errorf("Versions = %+v, %v", l, err)
	}
	li, err := c2.Latest(ctx, "example.com/prerelease")
	if err != nil || li.Source != SourceDisk || li.Version != "v1.0.0-rc.1" {
		t.Errorf("Latest = %+v, %v", li, err)
	}
	_, err = c2.Info(ctx, "example.com/basic", "v1.9.9")
	if e := wantKind(t, err, NotFound); e.Status != 404 || e.Module != ModuleKnown {
		t.Errorf("remembered not-found: %+v", e)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests with a warm cache: %v", n, srv.Requests())
	}

	// Later: lists, @latest and not-found answers are stale; the immutable
	// ones are not.
	c3 := newClient(t, srv, Options{CacheDir: cache})
	c3.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, err := c3.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := c3.Versions(ctx, "example.com/basic"); err != nil {
		t.Fatal(err)
	}
	if _, err := c3.Latest(ctx, "example.com/prerelease"); err != nil {
		t.Fatal(err)
	}
	if _, err := c3.Info(ctx, "example.com/basic", "v1.9.9"); err == nil {
		t.Fatal("found")
	}
	want := map[string]int{
		"/example.com/basic/@v/list":                  1,
		"/example.com/prerelease/@v/list":             1,
		"/example.com/basic/@v/v1.9.9.info":           1,
		"/example.com/basic/@v/v1.0.0.info":           0,
		"/example.com/prerelease/@v/v1.0.0-rc.1.info": 0,
	}
	for p, n := range want {
		if got := srv.Count(p); got != n {
			t.Errorf("%s: %d requests, want %d", p, got, n)
		}
	}

	// A changed GOPROXY reuses no answer of the old proxy: not lists,
	// not-found answers, nor immutable ones (answers belong to their route).
	other := proxytest.New(t)
	c4 := newClient(t, other, Options{CacheDir: cache})
	if _, err := c4.Versions(ctx, "example.com/basic"); err != nil {
		t.Fatal(err)
	}
	if info, err := c4.Info(ctx, "example.com/basic", "v1.0.0"); err != nil || info.Source != other.URL {
		t.Errorf("Info through the new proxy = %+v, %v", info, err)
	}
	for _, p := range []string{"/example.com/basic/@v/list", "/example.com/basic/@v/v1.0.0.info"} {
		if n := other.Count(p); n != 1 {
			t.Errorf("%s from the new proxy fetched %d times", p, n)
		}
	}

	// Corrupt entries are ignored and rewritten.
	file := c1.disk.immutablePath(c1.routeKey("example.com/basic"), versionFile("example.com/basic", "v1.0.0"), "info")
	if err := os.WriteFile(file, []byte("{garbage"), 0o666); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	c5 := newClient(t, srv, Options{CacheDir: cache})
	if info, err := c5.Info(ctx, "example.com/basic", "v1.0.0"); err != nil || info.Source != srv.URL {
		t.Errorf("over a corrupt entry: %+v, %v", info, err)
	}
	if _, ok := c5.disk.read(file); !ok {
		t.Errorf("corrupt entry not rewritten")
	}

	// Offline with our cache: answers marked Unverified.
	off := newClient(t, srv, Options{CacheDir: cache, Offline: true})
	srv.Reset()
	if info, err := off.Info(ctx, "example.com/basic", "v1.0.0"); err != nil || !info.Unverified || info.Source != SourceDisk {
		t.Errorf("offline Info = %+v, %v", info, err)
	}
	if l, err := off.Versions(ctx, "example.com/basic"); err != nil || !l.Unverified || len(l.Versions) != 4 {
		t.Errorf("offline Versions = %+v, %v", l, err)
	}
	_, err = off.Info(ctx, "example.com/basic", "v1.1.0")
	wantContains(t, wantKind(t, err, Offline).Error(), "offline")
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests offline", n)
	}
	if on, why := off.Offline(); !on || why == "" {
		t.Errorf("Offline() = %v, %q", on, why)
	}
}

func TestNoCacheDir(t *testing.T) {
	srv := proxytest.New(t)
	c, err := New(Options{Env: testEnv(t, srv.GoEnv()), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if _, err := c.Info(ctx, "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ZipHash(ctx, "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{}); err == nil {
		t.Error("New without Env succeeded")
	}
}

func TestSharedCacheConcurrentWriters(t *testing.T) {
	// Several clients (processes) writing the same entries at once never
	// leave a torn file.
	srv := proxytest.New(t)
	cache := t.TempDir()
	ctx := ctxT(t)
	done := make(chan error)
	for range 6 {
		go func() {
			c := newClient(t, srv, Options{CacheDir: cache})
			for _, v := range []string{"v0.1.0", "v1.0.0", "v1.1.0"} {
				if _, err := c.Info(ctx, "example.com/basic", v); err != nil {
					done <- err
					return
				}
			}
			_, err := c.Versions(ctx, "example.com/basic")
			done <- err
		}()
	}
	for range 6 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, srv, Options{CacheDir: cache})
	for _, v := range []string{"v0.1.0", "v1.0.0", "v1.1.0"} {
		if _, ok := c.disk.read(c.disk.immutablePath(c.routeKey("example.com/basic"), versionFile("example.com/basic", v), "info")); !ok {
			t.Errorf("%s: unreadable cache entry", v)
		}
	}
	var tmp []string
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".tmp") {
			tmp = append(tmp, p)
		}
		return nil
	})
	if len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
}
