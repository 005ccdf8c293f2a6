// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"errors"
	"net/http/httptrace"
	"sync"
	"time"
)

// The timeouts of one request, phase by phase: connecting, waiting for the
// answer, reading a zip's body.

// Causes of our own cancellations of a request.
var (
	errConnectTimeout = errors.New("connect timeout")
	errNoAnswer       = errors.New("proxy deadline")
	errStalled        = errors.New("stalled")
	errZipTimeout     = errors.New("zip timeout")
)

// A watch follows one request through its phases (httptrace hooks) and
// applies the timeouts of each: connecting (RequestTimeout), waiting for
// the answer (slow after RequestTimeout, failed after ProxyDeadline), and
// for zips, reading the body (RequestTimeout without a byte).
type watch struct {
	c      *Client
	gate   *hostGate
	s      *slot
	cancel context.CancelCauseFunc
	zip    bool

	mu        sync.Mutex
	phase     int
	timer     *time.Timer // the phase's deadline
	slowTimer *time.Timer
	connected time.Time
	firstByte time.Time
}

const (
	phaseConnect = iota
	phaseWait
	phaseBody
	phaseDone
)

func (c *Client) newWatch(gate *hostGate, s *slot, cancel context.CancelCauseFunc, zip bool) *watch {
	w := &watch{c: c, gate: gate, s: s, cancel: cancel, zip: zip}
	w.mu.Lock()
	w.enter(phaseConnect)
	w.mu.Unlock()
	return w
}

func (w *watch) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		// A second request (credentials after a 401) connects anew.
		GetConn: func(string) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.phase != phaseDone {
				w.enter(phaseConnect)
			}
		},
		GotConn: func(httptrace.GotConnInfo) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.phase == phaseConnect {
				w.connected = time.Now()
				w.enter(phaseWait)
			}
		},
		GotFirstResponseByte: func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.phase == phaseWait {
				w.firstByte = time.Now()
				w.enter(phaseBody)
			}
		},
	}
}

// enter starts phase p's timers; w.mu is held.
func (w *watch) enter(p int) {
	w.stopTimers()
	w.phase = p
	c := w.c
	switch p {
	case phaseConnect:
		w.timer = time.AfterFunc(c.reqTimeout, func() { w.fire(p, errConnectTimeout, nil) })
	case phaseWait:
		w.slowTimer = time.AfterFunc(c.reqTimeout, func() { w.gate.slowRequest(w.s) })
		w.timer = time.AfterFunc(c.proxyDeadline, func() {
			// The gate learns first, so that requests queued behind this
			// one fail rather than take its place.
			w.fire(p, errNoAnswer, func() { w.gate.noAnswer(w.s, c.proxyDeadline) })
		})
	case phaseBody:
		if w.zip {
			w.timer = time.AfterFunc(c.reqTimeout, func() { w.fire(p, errStalled, nil) })
		} else {
			// Metadata bodies are small: the whole answer, body included,
			// must come within ProxyDeadline of connecting.
			left := c.proxyDeadline - time.Since(w.connected)
			w.timer = time.AfterFunc(max(left, 0), func() { w.fire(p, errNoAnswer, nil) })
		}
	}
}

func (w *watch) stopTimers() {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if w.slowTimer != nil {
		w.slowTimer.Stop()
		w.slowTimer = nil
	}
}

// fire cancels the request if it is still in phase p, after calling
// before (if not nil).
func (w *watch) fire(p int, cause error, before func()) {
	w.mu.Lock()
	if w.phase != p {
		w.mu.Unlock()
		return
	}
	w.phase = phaseDone
	w.stopTimers()
	w.mu.Unlock()
	if before != nil {
		before()
	}
	w.cancel(cause)
}

// answered moves to the body phase once the response is there, in case
// the transport did not report the phases (a RoundTripper without
// httptrace support).
func (w *watch) answered() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.phase == phaseConnect || w.phase == phaseWait {
		now := time.Now()
		if w.connected.IsZero() {
			w.connected = now
		}
		w.firstByte = now
		w.enter(phaseBody)
	}
}

// progress restarts a zip body's stall timer.
func (w *watch) progress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.phase == phaseBody && w.timer != nil {
		w.timer.Reset(w.c.reqTimeout)
	}
}

func (w *watch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.phase = phaseDone
	w.stopTimers()
}

// ttfb is the time from connecting to the first byte of the answer, 0 if
// unknown.
func (w *watch) ttfb() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.connected.IsZero() || w.firstByte.IsZero() {
		return 0
	}
	return w.firstByte.Sub(w.connected)
}
