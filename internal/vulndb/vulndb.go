// Copyright 2026 The gomodls Authors.

// Package vulndb reads the Go vulnerability database
// (https://go.dev/security/vuln/database) into the model of package osv,
// which tells which module versions, and which Go releases, have known
// vulnerabilities. A Client is the osv.Source of the snapshot.
//
// The database is read as govulncheck reads it: from GOVULNDB (default
// https://vuln.go.dev; https://, http:// and file:// mirrors), in the v1
// layout: index/db.json, index/modules.json and ID/<id>.json (the OSV
// reports), as .json.gz over HTTP and .json from a directory. The client
// fetches the module index whole and entries by ID only, so no module path
// ever leaves the machine: the database learns which reports are read,
// never which modules are used.
//
// What was read is kept on disk (Options.CacheDir, shared safely by several
// processes) keyed by the "modified" stamps: the index is re-checked with
// db.json at most once per TTL and re-read only when db.json changed, an
// entry only when the index gives it a new stamp. Offline, or when the
// database cannot be reached, answers come from that copy and osv.Status
// says how old it is. Every request has a timeout and a size cap, and
// errors name the URL (redacted) and the HTTP status.
package vulndb

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/redact"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// DefaultURL is the Go vulnerability database.
const DefaultURL = "https://vuln.go.dev"

// Defaults of Options.
const (
	DefaultRequestTimeout = 20 * time.Second
	DefaultTTL            = time.Hour
	DefaultRetry          = time.Minute
	DefaultConcurrency    = 16
	MaxIndexBody          = 64 << 20 // index/modules.json, decompressed (about 2 MiB in 2026)
	MaxEntryBody          = 4 << 20  // one OSV entry, decompressed
	maxDBMetaBody         = 64 << 10
)

// Options configure a Client.
type Options struct {
	// URL is the database, as GOVULNDB: "" means DefaultURL.
	URL string
	// CacheDir is gomodls' cache root; the database's files go under
	// CacheDir/vulndb. "" keeps them in memory only. A file:// database
	// is never copied.
	CacheDir string
	// HTTPClient sends the requests; nil means one with the proxy from the
	// environment. Its CheckRedirect is replaced by the go command's policy
	// (at most 10 redirects, never from https to http).
	HTTPClient *http.Client
	// RequestTimeout bounds each request, body included (default 20s).
	RequestTimeout time.Duration
	// TTL is how long an index that was read (or found unchanged) is used
	// before db.json is asked again (default 1h). Retry is how long a
	// failure to reach the database is remembered before the next attempt
	// (default 1m).
	TTL, Retry time.Duration
	// Offline answers from the cache only; a file:// database is read
	// anyway, since that needs no network.
	Offline bool
	// Concurrency bounds the entry requests in flight (default 16).
	Concurrency int
	// Now returns the current time (tests).
	Now func() time.Time
}

// A Client reads one database. It is safe for concurrent use; create one
// per GOVULNDB value and keep it (its memory cache is what makes checks
// after the first cheap).
type Client struct {
	src        source
	base       string // the database URL, redacted
	disk       *diskCache
	reqTimeout time.Duration
	ttl, retry time.Duration
	offline    bool
	sem        chan struct{}
	now        func() time.Time

	mu       sync.Mutex
	db       *DB
	failedAt time.Time // when the last index check failed
	lastErr  error     // and why, while there is no index at all
	entries  map[string]*Entry

	flight singleflight.Group
}

