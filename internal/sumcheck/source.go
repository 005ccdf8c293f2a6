// Copyright 2026 The gomodls Authors.

// Package sumcheck answers the go.sum questions of gomodls: which hashes
// go.sum must hold for a module version, and whether the ones it holds are
// right. It joins three witnesses, as the go command does:
//
//   - the checksum database (GOSUMDB), through a golang.org/x/mod/sumdb
//     client reached via the GOPROXY chain like the go command's, with a
//     persistent cache and fork detection ([DB]);
//   - for modules the database must not be asked about (GOSUMDB=off,
//     GONOSUMDB/GOPRIVATE), the content the GOPROXY chain serves, hashed
//     with golang.org/x/mod/sumdb/dirhash;
//   - the module cache's .ziphash and .mod files, and gomodls' own cache.
//
// [Source] is the module source of the analyzers: a *modproxy.Client with
// these answers added. It never invents a hash: every hash it returns was
// read from the database or computed from content someone served.
package sumcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/sync/singleflight"

	"github.com/gomodls/gomodls/internal/checksum"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
)

// GoModHash returns the go.sum hash of a go.mod file's content (the
// "/go.mod" line), as the go command computes it.
func GoModHash(data []byte) string {
	h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		panic(err) // Hash1 fails only when open fails
	}
	return h
}

// A Source is the module source of the analyzers: the GOPROXY client
// (embedded; all its lookups) with go.sum hashes added. It is safe for
// concurrent use. Create a new one when the environment changes.
type Source struct {
	*modproxy.Client
	env       *goenv.Env
	cacheOnly *modproxy.Client // the same caches, never the network
	db        *DB              // nil when dbErr is set
	dbErr     *Error           // GOSUMDB=off or invalid
	negTTL    time.Duration
	now       func() time.Time

	flight singleflight.Group
	mu     sync.Mutex
	known  map[module.Version]known
	failed map[module.Version]failure
	gomods map[module.Version][]byte // go.mod files GoMod fetched
	// gen counts the changes to known and gomods; uncached and
	// uncachedGoMod remember, per module version, the gen at which
	// CachedSums and CachedGoMod last found nothing, so that a local
	// analyzer asking on every keystroke does not search the disk caches
	// again until a lookup has added something.
	gen           uint64
	uncached      map[module.Version]uint64
	uncachedGoMod map[module.Version]uint64
}

// known are hashes learned and the work done to learn them.
type known struct {
	sums *Sums
	mode Mode
}

type failure struct {
	err error
	at  time.Time
}

// New returns a Source for opts: a modproxy.Client for them, and a checksum
// database client (see NewDB) sharing their HTTP settings, credentials and
// cache directory.
func New(opts modproxy.Options) (*Source, error) {
	c, err := modproxy.New(opts)
	if err != nil {
		return nil, err
	}
	return NewSource(c, opts)
}

// NewSource returns a Source over an existing client; opts are the options
// the client was made with (for the database client and the cache-only
// twin of the client).
func NewSource(c *modproxy.Client, opts modproxy.Options) (*Source, error) {
	opts.Env = c.Env()
	twin := opts
	twin.Offline, twin.NoAuth, twin.Auth = true, true, nil
	cacheOnly, err := modproxy.New(twin)
	if err != nil {
		return nil, err
	}
	s := &Source{
		Client:    c,
		env:       opts.Env,
		cacheOnly: cacheOnly,
		negTTL:    opts.NegativeTTL,
		now:       time.Now,
		known:     map[module.Version]known{},
		failed:    map[module.Version]failure{},
		gomods:    map[module.Version][]byte{},
		uncached:  map[module.Version]uint64{},

		uncachedGoMod: map[module.Version]uint64{},
	}
	if s.negTTL == 0 {
		s.negTTL = modproxy.DefaultNegativeTTL
	}
	db, err := NewDB(opts)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return nil, err
		}
		s.dbErr = e
	} else {
		s.db = db
	}
	return s, nil
}

// DB returns the checksum database client, nil with GOSUMDB=off or an
// invalid GOSUMDB (see DBError).
func (s *Source) DB() *DB { return s.db }

// DBError says why there is no database client.
func (s *Source) DBError() error {
	if s.dbErr == nil {
		return nil
	}
	return s.dbErr
}

// Invalidate forgets remembered failures of the GOPROXY client, the
// database client (including a detected fork, which the next lookup
// detects again if the database still serves it) and of Sums.
func (s *Source) Invalidate() {
	s.Client.Invalidate()
	if s.db != nil {
		s.db.Invalidate()
	}
	s.mu.Lock()
	s.failed = map[module.Version]failure{}
	s.gen++
	s.mu.Unlock()
}

