package proxytest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run the real go command against the fixture: they prove that
// it speaks the GOPROXY protocol and that its checksum database verifies.

// goTool returns the go command of the toolchain running the tests.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := goToolPath()
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	return p
}

// goToolPath finds the go command once: runtimeGOROOT runs `go env`.
var goToolPath = sync.OnceValues(func() (string, error) {
	p := filepath.Join(runtimeGOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		return exec.LookPath("go")
	}
	return p, nil
})

// runGo runs go with env in dir (a temp dir if ""), returning combined
// output and the error.
func runGo(t *testing.T, env []string, dir string, args ...string) (string, error) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(t), args...)
	cmd.Env = env
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

func mustGo(t *testing.T, env []string, dir string, args ...string) string {
	t.Helper()
	out, err := runGo(t, env, dir, args...)
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func failGo(t *testing.T, env []string, dir string, want string, args ...string) string {
	t.Helper()
	out, err := runGo(t, env, dir, args...)
	if err == nil {
		t.Fatalf("go %s succeeded, want failure mentioning %q\n%s", strings.Join(args, " "), want, out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("go %s failed without mentioning %q:\n%s", strings.Join(args, " "), want, out)
	}
	return out
}

type downloadJSON struct {
	Path, Version, Error, Info, GoMod, Zip, Dir, Sum, GoModSum string
}

func TestGoModDownload(t *testing.T) {
	srv := New(t)
	env := srv.GoEnv()
	for _, mv := range []struct{ path, version string }{
		{"example.com/basic", "v1.1.0"},
		{"example.com/basic/v2", "v2.1.0"},
		{"example.com/basic", "v1.1.1-0.20240315101112-0123456789ab"},
		{"example.com/Upper/mod", "v1.1.0"},
		{"example.com/incompat", "v2.0.0+incompatible"},
		{"example.com/pseudo", "v0.0.0-20240102030405-abcdef012345"},
		{"gopkg.in/fixture.v1", "v1.1.0"},
		{"example.com/nested", "v1.0.0"},
		{"example.com/prerelease", "v1.0.0-rc.1"},
	} {
		out := mustGo(t, env, "", "mod", "download", "-json", mv.path+"@"+mv.version)
		var d downloadJSON
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("go mod download -json %s@%s: %v\n%s", mv.path, mv.version, err, out)
		}
		if d.Error != "" {
			t.Fatalf("go mod download %s@%s: %s", mv.path, mv.version, d.Error)
		}
		want := srv.GoSumLines(mv.path, mv.version)
		if len(want) != 2 {
			t.Fatalf("GoSumLines(%s, %s) = %q", mv.path, mv.version, want)
		}
		if got := mv.path + " " + mv.version + " " + d.Sum; got != want[0] {
			t.Errorf("zip sum: go says %q, GoSumLines says %q", got, want[0])
		}
		if got := mv.path + " " + mv.version + "/go.mod " + d.GoModSum; got != want[1] {
			t.Errorf("go.mod sum: go says %q, GoSumLines says %q", got, want[1])
		}
	}
	// Every download was verified against the checksum database, through
	// the proxy's passthrough.
	// (Each go invocation asks the proxy once whether it proxies the database.)
	if n := srv.Count("/sumdb/" + srv.SumDBName() + "/supported"); n != 9 {
		t.Errorf("sumdb supported requested %d times, want 9 (once per go command)", n)
	}
	if got := srv.RequestsFor("example.com/Upper/mod"); !slices.ContainsFunc(got, func(r Request) bool { return r.Endpoint == EndpointSumDBLookup }) {
		t.Errorf("no checksum database lookup for example.com/Upper/mod among %v", got)
	}
	if n := srv.Count("/example.com/!upper/mod/@v/v1.1.0.zip"); n != 1 {
		t.Errorf("escaped zip URL requested %d times, want 1", n)
	}
}

func runtimeGOROOT() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "/usr/local/go"
	}
	return strings.TrimSpace(string(out))
}

