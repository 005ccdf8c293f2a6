// Copyright 2026 The gomodls Authors.

package sumcheck

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
)

func newSource(t testing.TB, opts modproxy.Options) *Source {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.db != nil {
		t.Cleanup(s.db.Close)
	}
	return s
}

func countEndpoint(srv *proxytest.Server, ep proxytest.Endpoint, module string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Endpoint&ep != 0 && (module == "" || r.Module == module) {
			n++
		}
	}
	return n
}

func TestSumsVerified(t *testing.T) {
	srv := proxytest.New(t)
	s := newSource(t, testOptions(t, srv, ""))
	r, err := s.Sums(ctxT(t), "example.com/basic", "v1.1.0", Verify)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Verified || r.DB != srv.SumDBName() || r.Excluded != "" {
		t.Errorf("sums %+v", r)
	}
	if got, want := r.Lines(true), srv.GoSumLines("example.com/basic", "v1.1.0"); !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	// Verify mode downloads nothing: no .mod, no zip.
	if n := countEndpoint(srv, proxytest.EndpointMod|proxytest.EndpointZip, ""); n != 0 {
		t.Errorf("%d downloads in Verify mode", n)
	}
	// GoModLine corroborates the go.mod hash with the proxy's go.mod.
	r, err = s.Sums(ctxT(t), "example.com/basic", "v1.1.0", GoModLine)
	if err != nil {
		t.Fatal(err)
	}
	if r.ServedGoMod != r.GoMod || r.ServedGoModFrom != srv.URL || r.Conflict() != "" {
		t.Errorf("served go.mod %q from %q, conflict %q", r.ServedGoMod, r.ServedGoModFrom, r.Conflict())
	}
	if n := countEndpoint(srv, proxytest.EndpointZip, ""); n != 0 {
		t.Errorf("%d zip downloads for a verified module", n)
	}
	if got := r.Lines(false); len(got) != 1 || !strings.HasSuffix(got[0], "/go.mod "+r.GoMod) {
		t.Errorf("Lines(false) = %q", got)
	}
	if r.Origin() != "verified by "+srv.SumDBName() {
		t.Errorf("origin %q", r.Origin())
	}
	// Answers are remembered: asking again sends nothing.
	srv.Reset()
	for _, m := range []Mode{Verify, GoModLine} {
		if _, err := s.Sums(ctxT(t), "example.com/basic", "v1.1.0", m); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for remembered answers", n)
	}
}

func TestSumsExcluded(t *testing.T) {
	srv := proxytest.New(t)
	s := newSource(t, testOptions(t, srv, "", "GONOSUMDB=example.com/deep"))
	r, err := s.Sums(ctxT(t), "example.com/deep/a", "v1.0.0", GoModLine)
	if err != nil {
		t.Fatal(err)
	}
	want := srv.GoSumLines("example.com/deep/a", "v1.0.0")
	if r.Verified || r.Excluded != "GONOSUMDB pattern example.com/deep" || r.GoMod != strings.Fields(want[1])[2] || r.Zip != "" {
		t.Errorf("sums %+v", r)
	}
	if n := countEndpoint(srv, proxytest.EndpointZip, ""); n != 0 {
		t.Errorf("GoModLine downloaded %d zips", n)
	}
	// ZipLine hashes the zip the proxy serves.
	r, err = s.Sums(ctxT(t), "example.com/deep/a", "v1.0.0", ZipLine)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Lines(true); !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	if !strings.HasPrefix(r.Origin(), "computed from what "+srv.URL+" serves (not verified: GONOSUMDB pattern example.com/deep)") {
		t.Errorf("origin %q", r.Origin())
	}
	if n := countEndpoint(srv, proxytest.EndpointSumDB, ""); n != 0 {
		t.Errorf("%d checksum database requests for an excluded module", n)
	}
	// GOSUMDB=off: no database client at all.
	off := newSource(t, testOptions(t, srv, "", "GOSUMDB=off"))
	if off.DB() != nil || KindOf(off.DBError()) != Excluded {
		t.Errorf("GOSUMDB=off: db %v, error %v", off.DB(), off.DBError())
	}
	r, err = off.Sums(ctxT(t), "example.com/basic", "v1.1.0", GoModLine)
	if err != nil || r.Excluded != "GOSUMDB=off" || r.GoMod == "" {
		t.Errorf("GOSUMDB=off: %+v %v", r, err)
	}
}

