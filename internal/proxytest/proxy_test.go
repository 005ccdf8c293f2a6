package proxytest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// get fetches url with a short timeout and returns status, content type and body.
func get(t *testing.T, c *http.Client, url string) (int, string, string) {
	t.Helper()
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

func wantGet(t *testing.T, srv *Server, rel string, wantStatus int, wantBody string) string {
	t.Helper()
	code, _, body := get(t, nil, srv.URL+rel)
	if code != wantStatus {
		t.Fatalf("GET %s: status %d, want %d; body:\n%s", rel, code, wantStatus, body)
	}
	if !strings.Contains(body, wantBody) {
		t.Fatalf("GET %s: body does not contain %q:\n%s", rel, wantBody, body)
	}
	return body
}

func TestProxyProtocol(t *testing.T) {
	srv := New(t)

	// @v/list: sorted, newline-terminated, no pseudo-versions.
	if body := wantGet(t, srv, "/example.com/basic/@v/list", 200, ""); body != "v0.1.0\nv1.0.0\nv1.1.0\nv1.2.0-beta.1\n" {
		t.Errorf("basic list = %q", body)
	}
	if body := wantGet(t, srv, "/example.com/incompat/@v/list", 200, ""); body != "v1.0.0\nv2.0.0+incompatible\nv3.1.0+incompatible\n" {
		t.Errorf("incompat list = %q", body)
	}
	if body := wantGet(t, srv, "/example.com/pseudo/@v/list", 200, ""); body != "" {
		t.Errorf("pseudo-only list = %q, want empty", body)
	}
	if body := wantGet(t, srv, "/example.com/empty/@v/list", 200, ""); body != "" {
		t.Errorf("empty list = %q, want empty", body)
	}
	// Case-escaped path, in both the raw and the %-encoded form of "!".
	wantGet(t, srv, "/example.com/!upper/mod/@v/list", 200, "v1.1.0\n")
	wantGet(t, srv, "/example.com/%21upper/mod/@v/list", 200, "v1.1.0\n")
	// An unescaped upper-case path is not a valid escaped path.
	wantGet(t, srv, "/example.com/Upper/mod/@v/list", 400, "bad request: invalid escaped module path")

	// .info
	var info struct {
		Version string
		Time    time.Time
		Origin  struct{ VCS, URL, Hash, Ref string }
	}
	body := wantGet(t, srv, "/example.com/basic/@v/v1.1.1-0.20240315101112-0123456789ab.info", 200, "")
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatal(err)
	}
	if info.Version != "v1.1.1-0.20240315101112-0123456789ab" || !info.Time.Equal(time.Date(2024, 3, 15, 10, 11, 12, 0, time.UTC)) || !strings.HasPrefix(info.Origin.Hash, "0123456789ab") {
		t.Errorf("pseudo-version info = %+v; want its encoded time and commit", info)
	}
	body = wantGet(t, srv, "/example.com/incompat/@v/v2.0.0+incompatible.info", 200, `"Version":"v2.0.0+incompatible"`)
	if err := json.Unmarshal([]byte(body), &info); err != nil || info.Origin.Ref != "refs/tags/v2.0.0+incompatible" {
		t.Errorf("incompatible info = %s (%v)", body, err)
	}

	// .mod: synthesised for a version without go.mod; served as written otherwise.
	wantGet(t, srv, "/example.com/incompat/@v/v2.0.0+incompatible.mod", 200, "module example.com/incompat\n")
	wantGet(t, srv, "/example.com/deprecated/@v/v1.1.0.mod", 200, "// Deprecated: use example.com/new instead.\nmodule example.com/deprecated")
	wantGet(t, srv, "/example.com/fork/@v/v1.0.0.mod", 200, "module example.com/original\n")

	// @latest: release over newer prerelease; prerelease when no release;
	// newest pseudo-version when no tag; not found when nothing.
	for mod, want := range map[string]string{
		"example.com/basic":      `"Version":"v1.1.0"`,
		"example.com/prerelease": `"Version":"v1.0.0-rc.1"`,
		"example.com/pseudo":     `"Version":"v0.0.0-20240102030405-abcdef012345"`,
		"example.com/retract":    `"Version":"v1.5.0"`, // retractions are the client's business
		"example.com/!upper/mod": `"Version":"v1.1.0"`,
	} {
		wantGet(t, srv, "/"+mod+"/@latest", 200, want)
	}
	wantGet(t, srv, "/example.com/empty/@latest", 404, `not found: module example.com/empty: no matching versions for query "latest"`)

	// Not found, in proxy.golang.org's words.
	wantGet(t, srv, "/example.com/nosuch/@v/list", 404, "not found: module example.com/nosuch")
	wantGet(t, srv, "/example.com/basic/@v/v1.9.9.info", 404, "not found: example.com/basic@v1.9.9: invalid version: unknown revision v1.9.9")
	wantGet(t, srv, "/example.com/basic/@v/v1.9.9.zip", 404, "not found:")
	wantGet(t, srv, "/example.com/basic/@v/v1.0.0.tar", 404, "not found:")
	wantGet(t, srv, "/", 404, "not found")

	// Checksum database passthrough.
	wantGet(t, srv, "/sumdb/"+srv.SumDBName()+"/supported", 200, "")
	wantGet(t, srv, "/sumdb/sum.golang.org/supported", 404, "not proxied")
	wantGet(t, srv, "/sumdb/"+srv.SumDBName()+"/latest", 200, srv.SumDBName())
	wantGet(t, srv, "/sumdb/"+srv.SumDBName()+"/lookup/example.com/basic@v1.0.0", 200, strings.Join(srv.GoSumLines("example.com/basic", "v1.0.0"), "\n"))
	wantGet(t, srv, "/sumdb/"+srv.SumDBName()+"/lookup/example.com/basic@v1.9.9", 410, "not found: example.com/basic@v1.9.9")
	// And standalone.
	code, _, body := get(t, nil, srv.SumDBURL+"/lookup/example.com/!upper/mod@v1.0.0")
	if code != 200 || !strings.Contains(body, "example.com/Upper/mod v1.0.0 h1:") {
		t.Errorf("standalone lookup: %d %s", code, body)
	}
	if reqs := srv.RequestsFor("example.com/Upper/mod"); len(reqs) == 0 || reqs[len(reqs)-1].Server != "sumdb" || reqs[len(reqs)-1].Endpoint != EndpointSumDBLookup {
		t.Errorf("standalone lookup recorded as %v", reqs)
	}
}