// Sums returns the go.sum hashes of path@version (a canonical version),
// doing the work mode allows. Errors are *Error, or the *modproxy.Error of
// a GOPROXY lookup when content had to be fetched. A module the database
// may not be asked about is not an error: the result says Excluded and
// carries the hashes of the content served.
func (s *Source) Sums(ctx context.Context, path, version string, mode Mode) (*Sums, error) {
	if e := checkModule(path, version); e != nil {
		return nil, e
	}
	m := module.Version{Path: path, Version: version}
	s.mu.Lock()
	if k := s.known[m]; k.sums != nil && k.mode >= mode {
		s.mu.Unlock()
		return k.sums.Clone(), nil
	}
	if f, ok := s.failed[m]; ok && s.now().Sub(f.at) < s.negTTL {
		s.mu.Unlock()
		return nil, f.err
	}
	s.mu.Unlock()
	v, err, _ := s.flight.Do(fmt.Sprintf("%s@%s %d", path, version, mode), func() (any, error) {
		return s.sums(ctx, m, mode)
	})
	if err != nil {
		if k := KindOf(err); k != Canceled && k != Security && modproxy.KindOf(err) != modproxy.Canceled && ctx.Err() == nil {
			s.mu.Lock()
			s.failed[m] = failure{err, s.now()}
			s.mu.Unlock()
		}
		return nil, err
	}
	r := v.(*Sums)
	s.mu.Lock()
	if old := s.known[m]; old.sums == nil || old.mode < mode {
		s.known[m] = known{r, mode}
		s.gen++
	}
	s.mu.Unlock()
	return r.Clone(), nil
}

func (s *Source) sums(ctx context.Context, m module.Version, mode Mode) (*Sums, error) {
	r := &Sums{Path: m.Path, Version: m.Version}
	ok, reason := Allowed(s.env, m.Path)
	if ok {
		if s.dbErr != nil {
			return nil, s.dbErr.WithModule(m.Path, m.Version)
		}
		lines, err := s.db.Lookup(ctx, m.Path, m.Version)
		if err != nil {
			return nil, err
		}
		if err := setFromLines(r, lines); err != nil {
			return nil, &Error{Kind: ServerError, Path: m.Path, Version: m.Version, DB: s.db.Name(), Err: err}
		}
		r.Verified, r.DB = true, s.db.Name()
	} else {
		r.Excluded = reason
	}
	// What is served: from caches, or (per mode) through the chain.
	// The go.mod is small and cached for good: fetch it when asked for, or
	// when it is the only witness (no database) and a proxy serves it
	// (verification does not go to a GONOPROXY module's origin).
	client := s.cacheOnly
	if mode >= GoModLine || !r.Verified && s.Client.AllowedProxy(m.Path) {
		client = s.Client
	}
	gm, err := client.GoMod(ctx, m.Path, m.Version)
	switch {
	case err == nil:
		r.ServedGoMod, r.ServedGoModFrom = GoModHash(gm.Data), provenance(gm.Provenance)
	case !r.Verified && mode >= GoModLine:
		return nil, err
	case !r.Verified && checksum.IsCanceled(err):
		return nil, err
	}
	zclient := s.cacheOnly
	if mode >= ZipLine && !r.Verified || mode >= Download {
		zclient = s.Client
	}
	zh, zerr := zclient.ZipHash(ctx, m.Path, m.Version)
	switch {
	case zerr == nil:
		r.ServedZip, r.ServedZipFrom = zh.Hash, provenance(zh.Provenance)
	case mode >= ZipLine && !r.Verified || mode >= Download:
		r.ZipErr = zerr
	}
	if !r.Verified {
		r.GoMod, r.Zip = r.ServedGoMod, r.ServedZip
	}
	return r, nil
}

// CachedSums is Sums answered from memory and disk only (a result of an
// earlier Sums, the database's persistent cache, the module cache,
// gomodls' cache), for analyzers that must not wait. It returns nil when
// the go.mod hash is not known that way.
func (s *Source) CachedSums(path, version string) *Sums {
	m := module.Version{Path: path, Version: version}
	s.mu.Lock()
	r := s.known[m].sums
	gen := s.gen
	g, searched := s.uncached[m]
	s.mu.Unlock()
	if r != nil && r.GoMod != "" {
		return r.Clone()
	}
	if searched && g == gen {
		return nil
	}
	if r := s.cachedSums(m); r != nil {
		return r
	}
	s.mu.Lock()
	s.uncached[m] = gen
	s.mu.Unlock()
	return nil
}

