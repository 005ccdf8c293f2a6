// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// A proxy that serves one request at a time is slow, not unreachable: the
// go command, asking one thing at a time without a timeout, gets every
// answer, and so must we. With the old client (64 requests at once, each
// failed after RequestTimeout) the 6th request in the proxy's queue
// already failed: 6 × 20 ms > 100 ms.
func TestSerialProxyIsWaitedFor(t *testing.T) {
	const (
		n       = 40
		latency = 20 * time.Millisecond
		timeout = 100 * time.Millisecond
	)
	srv := proxytest.New(t, proxytest.WithSerial(latency))
	if err := srv.AddSynthetic("serial.example/m", n, 1); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, Options{RequestTimeout: timeout, ProxyDeadline: time.Minute})

	// Watch the progress while the lookups run.
	var seen atomic.Value // a Waiting with requests queued or in flight
	stop := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				for _, w := range c.Waiting() {
					if w.InFlight+w.Queued > 1 && seen.Load() == nil {
						seen.Store(w)
					}
				}
			}
		}
	})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := c.Info(ctxT(t), proxytest.SyntheticPath("serial.example/m", i), "v1.0.0"); err != nil {
				t.Errorf("slow proxy reported as failing: %v", err)
			}
		})
	}
	wg.Wait()
	close(stop)
	watcher.Wait()

	s := c.Stats()
	if s.Backoffs == 0 || s.SlowRequests == 0 {
		t.Errorf("Stats = %+v: the window was never cut although answers came after RequestTimeout", s)
	}
	// The client did not send everything at once.
	if p := srv.PeakConcurrency(); p >= n {
		t.Errorf("%d requests at the proxy at once (all of them)", p)
	}
	w, _ := seen.Load().(Waiting)
	if w.Proxy != srv.URL || w.Limit < 1 || w.Host == "" {
		t.Errorf("Waiting while the proxy was busy = %+v", w)
	}
	if ws := c.Waiting(); len(ws) != 0 {
		t.Errorf("Waiting after the lookups = %+v", ws)
	}
}

// A fast proxy gets the whole PerHostConcurrency: the window grows from
// its start while answers come as fast as the first ones.
func TestWindowGrowsOnFastProxy(t *testing.T) {
	const n = 200
	srv := proxytest.New(t, proxytest.WithLatency(30*time.Millisecond))
	if err := srv.AddSynthetic("fast.example/m", n, 1); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, Options{PerHostConcurrency: 64})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := c.Info(ctxT(t), proxytest.SyntheticPath("fast.example/m", i), "v1.0.0"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := srv.PeakConcurrency(); p <= initialWindow {
		t.Errorf("at most %d requests at once: the window never grew past %d", p, initialWindow)
	}
	if p := srv.PeakConcurrency(); p > 64 {
		t.Errorf("%d requests at once, more than PerHostConcurrency", p)
	}
}

// A proxy that answers nothing is reported, after ProxyDeadline, as not
// answering; the requests queued behind the unanswered ones fail then too,
// without being sent (each does not wait its own deadline).
func TestHungProxyReportedAfterDeadline(t *testing.T) {
	srv := proxytest.New(t)
	srv.Fault("example.com/deep", proxytest.Hang())
	c := newClient(t, srv, Options{RequestTimeout: 50 * time.Millisecond, ProxyDeadline: 400 * time.Millisecond, PerHostConcurrency: 2})
	paths := []string{"example.com/deep/a", "example.com/deep/b", "example.com/deep/c", "example.com/deep/d", "example.com/deep/e"}
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { _, errs[i] = c.Info(ctxT(t), p, "v1.0.0") })
	}
	wg.Wait()
	notAnswered := 0
	for _, err := range errs {
		e := wantKind(t, err, Unreachable)
		wantContains(t, e.Error(), "did not answer within 400ms (gomodls proxy deadline)")
		if e.Proxy != srv.URL {
			t.Errorf("Proxy = %q", e.Proxy)
		}
		if !strings.Contains(e.Error(), "not asked again") {
			notAnswered++
		}
	}
	if notAnswered != 2 {
		t.Errorf("%d requests waited for their own deadline, want 2 (the window): %v", notAnswered, errs)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests sent, want 2:\n%v", n, srv.Requests())
	}
	// "Recheck now" asks the host again.
	c.Invalidate()
	c.mem.init()
	srv.ClearFaults()
	if _, err := c.Info(ctxT(t), "example.com/deep/a", "v1.0.0"); err != nil {
		t.Errorf("after Invalidate: %v", err)
	}
}

