// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

func TestInfo(t *testing.T) {
	srv := proxytest.New(t)
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)

	info, err := c.Info(ctx, "example.com/basic", "v1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != "example.com/basic" || info.Version != "v1.1.0" || info.Source != srv.URL || info.Time.IsZero() || info.Origin == nil || info.Origin.VCS != "git" {
		t.Errorf("Info = %+v", info)
	}
	if info.Unverified || info.Unchecked != "" || len(info.Attempts) != 0 {
		t.Errorf("fresh proxy answer marked: %+v", info.Provenance)
	}
	// Asked again: memory, no request.
	info.Version = "mutated"
	again, err := c.Info(ctx, "example.com/basic", "v1.1.0")
	if err != nil || again.Version != "v1.1.0" {
		t.Fatalf("second Info = %+v, %v (callers must not share state)", again, err)
	}
	if n := srv.Count("/example.com/basic/@v/v1.1.0.info"); n != 1 {
		t.Errorf(".info requested %d times, want 1", n)
	}
	if s := c.Stats(); s.Requests != 1 || s.MemoryHits != 1 || s.Endpoints[srv.URL+" info"] != 1 {
		t.Errorf("Stats = %+v", s)
	}

	// Pseudo-versions and +incompatible are canonical.
	for _, v := range []struct{ path, version string }{
		{"example.com/basic", "v1.1.1-0.20240315101112-0123456789ab"},
		{"example.com/incompat", "v2.0.0+incompatible"},
		{"gopkg.in/fixture.v1", "v1.1.0"},
		{"example.com/basic/v2", "v2.1.0"},
	} {
		if _, err := c.Info(ctx, v.path, v.version); err != nil {
			t.Errorf("Info(%s@%s): %v", v.path, v.version, err)
		}
	}
}

func TestInfoInvalid(t *testing.T) {
	srv := proxytest.New(t)
	c := newClient(t, srv, Options{})
	for _, tc := range []struct{ path, version string }{
		{"example.com/basic", "v1.0"},
		{"example.com/basic", "latest"},
		{"example.com/basic", "master"},
		{"example.com/basic", ""},
		{"example.com/basic", "v1.0.0+meta"},
		{"Example Com/basic", "v1.0.0"},
		{"example.com/basic/", "v1.0.0"},
	} {
		_, err := c.Info(ctxT(t), tc.path, tc.version)
		wantKind(t, err, Invalid)
	}
	_, err := c.Versions(ctxT(t), "not a path")
	wantKind(t, err, Invalid)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for invalid input", n)
	}
}

func TestInfoNotFound(t *testing.T) {
	srv := proxytest.New(t)
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)

	_, err := c.Info(ctx, "example.com/basic", "v1.9.9")
	e := wantKind(t, err, NotFound)
	if e.Module != ModuleKnown {
		t.Errorf("Module = %v, want module-known", e.Module)
	}
	if !errors.Is(err, fs.ErrNotExist) || !IsNotExist(err) {
		t.Errorf("not fs.ErrNotExist: %v", err)
	}
	want := fmt.Sprintf("example.com/basic@v1.9.9: reading %s/example.com/basic/@v/v1.9.9.info: 404 Not Found\n\tserver response: not found: example.com/basic@v1.9.9: invalid version: unknown revision v1.9.9", srv.URL)
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	if e.Status != 404 || e.Proxy != srv.URL || e.Path != "example.com/basic" || e.Version != "v1.9.9" {
		t.Errorf("fields: %+v", e)
	}

	_, err = c.Info(ctx, "example.com/nosuchmodule", "v1.0.0")
	e = wantKind(t, err, NotFound)
	if e.Module != ModuleUnknown {
		t.Errorf("Module = %v, want module-unknown", e.Module)
	}
	// The empty module: known path, no versions: cannot tell.
	_, err = c.Info(ctx, "example.com/empty", "v1.0.0")
	if e := wantKind(t, err, NotFound); e.Module != ExistenceUnknown {
		t.Errorf("empty module: Module = %v", e.Module)
	}

	// Remembered: no second request until Invalidate.
	srv.Reset()
	_, err = c.Info(ctx, "example.com/basic", "v1.9.9")
	wantKind(t, err, NotFound)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for a remembered failure", n)
	}
	c.Invalidate()
	_, err = c.Info(ctx, "example.com/basic", "v1.9.9")
	wantKind(t, err, NotFound)
	if n := srv.Count("/example.com/basic/@v/v1.9.9.info"); n != 1 {
		t.Errorf("after Invalidate: %d requests, want 1", n)
	}
}

