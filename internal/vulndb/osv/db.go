// Copyright 2026 The gomodls Authors.

package osv

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"
)

// Source gives the index of a vulnerability database (package
// internal/vulndb's Client). Load fails only when there is no copy of
// the index at all.
type Source interface {
	Load(ctx context.Context) (*DB, error)
}

// A Reader reads the entries of a DB by ID, as of their Modified stamp in
// the index, and says what time it is (reports may be withdrawn).
type Reader interface {
	Entry(ctx context.Context, v ModuleVuln) (*Entry, error)
	Now() time.Time
}

// ErrNotCached is wrapped by the errors of an offline client that has no
// copy of what was asked.
var ErrNotCached = errors.New("not in the cache (offline)")

// IsNotCached reports whether err says an offline client had no copy.
func IsNotCached(err error) bool { return errors.Is(err, ErrNotCached) }

// Status says where an index came from and how old it is.
type Status struct {
	// URL is the database (redacted).
	URL string
	// Modified is the database's own stamp (index/db.json).
	Modified time.Time
	// Checked is when db.json was last read from URL.
	Checked time.Time
	// Offline is set when the index came from the cache because the
	// client is offline.
	Offline bool
	// Err is set when the database could not be read and an older copy
	// is used instead.
	Err error
}

// Stale reports whether the index may be out of date: offline, or the
// last check failed.
func (s Status) Stale() bool { return s.Offline || s.Err != nil }

// Describe says how old a stale index is, in a sentence for messages;
// it returns "" for a fresh one.
func (s Status) Describe(now time.Time) string {
	if !s.Stale() {
		return ""
	}
	asOf := fmt.Sprintf("the copy of %s (database as of %s, read %s ago)", s.URL, s.Modified.UTC().Format("2006-01-02"), Age(now.Sub(s.Checked)))
	if s.Offline {
		return "offline: using " + asOf
	}
	return fmt.Sprintf("could not check for updates (%v); using %s", s.Err, asOf)
}

// Age renders a duration roughly: "5 minutes", "3 hours", "2 days".
func Age(d time.Duration) string {
	unit := func(n int64, name string) string {
		if n == 1 {
			return "1 " + name
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return unit(int64(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return unit(int64(d/time.Hour), "hour")
	}
	return unit(int64(d/(24*time.Hour)), "day")
}

// A DB is the index of the database at one moment. It is immutable.
type DB struct {
	r       Reader
	modules map[string][]ModuleVuln
	Status  Status
}

// NewDB returns the index modules (by module path), read at st, whose
// entries r reads.
func NewDB(r Reader, modules map[string][]ModuleVuln, st Status) *DB {
	return &DB{r: r, modules: modules, Status: st}
}

// With returns db with another Status.
func (db *DB) With(st Status) *DB { return &DB{r: db.r, modules: db.modules, Status: st} }

// Modules returns how many modules the index lists.
func (db *DB) Modules() int { return len(db.modules) }

// Has reports whether the index lists vulnerabilities of module path.
func (db *DB) Has(path string) bool { return len(db.modules[path]) > 0 }

// Entries returns the entries that may affect module path at version or
// any later version: those the index lists for path whose latest fix is
// above version or unknown (all of them when version is ""), read by ID,
// without withdrawn ones, sorted by ID. Use Affecting to keep those that
// affect version itself. When some entries cannot be read, the others are
// returned with the first error.
func (db *DB) Entries(ctx context.Context, path, version string) ([]*Entry, error) {
	var want []ModuleVuln
	for _, v := range db.modules[path] {
		if v.Fixed == "" || version == "" || less(version, v.Fixed) {
			want = append(want, v)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	got := make([]*Entry, len(want))
	var g errgroup.Group
	for i, v := range want {
		g.Go(func() error {
			e, err := db.r.Entry(ctx, v)
			got[i] = e
			return err
		})
	}
	err := g.Wait()
	now := db.r.Now()
	out := got[:0]
	for _, e := range got {
		if e != nil && !e.IsWithdrawn(now) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// Query returns the entries that affect module path at version now.
func (db *DB) Query(ctx context.Context, path, version string) ([]*Entry, error) {
	list, err := db.Entries(ctx, path, version)
	return Affecting(list, path, version, db.r.Now()), err
}

// Now returns the client's current time, for Affecting and LowestFixed.
func (db *DB) Now() time.Time { return db.r.Now() }
