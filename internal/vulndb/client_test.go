// Copyright 2026 The gomodls Authors.

package vulndb_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/vulndb/osv"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/vulndb"
)

// testRaws returns the fixture's real reports (a copy to modify).
func testRaws(t testing.TB) [][]byte {
	t.Helper()
	raws := proxytest.VulnReports()
	if len(raws) < 30 {
		t.Fatalf("only %d reports in the fixture", len(raws))
	}
	return raws
}

func testTree(t testing.TB) osv.Tree { return proxytest.VulnTree() }

// clock is a settable time for TTL tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)} }

func serve(t *testing.T, opts ...proxytest.Option) *proxytest.Server {
	t.Helper()
	return proxytest.New(t, append([]proxytest.Option{proxytest.WithoutDefaultCorpus(), proxytest.WithVulnDB(testTree(t))}, opts...)...)
}

func newClient(t *testing.T, opts vulndb.Options) *vulndb.Client {
	t.Helper()
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	c, err := vulndb.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ids(list []*osv.Entry) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.ID)
	}
	return out
}

func query(t *testing.T, c *vulndb.Client, path, version string) []string {
	t.Helper()
	db, err := c.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.Query(context.Background(), path, version)
	if err != nil {
		t.Fatal(err)
	}
	return ids(list)
}

func TestQueryOverHTTP(t *testing.T) {
	srv := serve(t)
	clk := newClock()
	c := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: t.TempDir(), Now: clk.now})
	got := query(t, c, "golang.org/x/text", "v0.3.5")
	want := []string{"GO-2021-0113", "GO-2022-1059", "GO-2026-5970", "GO-2026-6629"}
	if !slices.Equal(got, want) {
		t.Errorf("x/text v0.3.5: %v, want %v", got, want)
	}
	// GO-2020-0015's latest fix (0.3.3) is below v0.3.5: the index says so,
	// and the report is never fetched.
	if n := srv.Count("/ID/GO-2020-0015.json.gz"); n != 0 {
		t.Errorf("fetched GO-2020-0015 %d times; the index rules it out", n)
	}
	if got := query(t, c, "github.com/gorilla/sessions", "v1.2.1"); len(got) != 0 {
		t.Errorf("withdrawn report returned: %v", got)
	}
	if got := query(t, c, "example.com/unknown", "v1.0.0"); len(got) != 0 {
		t.Errorf("unknown module: %v", got)
	}
	before := len(srv.Requests())
	query(t, c, "golang.org/x/text", "v0.3.5")
	if after := len(srv.Requests()); after != before {
		t.Errorf("a repeated query made %d requests; want none (memory)", after-before)
	}
	if n := srv.Count("/index/modules.json.gz"); n != 1 {
		t.Errorf("modules.json read %d times, want 1", n)
	}
}

// TestPrivacy checks that the database never sees a module path: the only
// requests are the two index files and entries by ID.
func TestPrivacy(t *testing.T) {
	srv := serve(t)
	c := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: t.TempDir()})
	mods := []string{"golang.org/x/text", "golang.org/x/net", "github.com/gin-gonic/gin", "git.corp.example.com/team/lib", "github.com/acme/private-thing", "stdlib", "toolchain"}
	for _, p := range mods {
		query(t, c, p, "v0.0.1")
	}
	reqs := srv.Requests()
	if len(reqs) < 5 {
		t.Fatalf("only %d requests: the test proves nothing", len(reqs))
	}
	shape := regexp.MustCompile(`^/(index/(db|modules)|ID/GO-\d{4}-\d{4})\.json\.gz$`)
	for _, r := range reqs {
		if r.Server != "vulndb" || !shape.MatchString(r.URL) || r.Module != "" {
			t.Errorf("request %s is not an index or entry request", r)
		}
	}
	var paths []string
	for _, p := range mods {
		if strings.Contains(p, ".") {
			paths = append(paths, p, strings.SplitN(p, "/", 2)[1])
		}
	}
	srv.AssertNoRequestMentions(t, paths...)
}

func TestDiskCacheAcrossProcesses(t *testing.T) {
	srv := serve(t)
	dir := t.TempDir()
	clk := newClock()
	first := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Now: clk.now})
	query(t, first, "golang.org/x/text", "v0.3.5")
	srv.Reset()

	// A new process within the TTL: nothing is asked.
	second := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Now: clk.now})
	if got := query(t, second, "golang.org/x/text", "v0.3.5"); len(got) != 4 {
		t.Errorf("from disk: %v", got)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("a fresh disk cache still made %d requests, first %s", len(reqs), reqs[0])
	}

	// After the TTL: db.json only, since the database did not change.
	clk.add(2 * time.Hour)
	third := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Now: clk.now})
	db, err := third.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if db.Status.Stale() || !db.Status.Checked.Equal(clk.now()) {
		t.Errorf("status after a check: %+v", db.Status)
	}
	if got, want := srv.Counts(), map[string]int{"/index/db.json.gz": 1}; !equalCounts(got, want) {
		t.Errorf("requests after the TTL: %v, want %v", got, want)
	}
}