// New returns a client for opts.URL. It fails only on a URL it cannot use.
func New(opts Options) (*Client, error) {
	raw := opts.URL
	if raw == "" {
		raw = DefaultURL
	}
	hc := auth.NewHTTPClient(opts.HTTPClient, nil, orDefault(opts.RequestTimeout, DefaultRequestTimeout), nil)
	src, err := newSource(raw, hc)
	if err != nil {
		return nil, err
	}
	c := &Client{
		src:        src,
		base:       redact.String(strings.TrimRight(raw, "/")),
		reqTimeout: orDefault(opts.RequestTimeout, DefaultRequestTimeout),
		ttl:        orDefault(opts.TTL, DefaultTTL),
		retry:      orDefault(opts.Retry, DefaultRetry),
		offline:    opts.Offline,
		sem:        make(chan struct{}, orDefault(opts.Concurrency, DefaultConcurrency)),
		now:        opts.Now,
		entries:    map[string]*Entry{},
	}
	if c.now == nil {
		c.now = time.Now
	}
	if _, isFile := src.(*fileSource); isFile {
		// A local directory is read as it is: neither copied nor
		// "offline".
		c.offline = false
	} else if opts.CacheDir != "" {
		c.disk = newDiskCache(opts.CacheDir, strings.TrimRight(raw, "/"))
	}
	return c, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// URL returns the database URL (redacted).
func (c *Client) URL() string { return c.base }

// Load returns the index: from memory while it is fresh (see
// Options.TTL), else after asking db.json whether it changed (re-reading
// modules.json only then), else, when the database cannot be reached or
// the client is offline, from the disk cache with Status saying so. It
// fails only when there is no copy at all. ctx bounds the wait, not the
// fetch, which goes on for the next caller.
func (c *Client) Load(ctx context.Context) (*DB, error) {
	if db, err := c.current(); db != nil || err != nil {
		return db, err
	}
	ch := c.flight.DoChan("index", func() (any, error) { return c.load() })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*DB), nil
	case <-ctx.Done():
		return nil, &Error{URL: c.src.url(osv.DBEndpoint), Err: fmt.Errorf("no answer: %w", context.Cause(ctx))}
	}
}

// current returns what Load answers without I/O: the index in memory while
// it needs no check, or the recent failure when there is no index.
func (c *Client) current() (*DB, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	db := c.db
	switch {
	case db == nil:
		if c.lastErr != nil && now.Sub(c.failedAt) < c.retry {
			return nil, c.lastErr
		}
		return nil, nil
	case c.offline:
		return db, nil
	case db.Status.Err != nil:
		if now.Sub(c.failedAt) < c.retry {
			return db, nil
		}
		return nil, nil
	case now.Sub(db.Status.Checked) < c.ttl:
		return db, nil
	}
	return nil, nil
}

func (c *Client) load() (*DB, error) {
	c.mu.Lock()
	cur := c.db
	c.mu.Unlock()
	if cur == nil && c.disk != nil {
		if st, mods, ok := c.disk.loadIndex(); ok {
			cur = osv.NewDB(c, mods, osv.Status{URL: c.base, Modified: st.Modified, Checked: st.Checked})
		}
	}
	now := c.now()
	if c.offline {
		if cur == nil {
			return nil, c.failed(&Error{URL: c.src.url(osv.ModulesEndpoint), Err: ErrNotCached})
		}
		return c.set(cur.With(osv.Status{URL: c.base, Modified: cur.Status.Modified, Checked: cur.Status.Checked, Offline: true})), nil
	}
	if cur != nil && cur.Status.Err == nil && now.Sub(cur.Status.Checked) < c.ttl {
		return c.set(cur), nil // a fresh copy on disk: another process checked
	}
	raw, err := c.get(osv.DBEndpoint, maxDBMetaBody)
	var meta osv.DBMeta
	if err == nil {
		if meta, err = osv.ParseDBMeta(raw); err != nil {
			err = &Error{URL: c.src.url(osv.DBEndpoint), Err: err}
		}
	}
	if err != nil {
		return c.fallBack(cur, err)
	}
	st := state{Modified: meta.Modified, Checked: now}
	if cur != nil && meta.Modified.Equal(cur.Status.Modified) {
		if c.disk != nil {
			c.disk.saveIndex(st, nil, c.base)
		}
		return c.set(cur.With(osv.Status{URL: c.base, Modified: st.Modified, Checked: now})), nil
	}
	raw, err = c.get(osv.ModulesEndpoint, MaxIndexBody)
	var mods map[string][]ModuleVuln
	if err == nil {
		if mods, err = osv.ParseModules(raw); err != nil {
			err = &Error{URL: c.src.url(osv.ModulesEndpoint), Err: err}
		}
	}
	if err != nil {
		return c.fallBack(cur, err)
	}
	if c.disk != nil {
		c.disk.saveIndex(st, mods, c.base)
	}
	return c.set(osv.NewDB(c, mods, osv.Status{URL: c.base, Modified: st.Modified, Checked: now})), nil
}