func TestGoListVersions(t *testing.T) {
	srv := New(t)
	env := srv.GoEnv()
	for _, tc := range []struct{ args, want string }{
		{"list -m -versions example.com/basic", "example.com/basic v0.1.0 v1.0.0 v1.1.0 v1.2.0-beta.1\n"},
		{"list -m -versions example.com/basic/v2", "example.com/basic/v2 v2.0.0 v2.1.0\n"},
		{"list -m -versions example.com/incompat", "example.com/incompat v1.0.0 v2.0.0+incompatible v3.1.0+incompatible\n"},
		{"list -m -versions example.com/Upper/mod", "example.com/Upper/mod v1.0.0 v1.1.0\n"},
		{"list -m -versions gopkg.in/fixture.v1", "gopkg.in/fixture.v1 v1.0.0 v1.1.0\n"},
		// Retracted versions are hidden unless asked for.
		{"list -m -versions example.com/retract", "example.com/retract v1.0.0 v1.4.0\n"},
		{"list -m -retracted -versions example.com/retract", "example.com/retract v1.0.0 v1.1.0 v1.2.0 v1.3.0 v1.4.0 v1.5.0\n"},
		// Queries: @latest skips prereleases and retractions, falls back to
		// prereleases, and to the proxy's @latest for untagged modules.
		{"list -m example.com/basic@latest", "example.com/basic v1.1.0\n"},
		{"list -m example.com/zero@latest", "example.com/zero v0.2.0\n"},
		{"list -m example.com/retract@latest", "example.com/retract v1.4.0\n"},
		{"list -m example.com/prerelease@latest", "example.com/prerelease v1.0.0-rc.1\n"},
		{"list -m example.com/pseudo@latest", "example.com/pseudo v0.0.0-20240102030405-abcdef012345\n"},
		{"list -m example.com/incompat@latest", "example.com/incompat v3.1.0+incompatible\n"},
		{"list -m example.com/basic@v1.0", "example.com/basic v1.0.0\n"},
	} {
		if got := mustGo(t, env, "", strings.Fields(tc.args)...); got != tc.want {
			t.Errorf("go %s = %q, want %q", tc.args, got, tc.want)
		}
	}
	failGo(t, env, "", "no matching versions for query \"latest\"", "list", "-m", "example.com/empty@latest")
	failGo(t, env, "", "404 Not Found", "list", "-m", "example.com/nosuch@latest")
	failGo(t, env, "", "unknown revision v1.9.9", "list", "-m", "example.com/basic@v1.9.9")
}

func TestGoRetractedAndDeprecated(t *testing.T) {
	srv := New(t)
	env := srv.GoEnv()
	var m struct {
		Version    string
		Retracted  []string
		Deprecated string
		Update     *struct{ Version string }
	}
	for version, rationale := range map[string]string{
		"v1.1.0": "Contains a data race in Frobnicate.",
		"v1.2.0": "Broken go.mod; use v1.4.0.",
		"v1.3.0": "Broken go.mod; use v1.4.0.",
		"v1.5.0": "Published accidentally.",
		"v1.4.0": "",
	} {
		out := mustGo(t, env, "", "list", "-m", "-retracted", "-json", "example.com/retract@"+version)
		m.Retracted = nil
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(m.Retracted, "; "); got != rationale {
			t.Errorf("example.com/retract@%s retracted %q, want %q", version, got, rationale)
		}
	}
	out := mustGo(t, env, "", "list", "-m", "-u", "-json", "example.com/deprecated@v1.0.0")
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Deprecated != "use example.com/new instead." || m.Update == nil || m.Update.Version != "v1.1.0" {
		t.Errorf("example.com/deprecated@v1.0.0: %s", out)
	}

	// In a module: the go command reports both on a dependency graph.
	dir := t.TempDir()
	mustGo(t, env, dir, "mod", "init", "example.com/main")
	mustGo(t, env, dir, "get", "example.com/usesbad@v1.0.0")
	got := mustGo(t, env, dir, "list", "-m", "-u", "-retracted", "all")
	for _, want := range []string{
		"example.com/deprecated v1.0.0 [v1.1.0] (deprecated)",
		"example.com/retract v1.1.0 (retracted) [v1.4.0]",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("go list -m -u -retracted all lacks %q:\n%s", want, got)
		}
	}
}

