// Copyright 2026 The gomodls Authors.

package sumcheck

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"go.uber.org/zap"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/modsource"
)

// A DB is a client of the checksum database named by GOSUMDB: a
// golang.org/x/mod/sumdb.Client that verifies every answer against the
// signed, append-only log, with our own operations:
//
//   - it is reached like the go command reaches it (each GOPROXY proxy's
//     /sumdb/<name>/supported first, then https://<name>; or the URL in
//     GOSUMDB), with GOAUTH credentials, a timeout per request and a size
//     cap per answer;
//   - its tiles, verified lookups and the latest signed tree head are kept
//     under the cache directory across runs (shared safely by processes),
//     so a later run verifies from disk, and a database that then serves a
//     tree inconsistent with the one kept is caught;
//   - a path matched by GONOSUMDB (or any path with GOSUMDB=off) is
//     refused before anything is sent;
//   - a detected fork is a *Error of kind Security returned by every later
//     lookup, never a process exit.
//
// A DB is safe for concurrent use.
type DB struct {
	cfg    goenv.SumDBConfig
	env    *goenv.Env
	log    *zap.Logger
	store  *store
	remote *remote

	mu       sync.Mutex
	client   *sumdb.Client // replaced after a failure: it remembers failures forever
	cacheCl  *sumdb.Client // cache-only client for CachedLookup; replaced after a miss
	security *Error        // sticky, until Invalidate
}

// NewDB returns a client for the checksum database of opts.Env's GOSUMDB.
// It uses these fields of opts: Env (required), Auth/NoAuth, HTTPClient,
// RootCAs, RequestTimeout, CacheDir (files go under CacheDir/sumdb),
// NegativeTTL, Offline, Logger. With GOSUMDB=off it fails with an *Error
// of kind Excluded; with an invalid GOSUMDB, of kind Config.
func NewDB(opts modproxy.Options) (*DB, error) {
	if opts.Env == nil {
		return nil, errors.New("sumcheck: Options.Env is required")
	}
	cfg, err := opts.Env.SumDB()
	if err != nil {
		return nil, &Error{Kind: Config, Err: fmt.Errorf("GOSUMDB=%q: %w", opts.Env.Get("GOSUMDB"), err)}
	}
	if cfg.Off {
		return nil, &Error{Kind: Excluded, Reason: "GOSUMDB=off"}
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	timeout := opts.RequestTimeout
	if timeout == 0 {
		timeout = modproxy.DefaultRequestTimeout
	}
	negTTL := opts.NegativeTTL
	if negTTL == 0 {
		negTTL = modproxy.DefaultNegativeTTL
	}
	creds := opts.Auth
	if creds == nil && !opts.NoAuth {
		creds = auth.New(opts.Env, auth.Options{Environ: opts.Env.Environ(), Logger: log})
	}
	if opts.NoAuth {
		creds = nil
	}
	var offline string
	switch {
	case opts.Offline:
		offline = "gomodls is offline: no cached answer"
	case opts.Env.Get("GOPROXY") == "off":
		// The go command would still ask https://<name>; gomodls does
		// not go to the network when the user said "off".
		offline = "module lookup disabled by GOPROXY=off"
	case opts.Env.Offline():
		offline = "module lookup disabled by -mod=vendor"
	}
	hc := auth.NewHTTPClient(opts.HTTPClient, &tls.Config{RootCAs: opts.RootCAs}, timeout, creds)
	dir := ""
	if opts.CacheDir != "" {
		dir = filepath.Join(opts.CacheDir, "sumdb", "v1")
	}
	sum := sha256.Sum256([]byte(cfg.Key))
	db := &DB{
		cfg:    cfg,
		env:    opts.Env,
		log:    log,
		store:  newStore(dir, hex.EncodeToString(sum[:8])),
		remote: newRemote(cfg, opts.Env, hc, log, timeout, negTTL, offline),
	}
	db.client = db.newClient(false)
	return db, nil
}

// Name returns the database's name ("sum.golang.org").
func (db *DB) Name() string { return db.cfg.Name }

// Via returns the URL requests go to (redacted): a proxy's
// .../sumdb/<name>, https://<name>, or GOSUMDB's URL; "" until the first
// request.
func (db *DB) Via() string { return db.remote.Via() }

// Requests returns the number of HTTP requests sent so far.
func (db *DB) Requests() int {
	db.remote.mu.Lock()
	defer db.remote.mu.Unlock()
	return db.remote.reqs
}

// SecurityError returns the fork detected, or nil.
func (db *DB) SecurityError() *Error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.security
}