// get reads an endpoint with the request timeout.
func (c *Client) get(endpoint string, max int64) ([]byte, error) {
	ctx, cancel := context.WithTimeoutCause(context.Background(), c.reqTimeout, fmt.Errorf("timeout after %v", c.reqTimeout))
	defer cancel()
	return c.src.get(ctx, endpoint, max)
}

func (c *Client) set(db *DB) *DB {
	c.mu.Lock()
	c.db, c.lastErr = db, nil
	c.mu.Unlock()
	return db
}

// fallBack answers with the older copy cur, marked with err, or fails
// when there is none.
func (c *Client) fallBack(cur *DB, err error) (*DB, error) {
	if cur == nil {
		return nil, c.failed(err)
	}
	c.mu.Lock()
	c.failedAt = c.now()
	c.mu.Unlock()
	return c.set(cur.With(osv.Status{URL: c.base, Modified: cur.Status.Modified, Checked: cur.Status.Checked, Err: err})), nil
}

func (c *Client) failed(err error) error {
	c.mu.Lock()
	c.failedAt, c.lastErr = c.now(), err
	c.mu.Unlock()
	return err
}

// Invalidate makes the next Load ask the database whether it changed
// ("recheck now"), forgetting a recent failure.
func (c *Client) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failedAt, c.lastErr = time.Time{}, nil
	if c.db != nil {
		st := c.db.Status
		st.Checked, st.Err = time.Time{}, nil
		c.db = c.db.With(st)
	}
}

// Now returns the client's current time (osv.Reader).
func (c *Client) Now() time.Time { return c.now() }

// Entry returns entry v.ID as of v.Modified (osv.Reader): from memory, the
// disk cache (when its stamp matches, or offline), or the database.
func (c *Client) Entry(ctx context.Context, v ModuleVuln) (*Entry, error) {
	c.mu.Lock()
	mem := c.entries[v.ID]
	c.mu.Unlock()
	if mem != nil && (mem.Modified.Equal(v.Modified) || c.offline) {
		return mem, nil
	}
	key := v.ID + "@" + v.Modified.Format(time.RFC3339Nano)
	ch := c.flight.DoChan(key, func() (any, error) { return c.fetchEntry(v, mem) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*Entry), nil
	case <-ctx.Done():
		return nil, &Error{URL: c.src.url(osv.EntryEndpoint(v.ID)), Err: fmt.Errorf("no answer: %w", context.Cause(ctx))}
	}
}

func (c *Client) fetchEntry(v ModuleVuln, old *Entry) (*Entry, error) {
	if c.disk != nil {
		if d := c.disk.loadEntry(v.ID); d != nil {
			if d.Modified.Equal(v.Modified) || c.offline {
				return c.remember(d), nil
			}
			old = d
		}
	}
	if c.offline {
		if old != nil {
			return old, nil
		}
		return nil, &Error{URL: c.src.url(osv.EntryEndpoint(v.ID)), Err: ErrNotCached}
	}
	c.sem <- struct{}{}
	raw, err := c.get(osv.EntryEndpoint(v.ID), MaxEntryBody)
	<-c.sem
	var e *Entry
	if err == nil {
		if e, err = osv.ParseEntry(raw); err == nil && e.ID != v.ID {
			err = fmt.Errorf("the database served entry %s for ID %s", e.ID, v.ID)
		}
		if err != nil {
			err = &Error{URL: c.src.url(osv.EntryEndpoint(v.ID)), Err: err}
		}
	}
	if err != nil {
		if old != nil {
			return old, nil // an older version of the report beats none
		}
		return nil, err
	}
	if c.disk != nil {
		c.disk.saveEntry(v.ID, raw)
	}
	return c.remember(e), nil
}

func (c *Client) remember(e *Entry) *Entry {
	c.mu.Lock()
	c.entries[e.ID] = e
	c.mu.Unlock()
	return e
}
