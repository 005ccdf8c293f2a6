// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"maps"
	"sync"
)

// Stats counts what a Client did since New. Benchmarks and tests use it to
// assert, e.g., that the requests made equal the unique module versions
// asked for.
type Stats struct {
	// Requests is the number of HTTP requests sent (credential retries and
	// 429/503 retries included; file:// reads and git commands excluded).
	Requests int
	// Endpoints counts HTTP requests by "<proxy> <endpoint>", e.g.
	// "https://proxy.example info"; endpoints are list, info, mod, zip,
	// latest and go-get; <proxy> is the redacted base URL or "direct".
	Endpoints map[string]int
	// FileReads counts files read from file:// proxies.
	FileReads int
	// Retries counts 429/503 retries.
	Retries int
	// Shared counts lookups that joined an identical request in flight
	// instead of sending their own.
	Shared int
	// Cache hits by layer; NegativeHits are remembered failures.
	MemoryHits, ModCacheHits, DiskHits, NegativeHits int
	// GitCommands counts `git ls-remote` runs.
	GitCommands int
	// SlowRequests counts requests without an answer after RequestTimeout
	// (waited for all the same, until ProxyDeadline); Backoffs, how often a
	// host's window of requests in flight was halved (slow answers, 429,
	// 5xx).
	SlowRequests, Backoffs int
}

type statsRecorder struct {
	mu sync.Mutex
	s  Stats
}

func (r *statsRecorder) add(f func(*Stats)) {
	r.mu.Lock()
	f(&r.s)
	r.mu.Unlock()
}

func (r *statsRecorder) request(proxy, ep string) {
	r.mu.Lock()
	r.s.Requests++
	if r.s.Endpoints == nil {
		r.s.Endpoints = make(map[string]int)
	}
	r.s.Endpoints[proxy+" "+ep]++
	r.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (c *Client) Stats() Stats {
	c.stats.mu.Lock()
	defer c.stats.mu.Unlock()
	s := c.stats.s
	s.Endpoints = maps.Clone(s.Endpoints)
	s.GitCommands = c.direct.GitCommands()
	for _, g := range c.hosts.all() {
		g.mu.Lock()
		s.SlowRequests += g.slow
		s.Backoffs += g.cuts
		g.mu.Unlock()
	}
	return s
}