// Not connecting is reported at once; connecting and not answering only
// after ProxyDeadline.
func TestConnectFailsAtOnceSlowAnswerWaited(t *testing.T) {
	// A host that accepts connections and never says a word: TLS cannot
	// even start.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	conns.Go(func() {
		var open []net.Conn
		defer func() {
			for _, c := range open {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			open = append(open, c)
		}
	})
	srv := proxytest.New(t)
	silent := ln.Addr().String()

	// https: the handshake does not complete within RequestTimeout.
	c := newClient(t, srv, Options{HTTPClient: &http.Client{}, RequestTimeout: 200 * time.Millisecond, ProxyDeadline: time.Minute}, "GOPROXY=https://"+silent)
	start := time.Now()
	_, err = c.Info(ctxT(t), "example.com/basic", "v1.0.0")
	e := wantKind(t, err, Unreachable)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("a failed TLS handshake took %v to report; ProxyDeadline (1m) applies to connected requests only", d)
	}
	if !strings.Contains(e.Error(), "could not connect within 200ms") && !strings.Contains(e.Error(), "TLS handshake timeout") {
		t.Errorf("error = %v", e)
	}

	// http: connected; no answer is waited for until ProxyDeadline.
	c = newClient(t, srv, Options{HTTPClient: &http.Client{}, RequestTimeout: 50 * time.Millisecond, ProxyDeadline: 500 * time.Millisecond}, "GOPROXY=http://"+silent)
	_, err = c.Info(ctxT(t), "example.com/basic", "v1.0.0")
	e = wantKind(t, err, Unreachable)
	wantContains(t, e.Error(), "did not answer within 500ms (gomodls proxy deadline)")
	if s := c.Stats(); s.SlowRequests != 1 {
		t.Errorf("SlowRequests = %d, want 1", s.SlowRequests)
	}

	// The caller's own deadline still ends the wait.
	c = newClient(t, srv, Options{HTTPClient: &http.Client{}, RequestTimeout: 50 * time.Millisecond, ProxyDeadline: time.Minute}, "GOPROXY=http://"+silent)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.Info(ctx, "example.com/basic", "v1.0.0")
	wantContains(t, wantKind(t, err, Unreachable).Error(), "deadline")
}

// The window adapts: it halves on 429/5xx and on slow answers, once per
// round, and grows back while answers are fast.
func TestHostGateAIMD(t *testing.T) {
	g := newHostGate(64, time.Minute)
	if g.limit() != initialWindow {
		t.Fatalf("initial window %d", g.limit())
	}
	ctx := context.Background()
	take := func() *slot {
		s, err := g.acquire(ctx, "p")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Fast answers: +3 each (slow start).
	for range 2 {
		g.release(take(), outcome{answered: true, ttfb: 10 * time.Millisecond})
	}
	if g.limit() != initialWindow+6 {
		t.Errorf("after 2 fast answers: window %d, want %d", g.limit(), initialWindow+6)
	}
	// A much slower answer does not grow it.
	g.release(take(), outcome{answered: true, ttfb: time.Second})
	if g.limit() != initialWindow+6 {
		t.Errorf("after a slow answer: window %d", g.limit())
	}
	// Two requests in flight both get 503: one cut.
	a, b := take(), take()
	g.release(a, outcome{answered: true, congested: true})
	g.release(b, outcome{answered: true, congested: true})
	if want := (initialWindow + 6) / 2; g.limit() != want {
		t.Errorf("after a round of 503s: window %d, want %d", g.limit(), want)
	}
	// Above ssthresh, growth is by 1/window per answer.
	w := g.window
	g.release(take(), outcome{answered: true, ttfb: 10 * time.Millisecond})
	if g.window <= w || g.window >= w+1 {
		t.Errorf("congestion avoidance: window %v after %v", g.window, w)
	}
	// A slow request (RequestTimeout passed) cuts it while in flight.
	s := take()
	w = g.window
	g.slowRequest(s)
	if g.window != max(w/2, 1) || g.slow != 1 {
		t.Errorf("slow request: window %v after %v", g.window, w)
	}
	g.release(s, outcome{answered: true, ttfb: 5 * time.Second})
	// Never below 1, never above the maximum.
	for range 20 {
		g.release(take(), outcome{answered: true, congested: true})
	}
	if g.limit() != 1 {
		t.Errorf("window %d after many cuts", g.limit())
	}
	small := newHostGate(3, time.Minute)
	for range 10 {
		small.release(func() *slot { s, _ := small.acquire(ctx, "p"); return s }(), outcome{answered: true, ttfb: time.Millisecond})
	}
	if small.limit() != 3 {
		t.Errorf("window %d, max 3", small.limit())
	}
	// A queued request leaves the queue when its context ends.
	one := newHostGate(1, time.Minute)
	held, _ := one.acquire(ctx, "p")
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := one.acquire(cctx, "p"); err == nil {
		t.Errorf("acquired past a full window")
	}
	if len(one.queue) != 0 {
		t.Errorf("queue not empty: %d", len(one.queue))
	}
	one.release(held, outcome{})
	if one.inFlight != 0 {
		t.Errorf("inFlight = %d", one.inFlight)
	}
}

// "Recheck now" (Invalidate) does not join a request that has been
// hanging: lookups in flight are cancelled, and the next one asks anew.
func TestInvalidateRestartsLookupsInFlight(t *testing.T) {
	srv := proxytest.New(t)
	sw := proxytest.NewSwitch(true)
	srv.Fault("example.com/basic", proxytest.Hang().When(sw))
	c := newClient(t, srv, Options{ProxyDeadline: time.Minute})
	first := make(chan error, 1)
	go func() {
		_, err := c.Info(context.Background(), "example.com/basic", "v1.0.0") // a hover's background lookup
		first <- err
	}()
	if _, err := srv.Await(ctxT(t), func(r proxytest.Request) bool { return r.Module == "example.com/basic" }); err != nil {
		t.Fatal(err)
	}
	sw.Set(false)
	c.Invalidate()
	wantKind(t, <-first, Canceled)
	if _, err := c.Info(ctxT(t), "example.com/basic", "v1.0.0"); err != nil {
		t.Errorf("after Invalidate: %v", err)
	}
	// A caller whose own deadline ends the wait learns what it waited for.
	sw.Set(true)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Info(ctx, "example.com/basic", "v1.1.0")
	e := wantKind(t, err, Unreachable)
	if e.Path != "example.com/basic" || e.Version != "v1.1.0" || e.Proxy != srv.URL {
		t.Errorf("error = %+v", e)
	}
}