// cachedSums is CachedSums without the memory of earlier searches.
func (s *Source) cachedSums(m module.Version) *Sums {
	path, version := m.Path, m.Version
	if checkModule(path, version) != nil {
		return nil
	}
	r := &Sums{Path: path, Version: version}
	if ok, reason := Allowed(s.env, path); ok {
		if s.db == nil {
			return nil
		}
		lines, ok := s.db.cachedBatch([]module.Version{m})[m]
		if !ok {
			lines, ok = s.db.CachedLookup(path, version)
		}
		if !ok || setFromLines(r, lines) != nil {
			return nil
		}
		r.Verified, r.DB = true, s.db.Name()
	} else {
		r.Excluded = reason
	}
	s.addServed(r)
	if !r.Verified {
		r.GoMod, r.Zip = r.ServedGoMod, r.ServedZip
	}
	if r.GoMod == "" {
		return nil
	}
	return r
}

// GoMod is the GOPROXY client's GoMod; the answer is kept for
// CachedGoMod.
func (s *Source) GoMod(ctx context.Context, path, version string) (*modproxy.GoModFile, error) {
	gm, err := s.Client.GoMod(ctx, path, version)
	if err == nil {
		s.mu.Lock()
		s.gomods[module.Version{Path: path, Version: version}] = gm.Data
		s.gen++
		s.mu.Unlock()
	}
	return gm, err
}

// CachedGoMod returns path@version's go.mod from memory and disk caches
// only (an earlier GoMod, gomodls' cache, the module cache), for local
// analyzers that must not wait; false when it is not cached. Like
// CachedSums it remembers what it did not find until a lookup adds
// something, since local analyzers ask on every keystroke.
func (s *Source) CachedGoMod(path, version string) ([]byte, bool) {
	m := module.Version{Path: path, Version: version}
	s.mu.Lock()
	data, ok := s.gomods[m]
	gen := s.gen
	g, searched := s.uncachedGoMod[m]
	s.mu.Unlock()
	if ok {
		return data, true
	}
	if searched && g == gen {
		return nil, false
	}
	if checkModule(path, version) == nil {
		if gm, err := s.cacheOnly.GoMod(context.Background(), path, version); err == nil {
			s.mu.Lock()
			s.gomods[m] = gm.Data
			s.mu.Unlock()
			return gm.Data, true
		}
	}
	s.mu.Lock()
	s.uncachedGoMod[m] = gen
	s.mu.Unlock()
	return nil, false
}

// Preload answers, in one pass and without the network, what the
// persistent caches can for mods: records of the checksum database proven
// against the kept tree head in one batch (see DB.cachedBatch). The Sums
// (Verify) and CachedSums calls that follow for them are then memory
// lookups: a warm check of a large go.sum costs milliseconds.
func (s *Source) Preload(mods []module.Version) {
	if s.db == nil {
		return
	}
	var want []module.Version
	s.mu.Lock()
	for _, m := range mods {
		if s.known[m].sums == nil {
			want = append(want, m)
		}
	}
	s.mu.Unlock()
	for m, lines := range s.db.cachedBatch(want) {
		r := &Sums{Path: m.Path, Version: m.Version, Verified: true, DB: s.db.Name()}
		if setFromLines(r, lines) != nil {
			continue
		}
		s.addServed(r)
		s.mu.Lock()
		if s.known[m].sums == nil {
			s.known[m] = known{r, Verify}
			s.gen++
		}
		s.mu.Unlock()
	}
}

// addServed fills in the hashes of what the caches hold for r's module.
func (s *Source) addServed(r *Sums) {
	ctx := context.Background() // cache-only lookups do not block
	if gm, err := s.cacheOnly.GoMod(ctx, r.Path, r.Version); err == nil {
		r.ServedGoMod, r.ServedGoModFrom = GoModHash(gm.Data), provenance(gm.Provenance)
	}
	if zh, err := s.cacheOnly.ZipHash(ctx, r.Path, r.Version); err == nil {
		r.ServedZip, r.ServedZipFrom = zh.Hash, provenance(zh.Provenance)
	}
}

// setFromLines takes the hashes from the database's lines for r's module.
func setFromLines(r *Sums, lines []string) error {
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 || f[0] != r.Path {
			return fmt.Errorf("unexpected record line %q", l)
		}
		switch f[1] {
		case r.Version:
			r.Zip = f[2]
		case r.Version + "/go.mod":
			r.GoMod = f[2]
		default:
			return fmt.Errorf("unexpected record line %q", l)
		}
	}
	if r.GoMod == "" || r.Zip == "" {
		return errors.New("record lacks the zip or the go.mod hash")
	}
	return nil
}

// provenance names who served an answer: the proxy, or the cache (and who
// filled it).
func provenance(p modproxy.Provenance) string {
	switch {
	case p.Source == modproxy.SourceModCache:
		return "module cache"
	case p.CachedFrom != "":
		return p.CachedFrom
	}
	return p.Source
}