func gzipped(data []byte) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.String()
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestModifiedStampsDriveRefetch updates one report in the database: the
// index is read again, only that report is fetched again, and the others
// come from the cache.
func TestModifiedStampsDriveRefetch(t *testing.T) {
	srv := serve(t)
	clk := newClock()
	c := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: t.TempDir(), Now: clk.now})
	query(t, c, "golang.org/x/text", "v0.3.5")

	raws := testRaws(t)
	for i, raw := range raws {
		if bytes.Contains(raw, []byte(`"id": "GO-2021-0113"`)) {
			raw = bytes.Replace(raw, []byte(`"modified": "2021-10-06T17:51:21Z"`), []byte(`"modified": "2026-11-30T10:00:00Z"`), 1)
			raws[i] = bytes.Replace(raw, []byte(`"summary": "Out-of-bounds read`), []byte(`"summary": "UPDATED out-of-bounds read`), 1)
		}
	}
	tree, err := osv.NewTree(raws)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetVulnDB(tree)
	srv.Reset()
	c.Invalidate()
	db, err := c.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC); !db.Status.Modified.Equal(want) {
		t.Errorf("database modified = %v, want %v", db.Status.Modified, want)
	}
	list, err := db.Query(context.Background(), "golang.org/x/text", "v0.3.5")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.ID == "GO-2021-0113" && !strings.HasPrefix(e.Summary, "UPDATED") {
			t.Errorf("GO-2021-0113 not re-read: %q", e.Summary)
		}
	}
	want := map[string]int{"/index/db.json.gz": 1, "/index/modules.json.gz": 1, "/ID/GO-2021-0113.json.gz": 1}
	if got := srv.Counts(); !equalCounts(got, want) {
		t.Errorf("requests after the update: %v, want %v", got, want)
	}
}

func TestOffline(t *testing.T) {
	srv := serve(t)
	dir := t.TempDir()
	clk := newClock()
	empty := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Offline: true, Now: clk.now})
	_, err := empty.Load(context.Background())
	if !osv.IsNotCached(err) || !strings.Contains(err.Error(), srv.VulnDBURL+"/index/modules.json") {
		t.Errorf("offline without a cache: %v", err)
	}
	online := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Now: clk.now})
	query(t, online, "golang.org/x/text", "v0.3.5")
	srv.Reset()

	clk.add(72 * time.Hour)
	off := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Offline: true, Now: clk.now})
	db, err := off.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := query(t, off, "golang.org/x/text", "v0.3.5"); len(got) != 4 {
		t.Errorf("offline from the cache: %v", got)
	}
	// A report never fetched is not invented.
	if _, err := db.Query(context.Background(), "github.com/gin-gonic/gin", "v1.6.0"); !osv.IsNotCached(err) {
		t.Errorf("offline query of an uncached report: %v", err)
	}
	desc := db.Status.Describe(clk.now())
	for _, want := range []string{"offline", srv.VulnDBURL, "as of 2026-11-05", "read 3 days ago"} {
		if !strings.Contains(desc, want) {
			t.Errorf("offline status %q lacks %q", desc, want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("offline client made %d requests", n)
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault proxytest.Fault
		want  []string // in the error, with and without a cached copy
	}{
		{"500", proxytest.Status(500, "database on fire"), []string{"/index/db.json.gz", "500 Internal Server Error", "database on fire"}},
		{"hang", proxytest.Hang(), []string{"/index/db.json.gz", "timeout"}},
		{"garbage", proxytest.Garbage("<html>maintenance</html>"), []string{"/index/db.json.gz", "not a gzip file"}},
		{"gzip bomb", proxytest.Garbage(gzipped(bytes.Repeat([]byte(" "), 1<<20))), []string{"/index/db.json.gz", "response larger than 65536 bytes"}},
		{"oversized", proxytest.Oversized(8 << 20), []string{"/index/db.json.gz"}},
		{"reset", proxytest.ConnReset(), []string{"/index/db.json.gz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t)
			srv.Fault("", tc.fault.On(proxytest.EndpointVulnDB))
			clk := newClock()
			c := newClient(t, vulndb.Options{URL: srv.VulnDBURL, RequestTimeout: 300 * time.Millisecond, Now: clk.now})
			start := time.Now()
			_, err := c.Load(context.Background())
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("Load took %v", took)
			}
			var e *vulndb.Error
			if !errors.As(err, &e) {
				t.Fatalf("no *vulndb.Error: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			// The failure is remembered for a while: no request storm.
			n := len(srv.Requests())
			if _, err2 := c.Load(context.Background()); err2 == nil || len(srv.Requests()) != n {
				t.Errorf("second Load: %v, %d new requests", err2, len(srv.Requests())-n)
			}

			// With a cached copy, the copy is used and says why.
			srv.ClearFaults()
			dir := t.TempDir()
			good := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, Now: clk.now})
			query(t, good, "golang.org/x/text", "v0.3.5")
			srv.Fault("", tc.fault.On(proxytest.EndpointVulnDB))
			clk.add(2 * time.Hour)
			stale := newClient(t, vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, RequestTimeout: 300 * time.Millisecond, Now: clk.now})
			db, err := stale.Load(context.Background())
			if err != nil {
				t.Fatalf("with a cached copy: %v", err)
			}
			if !db.Status.Stale() || db.Status.Err == nil {
				t.Fatalf("status %+v is not stale", db.Status)
			}
			desc := db.Status.Describe(clk.now())
			if !strings.Contains(desc, "could not check for updates") || !strings.Contains(desc, "read 2 hours ago") || !strings.Contains(desc, tc.want[0]) {
				t.Errorf("stale status: %s", desc)
			}
			list, err := db.Query(context.Background(), "golang.org/x/text", "v0.3.5")
			if err != nil || len(list) != 4 {
				t.Errorf("stale query: %v, %v", ids(list), err)
			}
		})
	}
}