// Invalidate forgets remembered failures, the proxy probe's answer and a
// detected fork: the next lookup starts a new client from the persistent
// tree head, so a database still serving a fork is caught again.
func (db *DB) Invalidate() {
	db.remote.reset()
	db.mu.Lock()
	defer db.mu.Unlock()
	db.security = nil
	db.client = db.newClient(false)
	db.cacheCl = nil
}

// Close ends requests in flight.
func (db *DB) Close() { db.remote.cancel() }

// newClient returns a sumdb.Client over our operations; cacheOnly ones
// never go to the network.
func (db *DB) newClient(cacheOnly bool) *sumdb.Client {
	c := sumdb.NewClient(&clientOps{db: db, cacheOnly: cacheOnly})
	if p := db.env.Get("GONOSUMDB"); p != "" {
		c.SetGONOSUMDB(p) // a second guard; Lookup refuses these paths first
	}
	return c
}

// Allowed reports whether the database may be asked about path, and if not,
// why: "GOSUMDB=off" or "GONOSUMDB pattern P" (or GOPRIVATE's, when
// GONOSUMDB defaults to it), or that the path looks private.
func Allowed(env *goenv.Env, path string) (ok bool, reason string) {
	if env.UseSumDB(path) {
		// A path that is evidently private but not configured as such would
		// be sent by the go command; gomodls does not leak it (the private
		// analyzer tells the user to configure GOPRIVATE).
		if why := goenv.EvidentlyPrivate(path); why != "" {
			if _, noProxy := env.MatchNoProxy(path); !noProxy {
				return false, "it looks private (" + why + ") and GOPRIVATE does not match it, so gomodls does not send it to the checksum database"
			}
		}
		return true, ""
	}
	if env.Get("GOSUMDB") == "off" {
		return false, "GOSUMDB=off"
	}
	pat, _ := env.MatchNoSumDB(path)
	name := "GONOSUMDB"
	if env.Lookup("GONOSUMDB").Origin == goenv.OriginDefault {
		name = "GOPRIVATE" // GONOSUMDB defaults to it
	}
	return false, fmt.Sprintf("%s pattern %s", name, pat)
}

// Lookup returns the go.sum lines the database records for path@version:
// the zip hash line, then the /go.mod line. It never sends a path that
// GONOSUMDB matches. Lookups honour ctx; a request abandoned by a canceled
// caller still ends within the request timeout (its answer is cached).
func (db *DB) Lookup(ctx context.Context, path, version string) ([]string, error) {
	if ok, reason := Allowed(db.env, path); !ok {
		return nil, &Error{Kind: Excluded, Path: path, Version: version, DB: db.cfg.Name, Reason: reason}
	}
	if err := checkModule(path, version); err != nil {
		return nil, err
	}
	db.mu.Lock()
	if db.security != nil {
		e := db.security.WithModule(path, version)
		db.mu.Unlock()
		return nil, e
	}
	client := db.client
	db.mu.Unlock()

	type result struct {
		lines []string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		zip, err := client.Lookup(path, version)
		if err != nil {
			done <- result{nil, err}
			return
		}
		gomod, err := client.Lookup(path, version+"/go.mod")
		done <- result{append(zip, gomod...), err}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		return nil, &Error{Kind: Canceled, Path: path, Version: version, DB: db.cfg.Name, Err: context.Cause(ctx)}
	}
	if res.err != nil {
		return nil, db.classify(client, path, version, res.err)
	}
	if len(res.lines) != 2 {
		return nil, &Error{Kind: ServerError, Path: path, Version: version, DB: db.cfg.Name,
			Err: fmt.Errorf("record has %d lines for this version, want a zip and a go.mod hash", len(res.lines))}
	}
	return res.lines, nil
}