func TestProxyZip(t *testing.T) {
	srv := New(t)
	for _, m := range srv.Modules() {
		enc, _ := module.EscapePath(m.Path)
		encV, _ := module.EscapeVersion(m.Version)
		code, ctype, body := get(t, nil, srv.URL+"/"+enc+"/@v/"+encV+".zip")
		if code != 200 || ctype != "application/zip" {
			t.Fatalf("%s zip: %d %s", m, code, ctype)
		}
		// The zip is a valid module zip (x/mod/zip's own checks) and its
		// hash is what GoSumLines (and the checksum database) say.
		zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		for _, f := range zr.File {
			if !strings.HasPrefix(f.Name, m.Path+"@"+m.Version+"/") {
				t.Errorf("%s: zip entry %q lacks the path@version/ prefix", m, f.Name)
			}
			if strings.Contains(f.Name, "/sub/") && m.Path == "example.com/nested" {
				t.Errorf("%s: zip includes nested module file %q", m, f.Name)
			}
		}
		h, err := hashZipBytes([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if want := m.Path + " " + m.Version + " " + h; srv.GoSumLines(m.Path, m.Version)[0] != want {
			t.Errorf("GoSumLines(%s)[0] = %q, zip hashes to %q", m, srv.GoSumLines(m.Path, m.Version)[0], want)
		}
		if err := checkZip(t, m, []byte(body)); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
}

func checkZip(t *testing.T, m module.Version, data []byte) error {
	f := filepath.Join(t.TempDir(), "m.zip")
	if err := os.WriteFile(f, data, 0o666); err != nil {
		return err
	}
	_, err := modzip.CheckZip(m, f)
	return err
}

func TestProxyOptions(t *testing.T) {
	t.Run("no-latest", func(t *testing.T) {
		srv := New(t, WithoutLatest())
		wantGet(t, srv, "/example.com/basic/@latest", 404, "not found")
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.1.0")
	})
	t.Run("gone", func(t *testing.T) {
		srv := New(t, WithNotFoundStatus(410))
		wantGet(t, srv, "/example.com/nosuch/@v/list", 410, "not found: module example.com/nosuch")
		wantGet(t, srv, "/example.com/basic/@v/v9.0.0.mod", 410, "not found")
	})
	t.Run("sumdb-404", func(t *testing.T) {
		srv := New(t, WithSumDBNotFoundStatus(404))
		code, _, _ := get(t, nil, srv.SumDBURL+"/lookup/example.com/basic@v1.9.9")
		if code != 404 {
			t.Errorf("status %d, want 404", code)
		}
	})
	t.Run("no-sumdb-proxy", func(t *testing.T) {
		srv := New(t, WithoutSumDBProxy())
		wantGet(t, srv, "/sumdb/"+srv.SumDBName()+"/supported", 404, "not found")
		if v, _ := EnvValue(srv.GoEnv(), "GOSUMDB"); v != srv.SumDBKey()+" "+srv.SumDBURL {
			t.Errorf("GoEnv GOSUMDB = %q, want the standalone URL form", v)
		}
	})
	t.Run("serial", func(t *testing.T) {
		// Eight requests at once are served one after the other: together
		// they take at least eight times the per-request latency, and all
		// eight were at the server at once.
		const n, each = 8, 40 * time.Millisecond
		srv := New(t, WithSerial(each))
		start := time.Now()
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				resp, err := http.Get(srv.URL + "/example.com/basic/@v/v1.0.0.info")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			})
		}
		wg.Wait()
		if d := time.Since(start); d < n*each {
			t.Errorf("%d requests took %v; one at a time they take at least %v", n, d, n*each)
		}
		if p := srv.PeakConcurrency(); p != n {
			t.Errorf("PeakConcurrency = %d, want %d", p, n)
		}
		srv.Reset()
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.0.0")
		if p := srv.PeakConcurrency(); p != 1 {
			t.Errorf("PeakConcurrency after Reset = %d, want 1", p)
		}
		// A request whose client gives up leaves its turn.
		srv.Fault("example.com/deep", Hang())
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/example.com/deep/a/@v/list", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("hung request answered")
		}
		cancel()
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.0.0")
	})
	t.Run("filter", func(t *testing.T) {
		srv := New(t, WithFilter("example.com/basic@v1.0.0", "example.com/zero"))
		wantGet(t, srv, "/example.com/basic/@v/v1.0.0.zip", 403, "This module version is not available.")
		wantGet(t, srv, "/example.com/basic/@v/v1.0.0.info", 403, "This module version is not available.")
		wantGet(t, srv, "/example.com/basic/@v/v1.1.0.info", 200, "v1.1.0")
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.0.0") // versions stay listed
		wantGet(t, srv, "/example.com/zero/@v/list", 403, "not available")
		wantGet(t, srv, "/example.com/zero/@latest", 403, "not available")
		if err := srv.Filter("example.com/new@*"); err != nil {
			t.Fatal(err)
		}
		wantGet(t, srv, "/example.com/new/@v/v1.0.0.mod", 403, "not available")
		wantGet(t, srv, "/example.com/new/@v/list", 200, "v1.0.0")
		if err := srv.Filter("@v1"); err == nil {
			t.Error("Filter(\"@v1\") succeeded, want an error")
		}
	})
	t.Run("hosts", func(t *testing.T) {
		srv := New(t, WithHosts("example.com"))
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.0.0")
		wantGet(t, srv, "/gopkg.in/fixture.v1/@v/list", 400, "host not permitted: gopkg.in")
	})
	t.Run("artifactory", func(t *testing.T) {
		srv := New(t, WithFlavor(FlavorArtifactory))
		if !strings.HasSuffix(srv.URL, "/artifactory/api/go/go-remote") {
			t.Fatalf("URL %s lacks the Artifactory base path", srv.URL)
		}
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.1.0")
		code, ctype, body := get(t, nil, srv.URL+"/example.com/nosuch/@v/list")
		var e struct {
			Errors []struct {
				Status  int
				Message string
			}
		}
		if code != 404 || ctype != "application/json" || json.Unmarshal([]byte(body), &e) != nil || len(e.Errors) != 1 || e.Errors[0].Status != 404 || !strings.Contains(e.Errors[0].Message, "example.com/nosuch") {
			t.Errorf("Artifactory-style error = %d %s %s", code, ctype, body)
		}
		// Outside the base path nothing is served.
		code, _, _ = get(t, nil, strings.TrimSuffix(srv.URL, "/artifactory/api/go/go-remote")+"/example.com/basic/@v/list")
		if code != 404 {
			t.Errorf("request outside the base path: %d, want 404", code)
		}
	})
	t.Run("base-path", func(t *testing.T) {
		srv := New(t, WithBasePath("api/go/"))
		if !strings.HasSuffix(srv.URL, "/api/go") {
			t.Fatalf("URL = %s", srv.URL)
		}
		wantGet(t, srv, "/example.com/basic/@v/list", 200, "v1.1.0")
		wantGet(t, srv, "/sumdb/"+srv.SumDBName()+"/supported", 200, "")
		if n := srv.Count("/api/go/example.com/basic/@v/list"); n != 1 {
			t.Errorf("Count = %d", n)
		}
	})
	t.Run("methods", func(t *testing.T) {
		srv := New(t)
		resp, err := http.Post(srv.URL+"/example.com/basic/@v/list", "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST: %d", resp.StatusCode)
		}
	})
}

