// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// The cross-check runs the real go command (`go list -m -json mod@ver`, a
// fresh GOPATH and module cache each time) and our client against the
// same fixture and asserts the same verdict and the same answering proxy.

// verdicts
const (
	vFound    = "found"
	vNotFound = "not-found"
	vDisabled = "disabled" // GOPROXY=off / an "off" entry
	vFailed   = "failed"
	vHang     = "hang" // the go command did not answer within its timeout
)

type xcheck struct {
	env     []string                     // environment for both
	opts    Options                      // our client (Env is filled in)
	servers map[string]*proxytest.Server // label -> server, to see who answered
	origin  *proxytest.GitOrigin
	fileDir string
	goWait  time.Duration // the go command's timeout (default 60s)
}

// label names who answered, for our Provenance.Source.
func (x *xcheck) label(source string) string {
	for name, s := range x.servers {
		if source == s.URL {
			return name
		}
		if source == SourceDirect+" (mod "+s.URL+")" {
			return name + " (mod)"
		}
	}
	switch {
	case strings.HasPrefix(source, "file://"):
		return "file"
	case strings.HasPrefix(source, SourceDirect+" (git "):
		return "origin git"
	}
	return source
}

// goAnswerer finds which fixture served the go command's .info (or, for
// git, the origin).
func (x *xcheck) goAnswerer(path, version string) string {
	var names []string
	for name, s := range x.servers {
		for _, r := range s.Requests() {
			if r.Server == "proxy" && r.Endpoint == proxytest.EndpointInfo && r.Module == path && r.Version == version && r.Status == 200 {
				names = append(names, name)
				break
			}
		}
	}
	sort.Strings(names)
	for i, n := range names {
		if n == "priv" {
			names[i] = "priv (mod)" // reachable only through a go-import "mod" entry
		}
	}
	if len(names) > 0 {
		return strings.Join(names, "+")
	}
	if x.origin != nil {
		for _, r := range x.origin.Requests() {
			if strings.Contains(r, ".git/") || strings.HasSuffix(r, "/info/refs") {
				return "origin git"
			}
		}
	}
	if x.fileDir != "" {
		return "file"
	}
	return ""
}

var notExistText = regexp.MustCompile(`404 Not Found|410 Gone|unknown revision|no such file or directory|no matching versions|not found`)

func goVerdict(out string, err error, hung bool) string {
	switch {
	case hung:
		return vHang
	case err == nil:
		return vFound
	case strings.Contains(out, "module lookup disabled"):
		return vDisabled
	case notExistText.MatchString(out):
		return vNotFound
	}
	return vFailed
}

func ourVerdict(err error) string {
	switch KindOf(err) {
	case 0:
		if err == nil {
			return vFound
		}
		return vFailed
	case NotFound:
		return vNotFound
	case Offline:
		return vDisabled
	}
	return vFailed
}

type xcase struct {
	name          string
	path, version string
	setup         func(t *testing.T) *xcheck
	wantGo        string // the go command's verdict
	wantUs        string // ours (equal to wantGo unless the note says why)
	wantKind      Kind   // our error kind, for failures
	by            string // who answered (both), for found
	note          string
}

type xrow struct {
	name, goV, usV, goBy, usBy, kind, note string
}

func TestCrossCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command 50 times")
	}
	// proxy A with the default corpus; B serves the same checksum database.
	ab := func(goproxy func(a, b *proxytest.Server) string, fa, fb proxytest.Fault, aopts ...proxytest.Option) func(t *testing.T) *xcheck {
		return func(t *testing.T) *xcheck {
			a := proxytest.New(t, aopts...)
			b := proxytest.New(t, proxytest.WithSumDBOf(a))
			if !fa.IsZero() {
				a.Fault("example.com", fa)
			}
			if !fb.IsZero() {
				b.Fault("example.com", fb)
			}
			return &xcheck{env: a.GoEnv("GOPROXY=" + goproxy(a, b)), servers: map[string]*proxytest.Server{"A": a, "B": b}}
		}
	}
	onlyA := func(a, b *proxytest.Server) string { return a.URL }
	aCommaB := func(a, b *proxytest.Server) string { return a.URL + "," + b.URL }
	aPipeB := func(a, b *proxytest.Server) string { return a.URL + "|" + b.URL }
	proxyOnly := func(f proxytest.Fault) proxytest.Fault { return f.On(proxytest.EndpointProxy) }

	// TLS proxy with optional netrc / GOAUTH credentials.
	tlsCase := func(trusted bool, fault proxytest.Fault, creds func(t *testing.T, s *proxytest.Server, env []string) []string) func(t *testing.T) *xcheck {
		return func(t *testing.T) *xcheck {
			s := proxytest.NewTLS(t)
			if !fault.IsZero() {
				s.Fault("example.com", fault)
			}
			env := s.GoEnv()
			x := &xcheck{servers: map[string]*proxytest.Server{"A": s}, opts: Options{HTTPClient: s.Client()}}
			if !trusted {
				env = s.GoEnv("SSL_CERT_FILE=" + filepath.Join(t.TempDir(), "none.pem"))
				x.opts.HTTPClient = &http.Client{}
			}
			if creds != nil {
				env = creds(t, s, env)
			}
			x.env = env
			return x
		}
	}
	netrc := func(user, pass string) func(t *testing.T, s *proxytest.Server, env []string) []string {
		return func(t *testing.T, s *proxytest.Server, env []string) []string {
			p, _ := proxytest.EnvValue(env, "NETRC")
			if err := os.WriteFile(p, []byte(s.NetrcLine(user, pass)), 0o600); err != nil {
				t.Fatal(err)
			}
			return env
		}
	}
	goauthCommand := func(user, pass string) func(t *testing.T, s *proxytest.Server, env []string) []string {
		return func(t *testing.T, s *proxytest.Server, env []string) []string {
			script := filepath.Join(t.TempDir(), "goauth.sh")
			token := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
			body := fmt.Sprintf("#!/bin/sh\nprintf 'https://%s\\n\\nAuthorization: Basic %s\\n\\n'\n", s.Host(), token)
			if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
				t.Fatal(err)
			}
			return append(env, "GOAUTH="+script)
		}
	}
	fileTree := func(t *testing.T) *xcheck {
		s := proxytest.New(t)
		// Not t.TempDir(): test names hold commas, which split GOPROXY.
		dir, err := os.MkdirTemp("", "modproxy-file")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if err := s.WriteTree(dir); err != nil {
			t.Fatal(err)
		}
		return &xcheck{env: s.GoEnv("GOPROXY=file://" + filepath.ToSlash(dir)), servers: map[string]*proxytest.Server{}, fileDir: dir}
	}
	direct := func(extra ...string) func(t *testing.T) *xcheck {
		return func(t *testing.T) *xcheck {
			f := newDirectFixture(t)
			return &xcheck{
				env:     f.env(extra...),
				opts:    Options{HTTPClient: f.origin.HTTPClient()},
				servers: map[string]*proxytest.Server{"A": f.pub, "priv": f.priv},
				origin:  f.origin,
			}
		}
	}

	cases := []xcase{
		{name: "found", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}), wantGo: vFound, by: "A"},
		{name: "mixed-case path", path: "example.com/Upper/mod", version: "v1.1.0", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}), wantGo: vFound, by: "A"},
		{name: "pseudo-version", path: "example.com/pseudo", version: "v0.0.0-20240102030405-abcdef012345", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}), wantGo: vFound, by: "A"},
		{name: "+incompatible", path: "example.com/incompat", version: "v2.0.0+incompatible", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}), wantGo: vFound, by: "A"},
		{name: "unknown version (404)", path: "example.com/basic", version: "v1.9.9", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}), wantGo: vNotFound},
		{name: "unknown module (404)", path: "example.com/nosuch", version: "v1.0.0", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}), wantGo: vNotFound},
		{name: "410 Gone", path: "example.com/basic", version: "v1.9.9", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}, proxytest.WithNotFoundStatus(410)), wantGo: vNotFound},
		{name: "artifactory 404 (JSON body)", path: "example.com/basic", version: "v1.9.9", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}, proxytest.WithFlavor(proxytest.FlavorArtifactory)), wantGo: vNotFound},
		{name: "proxy under a base path", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}, proxytest.WithBasePath("/api/go/go")), wantGo: vFound, by: "A"},
		{name: "500", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxyOnly(proxytest.Status(500, "")), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "401 challenge, no credentials", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxyOnly(proxytest.Unauthorized("u", "p")), proxytest.Fault{}), wantGo: vFailed, wantKind: AuthRequired},
		{name: "403 filtered mirror", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}, proxytest.WithFilter("example.com/basic@v1.0.0")), wantGo: vFailed, wantKind: NotServed},
		{name: "400 host not permitted", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxytest.Fault{}, proxytest.Fault{}, proxytest.WithHosts("golang.org")), wantGo: vFailed, wantKind: NotServed},
		{name: "garbage .info", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxytest.GarbageInfo(), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "wrong version in .info", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxytest.WrongVersion("v1.1.0"), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "connection reset", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxyOnly(proxytest.ConnReset()), proxytest.Fault{}), wantGo: vFailed, wantKind: Unreachable},
		{name: "redirect loop", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxyOnly(proxytest.RedirectLoop()), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "429 with Retry-After, persistent", path: "example.com/basic", version: "v1.0.0", setup: ab(onlyA, proxyOnly(proxytest.RetryAfter(429, time.Second)), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "hang", path: "example.com/basic", version: "v1.0.0", setup: func(t *testing.T) *xcheck {
			x := ab(onlyA, proxyOnly(proxytest.Hang()), proxytest.Fault{})(t)
			x.goWait = 4 * time.Second
			return x
		}, wantGo: vHang, wantUs: vFailed, wantKind: Unreachable, note: "go has no timeout; we answer within ProxyDeadline"},
		{name: "connection refused", path: "example.com/basic", version: "v1.0.0", setup: func(t *testing.T) *xcheck {
			s := proxytest.New(t)
			return &xcheck{env: s.GoEnv("GOPROXY=" + proxytest.RefusedURL(t)), servers: map[string]*proxytest.Server{}}
		}, wantGo: vFailed, wantKind: Unreachable},
		{name: "DNS failure", path: "example.com/basic", version: "v1.0.0", setup: func(t *testing.T) *xcheck {
			s := proxytest.New(t)
			return &xcheck{env: s.GoEnv("GOPROXY=" + proxytest.UnresolvableURL), servers: map[string]*proxytest.Server{}}
		}, wantGo: vFailed, wantKind: Unreachable},
		{name: "TLS, trusted", path: "example.com/basic", version: "v1.0.0", setup: tlsCase(true, proxytest.Fault{}, nil), wantGo: vFound, by: "A"},
		{name: "TLS, untrusted certificate", path: "example.com/basic", version: "v1.0.0", setup: tlsCase(false, proxytest.Fault{}, nil), wantGo: vFailed, wantKind: Unreachable},
		{name: "TLS untrusted + GOINSECURE (proxies unaffected)", path: "example.com/basic", version: "v1.0.0", setup: func(t *testing.T) *xcheck {
			x := tlsCase(false, proxytest.Fault{}, nil)(t)
			x.env = append(x.env, "GOINSECURE=example.com")
			return x
		}, wantGo: vFailed, wantKind: Unreachable},
		{name: "netrc credentials", path: "example.com/basic", version: "v1.0.0", setup: tlsCase(true, proxyOnly(proxytest.Unauthorized("alice", "s3cret")), netrc("alice", "s3cret")), wantGo: vFound, by: "A"},
		{name: "netrc wrong password (403)", path: "example.com/basic", version: "v1.0.0", setup: tlsCase(true, proxyOnly(proxytest.Unauthorized("alice", "s3cret")), netrc("alice", "wrong")), wantGo: vFailed, wantKind: AuthRequired},
		{name: "GOAUTH command credentials", path: "example.com/basic", version: "v1.0.0", setup: tlsCase(true, proxyOnly(proxytest.Unauthorized("bob", "t0ken")), goauthCommand("bob", "t0ken")), wantGo: vFound, by: "A"},
		{name: "GOAUTH=off with a challenge", path: "example.com/basic", version: "v1.0.0", setup: func(t *testing.T) *xcheck {
			x := tlsCase(true, proxyOnly(proxytest.Unauthorized("alice", "s3cret")), netrc("alice", "s3cret"))(t)
			x.env = append(x.env, "GOAUTH=off")
			return x
		}, wantGo: vFailed, wantKind: AuthRequired},
		{name: "A,B: A 404 falls through", path: "example.com/basic", version: "v1.0.0", setup: ab(aCommaB, proxyOnly(proxytest.Status(404, "")), proxytest.Fault{}), wantGo: vFound, by: "B"},
		{name: "A,B: A 410 falls through", path: "example.com/basic", version: "v1.0.0", setup: ab(aCommaB, proxyOnly(proxytest.Status(410, "")), proxytest.Fault{}), wantGo: vFound, by: "B"},
		{name: "A,B: A 500 stops", path: "example.com/basic", version: "v1.0.0", setup: ab(aCommaB, proxyOnly(proxytest.Status(500, "")), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "A,B: A 403 stops", path: "example.com/basic", version: "v1.0.0", setup: ab(aCommaB, proxyOnly(proxytest.Status(403, "")), proxytest.Fault{}), wantGo: vFailed, wantKind: NotServed},
		{name: "A|B: A 500 falls through", path: "example.com/basic", version: "v1.0.0", setup: ab(aPipeB, proxyOnly(proxytest.Status(500, "")), proxytest.Fault{}), wantGo: vFound, by: "B"},
		{name: "A|B: A reset falls through", path: "example.com/basic", version: "v1.0.0", setup: ab(aPipeB, proxyOnly(proxytest.ConnReset()), proxytest.Fault{}), wantGo: vFound, by: "B"},
		{name: "A|B: both fail, A's error reported", path: "example.com/basic", version: "v1.9.9", setup: ab(aPipeB, proxyOnly(proxytest.Status(502, "")), proxytest.Fault{}), wantGo: vFailed, wantKind: ProxyError},
		{name: "A,B: not found anywhere", path: "example.com/basic", version: "v1.9.9", setup: ab(aCommaB, proxytest.Fault{}, proxytest.Fault{}), wantGo: vNotFound},
		{name: "off", path: "example.com/basic", version: "v1.0.0", setup: ab(func(a, b *proxytest.Server) string { return "off" }, proxytest.Fault{}, proxytest.Fault{}), wantGo: vDisabled},
		{name: "A,off: A 404 then off", path: "example.com/basic", version: "v1.0.0", setup: ab(func(a, b *proxytest.Server) string { return a.URL + ",off" }, proxyOnly(proxytest.Status(404, "")), proxytest.Fault{}), wantGo: vDisabled},
		{name: "file:// proxy", path: "example.com/Upper/mod", version: "v1.0.0", setup: fileTree, wantGo: vFound, by: "file"},
		{name: "file:// proxy, missing version", path: "example.com/basic", version: "v1.9.9", setup: fileTree, wantGo: vNotFound},
		{name: "GOPRIVATE: direct via git", path: corp + "/team/lib", version: "v1.0.0", setup: direct(), wantGo: vFound, by: "origin git"},
		{name: "GOPRIVATE: direct, unknown tag", path: corp + "/team/lib", version: "v1.9.9", setup: direct(), wantGo: vNotFound},
		{name: "GOPRIVATE: path naming its VCS (.git)", path: corp + "/team/dotgit.git", version: "v1.0.0", setup: direct(), wantGo: vFound, by: "origin git"},
		{name: "GOPRIVATE: .git path, unknown tag", path: corp + "/team/dotgit.git", version: "v1.9.9", setup: direct(), wantGo: vNotFound},
		{name: "GOPRIVATE without GOINSECURE: .git path, no secure protocol", path: corp + "/team/dotgit.git", version: "v1.0.0", setup: direct("GOINSECURE="), wantGo: vFailed, wantKind: Unreachable},
		{name: "GOPRIVATE: go-import mod entry", path: corp + "/team/App", version: "v0.1.0", setup: direct(), wantGo: vFound, by: "priv (mod)"},
		{name: "GONOPROXY+GONOSUMDB (no GOPRIVATE): mod entry", path: corp + "/team/App", version: "v0.1.0", setup: direct("GOPRIVATE=", "GONOPROXY="+corp, "GONOSUMDB="+corp), wantGo: vFound, by: "priv (mod)"},
		{name: "GOPRIVATE without GOINSECURE: no https origin", path: corp + "/team/lib", version: "v1.0.0", setup: direct("GOINSECURE="), wantGo: vFailed, wantKind: Unreachable},
		{name: "GOVCS forbids git for the private host", path: corp + "/team/lib", version: "v1.0.0", setup: direct("GOVCS=" + corp + ":hg"), wantGo: vFailed, wantKind: Direct},
		{name: "GONOPROXY only (sumdb still asked)", path: corp + "/team/App", version: "v0.1.0", setup: direct("GOPRIVATE=", "GONOPROXY="+corp), wantGo: vFound, by: "priv (mod)", note: "go asks the checksum DB about the private path (410, ignored by list -m); AllowedSumDB is true here too"},
	}

	var mu sync.Mutex
	var rows []xrow
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		slices.SortFunc(rows, func(a, b xrow) int { return indexOf(cases, a.name) - indexOf(cases, b.name) })
		var b strings.Builder
		b.WriteString("\n| case | go | go answered by | modproxy | modproxy answered by / kind |\n|---|---|---|---|---|\n")
		for _, r := range rows {
			us := r.usBy
			if r.kind != "" {
				us = r.kind
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.name, r.goV, r.goBy, r.usV, us)
		}
		t.Log(b.String())
	})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := tc.setup(t)
			wait := x.goWait
			if wait == 0 {
				wait = 60 * time.Second
			}
			out, err, hung := runGo(t, x.env, wait, "list", "-m", "-json", tc.path+"@"+tc.version)
			gv := goVerdict(out, err, hung)
			goBy := ""
			if gv == vFound {
				goBy = x.goAnswerer(tc.path, tc.version)
			}
			if gv != tc.wantGo {
				t.Errorf("go verdict %s, want %s:\n%s", gv, tc.wantGo, out)
			}

			if os.Getenv("XCHECK_DEBUG") != "" {
				for name, s := range x.servers {
					for _, r := range s.Requests() {
						t.Logf("go -> %s: %s", name, r)
					}
				}
			}
			// Our requests only, from here on.
			for _, s := range x.servers {
				s.Reset()
			}
			opts := x.opts
			opts.Env = testEnv(t, x.env)
			opts.RequestTimeout = time.Second
			opts.ProxyDeadline = 2 * time.Second
			opts.NoModCache = true // the go command just filled it
			if opts.HTTPClient == nil {
				opts.HTTPClient = http.DefaultClient
			}
			c, cerr := New(opts)
			if cerr != nil {
				t.Fatal(cerr)
			}
			ctx := ctxT(t)
			start := time.Now()
			info, uerr := c.Info(ctx, tc.path, tc.version)
			elapsed := time.Since(start)
			uv := ourVerdict(uerr)
			usBy, kind := "", ""
			if info != nil {
				usBy = x.label(info.Source)
			}
			if uerr != nil {
				kind = KindOf(uerr).String()
			}
			want := tc.wantUs
			if want == "" {
				want = tc.wantGo
			}
			if uv != want {
				t.Errorf("our verdict %s, want %s: %v", uv, want, uerr)
			}
			if tc.wantKind != 0 && KindOf(uerr) != tc.wantKind {
				t.Errorf("our kind %s, want %s: %v", KindOf(uerr), tc.wantKind, uerr)
			}
			if tc.by != "" {
				if usBy != tc.by {
					t.Errorf("we were answered by %q, want %q", usBy, tc.by)
				}
				if gv == vFound && goBy != tc.by {
					t.Errorf("go was answered by %q, want %q", goBy, tc.by)
				}
			}
			if gv == vHang && elapsed > 3*time.Second {
				t.Errorf("we took %v where go hangs", elapsed)
			}
			if strings.HasPrefix(tc.name, "GONOPROXY only") && !c.AllowedSumDB(tc.path) {
				// The go command did ask the database: the sumdb layer will too.
				t.Errorf("AllowedSumDB(%s) = false with GONOSUMDB unset", tc.path)
			}
			if strings.HasPrefix(tc.path, corp) {
				x.servers["A"].AssertNoRequestMentions(t, corp)
			}
			var e *Error
			if errors.As(uerr, &e) {
				t.Logf("ours: %v", e)
			}
			t.Logf("go: %s", firstLine(out))
			mu.Lock()
			rows = append(rows, xrow{tc.name, gv, uv, goBy, usBy, kind, tc.note})
			mu.Unlock()
		})
	}
}