// CachedLookup is Lookup answered from the cache only (memory and the
// persistent cache, fully verified against cached tiles), for callers that
// must not wait for the network. It reports false when not cached.
func (db *DB) CachedLookup(path, version string) ([]string, bool) {
	if ok, _ := Allowed(db.env, path); !ok || checkModule(path, version) != nil {
		return nil, false
	}
	db.mu.Lock()
	if db.security != nil {
		db.mu.Unlock()
		return nil, false
	}
	if db.cacheCl == nil {
		db.cacheCl = db.newClient(true)
	}
	c := db.cacheCl
	db.mu.Unlock()
	zip, err := c.Lookup(path, version)
	var gomod []string
	if err == nil {
		gomod, err = c.Lookup(path, version+"/go.mod")
	}
	if err != nil || len(zip) != 1 || len(gomod) != 1 {
		// The client remembers the miss; start afresh next time, when
		// the online client may have cached the record.
		db.mu.Lock()
		if db.cacheCl == c {
			db.cacheCl = nil
		}
		db.mu.Unlock()
		return nil, false
	}
	return append(zip, gomod...), true
}

// classify turns a sumdb.Client error (which keeps only the text of ours)
// into an *Error, and retires the client, which would otherwise return
// the same failure for the module forever.
func (db *DB) classify(client *sumdb.Client, path, version string, err error) *Error {
	db.mu.Lock()
	sec := db.security
	if sec == nil && db.client == client {
		db.client = db.newClient(false)
	}
	db.mu.Unlock()
	if sec != nil {
		return sec.WithModule(path, version)
	}
	if errors.Is(err, sumdb.ErrGONOSUMDB) {
		return &Error{Kind: Excluded, Path: path, Version: version, DB: db.cfg.Name, Reason: "GONOSUMDB"}
	}
	esc, _ := module.EscapePath(path)
	escV, _ := module.EscapeVersion(version)
	if e := db.remote.failure("/lookup/" + esc + "@" + escV); e != nil {
		return e.WithModule(path, version)
	}
	// A failure of the client itself: a record or note that does not
	// verify, for instance. Its first line says what (the rest quotes
	// the offending note).
	msg := modsource.FirstLine(strings.TrimPrefix(err.Error(), path+"@"+version+": "))
	if strings.HasPrefix(msg, "reading tree note") {
		msg += fmt.Sprintf(" (the database's signature does not verify with the key in GOSUMDB, %s)", db.cfg.Key)
	}
	return &Error{Kind: ServerError, Path: path, Version: version, DB: db.cfg.Name, Err: errors.New(msg)}
}

// checkModule validates path@version as the go command does before any
// lookup.
func checkModule(path, version string) *Error {
	if err := module.Check(path, version); err != nil {
		return &Error{Kind: Invalid, Path: path, Version: version, Err: err}
	}
	if module.CanonicalVersion(version) != version {
		return &Error{Kind: Invalid, Path: path, Version: version, Err: errors.New("not a canonical version")}
	}
	return nil
}

// clientOps implements sumdb.ClientOps for a DB.
type clientOps struct {
	db        *DB
	cacheOnly bool
}

func (o *clientOps) ReadRemote(path string) ([]byte, error) {
	if o.cacheOnly {
		return nil, &Error{Kind: Offline, DB: o.db.cfg.Name, Err: errors.New("cache only")}
	}
	return o.db.remote.read(path)
}

func (o *clientOps) ReadConfig(file string) ([]byte, error) {
	if file == "key" {
		return []byte(o.db.cfg.Key), nil
	}
	return o.db.store.readConfig(file)
}

func (o *clientOps) WriteConfig(file string, old, new []byte) error {
	if file == "key" {
		return errors.New("cannot write key")
	}
	return o.db.store.writeConfig(file, old, new)
}

func (o *clientOps) ReadCache(file string) ([]byte, error) { return o.db.store.readCache(file) }

func (o *clientOps) WriteCache(file string, data []byte) { o.db.store.writeCache(file, data) }

func (o *clientOps) Log(msg string) { o.db.log.Debug("sumdb", zap.String("msg", msg)) }

// SecurityError records the fork instead of exiting: the client then
// returns sumdb.ErrSecurity, and every later lookup our *Error.
func (o *clientOps) SecurityError(msg string) {
	db := o.db
	db.log.Error("checksum database misbehavior", zap.String("db", db.cfg.Name), zap.String("report", msg))
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.security == nil {
		db.security = &Error{Kind: Security, DB: db.cfg.Name, URL: db.remote.Via(), Msg: msg}
	}
}