// TestCachedSums: answers without the network, from a previous run's
// persistent cache, from the module cache, or from this Source's memory.
func TestCachedSums(t *testing.T) {
	srv := proxytest.New(t)
	cache := t.TempDir()
	s1 := newSource(t, testOptions(t, srv, cache))
	if s1.CachedSums("example.com/zero", "v0.2.0") != nil {
		t.Fatal("cached sums before any lookup")
	}
	if _, err := s1.Sums(ctxT(t), "example.com/zero", "v0.2.0", Verify); err != nil {
		t.Fatal(err)
	}
	if r := s1.CachedSums("example.com/zero", "v0.2.0"); r == nil || !r.Verified {
		t.Errorf("after a lookup: %+v", r)
	}
	// A new process over the same cache: verified from disk.
	srv.Reset()
	s2 := newSource(t, testOptions(t, srv, cache))
	r := s2.CachedSums("example.com/zero", "v0.2.0")
	if r == nil || !r.Verified || !slices.Equal(r.Lines(true), srv.GoSumLines("example.com/zero", "v0.2.0")) {
		t.Errorf("from the persistent cache: %+v", r)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("CachedSums sent %d requests", n)
	}
	// Excluded modules come from gomodls' cache of what the proxy served.
	opts := testOptions(t, srv, cache, "GONOSUMDB=example.com/deep")
	s3 := newSource(t, opts)
	if s3.CachedSums("example.com/deep/a", "v1.0.0") != nil {
		t.Error("cached sums of a module never fetched")
	}
	if _, err := s3.Sums(ctxT(t), "example.com/deep/a", "v1.0.0", ZipLine); err != nil {
		t.Fatal(err)
	}
	s4 := newSource(t, testOptions(t, srv, cache, "GONOSUMDB=example.com/deep"))
	srv.Reset()
	r = s4.CachedSums("example.com/deep/a", "v1.0.0")
	if r == nil || r.Verified || !slices.Equal(r.Lines(true), srv.GoSumLines("example.com/deep/a", "v1.0.0")) {
		t.Errorf("excluded, from gomodls' cache: %+v", r)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("CachedSums sent %d requests", n)
	}
}

// TestSumsConflict: the database records hashes the proxy's content does
// not have; the answer says so, and no line from it is safe to add.
func TestSumsConflict(t *testing.T) {
	srv := proxytest.New(t)
	if err := srv.TamperSumDB("example.com/deep/d", "v1.1.0"); err != nil {
		t.Fatal(err)
	}
	s := newSource(t, testOptions(t, srv, ""))
	r, err := s.Sums(ctxT(t), "example.com/deep/d", "v1.1.0", GoModLine)
	if err != nil {
		t.Fatal(err)
	}
	real := strings.Fields(srv.GoSumLines("example.com/deep/d", "v1.1.0")[1])[2]
	if r.ServedGoMod != real || r.GoMod == real {
		t.Errorf("served %s, database %s, real %s", r.ServedGoMod, r.GoMod, real)
	}
	if c := r.Conflict(); !strings.Contains(c, "the go.mod served by "+srv.URL+" has "+real) || !strings.Contains(c, srv.SumDBName()+" records "+r.GoMod) {
		t.Errorf("conflict %q", c)
	}
}

// TestSumsFailuresRemembered: a failure is remembered for NegativeTTL;
// Invalidate forgets it.
func TestSumsFailuresRemembered(t *testing.T) {
	srv := proxytest.New(t)
	s := newSource(t, testOptions(t, srv, ""))
	_, err := s.Sums(ctxT(t), "example.com/basic", "v1.9.9", Verify)
	wantKind(t, err, NotFound)
	n := len(srv.Requests())
	_, err = s.Sums(ctxT(t), "example.com/basic", "v1.9.9", Verify)
	wantKind(t, err, NotFound)
	if len(srv.Requests()) != n {
		t.Errorf("a remembered failure was asked again")
	}
	s.Invalidate()
	s.Sums(ctxT(t), "example.com/basic", "v1.9.9", Verify)
	if len(srv.Requests()) == n {
		t.Errorf("Invalidate did not forget the failure")
	}
	_, err = s.Sums(ctxT(t), "example.com/basic", "v1.1", Verify)
	wantKind(t, err, Invalid)
}

func TestGoModHash(t *testing.T) {
	// The hash the fixture (and the go command) computes for this go.mod.
	srv := proxytest.New(t)
	s := newSource(t, testOptions(t, srv, ""))
	gm, err := s.GoMod(ctxT(t), "example.com/zero", "v0.2.0")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(srv.GoSumLines("example.com/zero", "v0.2.0")[1])[2]
	if got := GoModHash(gm.Data); got != want {
		t.Errorf("GoModHash = %s, want %s", got, want)
	}
}
