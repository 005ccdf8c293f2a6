// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"sync"

	"github.com/gomodls/gomodls/internal/modsource"
)

// flightGroup runs one fetch per key at a time and shares its result with
// every caller that asks meanwhile (like singleflight), with one difference
// that matters for a language server: each caller may leave when its own
// context is done, and when the last one leaves the fetch is canceled. So a
// canceled check returns at once, and no request outlives all its callers.
type flightGroup struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done    chan struct{}
	val     any
	err     *Error
	waiters int
	cancel  context.CancelFunc
}

// do runs fn (once for concurrent callers with the same key) in a context
// that keeps the first caller's values and deadline but not its
// cancellation. shared reports whether the caller joined a fetch started by
// another.
func (g *flightGroup) do(ctx context.Context, key string, fn func(context.Context) (any, *Error)) (v any, err *Error, shared bool) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*flightCall)
	}
	if c, ok := g.calls[key]; ok {
		c.waiters++
		g.mu.Unlock()
		v, err = g.wait(ctx, key, c)
		return v, err, true
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if dl, ok := ctx.Deadline(); ok {
		var cancelDL context.CancelFunc
		fctx, cancelDL = context.WithDeadline(fctx, dl)
		prev := cancel
		cancel = func() { cancelDL(); prev() }
	}
	c := &flightCall{done: make(chan struct{}), waiters: 1, cancel: cancel}
	g.calls[key] = c
	g.mu.Unlock()

	go func() {
		defer cancel()
		c.val, c.err = fn(fctx)
		g.mu.Lock()
		if g.calls[key] == c {
			delete(g.calls, key)
		}
		g.mu.Unlock()
		close(c.done)
	}()
	v, err = g.wait(ctx, key, c)
	return v, err, false
}

func (g *flightGroup) wait(ctx context.Context, key string, c *flightCall) (any, *Error) {
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		g.mu.Lock()
		c.waiters--
		if c.waiters == 0 {
			// Nobody wants the answer any more: stop the fetch, and let the
			// next caller start afresh rather than join a dying one.
			c.cancel()
			if g.calls[key] == c {
				delete(g.calls, key)
			}
		}
		g.mu.Unlock()
		return nil, modsource.ContextError(ctx, "", "")
	}
}

// reset cancels every fetch in flight and forgets it, so the next caller
// starts afresh ("recheck now" must not join a request that has been
// hanging); the callers waiting for one get its cancellation.
func (g *flightGroup) reset() {
	g.mu.Lock()
	calls := g.calls
	g.calls = nil
	g.mu.Unlock()
	for _, c := range calls {
		c.cancel()
	}
}
