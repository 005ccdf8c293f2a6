// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// Requests in flight per host adapt to the host, AIMD-style (as TCP's
// congestion window does): a host starts with a modest window
// (initialWindow, at most Options.PerHostConcurrency), which grows by three
// per answer while the time to the first byte stays near the fastest seen
// (quadrupling per round trip, "slow start"; by 1/window per answer once a
// cut happened), and is halved when the host shows strain: a request
// without an answer after RequestTimeout, a 429, a 5xx. A proxy that
// answers one request at a time (a small corporate proxy, Athens filling
// its cache) thus gets few requests at once, and none of them waits long
// in its queue; a fast proxy soon gets Options.PerHostConcurrency.
//
// The go command asks one thing at a time and has no request timeout
// (cmd/go/internal/web/http.go sends with http.DefaultClient, whose
// transport bounds only the dial, 30s, and the TLS handshake, 10s): a slow
// answer is not a failure. So a connected request
// is waited for until ProxyDeadline; only then is the host reported
// Unreachable, and, if it answered nothing since, requests queued for it
// fail at once instead of each waiting its own deadline.

// initialWindow is the number of requests a new host may have in flight.
const initialWindow = 16

// hostLimiters holds one gate per host.
type hostLimiters struct {
	max    int
	negTTL time.Duration
	mu     sync.Mutex
	gates  map[string]*hostGate
}

func (h *hostLimiters) init(limit int, negTTL time.Duration) {
	h.max, h.negTTL = limit, negTTL
	h.gates = make(map[string]*hostGate)
}

func (h *hostLimiters) get(host string) *hostGate {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := h.gates[host]
	if g == nil {
		g = newHostGate(h.max, h.negTTL)
		h.gates[host] = g
	}
	return g
}

// all returns the gates by host.
func (h *hostLimiters) all() map[string]*hostGate {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.gates)
}

// forgetHung clears every host's "hung" verdict ("recheck now").
func (h *hostLimiters) forgetHung() {
	for _, g := range h.all() {
		g.mu.Lock()
		g.hung = nil
		g.mu.Unlock()
	}
}

// A hostGate admits requests to one host.
type hostGate struct {
	max    float64
	negTTL time.Duration

	mu         sync.Mutex
	window     float64 // requests allowed in flight (>= 1, <= max)
	ssthresh   float64 // below it the window grows by 1 per answer, above by 1/window
	inFlight   int
	queue      []*waiter
	active     map[*slot]struct{}
	minRTT     time.Duration // fastest time to first byte seen
	lastCut    time.Time     // the last multiplicative decrease
	lastAnswer time.Time     // the last HTTP answer of any status
	hung       *hungHost     // set when a request got no answer within ProxyDeadline
	cuts, slow int
}

type hungHost struct {
	proxy     string
	after     time.Duration
	at, until time.Time
}

// A slot is one admitted (or queued) request.
type slot struct {
	proxy  string // who is asked, for Waiting
	queued time.Time
	sent   time.Time // when admitted
	slow   bool      // no first byte within RequestTimeout
}

type waiter struct {
	s     *slot
	ready chan error // nil: admitted; else why not (errHostHung)
}

// errHostHung refuses requests to a host that recently left a request
// unanswered for ProxyDeadline without answering anything else.
type errHostHung struct{ h *hungHost }

func (e errHostHung) Error() string {
	return fmt.Sprintf("%s did not answer within %v (gomodls proxy deadline); not asked again until %s",
		e.h.proxy, e.h.after, e.h.until.Format(time.TimeOnly))
}

func newHostGate(limit int, negTTL time.Duration) *hostGate {
	m := float64(max(limit, 1))
	return &hostGate{
		max:      m,
		negTTL:   negTTL,
		window:   min(m, initialWindow),
		ssthresh: m,
		active:   make(map[*slot]struct{}),
	}
}

func (g *hostGate) limit() int { return max(1, int(g.window)) }

// acquire admits a request to the host, waiting for room in the window. It
// fails with ctx's error or an errHostHung.
func (g *hostGate) acquire(ctx context.Context, proxy string) (*slot, error) {
	now := time.Now()
	s := &slot{proxy: proxy, queued: now}
	g.mu.Lock()
	if err := g.hungErr(now); err != nil {
		g.mu.Unlock()
		return nil, err
	}
	if len(g.queue) == 0 && g.inFlight < g.limit() {
		g.admit(s, now)
		g.mu.Unlock()
		return s, nil
	}
	w := &waiter{s: s, ready: make(chan error, 1)}
	g.queue = append(g.queue, w)
	g.mu.Unlock()

	select {
	case err := <-w.ready:
		if err != nil {
			return nil, err
		}
		return s, nil
	case <-ctx.Done():
		g.mu.Lock()
		if i := slices.Index(g.queue, w); i >= 0 {
			g.queue = slices.Delete(g.queue, i, i+1)
			g.mu.Unlock()
			return nil, ctx.Err()
		}
		g.mu.Unlock()
		// Admitted (or refused) meanwhile: give the room back.
		if err := <-w.ready; err == nil {
			g.release(s, outcome{})
		}
		return nil, ctx.Err()
	}
}

func (g *hostGate) admit(s *slot, now time.Time) {
	g.inFlight++
	s.sent = now
	g.active[s] = struct{}{}
}

func (g *hostGate) hungErr(now time.Time) error {
	if g.hung == nil {
		return nil
	}
	if !now.Before(g.hung.until) {
		g.hung = nil
		return nil
	}
	return errHostHung{g.hung}
}