func TestRedactsCredentials(t *testing.T) {
	srv := serve(t)
	srv.Fault("", proxytest.Status(503, "").On(proxytest.EndpointVulnDB))
	u := strings.Replace(srv.VulnDBURL, "http://", "http://gopher:hunter2@", 1)
	c := newClient(t, vulndb.Options{URL: u})
	_, err := c.Load(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "gopher:xxxxx@") || !strings.Contains(err.Error(), "503") {
		t.Errorf("error %q: want the URL redacted, with the status", err)
	}
	if strings.Contains(c.URL(), "hunter2") {
		t.Errorf("URL() = %s", c.URL())
	}
}

func TestPlainJSONMirror(t *testing.T) {
	srv := serve(t, proxytest.WithVulnDBPlainJSON())
	c := newClient(t, vulndb.Options{URL: srv.VulnDBURL})
	if got := query(t, c, "github.com/gin-gonic/gin", "v1.6.0"); !slices.Equal(got, []string{"GO-2021-0052", "GO-2023-1737"}) {
		t.Errorf("gin v1.6.0: %v", got)
	}
	gz := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.URL, ".gz") {
			gz++
		}
	}
	if gz != 1 {
		t.Errorf("%d .json.gz requests; want one before falling back to .json", gz)
	}
}

func TestFileURL(t *testing.T) {
	dir := t.TempDir()
	if err := testTree(t).Write(dir); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	c := newClient(t, vulndb.Options{URL: vulndb.FileURL(dir), CacheDir: cache, Offline: true})
	if got := query(t, c, "stdlib", osv.GoToSemver("go1.26.8")); !slices.Equal(got, []string{"GO-2026-6599", "GO-2026-6603", "GO-2026-6611"}) {
		t.Errorf("stdlib go1.26.8: %v", got)
	}
	if got := query(t, c, "toolchain", osv.GoToSemver("go1.26.8")); !slices.Equal(got, []string{"GO-2026-6602"}) {
		t.Errorf("toolchain go1.26.8: %v", got)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("a file:// database was copied into the cache")
	}
	missing := newClient(t, vulndb.Options{URL: vulndb.FileURL(filepath.Join(dir, "nope"))})
	_, err := missing.Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), vulndb.FileURL(filepath.Join(dir, "nope", "index", "db.json"))) {
		t.Errorf("missing directory: %v", err)
	}
}

func TestLoadHonoursContext(t *testing.T) {
	srv := serve(t)
	srv.Fault("", proxytest.Hang().On(proxytest.EndpointVulnDB))
	c := newClient(t, vulndb.Options{URL: srv.VulnDBURL, RequestTimeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Load(ctx)
	if err == nil || time.Since(start) > 2*time.Second || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("Load with a 100ms context on a hung database: %v after %v", err, time.Since(start))
	}
}

func TestNewRejectsURLs(t *testing.T) {
	for _, u := range []string{"ftp://vuln.example", "https://", "file://remote.example/db", "file://relative", "://bad"} {
		if _, err := vulndb.New(vulndb.Options{URL: u}); err == nil {
			t.Errorf("New accepted GOVULNDB=%s", u)
		}
	}
	c, err := vulndb.New(vulndb.Options{})
	if err != nil || c.URL() != vulndb.DefaultURL {
		t.Errorf("default: %v, %v", c, err)
	}
}