func TestMixedCaseEscaping(t *testing.T) {
	srv := proxytest.New(t)
	// An upper-case prerelease escapes too.
	if err := srv.AddModule("example.com/Upper/mod", "v1.2.0-RC.1", map[string]string{"go.mod": "module example.com/Upper/mod\n", "x.go": "package mod\n"}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)
	l, err := c.Versions(ctx, "example.com/Upper/mod")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"v1.0.0", "v1.1.0", "v1.2.0-RC.1"}; !slices.Equal(l.Versions, want) {
		t.Errorf("Versions = %q, want %q", l.Versions, want)
	}
	for _, v := range l.Versions {
		if _, err := c.Info(ctx, "example.com/Upper/mod", v); err != nil {
			t.Errorf("Info %s: %v", v, err)
		}
	}
	if _, err := c.GoMod(ctx, "example.com/Upper/mod", "v1.2.0-RC.1"); err != nil {
		t.Error(err)
	}
	z, err := c.ZipHash(ctx, "example.com/Upper/mod", "v1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.GoSumLines("example.com/Upper/mod", "v1.1.0")[0]; !strings.HasSuffix(want, " "+z.Hash) {
		t.Errorf("ZipHash = %s, go.sum line %s", z.Hash, want)
	}
	for _, p := range []string{
		"/example.com/!upper/mod/@v/list",
		"/example.com/!upper/mod/@v/v1.2.0-!r!c.1.info",
		"/example.com/!upper/mod/@v/v1.2.0-!r!c.1.mod",
		"/example.com/!upper/mod/@v/v1.1.0.zip",
	} {
		if n := srv.Count(p); n != 1 {
			t.Errorf("%s requested %d times, want 1", p, n)
		}
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "Upper") {
			t.Errorf("unescaped request %s", r)
		}
	}
}

func TestGoModAndZipHash(t *testing.T) {
	srv := proxytest.New(t)
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)
	gm, err := c.GoMod(ctx, "example.com/deprecated", "v1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, string(gm.Data), "Deprecated")
	if gm.Source != srv.URL {
		t.Errorf("Source = %q", gm.Source)
	}
	for _, mv := range srv.Modules() {
		if mv.Path == "example.com/badgomod" {
			continue
		}
		z, err := c.ZipHash(ctx, mv.Path, mv.Version)
		if err != nil {
			t.Errorf("ZipHash(%s): %v", mv, err)
			continue
		}
		if want := srv.GoSumLines(mv.Path, mv.Version)[0]; want != mv.Path+" "+mv.Version+" "+z.Hash {
			t.Errorf("ZipHash(%s) = %s; go.sum: %s", mv, z.Hash, want)
		}
	}
	// The temporary zips are gone.
	ents, _ := os.ReadDir(c.tmpDir())
	if len(ents) != 0 {
		t.Errorf("%d files left in %s", len(ents), c.tmpDir())
	}

	// A zip whose files are not under path@version/ is refused, as go does.
	other := proxytest.New(t, proxytest.WithoutDefaultCorpus(), proxytest.WithCorpusFS(proxytest.PrivateCorpus))
	srv.Fault("example.com/basic", proxytest.RedirectTo(other.URL+"/git.corp.example.com/team/lib/@v/v1.0.0.zip#").On(proxytest.EndpointZip))
	_, err = newClient(t, srv, Options{}).ZipHash(ctx, "example.com/basic", "v1.1.0")
	e := wantKind(t, err, ProxyError)
	wantContains(t, e.Error(), "zip for example.com/basic@v1.1.0 has unexpected file git.corp.example.com/team/lib@v1.0.0/")

	// Zip downloads: a stall, a slow but steady trickle, a hang.
	for _, tc := range []struct {
		fault proxytest.Fault
		want  string
	}{
		{proxytest.Drip(time.Second), "no data for 200ms"},
		{proxytest.Drip(5 * time.Millisecond), "download not complete within 400ms"},
		{proxytest.Hang(), "did not answer within 300ms (gomodls proxy deadline)"},
	} {
		srv.Fault("example.com/basic", tc.fault.On(proxytest.EndpointZip))
		start := time.Now()
		_, err = newClient(t, srv, Options{RequestTimeout: 200 * time.Millisecond, ProxyDeadline: 300 * time.Millisecond, ZipTimeout: 400 * time.Millisecond}).ZipHash(ctx, "example.com/basic", "v1.1.0")
		wantContains(t, wantKind(t, err, Unreachable).Error(), tc.want)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%v: took %v", tc.fault, d)
		}
	}
	srv.ClearFaults()

	// A zip larger than MaxZip.
	small := newClient(t, srv, Options{MaxZip: 100})
	_, err = small.ZipHash(ctx, "example.com/basic", "v1.0.0")
	wantContains(t, wantKind(t, err, ProxyError).Error(), "zip file too large")
}

