// Copyright 2026 The gomodls Authors.

package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as a GOAUTH command: with GOMODLS_AUTH_HELPER set
// it behaves as described in helperMain instead of running tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("GOMODLS_AUTH_HELPER"); mode != "" {
		os.Exit(helperMain(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// helperMain implements the GOAUTH command protocol for the tests. Every
// invocation is appended to $GOMODLS_AUTH_LOG as "args|stdin".
//
//	blocks  first run (no URL): credentials for https://first.example;
//	        with a URL: credentials for that URL, if stdin shows a 401.
//	fail    exits 1, printing a secret to stderr.
//	garbage prints unparsable output containing a secret.
//	hang    never answers.
func helperMain(mode string, args []string) int {
	var stdin []byte
	if len(args) > 0 && strings.HasPrefix(args[len(args)-1], "https://") {
		stdin, _ = io.ReadAll(os.Stdin)
	}
	if f, err := os.OpenFile(os.Getenv("GOMODLS_AUTH_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666); err == nil {
		fmt.Fprintf(f, "%s|%q\n", strings.Join(args, " "), stdin)
		f.Close()
	}
	switch mode {
	case "blocks":
		if len(args) == 0 || !strings.HasPrefix(args[len(args)-1], "https://") {
			fmt.Print("https://first.example\n\nAuthorization: Bearer first-s3cret\n\n")
			return 0
		}
		url := args[len(args)-1]
		if strings.Contains(string(stdin), " 401 ") && strings.Contains(string(stdin), "Www-Authenticate: Bearer") {
			fmt.Printf("%s\n\nAuthorization: Bearer second-s3cret\nX-Extra: yes\n\n", url)
		}
		return 0
	case "fail":
		fmt.Fprintln(os.Stderr, "fatal: token fail-s3cret rejected")
		return 1
	case "garbage":
		fmt.Print("Authorization: Bearer garbage-s3cret\n")
		return 0
	case "hang":
		time.Sleep(time.Minute)
		return 0
	}
	return 2
}

type mapEnv map[string]string

func (m mapEnv) Get(k string) string { return m[k] }

// helperCommand returns a GOAUTH element running this test binary in mode,
// and the file it logs invocations to.
func helperCommand(t *testing.T, mode string, extraArgs ...string) (goauth string, environ []string, logFile string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	logFile = filepath.Join(t.TempDir(), "invocations")
	goauth = "'" + exe + "'"
	for _, a := range extraArgs {
		goauth += " " + a
	}
	// A race-enabled test binary sleeps 1s at exit unless told not to.
	environ = append(os.Environ(), "GOMODLS_AUTH_HELPER="+mode, "GOMODLS_AUTH_LOG="+logFile, "GORACE=atexit_sleep_ms=0")
	return goauth, environ, logFile
}

func invocations(t *testing.T, logFile string) []string {
	t.Helper()
	data, err := os.ReadFile(logFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func request(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestNetrcCredentials(t *testing.T) {
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	if err := os.WriteFile(netrc, []byte(`
machine git.corp.example login first password first-pw
machine git.corp.example login second password second-pw
machine proxy.corp.example:8443 login p password port-pw
default login anon password anon-pw
`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := New(mapEnv{"NETRC": netrc}, Options{Environ: []string{}})
	ctx := context.Background()
	tests := []struct {
		url      string
		wantUser string // "" = no credentials
	}{
		{"https://git.corp.example/team/repo/@v/list", "first"}, // first entry wins
		{"https://git.corp.example", "first"},
		{"http://git.corp.example/x", ""},               // never over plain http
		{"https://git.corp.example.evil.example/x", ""}, // host must match exactly
		{"https://evil.example/git.corp.example/x", ""},
		{"https://proxy.corp.example:8443/mod/@v/list", "p"}, // host:port
		{"https://proxy.corp.example/mod/@v/list", ""},       // port must match too
		{"https://other.example/x", ""},                      // default is never used
	}
	for _, tc := range tests {
		req := request(t, tc.url)
		added := p.AddCredentials(ctx, req)
		user, pass, ok := req.BasicAuth()
		if tc.wantUser == "" {
			if added || ok {
				t.Errorf("%s: credentials added (%v)", tc.url, added)
			}
			continue
		}
		if !added || !ok || user != tc.wantUser || !strings.HasSuffix(pass, "-pw") {
			t.Errorf("%s: added=%v user=%q, want %q", tc.url, added, user, tc.wantUser)
		}
	}
	if c, ok := p.Lookup("https://git.corp.example/x"); !ok || c.Source != "netrc" || c.Prefix != "git.corp.example" {
		t.Errorf("Lookup = %v, %v", c, ok)
	}

	if p.Stale() {
		t.Error("fresh Provider is stale")
	}
	if err := os.WriteFile(netrc, []byte("machine git.corp.example login changed password changed-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	os.Chtimes(netrc, future, future)
	if !p.Stale() {
		t.Error("Provider not stale after the netrc file changed")
	}

	// A cancelled first request does not leave the Provider empty.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	p2 := New(mapEnv{"NETRC": netrc}, Options{})
	if !p2.AddCredentials(cancelled, request(t, "https://git.corp.example/x")) {
		t.Error("no credentials when the first request's context was cancelled")
	}

	off := New(mapEnv{"NETRC": netrc, "GOAUTH": "off"}, Options{})
	if off.AddCredentials(ctx, request(t, "https://git.corp.example/x")) {
		t.Error("GOAUTH=off added credentials")
	}
	bad := New(mapEnv{"NETRC": netrc, "GOAUTH": "netrc;"}, Options{})
	if bad.Err() == nil || bad.AddCredentials(ctx, request(t, "https://git.corp.example/x")) {
		t.Errorf("bad GOAUTH: Err=%v, credentials added", bad.Err())
	}
	missing := New(mapEnv{"NETRC": filepath.Join(dir, "nope")}, Options{})
	if missing.AddCredentials(ctx, request(t, "https://git.corp.example/x")) || len(missing.Errors()) != 0 {
		t.Errorf("missing netrc: errors %v", missing.Errors())
	}
	gitMissing := New(mapEnv{"GOAUTH": "git " + filepath.Join(dir, "nope")}, Options{})
	if gitMissing.Err() == nil || !strings.Contains(gitMissing.Err().Error(), "cannot stat") {
		t.Errorf("git dir missing: %v", gitMissing.Err())
	}
}

func TestGOAUTHCommand(t *testing.T) {
	cmd, environ, logFile := helperCommand(t, "blocks", "--flag")
	p := New(mapEnv{"GOAUTH": cmd}, Options{Environ: environ})
	ctx := context.Background()

	req := request(t, "https://first.example/mod/@v/list")
	if !p.AddCredentials(ctx, req) || req.Header.Get("Authorization") != "Bearer first-s3cret" {
		t.Fatalf("first invocation credentials missing: %v", req.Header)
	}
	url := "https://second.example/mod/@v/v1.0.0.info"
	if p.AddCredentials(ctx, request(t, url)) {
		t.Fatal("credentials for second.example before the 401")
	}
	resp := &http.Response{Proto: "HTTP/1.1", Status: "401 Unauthorized", StatusCode: 401,
		Header: http.Header{"Www-Authenticate": {`Bearer realm="corp"`}}}
	if !p.OnUnauthorized(ctx, url, resp) {
		t.Fatalf("OnUnauthorized found no credentials; errors: %v", p.Errors())
	}
	req = request(t, url)
	if !p.AddCredentials(ctx, req) || req.Header.Get("Authorization") != "Bearer second-s3cret" || req.Header.Get("X-Extra") != "yes" {
		t.Fatalf("second invocation credentials missing: %v", req.Header)
	}
	// The first block is still there; a sibling path is not covered.
	if !p.AddCredentials(ctx, request(t, "https://first.example/other")) {
		t.Error("first.example credentials lost")
	}
	if p.AddCredentials(ctx, request(t, "https://second.example/mod/@v/list")) {
		t.Error("credentials for a URL only sharing the host")
	}

	got := invocations(t, logFile)
	want := []string{
		`--flag|""`,
		`--flag ` + url + `|"HTTP/1.1 401 Unauthorized\nWww-Authenticate: Bearer realm=\"corp\"\n\n"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("invocations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGOAUTHPriority(t *testing.T) {
	// netrc and a command both provide first.example; the one written first wins.
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine first.example login n password n-pw\n"), 0o600)
	cmd, environ, _ := helperCommand(t, "blocks")
	for _, tc := range []struct{ goauth, want string }{
		{"netrc;" + cmd, "Basic "},
		{cmd + "; netrc", "Bearer first-s3cret"},
	} {
		p := New(mapEnv{"GOAUTH": tc.goauth, "NETRC": netrc}, Options{Environ: environ})
		req := request(t, "https://first.example/x")
		p.AddCredentials(context.Background(), req)
		if got := req.Header.Get("Authorization"); !strings.HasPrefix(got, tc.want) || len(req.Header["Authorization"]) != 1 {
			t.Errorf("GOAUTH=%s: Authorization %q, want %q...", tc.goauth, got, tc.want)
		}
	}
}

func TestGOAUTHCommandFailures(t *testing.T) {
	for _, mode := range []string{"fail", "garbage", "hang"} {
		t.Run(mode, func(t *testing.T) {
			cmd, environ, _ := helperCommand(t, mode)
			p := New(mapEnv{"GOAUTH": cmd}, Options{Environ: environ, Timeout: 300 * time.Millisecond})
			if p.AddCredentials(context.Background(), request(t, "https://first.example/x")) {
				t.Fatal("credentials from a failing command")
			}
			errs := p.Errors()
			if len(errs) != 1 {
				t.Fatalf("Errors() = %v", errs)
			}
			if strings.Contains(errs[0].Error(), "s3cret") {
				t.Errorf("error leaks command output: %v", errs[0])
			}
			if mode == "hang" && !strings.Contains(errs[0].Error(), "no answer within") {
				t.Errorf("hang: %v", errs[0])
			}
		})
	}
}

// TestGitCredential configures a credential helper in a throw-away
// repository and checks that `GOAUTH=git <dir>` uses it, only after a 4xx.
func TestGitCredential(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	home := t.TempDir()
	repo := t.TempDir()
	environ := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1", "XDG_CONFIG_HOME=" + home}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = repo, environ
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("config", "credential.helper", "!f() { test \"$1\" = get && echo username=gituser && echo password=git-s3cret; }; f")

	p := New(mapEnv{"GOAUTH": "git " + repo}, Options{Environ: environ})
	ctx := context.Background()
	url := "https://git.corp.example/team/repo/@v/list"
	if p.AddCredentials(ctx, request(t, url)) {
		t.Fatal("git credentials before any 4xx (git cannot enumerate)")
	}
	if !p.OnUnauthorized(ctx, url, &http.Response{Proto: "HTTP/1.1", Status: "401 Unauthorized", StatusCode: 401}) {
		t.Fatalf("no git credentials after 401: %v", p.Errors())
	}
	req := request(t, url)
	if !p.AddCredentials(ctx, req) {
		t.Fatal("credentials not added")
	}
	if u, pw, ok := req.BasicAuth(); !ok || u != "gituser" || pw != "git-s3cret" {
		t.Errorf("BasicAuth = %q %q %v", u, pw, ok)
	}
	// git answered for the host, so the whole host is covered.
	if c, ok := p.Lookup("https://git.corp.example/other"); !ok || c.Source != "git" {
		t.Errorf("Lookup other path: %v %v", c, ok)
	}
	if p.OnUnauthorized(ctx, "http://git.corp.example/x", nil) {
		t.Error("OnUnauthorized for plain http")
	}
}

// TestTransport runs the whole flow against a TLS server that wants a token
// it only reveals through the GOAUTH command's second invocation.
func TestTransport(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer second-s3cret" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="test"`)
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "v1.0.0\n")
	}))
	defer srv.Close()

	cmd, environ, logFile := helperCommand(t, "blocks")
	p := New(mapEnv{"GOAUTH": cmd}, Options{Environ: environ})
	client := &http.Client{Transport: &Transport{Provider: p, Base: srv.Client().Transport}, Timeout: 5 * time.Second}
	resp, err := client.Get(srv.URL + "/mod/@v/list")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "v1.0.0\n" {
		t.Fatalf("status %d body %q; invocations %v; errors %v", resp.StatusCode, body, invocations(t, logFile), p.Errors())
	}
	if len(seen) != 2 || seen[0] != "" || seen[1] != "Bearer second-s3cret" {
		t.Errorf("server saw Authorization %q", seen)
	}

	// Plain http never gets credentials, even for a stored prefix.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("credentials sent over http")
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer plain.Close()
	p.store(strings.TrimPrefix(plain.URL, "http://"), http.Header{"Authorization": {"Bearer x"}}, "test")
	resp, err = (&http.Client{Transport: &Transport{Provider: p}}).Get(plain.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if runtime.GOOS != "windows" && len(invocations(t, logFile)) != 2 {
		t.Errorf("helper ran %d times, want 2: %v", len(invocations(t, logFile)), invocations(t, logFile))
	}
}

func TestCheckRedirect(t *testing.T) {
	get := func(raw string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	secure := get("https://proxy.example/m/@v/list")
	if err := CheckRedirect(get("https://mirror.example/m/@v/list"), []*http.Request{secure}); err != nil {
		t.Errorf("https to https refused: %v", err)
	}
	err := CheckRedirect(get("http://user:s3cret@mirror.example/m/@v/list"), []*http.Request{secure})
	if _, ok := err.(*RedirectError); !ok || !strings.Contains(err.Error(), "to insecure URL http://user:xxxxx@mirror.example") {
		t.Errorf("https to http: %v (%T), want a *RedirectError with the redacted URL", err, err)
	}
	plain := get("http://proxy.example/m/@v/list")
	if err := CheckRedirect(get("http://mirror.example/m/@v/list"), []*http.Request{plain}); err != nil {
		t.Errorf("http to http refused: %v", err)
	}
	via := make([]*http.Request, 10)
	for i := range via {
		via[i] = plain
	}
	if err := CheckRedirect(plain, via); err == nil || err.Error() != "stopped after 10 redirects" {
		t.Errorf("11th redirect: %v", err)
	}
}
