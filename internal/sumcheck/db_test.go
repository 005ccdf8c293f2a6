// Copyright 2026 The gomodls Authors.

package sumcheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
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

// testOptions are client options for the fixture: its environment with
// extra entries, short timeouts, a private cache directory.
func testOptions(t testing.TB, srv *proxytest.Server, cacheDir string, extra ...string) modproxy.Options {
	t.Helper()
	if cacheDir == "" {
		cacheDir = t.TempDir()
	}
	return modproxy.Options{
		Env:            testEnv(t, srv.GoEnv(extra...)),
		NoAuth:         true,
		NoModCache:     true,
		RequestTimeout: 2 * time.Second,
		MaxRetries:     -1,
		CacheDir:       cacheDir,
	}
}

func newDB(t testing.TB, opts modproxy.Options) *DB {
	t.Helper()
	db, err := NewDB(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wantKind(t testing.TB, err error, k Kind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *Error of kind %v", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("error kind %v (%v), want %v", e.Kind, e, k)
	}
	return e
}

func sumdbRequests(srv *proxytest.Server, ep proxytest.Endpoint) []proxytest.Request {
	var out []proxytest.Request
	for _, r := range srv.Requests() {
		if r.Endpoint&ep != 0 {
			out = append(out, r)
		}
	}
	return out
}

func TestLookupThroughProxy(t *testing.T) {
	srv := proxytest.New(t)
	db := newDB(t, testOptions(t, srv, ""))
	got, err := db.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.GoSumLines("example.com/basic", "v1.1.0"); !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	if via, want := db.Via(), srv.URL+"/sumdb/"+srv.SumDBName(); via != want {
		t.Errorf("via %s, want %s", via, want)
	}
	// The go command's order: the proxy's /supported first, then lookups
	// and tiles through it; the standalone database is never asked.
	reqs := sumdbRequests(srv, proxytest.EndpointSumDB)
	if len(reqs) == 0 || reqs[0].Endpoint != proxytest.EndpointSumDBSupported {
		t.Fatalf("first sumdb request is not the /supported probe: %v", reqs)
	}
	for _, r := range reqs {
		if r.Server != "proxy" {
			t.Errorf("request to the standalone database: %s", r)
		}
	}
	// A pseudo-version and an +incompatible version (escaping).
	for _, v := range []struct{ path, version string }{
		{"example.com/pseudo", "v0.0.0-20240102030405-abcdef012345"},
		{"example.com/incompat", "v2.0.0+incompatible"},
		{"example.com/Upper/mod", "v1.1.0"},
	} {
		got, err := db.Lookup(ctxT(t), v.path, v.version)
		if err != nil {
			t.Fatal(err)
		}
		if want := srv.GoSumLines(v.path, v.version); !slices.Equal(got, want) {
			t.Errorf("%s@%s: lines %q, want %q", v.path, v.version, got, want)
		}
	}
}

func TestLookupExplicitURL(t *testing.T) {
	srv := proxytest.New(t, proxytest.WithoutSumDBProxy())
	db := newDB(t, testOptions(t, srv, "")) // GoEnv: GOSUMDB="<key> <SumDBURL>"
	if _, err := db.Lookup(ctxT(t), "example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if via := db.Via(); via != srv.SumDBURL {
		t.Errorf("via %s, want %s", via, srv.SumDBURL)
	}
	if n := len(sumdbRequests(srv, proxytest.EndpointSumDBSupported)); n != 0 {
		t.Errorf("%d /supported probes with an explicit URL", n)
	}
}

// TestProxyChain checks the probe's semantics: a proxy answering 404 is
// skipped; after ',' another failure makes the database unavailable,
// after '|' the next proxy is tried; when no proxy helps, https://<name>.
func TestProxyChain(t *testing.T) {
	db := proxytest.New(t)
	noSumDB := proxytest.New(t, proxytest.WithoutSumDBProxy())
	broken := proxytest.New(t)
	broken.Fault("", proxytest.Status(502, "bad gateway").On(proxytest.EndpointSumDBSupported))
	for _, tc := range []struct {
		name    string
		goproxy string
		via     string // "" when the lookup fails
		kind    Kind
	}{
		{"404 falls through", noSumDB.URL + "," + db.URL, db.URL + "/sumdb/" + db.SumDBName(), 0},
		{"502 after comma stops", broken.URL + "," + db.URL, "", ServerError},
		{"502 after pipe falls through", broken.URL + "|" + db.URL, db.URL + "/sumdb/" + db.SumDBName(), 0},
		// The fixture's name is under .invalid: https://<name> cannot resolve.
		{"no proxy helps: direct", noSumDB.URL + ",direct", "", Unreachable},
		{"off: direct", "off", "", Offline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions(t, db, "", "GOPROXY="+tc.goproxy)
			d := newDB(t, opts)
			_, err := d.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
			if tc.kind != 0 {
				e := wantKind(t, err, tc.kind)
				if tc.kind == Unreachable && !strings.Contains(e.URL, "https://"+db.SumDBName()) {
					t.Errorf("direct failure names %q, want https://%s", e.URL, db.SumDBName())
				}
				if tc.kind == ServerError && e.Status != 502 {
					t.Errorf("status %d, want 502: %v", e.Status, e)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Via() != tc.via {
				t.Errorf("via %s, want %s", d.Via(), tc.via)
			}
		})
	}
}

// TestPersistentCache: a second client (a new process) over the same cache
// directory verifies from disk, without a single request.
func TestPersistentCache(t *testing.T) {
	srv := proxytest.New(t)
	cache := t.TempDir()
	mods := []string{"example.com/basic@v1.0.0", "example.com/basic@v1.1.0", "example.com/zero@v0.2.0", "example.com/deep/a@v1.0.0"}
	db1 := newDB(t, testOptions(t, srv, cache))
	want := map[string][]string{}
	for _, m := range mods {
		p, v, _ := strings.Cut(m, "@")
		lines, err := db1.Lookup(ctxT(t), p, v)
		if err != nil {
			t.Fatal(err)
		}
		want[m] = lines
	}
	if _, err := os.Stat(filepath.Join(cache, "sumdb", "v1")); err != nil {
		t.Fatalf("no persistent cache: %v", err)
	}
	srv.Reset()
	db2 := newDB(t, testOptions(t, srv, cache))
	for _, m := range mods {
		p, v, _ := strings.Cut(m, "@")
		lines, err := db2.Lookup(ctxT(t), p, v)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(lines, want[m]) {
			t.Errorf("%s: %q, want %q", m, lines, want[m])
		}
		if cached, ok := db2.CachedLookup(p, v); !ok || !slices.Equal(cached, want[m]) {
			t.Errorf("%s: cached %q %v", m, cached, ok)
		}
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("warm lookups sent %d requests, e.g. %s", len(reqs), reqs[0])
	}
	// CachedLookup never goes to the network: an unknown version is a miss.
	if _, ok := db2.CachedLookup("example.com/basic", "v0.1.0"); ok {
		t.Error("cached lookup of a version never looked up")
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("cached lookup sent a request: %s", reqs[0])
	}
	// After the online client looks it up, the cache-only one finds it.
	if _, err := db2.Lookup(ctxT(t), "example.com/basic", "v0.1.0"); err != nil {
		t.Fatal(err)
	}
	if _, ok := db2.CachedLookup("example.com/basic", "v0.1.0"); !ok {
		t.Error("cached lookup misses after a lookup")
	}
}

// TestForkDetected: a database that serves a tree inconsistent with the
// one kept from an earlier run is a security error: returned, sticky,
// never an exit; Invalidate re-detects it while the fork is served.
func TestForkDetected(t *testing.T) {
	srv := proxytest.New(t)
	cache := t.TempDir()
	db1 := newDB(t, testOptions(t, srv, cache))
	if _, err := db1.Lookup(ctxT(t), "example.com/basic", "v1.1.0"); err != nil {
		t.Fatal(err)
	}
	srv.ForkSumDB(true)

	// The same process: its next lookup sees the fork.
	_, err := db1.Lookup(ctxT(t), "example.com/zero", "v0.2.0")
	e := wantKind(t, err, Security)
	if !strings.Contains(e.Msg, "SECURITY ERROR") || !strings.Contains(e.Msg, "proof of misbehavior") {
		t.Errorf("report lacks the proof:\n%s", e.Msg)
	}
	// Sticky, even for a version the client had verified before.
	_, err = db1.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
	wantKind(t, err, Security)
	if db1.SecurityError() == nil {
		t.Error("SecurityError() is nil")
	}

	// A later run (new client, same cache): the kept tree head catches it.
	db2 := newDB(t, testOptions(t, srv, cache))
	_, err = db2.Lookup(ctxT(t), "example.com/deep/a", "v1.0.0")
	wantKind(t, err, Security)
	if _, ok := db2.CachedLookup("example.com/basic", "v1.1.0"); ok {
		t.Error("cached lookup answers after a fork")
	}
	db2.Invalidate()
	_, err = db2.Lookup(ctxT(t), "example.com/deep/b", "v1.0.0")
	wantKind(t, err, Security)

	// A fresh cache has nothing to compare with: the fork is a consistent
	// log of its own.
	db3 := newDB(t, testOptions(t, srv, ""))
	if _, err := db3.Lookup(ctxT(t), "example.com/deep/a", "v1.0.0"); err != nil {
		t.Errorf("fresh client: %v", err)
	}
}

// TestExcludedNeverSent: GONOSUMDB, GOPRIVATE and GOSUMDB=off paths never
// reach the database, in any form.
func TestExcludedNeverSent(t *testing.T) {
	srv := proxytest.New(t)
	for _, tc := range []struct {
		env    string
		reason string
	}{
		{"GONOSUMDB=example.com/deep,example.com/Upper", "GONOSUMDB pattern example.com/deep"},
		{"GOPRIVATE=example.com/deep,example.com/Upper", "GOPRIVATE pattern example.com/deep"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			srv.Reset()
			db := newDB(t, testOptions(t, srv, "", tc.env))
			for _, p := range []string{"example.com/deep/a", "example.com/deep/b", "example.com/Upper/mod"} {
				_, err := db.Lookup(ctxT(t), p, "v1.0.0")
				e := wantKind(t, err, Excluded)
				if p == "example.com/deep/a" && e.Reason != tc.reason {
					t.Errorf("reason %q, want %q", e.Reason, tc.reason)
				}
				if _, ok := db.CachedLookup(p, "v1.0.0"); ok {
					t.Errorf("cached lookup of excluded %s", p)
				}
			}
			// Other modules still verify.
			if _, err := db.Lookup(ctxT(t), "example.com/basic", "v1.0.0"); err != nil {
				t.Fatal(err)
			}
			srv.AssertNoRequestMentions(t, "example.com/deep", "example.com/Upper")
		})
	}
	_, err := NewDB(testOptions(t, srv, "", "GOSUMDB=off"))
	if e := wantKind(t, err, Excluded); e.Reason != "GOSUMDB=off" {
		t.Errorf("reason %q", e.Reason)
	}
}

func TestLookupFailures(t *testing.T) {
	srv := proxytest.New(t)
	t.Run("not found", func(t *testing.T) {
		db := newDB(t, testOptions(t, srv, ""))
		_, err := db.Lookup(ctxT(t), "example.com/basic", "v1.9.9")
		e := wantKind(t, err, NotFound)
		if e.Status != 410 || !strings.Contains(e.ServerText, "unknown revision v1.9.9") {
			t.Errorf("error %v", e)
		}
		if !errors.Is(err, os.ErrNotExist) {
			t.Error("not-found error is not fs.ErrNotExist")
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		refused := proxytest.RefusedURL(t)
		db := newDB(t, testOptions(t, srv, "", "GOSUMDB="+srv.SumDBKey()+" "+refused))
		_, err := db.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
		e := wantKind(t, err, Unreachable)
		if !strings.HasPrefix(e.URL, refused) {
			t.Errorf("URL %q, want under %s", e.URL, refused)
		}
		// Remembered: the next lookup fails at once, with the same cause.
		start := time.Now()
		_, err = db.Lookup(ctxT(t), "example.com/zero", "v0.2.0")
		wantKind(t, err, Unreachable)
		if db.Requests() != 1 {
			t.Errorf("%d requests to an unreachable database, want 1", db.Requests())
		}
		_ = start
		// Invalidate forgets it.
		db.Invalidate()
		db.Lookup(ctxT(t), "example.com/zero", "v0.2.0")
		if db.Requests() != 2 {
			t.Errorf("%d requests after Invalidate, want 2", db.Requests())
		}
	})
	t.Run("hang", func(t *testing.T) {
		hang := proxytest.New(t)
		hang.Fault("", proxytest.Hang().On(proxytest.EndpointSumDBLookup))
		opts := testOptions(t, hang, "")
		opts.RequestTimeout = 300 * time.Millisecond
		db := newDB(t, opts)
		start := time.Now()
		_, err := db.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
		e := wantKind(t, err, Unreachable)
		if !strings.Contains(e.Error(), "no answer within 300ms") {
			t.Errorf("error %v", e)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		other := proxytest.New(t)
		db := newDB(t, testOptions(t, srv, "", "GOSUMDB="+other.SumDBKey()))
		_, err := db.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
		e := wantKind(t, err, ServerError)
		if !strings.Contains(e.Error(), "reading tree note: note has no verifiable signatures (the database's signature does not verify with the key in GOSUMDB") {
			t.Errorf("error %v", e)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		hang := proxytest.New(t)
		hang.Fault("", proxytest.Hang().On(proxytest.EndpointSumDBLookup))
		db := newDB(t, testOptions(t, hang, ""))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := db.Lookup(ctx, "example.com/basic", "v1.1.0")
		wantKind(t, err, Canceled)
	})
	t.Run("invalid", func(t *testing.T) {
		db := newDB(t, testOptions(t, srv, ""))
		_, err := db.Lookup(ctxT(t), "example.com/basic", "v1.1")
		wantKind(t, err, Invalid)
		_, err = db.Lookup(ctxT(t), "example.com/../x", "v1.0.0")
		wantKind(t, err, Invalid)
	})
	t.Run("bad GOSUMDB", func(t *testing.T) {
		_, err := NewDB(testOptions(t, srv, "", "GOSUMDB=not a key at all"))
		wantKind(t, err, Config)
	})
}

// TestStoreConcurrent: processes (here goroutines with their own stores)
// replacing the tree head concurrently never lose the compare-and-swap.
func TestStoreConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newStore(dir, "k")
			for j := range 20 {
				for {
					old, err := s.readConfig("db/latest")
					if err != nil {
						t.Error(err)
						return
					}
					err = s.writeConfig("db/latest", old, fmt.Appendf(nil, "%d-%d", i, j))
					if err == sumdb.ErrWriteConflict {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					wins++
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()
	if wins != n*20 {
		t.Errorf("%d successful writes, want %d", wins, n*20)
	}
	s := newStore(dir, "k")
	if err := s.writeConfig("db/latest", []byte("stale"), []byte("x")); err != sumdb.ErrWriteConflict {
		t.Errorf("write over a changed head: %v, want ErrWriteConflict", err)
	}
	for _, bad := range []string{"../x", "a/../../x", "/etc/passwd", "a//b", ""} {
		if _, err := s.file("cache", bad); err == nil {
			t.Errorf("file name %q accepted", bad)
		}
	}
}

// TestCachedBatch: the batch path answers from the persistent cache with
// no request, and a cached record altered on disk is not believed.
func TestCachedBatch(t *testing.T) {
	srv := proxytest.New(t)
	cache := t.TempDir()
	db1 := newDB(t, testOptions(t, srv, cache))
	mods := []module.Version{{Path: "example.com/basic", Version: "v1.1.0"}, {Path: "example.com/zero", Version: "v0.2.0"}, {Path: "example.com/deep/a", Version: "v1.0.0"}}
	for _, m := range mods {
		if _, err := db1.Lookup(ctxT(t), m.Path, m.Version); err != nil {
			t.Fatal(err)
		}
	}
	srv.Reset()
	db2 := newDB(t, testOptions(t, srv, cache))
	got := db2.cachedBatch(append(mods, module.Version{Path: "example.com/basic", Version: "v0.1.0"}))
	if len(got) != 3 {
		t.Fatalf("batch answered %d of 3 cached versions", len(got))
	}
	for _, m := range mods {
		if want := srv.GoSumLines(m.Path, m.Version); !slices.Equal(got[m], want) {
			t.Errorf("%s: %q, want %q", m, got[m], want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("batch sent %d requests", n)
	}

	// Alter basic's cached record: the hash no longer proves it.
	var file string
	filepath.WalkDir(filepath.Join(cache, "sumdb"), func(p string, d os.DirEntry, err error) error {
		if strings.HasSuffix(p, filepath.FromSlash("lookup/example.com/basic@v1.1.0")) {
			file = p
		}
		return nil
	})
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(data), "h1:5XN7", "h1:AAAA", 1)
	if forged == string(data) {
		t.Fatal("record not altered")
	}
	if err := os.WriteFile(file, []byte(forged), 0o644); err != nil {
		t.Fatal(err)
	}
	db3 := newDB(t, testOptions(t, srv, cache))
	got = db3.cachedBatch(mods)
	if _, ok := got[mods[0]]; ok || len(got) != 2 {
		t.Errorf("batch after forging basic's record: %v", got)
	}
	// The client does not believe it either.
	if lines, err := db3.Lookup(ctxT(t), "example.com/basic", "v1.1.0"); err == nil && strings.Contains(strings.Join(lines, " "), "AAAA") {
		t.Errorf("forged lines accepted: %q", lines)
	}
	if _, ok := db3.CachedLookup("example.com/basic", "v1.1.0"); ok {
		t.Error("cache-only client accepted the forged record")
	}

	// A kept tree head that does not verify: nothing from the batch.
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	db4 := newDB(t, testOptions(t, srv, cache))
	latest, err := db4.store.readConfig(db4.cfg.Name + "/latest")
	if err != nil || len(latest) == 0 {
		t.Fatalf("no kept tree head: %v", err)
	}
	db4.store.writeConfig(db4.cfg.Name+"/latest", latest, []byte(strings.Replace(string(latest), "\n\n", "\nforged\n\n", 1)))
	if got := db4.cachedBatch(mods); len(got) != 0 {
		t.Errorf("batch trusted an unverifiable tree head: %v", got)
	}
}

// TestGOSUMDBForms: the forms of GOSUMDB name the database and how it is
// reached (nothing is sent here: GOPROXY=off keeps the client offline).
func TestGOSUMDBForms(t *testing.T) {
	srv := proxytest.New(t)
	for _, tc := range []struct {
		gosumdb, name, url string
	}{
		{"sum.golang.org", "sum.golang.org", ""},
		{"sum.golang.google.cn", "sum.golang.org", "https://sum.golang.google.cn"},
		{srv.SumDBKey(), srv.SumDBName(), ""},
		{srv.SumDBKey() + " " + srv.SumDBURL, srv.SumDBName(), srv.SumDBURL},
	} {
		db := newDB(t, testOptions(t, srv, "", "GOSUMDB="+tc.gosumdb, "GOPROXY=off"))
		if db.Name() != tc.name || db.cfg.URL != tc.url {
			t.Errorf("GOSUMDB=%q: name %q url %q, want %q %q", tc.gosumdb, db.Name(), db.cfg.URL, tc.name, tc.url)
		}
		_, err := db.Lookup(ctxT(t), "example.com/basic", "v1.1.0")
		wantKind(t, err, Offline)
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("requests sent: %v", srv.Requests())
	}
}