func TestFaults(t *testing.T) {
	const mod, ver = "example.com/basic", "v1.0.0"
	for _, tc := range []struct {
		name    string
		opts    []proxytest.Option
		fault   proxytest.Fault
		copts   Options
		kind    Kind
		message string // substring of Error()
		status  int
	}{
		{name: "404", fault: proxytest.Status(404, ""), kind: NotFound, status: 404, message: "404 Not Found\n\tserver response: not found: example.com/basic/@v/v1.0.0.info (injected by proxytest)"},
		{name: "410", fault: proxytest.Status(410, "gone for good"), kind: NotFound, status: 410, message: "410 Gone\n\tserver response: gone for good"},
		{name: "401 challenge", fault: proxytest.Unauthorized("u", "p"), kind: AuthRequired, status: 401, message: "401 Unauthorized"},
		{name: "403 without challenge", fault: proxytest.Status(403, "go away"), kind: NotServed, status: 403, message: "403 Forbidden\n\tserver response: go away"},
		{name: "filtered mirror", opts: []proxytest.Option{proxytest.WithFilter("example.com/basic@v1.0.0")}, kind: NotServed, status: 403, message: "This module version is not available."},
		{name: "host not permitted", opts: []proxytest.Option{proxytest.WithHosts("golang.org")}, kind: NotServed, status: 400, message: "host not permitted: example.com"},
		{name: "500", fault: proxytest.Status(500, ""), kind: ProxyError, status: 500, message: "500 Internal Server Error\n\tserver response: 500 Internal Server Error (injected by proxytest)"},
		{name: "502", fault: proxytest.Status(502, ""), kind: ProxyError, status: 502},
		{name: "garbage json", fault: proxytest.GarbageInfo(), kind: ProxyError, message: "invalid response from proxy"},
		{name: "wrong version", fault: proxytest.WrongVersion("v1.1.0"), kind: ProxyError, message: "proxy returned info for version v1.1.0 instead of requested version"},
		{name: "oversized", fault: proxytest.Oversized(5 << 20), copts: Options{MaxBody: 1 << 20}, kind: ProxyError, message: "larger than 1048576 bytes"},
		{name: "redirect loop", fault: proxytest.RedirectLoop(), kind: ProxyError, message: "stopped after 10 redirects"},
		{name: "hang", fault: proxytest.Hang(), copts: Options{RequestTimeout: 100 * time.Millisecond, ProxyDeadline: 500 * time.Millisecond}, kind: Unreachable, message: "did not answer within 500ms (gomodls proxy deadline)"},
		{name: "drip", fault: proxytest.Drip(100 * time.Millisecond), copts: Options{RequestTimeout: 300 * time.Millisecond, ProxyDeadline: 500 * time.Millisecond}, kind: Unreachable, message: "did not answer within 500ms (gomodls proxy deadline)"},
		{name: "reset", fault: proxytest.ConnReset(), kind: Unreachable, message: `Get "`},
		{name: "artifactory 404", opts: []proxytest.Option{proxytest.WithFlavor(proxytest.FlavorArtifactory)}, fault: proxytest.Status(404, "Could not find resource"), kind: NotFound, status: 404, message: "server response: Could not find resource"},
		{name: "429 forever", fault: proxytest.RetryAfter(429, time.Second), copts: Options{MaxRetries: -1}, kind: ProxyError, status: 429, message: "429 Too Many Requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := proxytest.New(t, tc.opts...)
			if !tc.fault.IsZero() {
				srv.Fault(mod, tc.fault)
			}
			c := newClient(t, srv, tc.copts)
			start := time.Now()
			_, err := c.Info(ctxT(t), mod, ver)
			e := wantKind(t, err, tc.kind)
			if tc.message != "" {
				wantContains(t, err.Error(), tc.message)
			}
			if e.Status != tc.status {
				t.Errorf("Status = %d, want %d", e.Status, tc.status)
			}
			if e.Proxy != srv.URL {
				t.Errorf("Proxy = %q, want %q", e.Proxy, srv.URL)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestNoGoroutineLeaks runs the faults that hold connections open, with
// timeouts and cancellations, and checks that nothing is left running.
func TestNoGoroutineLeaks(t *testing.T) {
	checkNoLeaks(t)
	srv := proxytest.New(t)
	c := newClient(t, srv, Options{RequestTimeout: 200 * time.Millisecond, ProxyDeadline: 300 * time.Millisecond, ZipTimeout: 300 * time.Millisecond})
	faults := []proxytest.Fault{
		proxytest.Hang(), proxytest.Drip(50 * time.Millisecond), proxytest.ConnReset(),
		proxytest.Oversized(64 << 20), proxytest.Latency(time.Second), proxytest.RedirectLoop(),
	}
	for i, f := range faults {
		srv.Fault("example.com/basic", f)
		c.Invalidate()
		c.mem.init() // forget immutable answers too: every call goes out
		v := fmt.Sprintf("v1.%d.0", i%2)
		c.Info(ctxT(t), "example.com/basic", v)
		c.ZipHash(ctxT(t), "example.com/basic", v)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		c.Versions(ctx, "example.com/basic")
		c.Latest(ctx, "example.com/basic")
		cancel()
	}
	srv.ClearFaults()
	if _, err := c.Info(ctxT(t), "example.com/basic", "v0.1.0"); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	srv := proxytest.New(t)
	tlsSrv := proxytest.NewTLS(t)
	for _, tc := range []struct {
		name    string
		goproxy string
		client  *http.Client
		message string
	}{
		{"refused", proxytest.RefusedURL(t), nil, "connection refused"},
		{"dns", proxytest.UnresolvableURL, nil, "no such host"},
		{"untrusted certificate", tlsSrv.URL, &http.Client{}, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, srv, Options{HTTPClient: tc.client}, "GOPROXY="+tc.goproxy)
			_, err := c.Info(ctxT(t), "example.com/basic", "v1.0.0")
			e := wantKind(t, err, Unreachable)
			wantContains(t, err.Error(), tc.message)
			wantContains(t, err.Error(), `example.com/basic@v1.0.0: Get "`)
			if e.Status != 0 {
				t.Errorf("Status = %d", e.Status)
			}
		})
	}
	// Trusted, the same TLS server answers.
	c := newClient(t, tlsSrv, Options{})
	if _, err := c.Info(ctxT(t), "example.com/basic", "v1.0.0"); err != nil {
		t.Errorf("trusted TLS: %v", err)
	}
}

func TestChain(t *testing.T) {
	a := proxytest.New(t)
	b := proxytest.New(t)
	refused := proxytest.RefusedURL(t)
	const mod, ver = "example.com/basic", "v1.0.0"
	for _, tc := range []struct {
		name     string
		goproxy  string
		faultA   proxytest.Fault
		faultB   proxytest.Fault
		source   string // who answers; "" for a failure
		kind     Kind   // the failure's kind
		attempts int
		askedB   bool
	}{
		{name: "A answers", goproxy: a.URL + "," + b.URL, source: a.URL},
		{name: "comma: 404 falls through", goproxy: a.URL + "," + b.URL, faultA: proxytest.Status(404, ""), source: b.URL, attempts: 1, askedB: true},
		{name: "comma: 410 falls through", goproxy: a.URL + "," + b.URL, faultA: proxytest.Status(410, ""), source: b.URL, attempts: 1, askedB: true},
		{name: "comma: 500 stops", goproxy: a.URL + "," + b.URL, faultA: proxytest.Status(500, ""), kind: ProxyError, attempts: 1},
		{name: "comma: 403 stops", goproxy: a.URL + "," + b.URL, faultA: proxytest.Status(403, ""), kind: NotServed, attempts: 1},
		{name: "pipe: 500 falls through", goproxy: a.URL + "|" + b.URL, faultA: proxytest.Status(500, ""), source: b.URL, attempts: 1, askedB: true},
		{name: "pipe: hang falls through", goproxy: a.URL + "|" + b.URL, faultA: proxytest.Hang(), source: b.URL, attempts: 1, askedB: true},
		{name: "pipe: refused falls through", goproxy: refused + "|" + b.URL, source: b.URL, attempts: 1, askedB: true},
		{name: "comma: refused stops", goproxy: refused + "," + b.URL, kind: Unreachable, attempts: 1},
		{name: "off after 404", goproxy: a.URL + ",off," + b.URL, faultA: proxytest.Status(404, ""), kind: Offline, attempts: 2},
		{name: "proxy error outranks a later 404", goproxy: a.URL + "|" + b.URL, faultA: proxytest.Status(502, ""), faultB: proxytest.Status(404, ""), kind: ProxyError, attempts: 2, askedB: true},
		{name: "last not-found wins", goproxy: a.URL + "," + b.URL, faultA: proxytest.Status(410, ""), faultB: proxytest.Status(404, "b says no"), kind: NotFound, attempts: 2, askedB: true},
		{name: "spaces and empty entries", goproxy: " " + a.URL + " ,, " + b.URL, faultA: proxytest.Status(404, ""), source: b.URL, attempts: 1, askedB: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.ClearFaults()
			b.ClearFaults()
			a.Reset()
			b.Reset()
			if !tc.faultA.IsZero() {
				a.Fault(mod, tc.faultA)
			}
			if !tc.faultB.IsZero() {
				b.Fault(mod, tc.faultB)
			}
			c := newClient(t, a, Options{RequestTimeout: 300 * time.Millisecond, ProxyDeadline: 500 * time.Millisecond}, "GOPROXY="+tc.goproxy)
			info, err := c.Info(ctxT(t), mod, ver)
			var atts []*Error
			if tc.source != "" {
				if err != nil {
					t.Fatalf("Info: %v", err)
				}
				if info.Source != tc.source {
					t.Errorf("answered by %s, want %s", info.Source, tc.source)
				}
				atts = info.Attempts
				if tc.attempts > 0 && !strings.Contains(info.FellThrough(), "(") {
					t.Errorf("FellThrough() = %q", info.FellThrough())
				}
			} else {
				e := wantKind(t, err, tc.kind)
				atts = e.Attempts
				if tc.name == "last not-found wins" {
					wantContains(t, e.Error(), "b says no")
				}
				if tc.kind == Offline {
					wantContains(t, e.Error(), "module lookup disabled by GOPROXY=off")
				}
			}
			if len(atts) != tc.attempts {
				t.Errorf("%d attempts, want %d: %s", len(atts), tc.attempts, explainAttempts(atts))
			}
			if asked := len(b.Requests()) > 0; asked != tc.askedB {
				t.Errorf("B asked: %v, want %v", asked, tc.askedB)
			}
		})
	}
}

func TestChainConfigErrors(t *testing.T) {
	srv := proxytest.New(t)
	for _, gp := range []string{"ftp://x", ",", " | "} {
		c := newClient(t, srv, Options{}, "GOPROXY="+gp)
		_, err := c.Info(ctxT(t), "example.com/basic", "v1.0.0")
		wantContains(t, wantKind(t, err, Invalid).Error(), "GOPROXY")
	}
	// A token given as a user name is hidden too.
	tc := newClient(t, srv, Options{RequestTimeout: 200 * time.Millisecond}, "GOPROXY=http://ghp_t0ken@127.0.0.1:1")
	_, err := tc.Info(ctxT(t), "example.com/basic", "v1.0.0")
	if e := wantKind(t, err, Unreachable); strings.Contains(e.Error(), "t0ken") || e.Proxy != "http://xxxxx@127.0.0.1:1" {
		t.Errorf("token leaked: %v (proxy %q)", e, e.Proxy)
	}
	// An "https://user:secret@host" proxy is never shown with its password.
	c := newClient(t, srv, Options{RequestTimeout: 200 * time.Millisecond}, "GOPROXY=http://user:s3cret@127.0.0.1:1")
	_, err = c.Info(ctxT(t), "example.com/basic", "v1.0.0")
	e := wantKind(t, err, Unreachable)
	if strings.Contains(e.Error(), "s3cret") || strings.Contains(e.Explain(), "s3cret") || strings.Contains(e.Proxy, "s3cret") {
		t.Errorf("password leaked: %v / %s", e, e.Explain())
	}
}

func TestFileProxy(t *testing.T) {
	srv := proxytest.New(t)
	dir := t.TempDir()
	if err := srv.WriteTree(dir); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, Options{}, "GOPROXY=file://"+filepath.ToSlash(dir))
	ctx := ctxT(t)
	info, err := c.Info(ctx, "example.com/Upper/mod", "v1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if info.Source != "file://"+filepath.ToSlash(dir) {
		t.Errorf("Source = %q", info.Source)
	}
	_, err = c.Info(ctx, "example.com/basic", "v1.9.9")
	e := wantKind(t, err, NotFound)
	wantContains(t, e.Error(), "example.com/basic@v1.9.9: reading file://")
	wantContains(t, e.Error(), "/example.com/basic/@v/v1.9.9.info: no such file or directory")
	if e.Module != ModuleKnown {
		t.Errorf("Module = %v", e.Module)
	}
	z, err := c.ZipHash(ctx, "example.com/basic", "v1.0.0")
	if err != nil || !strings.HasSuffix(srv.GoSumLines("example.com/basic", "v1.0.0")[0], z.Hash) {
		t.Errorf("ZipHash from file proxy = %+v, %v", z, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "example.com/basic/@v/v1.0.0.zip")); err != nil {
		t.Errorf("the file proxy's zip was removed: %v", err)
	}
	l, err := c.Latest(ctx, "example.com/basic")
	if err != nil || l.Version != "v1.1.0" {
		t.Errorf("Latest = %+v, %v", l, err)
	}
	if s := c.Stats(); s.Requests != 0 || s.FileReads == 0 {
		t.Errorf("Stats = %+v", s)
	}
	// A file:// proxy falls through like a 404.
	c2 := newClient(t, srv, Options{}, "GOPROXY=file://"+filepath.ToSlash(t.TempDir())+","+srv.URL)
	info, err = c2.Info(ctx, "example.com/basic", "v1.0.0")
	if err != nil || info.Source != srv.URL || len(info.Attempts) != 1 {
		t.Errorf("after an empty file proxy: %+v, %v", info, err)
	}
}