func TestGoModTidyDeepGraph(t *testing.T) {
	srv := New(t)
	env := srv.GoEnv()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":  "module example.com/main\n\ngo 1.21\n",
		"main.go": "package main\n\nimport _ \"example.com/deep/top\"\n\nfunc main() {}\n",
	})
	mustGo(t, env, dir, "mod", "tidy")
	got := mustGo(t, env, dir, "list", "-m", "all")
	want := "example.com/main\nexample.com/deep/a v1.0.0\nexample.com/deep/b v1.0.0\nexample.com/deep/c v1.1.0\nexample.com/deep/d v1.1.0\nexample.com/deep/e v1.1.0\nexample.com/deep/top v1.0.0\n"
	if got != want {
		t.Errorf("go list -m all =\n%s\nwant\n%s", got, want)
	}
	if out := mustGo(t, env, dir, "mod", "verify"); !strings.Contains(out, "all modules verified") {
		t.Errorf("go mod verify: %s", out)
	}
	// go.sum holds exactly what GoSumLines predicts for the modules it lists.
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(sum)), "\n") {
		f := strings.Fields(line)
		v := strings.TrimSuffix(f[1], "/go.mod")
		if !slices.Contains(srv.GoSumLines(f[0], v), line) {
			t.Errorf("go.sum line %q is not among GoSumLines(%s, %s) = %q", line, f[0], v, srv.GoSumLines(f[0], v))
		}
	}
	// Verification notices a modified module cache (go mod verify reads
	// the extracted tree): the fixture's hashes are the real ones.
	gomodcache, _ := EnvValue(env, "GOMODCACHE")
	file := filepath.Join(gomodcache, "example.com", "deep", "e@v1.1.0", "e.go")
	if err := os.WriteFile(file, []byte("package e // changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	failGo(t, env, dir, "dir has been modified", "mod", "verify")
}

func TestGoFailures(t *testing.T) {
	srv := New(t)
	env := srv.GoEnv()
	dir := t.TempDir()
	mustGo(t, env, dir, "mod", "init", "example.com/main")
	for _, tc := range []struct{ mod, want string }{
		{"example.com/fork@v1.0.0", "module declares its path as: example.com/original\n\t        but was required as: example.com/fork"},
		{"example.com/Caseflip/log@v1.0.0", "module declares its path as: example.com/caseflip/log"},
		{"example.com/futurego@v1.0.0", "requires go >= 1.99 (running go"},
		{"example.com/badgomod@v1.0.0", "usage: require module/path v1.2.3"},
		{"example.com/brokendep@v1.0.0", "example.com/basic/@v/v1.9.9.mod: 404 Not Found\n\tserver response: not found: example.com/basic@v1.9.9"},
	} {
		failGo(t, env, dir, tc.want, "get", tc.mod)
	}
}

// TestGoFaults checks what the go command reports for injected faults.
func TestGoFaults(t *testing.T) {
	srv := New(t)
	for _, tc := range []struct {
		name  string
		fault Fault
		want  string
	}{
		{"500", Status(500, ""), "500 Internal Server Error"},
		{"502-body", Status(502, "upstream timeout"), "502 Bad Gateway\n\tserver response: upstream timeout"},
		{"404", Status(404, ""), "404 Not Found"},
		{"410", Status(410, ""), "410 Gone"},
		{"403", Status(403, ""), "403 Forbidden"},
		{"429", RetryAfter(429, time.Second), "429 Too Many Requests"},
		{"401", Unauthorized("u", "p"), "401 Unauthorized"},
		{"garbage-info", GarbageInfo(), "invalid response from proxy"},
		{"wrong-version", WrongVersion("v9.9.9"), "proxy returned info for version v9.9.9 instead of requested version"},
		{"tampered-zip", TamperZip(), "checksum mismatch"},
		{"tampered-mod", TamperMod(), "checksum mismatch"},
		{"garbage-zip", Garbage("not a zip").On(EndpointZip), "zip: not a valid zip file"},
		{"reset", ConnReset().On(EndpointInfo), "connection reset by peer"},
		{"redirect-loop", RedirectLoop(), "stopped after 10 redirects"},
		{"sumdb-down", Status(503, "").On(EndpointSumDBLookup), "verifying go.mod: example.com/basic@v1.0.0/go.mod: reading"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Fault("example.com/basic", tc.fault)
			defer srv.ClearFaults()
			failGo(t, srv.GoEnv(), "", tc.want, "mod", "download", "example.com/basic@v1.0.0")
		})
	}
	// And with the faults gone, the same download works.
	mustGo(t, srv.GoEnv(), "", "mod", "download", "example.com/basic@v1.0.0")
}