// outcome is what a request learned about the host.
type outcome struct {
	answered  bool          // an HTTP answer (any status) arrived
	ttfb      time.Duration // time from admission to the first byte of the answer
	congested bool          // 429, 5xx: the host asks for fewer requests
}

// release ends a request and admits queued ones the window has room for.
func (g *hostGate) release(s *slot, out outcome) {
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.active[s]; !ok {
		return
	}
	delete(g.active, s)
	g.inFlight--
	if out.answered {
		g.lastAnswer = now
		if g.hung != nil && g.hung.at.Before(now) {
			g.hung = nil // it answers again
		}
	}
	switch {
	case out.congested:
		g.cut(s, now)
	case out.answered && !s.slow && out.ttfb > 0:
		if g.minRTT == 0 || out.ttfb < g.minRTT {
			g.minRTT = out.ttfb
		}
		// Grow while the latency holds: an answer not much slower than
		// the fastest. A host that queues our requests (one at a time)
		// answers ever later as the window grows, and stops its growth.
		if out.ttfb <= 2*g.minRTT+25*time.Millisecond {
			if g.window < g.ssthresh {
				// Slow start, by three per answer: the window quadruples
				// per round trip, from 16 to 64 in one (a fast proxy pays
				// one round trip for the modest start).
				g.window += 3
			} else {
				g.window += 1 / g.window
			}
			g.window = min(g.window, g.max)
		}
	}
	g.dispatch(now)
}

// cut halves the window, once per round: requests sent before the last
// cut already counted in it.
func (g *hostGate) cut(s *slot, now time.Time) {
	if s.sent.Before(g.lastCut) {
		return
	}
	g.ssthresh = max(g.window/2, 1)
	g.window = g.ssthresh
	g.lastCut = now
	g.cuts++
}

// slowRequest marks s as slow (no answer within RequestTimeout): the
// window is cut, and the request goes on waiting.
func (g *hostGate) slowRequest(s *slot) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.active[s]; !ok || s.slow {
		return
	}
	s.slow = true
	g.slow++
	g.cut(s, time.Now())
}

// noAnswer records that s got no answer within after (ProxyDeadline). If
// the host answered nothing since s was sent, it is hung: queued requests
// fail now and new ones for NegativeTTL, unless an answer comes.
func (g *hostGate) noAnswer(s *slot, after time.Duration) {
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lastAnswer.After(s.sent) {
		return // slow for this request only; the host answers others
	}
	g.hung = &hungHost{proxy: s.proxy, after: after, at: now, until: now.Add(g.negTTL)}
	err := errHostHung{g.hung}
	for _, w := range g.queue {
		w.ready <- err
	}
	g.queue = nil
}

func (g *hostGate) dispatch(now time.Time) {
	for len(g.queue) > 0 && g.inFlight < g.limit() {
		w := g.queue[0]
		g.queue = g.queue[1:]
		g.admit(w.s, now)
		w.ready <- nil
	}
}

// Waiting describes the requests waiting for one proxy host: the progress
// a front end shows ("waiting for https://proxy: 12 s, 40 lookups left").
type Waiting struct {
	// Proxy is who is asked: a proxy's redacted base URL, or "direct" for
	// an origin's go-get page (the one of the longest-waiting request).
	Proxy string `json:"proxy"`
	// Host is the host:port the requests go to.
	Host string `json:"host"`
	// InFlight requests were sent and have no answer yet; Queued ones wait
	// for room in the window (Limit requests in flight at most, adapted to
	// the host, at most Options.PerHostConcurrency).
	InFlight int `json:"inFlight"`
	Queued   int `json:"queued"`
	Limit    int `json:"limit"`
	// Oldest is how long the longest-waiting request in flight has waited
	// for its answer; Queuing, how long the longest-queued one has waited
	// to be sent.
	Oldest  time.Duration `json:"oldest"`
	Queuing time.Duration `json:"queuing"`
	// Slow counts requests in flight that have waited longer than
	// RequestTimeout: the proxy is slow, not unreachable (it is reported
	// unreachable after ProxyDeadline only).
	Slow int `json:"slow"`
}

func (g *hostGate) waiting(host string, now time.Time) (Waiting, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inFlight == 0 && len(g.queue) == 0 {
		return Waiting{}, false
	}
	w := Waiting{Host: host, InFlight: g.inFlight, Queued: len(g.queue), Limit: g.limit()}
	var oldest *slot
	for s := range g.active {
		if oldest == nil || s.sent.Before(oldest.sent) {
			oldest = s
		}
		if s.slow {
			w.Slow++
		}
	}
	if oldest != nil {
		w.Proxy, w.Oldest = oldest.proxy, now.Sub(oldest.sent)
	}
	if len(g.queue) > 0 {
		q := g.queue[0].s
		w.Queuing = now.Sub(q.queued)
		if w.Proxy == "" {
			w.Proxy = q.proxy
		}
	}
	return w, true
}

// Waiting returns, for each host with requests in flight or queued, how
// many and for how long, the longest-waiting host first. Front ends poll
// it to show progress on a slow proxy; it takes no network action.
func (c *Client) Waiting() []Waiting {
	now := time.Now()
	var out []Waiting
	for h, g := range c.hosts.all() {
		if w, ok := g.waiting(h, now); ok {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b Waiting) int {
		if c := cmp.Compare(b.Oldest, a.Oldest); c != 0 {
			return c
		}
		return cmp.Compare(b.Queuing, a.Queuing)
	})
	return out
}

// isHostHung reports whether err is an errHostHung.
func isHostHung(err error) bool {
	var h errHostHung
	return errors.As(err, &h)
}