func TestLatest(t *testing.T) {
	srv := proxytest.New(t)
	// A module whose last compatible version has a go.mod: +incompatible
	// versions above it are ignored (golang.org/issue/34165).
	for _, v := range []string{"v1.0.0", "v2.0.0+incompatible"} {
		files := map[string]string{"x.go": "package x\n"}
		if v == "v1.0.0" {
			files["go.mod"] = "module example.com/incgomod\n\ngo 1.21\n"
		}
		if err := srv.AddModule("example.com/incgomod", v, files); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)
	for _, tc := range []struct{ path, want string }{
		{"example.com/basic", "v1.1.0"},                              // release over a newer prerelease
		{"example.com/prerelease", "v1.0.0-rc.1"},                    // prereleases only
		{"example.com/incompat", "v3.1.0+incompatible"},              // no go.mod anywhere
		{"example.com/incgomod", "v1.0.0"},                           // go.mod at v1.0.0
		{"example.com/pseudo", "v0.0.0-20240102030405-abcdef012345"}, // no tags: the proxy's @latest
	} {
		info, err := c.Latest(ctx, tc.path)
		if err != nil {
			t.Errorf("Latest(%s): %v", tc.path, err)
			continue
		}
		if info.Version != tc.want || info.Source != srv.URL {
			t.Errorf("Latest(%s) = %s from %s, want %s", tc.path, info.Version, info.Source, tc.want)
		}
	}
	if n := srv.Count("/example.com/basic/@latest"); n != 0 {
		t.Errorf("@latest asked for a module with releases (%d times); go uses the list", n)
	}
	_, err := c.Latest(ctx, "example.com/empty")
	e := wantKind(t, err, NotFound)
	if errors.Is(err, fs.ErrNotExist) || e.Module != ModuleKnown {
		t.Errorf("no-match error: Is(ErrNotExist)=%v Module=%v", errors.Is(err, fs.ErrNotExist), e.Module)
	}
	wantContains(t, err.Error(), `example.com/empty@latest: no matching versions for query "latest"`)
	_, err = c.Latest(ctx, "example.com/nosuch")
	wantKind(t, err, NotFound)
}