func TestGoFallThrough(t *testing.T) {
	// GOPROXY=a,b: a's 404 falls through to b; a's 500 does not, unless "|".
	// Both proxies pass the same checksum database through, as two real
	// proxies both pass sum.golang.org through.
	b := New(t)
	a := New(t, WithSumDBOf(b))
	// (Narrowed to the proxy endpoints: the checksum database is reached
	// through a's passthrough too.)
	a.Fault("example.com/basic", Status(404, "").On(EndpointProxy))
	mustGo(t, b.GoEnv("GOPROXY="+a.URL+","+b.URL), "", "mod", "download", "example.com/basic@v1.0.0")
	a.Fault("example.com/basic", Status(500, "").On(EndpointProxy))
	failGo(t, b.GoEnv("GOPROXY="+a.URL+","+b.URL), "", "500 Internal Server Error", "mod", "download", "example.com/basic@v1.0.0")
	mustGo(t, b.GoEnv("GOPROXY="+a.URL+"|"+b.URL), "", "mod", "download", "example.com/basic@v1.0.0")
	// Unreachable proxies.
	failGo(t, a.GoEnv("GOPROXY="+RefusedURL(t)), "", "connection refused", "mod", "download", "example.com/basic@v1.0.0")
}

// TestGoSerial: the go command asks one thing at a time and waits as long
// as it takes, so a proxy serving one request at a time does not bother it.
func TestGoSerial(t *testing.T) {
	srv := New(t, WithSerial(20*time.Millisecond))
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/deep/a v1.0.0\n)\n"})
	mustGo(t, srv.GoEnv(), dir, "mod", "download")
	t.Logf("at most %d requests at the proxy at once", srv.PeakConcurrency())
}

func TestGoNoLatest(t *testing.T) {
	srv := New(t, WithoutLatest())
	env := srv.GoEnv()
	// Tagged modules resolve from @v/list; untagged ones have nothing to go on.
	if got := mustGo(t, env, "", "list", "-m", "example.com/basic@latest"); got != "example.com/basic v1.1.0\n" {
		t.Errorf("got %q", got)
	}
	failGo(t, env, "", "no matching versions", "list", "-m", "example.com/pseudo@latest")
}

func TestGoTLSAndNetrc(t *testing.T) {
	srv := NewTLS(t)
	srv.Fault("", Unauthorized("gopher", "hunter2"))
	env := srv.GoEnv()
	failGo(t, env, "", "401 Unauthorized", "mod", "download", "example.com/basic@v1.0.0")
	// The go command sends .netrc credentials (over https only) for host:port.
	netrc, _ := EnvValue(env, "NETRC")
	if err := os.WriteFile(netrc, []byte(srv.NetrcLine("gopher", "hunter2")), 0o600); err != nil {
		t.Fatal(err)
	}
	mustGo(t, env, "", "mod", "download", "example.com/basic@v1.0.0")
	var authed int
	for _, r := range srv.Requests() {
		if r.AuthOK {
			authed++
		}
	}
	if authed == 0 {
		t.Error("no request carried the .netrc credentials")
	}
	// Without the fixture's certificate the proxy is untrusted.
	failGo(t, srv.GoEnv("SSL_CERT_FILE="+filepath.Join(t.TempDir(), "none.pem")), "", "x509", "mod", "download", "example.com/basic@v1.1.0")
}