// TestCrossCheckSerialProxy: a proxy that serves one request at a time,
// slowly enough that 64 requests sent at once with a 200ms timeout mostly
// fail (checked first, with a plain client: the old modproxy behaved so).
// The go command fetches every module; so must we, with the same short
// RequestTimeout, in bounded time.
func TestCrossCheckSerialProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	const (
		n       = 64
		latency = 15 * time.Millisecond
		timeout = 200 * time.Millisecond
		prefix  = "serial.example/m"
	)
	srv := proxytest.New(t, proxytest.WithSerial(latency))
	if err := srv.AddSynthetic(prefix, n, 1); err != nil {
		t.Fatal(err)
	}
	var mods []string
	for i := range n {
		mods = append(mods, proxytest.SyntheticPath(prefix, i)+"@v1.0.0")
	}

	// The control: all at once, each with the timeout, as before.
	plain := &http.Client{Timeout: timeout}
	var failed atomic.Int64
	var wg sync.WaitGroup
	for _, m := range mods {
		wg.Go(func() {
			p, v, _ := strings.Cut(m, "@")
			resp, err := plain.Get(srv.URL + "/" + p + "/@v/" + v + ".info")
			if err != nil {
				failed.Add(1)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if failed.Load() < n/2 {
		t.Fatalf("only %d of %d requests at once timed out: the fixture is not slow enough to show the defect", failed.Load(), n)
	}

	// The go command: one thing at a time, no timeout.
	out, err, hung := runGo(t, srv.GoEnv(), 2*time.Minute, append([]string{"list", "-m", "-json"}, mods...)...)
	if err != nil || hung {
		t.Fatalf("go list -m: %v (hung %v)\n%s", err, hung, out)
	}

	// Us: every lookup at once, the same short timeout; all answered.
	srv.Reset()
	c, err := New(Options{Env: testEnv(t, srv.GoEnv()), HTTPClient: srv.Client(), NoModCache: true,
		RequestTimeout: timeout, ProxyDeadline: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	start := time.Now()
	for _, m := range mods {
		wg.Go(func() {
			p, v, _ := strings.Cut(m, "@")
			if info, err := c.Info(ctx, p, v); err != nil {
				t.Errorf("go found %s; we: %v", m, err)
			} else if info.Source != srv.URL {
				t.Errorf("%s answered by %s", m, info.Source)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	s := c.Stats()
	t.Logf("%d lookups through a serial proxy (%v each): %v; %d requests, at most %d at the proxy at once, %d slow, %d backoffs",
		n, latency, took, s.Requests, srv.PeakConcurrency(), s.SlowRequests, s.Backoffs)
	if took > 20*time.Second {
		t.Errorf("took %v (the proxy needs about %v)", took, n*latency)
	}
}

func indexOf(cases []xcase, name string) int {
	for i, c := range cases {
		if c.name == name {
			return i
		}
	}
	return -1
}
