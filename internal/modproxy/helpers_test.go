// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/proxytest"
)

// testEnv loads the effective environment for environ (as GoEnv returns)
// without running the go command.
func testEnv(t testing.TB, environ []string) *goenv.Env {
	t.Helper()
	env, err := goenv.Load(context.Background(), goenv.Options{Environ: environ, GoCommand: "-", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// newClient returns a client for the fixture with extra environment
// entries (e.g. "GOPROXY=..."), short timeouts (a hung proxy is reported
// after 5s) and a private cache.
func newClient(t testing.TB, srv *proxytest.Server, opts Options, extra ...string) *Client {
	t.Helper()
	if opts.Env == nil {
		opts.Env = testEnv(t, srv.GoEnv(extra...))
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = srv.Client()
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = 2 * time.Second
	}
	if opts.ProxyDeadline == 0 {
		opts.ProxyDeadline = 5 * time.Second
	}
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantKind fails unless err is an *Error of kind k.
func wantKind(t testing.TB, err error, k Kind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *modproxy.Error of kind %s", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("error kind %s, want %s: %v", e.Kind, k, err)
	}
	return e
}

func wantContains(t testing.TB, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

// checkNoLeaks fails if goroutines started during the test are still
// running shortly after it (the fixture's own are stopped first).
func checkNoLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// explainAttempts describes attempts as Error.Explain does.
func explainAttempts(atts []*Error) string { return (&Error{Attempts: atts}).Explain() }