func TestLatestWithoutProxyLatest(t *testing.T) {
	// A corporate mirror answers 404 to every @latest.
	srv := proxytest.New(t, proxytest.WithoutLatest())
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)
	info, err := c.Latest(ctx, "example.com/basic")
	if err != nil || info.Version != "v1.1.0" {
		t.Errorf("Latest(basic) = %+v, %v", info, err)
	}
	// Pseudo-versions only, none listed: nothing the go command could pick.
	_, err = c.Latest(ctx, "example.com/pseudo")
	wantContains(t, wantKind(t, err, NotFound).Error(), "no matching versions")

	// A proxy whose list has pseudo-versions (with and without timestamps):
	// the newest by timestamp, its .info from the proxy.
	dir := t.TempDir()
	if err := srv.WriteTree(dir); err != nil {
		t.Fatal(err)
	}
	list := "v0.0.0-20231201000000-fedcba987654 2025-06-01T00:00:00Z\nv0.0.0-20240102030405-abcdef012345\n"
	if err := os.WriteFile(filepath.Join(dir, "example.com/pseudo/@v/list"), []byte(list), 0o666); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "example.com/pseudo/@latest"))
	fc := newClient(t, srv, Options{}, "GOPROXY=file://"+filepath.ToSlash(dir))
	info, err = fc.Latest(ctx, "example.com/pseudo")
	if err != nil || info.Version != "v0.0.0-20231201000000-fedcba987654" {
		t.Errorf("Latest from list timestamps = %+v, %v", info, err)
	}
}