func TestGoSumDB(t *testing.T) {
	t.Run("tampered", func(t *testing.T) {
		srv := New(t)
		if err := srv.TamperSumDB("example.com/basic", "v1.0.0"); err != nil {
			t.Fatal(err)
		}
		out := failGo(t, srv.GoEnv(), "", "SECURITY ERROR", "mod", "download", "example.com/basic@v1.0.0")
		if !strings.Contains(out, "checksum mismatch") {
			t.Errorf("no checksum mismatch in:\n%s", out)
		}
		// Once logged, a record cannot be tampered with.
		mustGo(t, srv.GoEnv(), "", "mod", "download", "example.com/basic@v1.1.0")
		if err := srv.TamperSumDB("example.com/basic", "v1.1.0"); err == nil {
			t.Error("TamperSumDB of a logged version succeeded")
		}
	})
	t.Run("fork", func(t *testing.T) {
		srv := New(t)
		env := srv.GoEnv() // one GOPATH: the go command remembers the tree it saw
		mustGo(t, env, "", "mod", "download", "example.com/basic@v1.0.0")
		srv.ForkSumDB(true)
		out := failGo(t, env, "", "SECURITY ERROR", "mod", "download", "example.com/basic@v1.1.0")
		if !strings.Contains(out, "misbehavior detected") {
			t.Errorf("no fork detection in:\n%s", out)
		}
		// A client that never saw the main tree accepts the fork.
		mustGo(t, srv.GoEnv(), "", "mod", "download", "example.com/basic@v1.1.0")
		srv.ForkSumDB(false)
		mustGo(t, env, "", "mod", "download", "example.com/zero@v0.1.0")
	})
	t.Run("standalone", func(t *testing.T) {
		srv := New(t, WithoutSumDBProxy())
		mustGo(t, srv.GoEnv(), "", "mod", "download", "example.com/basic@v1.0.0")
		var direct int
		for _, r := range srv.Requests() {
			if r.Server == "sumdb" && r.Endpoint == EndpointSumDBLookup && r.Module == "example.com/basic" {
				direct++
			}
		}
		if direct != 1 {
			t.Errorf("%d direct lookups, want 1", direct)
		}
	})
	t.Run("no-sumdb-proxy-name-only", func(t *testing.T) {
		// GOSUMDB without URL and a proxy that does not proxy it: the go
		// command falls back to https://<name>, which must not resolve.
		srv := New(t, WithoutSumDBProxy())
		failGo(t, srv.GoEnv("GOSUMDB="+srv.SumDBKey()), "", "sum.proxytest.invalid", "mod", "download", "example.com/basic@v1.0.0")
	})
}

func TestGoFileTree(t *testing.T) {
	srv := New(t)
	dir := t.TempDir()
	if err := srv.WriteTree(dir); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	env := srv.GoEnv("GOPROXY=file://" + filepath.ToSlash(dir))
	for _, m := range []string{"example.com/Upper/mod@v1.1.0", "example.com/incompat@v2.0.0+incompatible", "example.com/basic@v1.1.1-0.20240315101112-0123456789ab"} {
		mustGo(t, env, "", "mod", "download", m)
	}
	if got := mustGo(t, env, "", "list", "-m", "example.com/pseudo@latest"); got != "example.com/pseudo v0.0.0-20240102030405-abcdef012345\n" {
		t.Errorf("@latest from the tree: %q", got)
	}
	if got := mustGo(t, env, "", "list", "-m", "-versions", "example.com/basic"); got != "example.com/basic v0.1.0 v1.0.0 v1.1.0 v1.2.0-beta.1\n" {
		t.Errorf("-versions from the tree: %q", got)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("file:// run made %d HTTP requests", n)
	}
}

func TestGoSynthetic(t *testing.T) {
	srv := New(t, WithoutDefaultCorpus())
	if err := srv.AddSynthetic("synth.example.com", 15, 3); err != nil {
		t.Fatal(err)
	}
	env := srv.GoEnv()
	dir := t.TempDir()
	mustGo(t, env, dir, "mod", "init", "example.com/main")
	mustGo(t, env, dir, "get", "synth.example.com/m000@latest")
	got := mustGo(t, env, dir, "list", "-m", "all")
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 16 || lines[len(lines)-1] != "synth.example.com/m014 v1.2.0" {
		t.Errorf("go list -m all =\n%s", got)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
}