func TestAddModule(t *testing.T) {
	srv := New(t, WithoutDefaultCorpus())
	if got := srv.Modules(); len(got) != 0 {
		t.Fatalf("WithoutDefaultCorpus serves %v", got)
	}
	err := srv.AddModule("example.org/added", "v1.0.0", map[string]string{
		"go.mod": "module example.org/added\n\ngo 1.21\n",
		"a.go":   "package added\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	err = srv.AddTxtar(`example.org/added@v1.1.0
Added from a txtar string.
-- .info --
{"Version":"v1.1.0","Time":"2020-02-02T00:00:00Z"}
-- go.mod --
module example.org/added
-- a.go --
package added
`)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AddModule("example.org/known", "", nil); err != nil {
		t.Fatal(err)
	}
	wantGet(t, srv, "/example.org/added/@v/list", 200, "v1.0.0\nv1.1.0\n")
	wantGet(t, srv, "/example.org/added/@v/v1.1.0.info", 200, `"Time":"2020-02-02T00:00:00Z"`)
	wantGet(t, srv, "/example.org/known/@v/list", 200, "")
	wantGet(t, srv, "/example.com/basic/@v/list", 404, "not found")

	// Replacing a version changes what is served (a re-tagged release).
	before := srv.GoSumLines("example.org/added", "v1.0.0")
	if err := srv.AddModule("example.org/added", "v1.0.0", map[string]string{"go.mod": "module example.org/added\n", "b.go": "package added\n"}); err != nil {
		t.Fatal(err)
	}
	if after := srv.GoSumLines("example.org/added", "v1.0.0"); after[0] == before[0] {
		t.Error("replacing a version kept its zip hash")
	}

	for _, bad := range []struct {
		path, version string
		files         map[string]string
	}{
		{"example.org/added", "1.0.0", nil},     // not semver
		{"example.org/added", "v1.0", nil},      // not canonical
		{"example.org/added/v2", "v1.0.0", nil}, // major mismatch
		{"Example", "v1.0.0", nil},              // bad path
		{"example.org/x", "v1.0.0", map[string]string{".zip": ""}},
		{"example.org/x", "v1.0.0", map[string]string{"../x": ""}},
		{"example.org/x", "", map[string]string{"a.go": ""}},
	} {
		if err := srv.AddModule(bad.path, bad.version, bad.files); err == nil {
			t.Errorf("AddModule(%q, %q, %v) succeeded, want error", bad.path, bad.version, bad.files)
		}
	}
	if err := srv.AddTxtar("-- go.mod --\nmodule x\n"); err == nil {
		t.Error("AddTxtar without header succeeded")
	}
	// A zip that x/mod/zip refuses surfaces as a 500 naming the module.
	if err := srv.AddModule("example.org/dup", "v1.0.0", map[string]string{"a.go": "", "A.go": ""}); err != nil {
		t.Fatal(err)
	}
	wantGet(t, srv, "/example.org/dup/@v/v1.0.0.zip", 500, "example.org/dup@v1.0.0")
}

func TestTLS(t *testing.T) {
	srv := NewTLS(t)
	if !strings.HasPrefix(srv.URL, "https://") || !strings.HasPrefix(srv.SumDBURL, "https://") {
		t.Fatalf("URLs %s %s are not https", srv.URL, srv.SumDBURL)
	}
	// Untrusted by default.
	_, err := (&http.Client{Timeout: 2 * time.Second}).Get(srv.URL + "/example.com/basic/@v/list")
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("default client: err = %v, want a certificate error", err)
	}
	// Trusted through Client and CertPool.
	code, _, body := get(t, srv.Client(), srv.URL+"/example.com/basic/@v/list")
	if code != 200 || !strings.Contains(body, "v1.1.0") {
		t.Errorf("trusted client: %d %s", code, body)
	}
	if srv.CertPool() == nil || !bytes.Contains(srv.CertPEM(), []byte("BEGIN CERTIFICATE")) {
		t.Error("no certificate pool or PEM")
	}
	code, _, _ = get(t, srv.Client(), srv.SumDBURL+"/latest")
	if code != 200 {
		t.Errorf("standalone checksum database over TLS: %d", code)
	}
}