func TestVersions(t *testing.T) {
	a := proxytest.New(t)
	b := proxytest.New(t)
	a.Fault("example.com/basic", proxytest.Status(404, "").On(proxytest.EndpointList))
	c := newClient(t, a, Options{}, "GOPROXY="+a.URL+","+b.URL)
	ctx := ctxT(t)
	l, err := c.Versions(ctx, "example.com/basic")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"v0.1.0", "v1.0.0", "v1.1.0", "v1.2.0-beta.1"}; !slices.Equal(l.Versions, want) {
		t.Errorf("Versions = %q, want %q", l.Versions, want)
	}
	if l.Source != b.URL || len(l.Attempts) != 1 || l.Attempts[0].Status != 404 || l.Attempts[0].Proxy != a.URL {
		t.Errorf("provenance = %+v", l.Provenance)
	}
	// Latest after Versions: the list is not fetched again.
	b.Reset()
	if info, err := c.Latest(ctx, "example.com/basic"); err != nil || info.Version != "v1.1.0" {
		t.Fatalf("Latest = %+v, %v", info, err)
	}
	if n := b.Count("/example.com/basic/@v/list"); n != 0 {
		t.Errorf("list fetched again (%d)", n)
	}
}

func TestRetryAfter(t *testing.T) {
	srv := proxytest.New(t)
	srv.Fault("example.com/basic", proxytest.RetryAfter(503, time.Second).Times(2))
	c := newClient(t, srv, Options{})
	start := time.Now()
	info, err := c.Info(ctxT(t), "example.com/basic", "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != "v1.0.0" {
		t.Errorf("Info = %+v", info)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("answered after %v; Retry-After: 1 twice was not honoured", d)
	}
	if s := c.Stats(); s.Retries != 2 || s.Requests != 3 {
		t.Errorf("Stats = %+v", s)
	}

	// The caller's deadline comes before the Retry-After: no waiting.
	srv.Fault("example.com/basic", proxytest.RetryAfter(429, 5*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start = time.Now()
	_, err = c.Info(ctx, "example.com/basic", "v1.1.0")
	e := wantKind(t, err, ProxyError)
	if e.Status != 429 || e.RetryAfter != "5" {
		t.Errorf("error = %+v", e)
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("took %v, want an immediate answer", d)
	}
	// A Retry-After beyond MaxRetryWait is not waited for either.
	c2 := newClient(t, srv, Options{MaxRetryWait: time.Second})
	start = time.Now()
	_, err = c2.Info(ctxT(t), "example.com/basic", "v1.0.0")
	wantKind(t, err, ProxyError)
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("took %v", d)
	}
}

func TestSingleflight(t *testing.T) {
	srv := proxytest.New(t)
	srv.Fault("example.com/basic", proxytest.Latency(300*time.Millisecond))
	c := newClient(t, srv, Options{})
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := c.Info(ctx, "example.com/basic", "v1.0.0")
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := c.ZipHash(ctx, "example.com/basic", "v1.0.0")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := srv.Count("/example.com/basic/@v/v1.0.0.info"); n != 1 {
		t.Errorf(".info fetched %d times, want 1", n)
	}
	if n := srv.Count("/example.com/basic/@v/v1.0.0.zip"); n != 1 {
		t.Errorf(".zip fetched %d times, want 1", n)
	}
	if s := c.Stats(); s.Requests != 2 || s.Shared+s.MemoryHits != 38 {
		t.Errorf("Stats = %+v", s)
	}
}

// countingTransport records the most requests in flight at once.
type countingTransport struct {
	base          http.RoundTripper
	cur, max, all atomic.Int64
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := ct.cur.Add(1)
	ct.all.Add(1)
	for {
		m := ct.max.Load()
		if n <= m || ct.max.CompareAndSwap(m, n) {
			break
		}
	}
	defer ct.cur.Add(-1)
	return ct.base.RoundTrip(r)
}

func TestPerHostConcurrency(t *testing.T) {
	srv := proxytest.New(t, proxytest.WithLatency(50*time.Millisecond))
	if err := srv.AddSynthetic("conc.example/m", 24, 1); err != nil {
		t.Fatal(err)
	}
	ct := &countingTransport{base: http.DefaultTransport}
	c := newClient(t, srv, Options{PerHostConcurrency: 3, HTTPClient: &http.Client{Transport: ct}})
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Go(func() {
			if _, err := c.Info(ctxT(t), proxytest.SyntheticPath("conc.example/m", i), "v1.0.0"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := ct.max.Load(); got != 3 {
		t.Errorf("%d requests in flight at most, want 3", got)
	}
	if got := ct.all.Load(); got != 24 {
		t.Errorf("%d requests, want 24", got)
	}
}

func TestCancellation(t *testing.T) {
	checkNoLeaks(t)
	srv := proxytest.New(t)
	srv.Fault("example.com/basic", proxytest.Hang())
	c := newClient(t, srv, Options{RequestTimeout: time.Minute})

	// Cancel: prompt Canceled, for every waiter of the shared request.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Info(ctx, "example.com/basic", "v1.0.0") })
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	wg.Wait()
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned %v after cancel", d)
	}
	for _, err := range errs {
		wantKind(t, err, Canceled)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("not context.Canceled: %v", err)
		}
	}
	// Not remembered: the next call asks again (once the abandoned
	// request has wound down; a call arriving before may join it).
	time.Sleep(100 * time.Millisecond)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	_, err := c.Info(ctx2, "example.com/basic", "v1.0.0")
	e := wantKind(t, err, Unreachable)
	wantContains(t, e.Error(), "deadline")
	if n := srv.Count("/example.com/basic/@v/v1.0.0.info"); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// Latest and ZipHash and Versions honour the deadline too.
	for name, f := range map[string]func(context.Context) error{
		"latest":   func(ctx context.Context) error { _, err := c.Latest(ctx, "example.com/basic"); return err },
		"versions": func(ctx context.Context) error { _, err := c.Versions(ctx, "example.com/basic"); return err },
		"zip":      func(ctx context.Context) error { _, err := c.ZipHash(ctx, "example.com/basic", "v1.1.0"); return err },
		"gomod":    func(ctx context.Context) error { _, err := c.GoMod(ctx, "example.com/basic", "v1.1.0"); return err },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		start := time.Now()
		err := f(ctx)
		cancel()
		wantKind(t, err, Unreachable)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: returned after %v", name, d)
		}
	}
}

func TestPrivacyGuard(t *testing.T) {
	srv := proxytest.New(t)
	c := newClient(t, srv, Options{}, "GOPRIVATE=git.corp.example.com", "GONOSUMDB=", "GOFLAGS=")
	if c.AllowedProxy("git.corp.example.com/team/lib") || !c.AllowedProxy("example.com/basic") {
		t.Errorf("AllowedProxy wrong")
	}
	// GONOSUMDB= (empty) counts as unset: it defaults to GOPRIVATE.
	if c.AllowedSumDB("git.corp.example.com/team/lib") || !c.AllowedSumDB("example.com/basic") {
		t.Errorf("AllowedSumDB wrong")
	}
	// The lowest layer refuses too, whatever a caller does.
	_, e := c.proxyReq(srv.URL, false, "git.corp.example.com/team/lib", "@v/list", "list", 1)
	if e == nil || !errors.Is(e, errPrivate) {
		t.Errorf("proxyReq for a private path: %v", e)
	}
	off := newClient(t, srv, Options{}, "GOSUMDB=off")
	if off.AllowedSumDB("example.com/basic") {
		t.Errorf("GOSUMDB=off allows the sumdb")
	}
}

// TestEvidentlyPrivateToCompanyProxy: a path that looks private, with no
// GOPRIVATE, goes to a company's proxy first in GOPROXY (the go command
// sends it there too, and the proxy may well serve it), but never on to a
// public proxy after it.
func TestEvidentlyPrivateToCompanyProxy(t *testing.T) {
	company, public := proxytest.New(t), proxytest.New(t)
	c := newClient(t, company, Options{PublicProxies: []string{public.URL}},
		"GOPROXY="+company.URL+","+public.URL, "GOPRIVATE=", "GONOPROXY=", "GONOSUMDB=", "GOFLAGS=")
	const path = "git.corp.example.com/team/lib"
	_, err := c.Info(ctxT(t), path, "v1.0.0")
	if err == nil {
		t.Fatal("Info of a module neither proxy serves succeeded")
	}
	if len(company.RequestsFor(path)) == 0 {
		t.Errorf("the company's proxy was not asked for %s", path)
	}
	public.AssertNoRequestMentions(t, "git.corp.example.com")
	wantContains(t, err.Error(), "looks private")

	// Without the company's proxy in front, nothing is sent at all.
	only := newClient(t, public, Options{PublicProxies: []string{public.URL}}, "GOPRIVATE=", "GONOPROXY=", "GONOSUMDB=", "GOFLAGS=")
	if _, err := only.Info(ctxT(t), path, "v1.0.0"); err == nil {
		t.Fatal("Info through the public proxy succeeded")
	}
	public.AssertNoRequestMentions(t, "git.corp.example.com")
}
