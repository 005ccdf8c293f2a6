// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// originServer plays the origin hosts of private modules
// (git.corp.example.com) on loopback. Clients reach it as their HTTP proxy
// (HTTP_PROXY, http_proxy for git; our client through HTTPClient): it
// answers ?go-get=1 pages from its go-import table and serves git
// repositories over smart HTTP with `git http-backend`. CONNECT (https)
// is refused, so https attempts fail and only GOINSECURE paths resolve,
// over plain http, as with the go command.
type originServer struct {
	*httptest.Server
	gitRoot string
	git     http.Handler

	mu    sync.Mutex
	metas []string // go-import contents: "prefix vcs repo [subdir]"
	log   []string // host/path of every request
}

func newOrigin(t *testing.T) *originServer {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("git is needed for direct-mode tests: %v", err)
	}
	o := &originServer{gitRoot: t.TempDir()}
	o.git = &cgi.Handler{
		Path:   git,
		Args:   []string{"http-backend"},
		Env:    []string{"GIT_PROJECT_ROOT=" + o.gitRoot, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1"},
		Stderr: io.Discard, // "Not a git repository" for the missing-repository tests
	}
	o.Server = httptest.NewServer(o)
	t.Cleanup(o.Close)
	return o
}

func (o *originServer) addMeta(content ...string) {
	o.mu.Lock()
	o.metas = append(o.metas, content...)
	o.mu.Unlock()
}

func (o *originServer) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.log)
}

func (o *originServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		http.Error(w, "no https here", http.StatusMethodNotAllowed)
		return
	}
	host := r.URL.Host
	if host == "" {
		host = r.Host
	}
	o.mu.Lock()
	o.log = append(o.log, host+r.URL.Path)
	metas := slices.Clone(o.metas)
	o.mu.Unlock()
	if r.URL.Query().Get("go-get") == "1" {
		p := strings.TrimSuffix(host+r.URL.Path, "/")
		var b strings.Builder
		b.WriteString("<!DOCTYPE html>\n<html><head>\n")
		n := 0
		for _, m := range metas {
			prefix, _, _ := strings.Cut(m, " ")
			if hasPathPrefix(p, prefix) {
				fmt.Fprintf(&b, "<meta name=\"go-import\" content=\"%s\">\n", html.EscapeString(m))
				n++
			}
		}
		b.WriteString("</head><body>go get</body></html>\n")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if n == 0 {
			w.WriteHeader(http.StatusNotFound)
		}
		fmt.Fprint(w, b.String())
		return
	}
	// Smart HTTP, with or without the .git suffix (as hosting services
	// answer both; git http-backend finds <name>.git for <name>).
	if strings.Contains(r.URL.Path, ".git/") || strings.HasSuffix(r.URL.Path, "/info/refs") || strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
		o.git.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// proxyFunc sends every request for a non-loopback host to the origin.
func (o *originServer) proxyFunc() func(*http.Request) (*url.URL, error) {
	u, _ := url.Parse(o.URL)
	return func(r *http.Request) (*url.URL, error) {
		if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
			return nil, nil
		}
		return u, nil
	}
}

// httpClient is the client our Client uses to reach the origin.
func (o *originServer) httpClient() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: o.proxyFunc()}}
}

// goEnv are the variables the go command (and git) need to reach it.
func (o *originServer) goEnv() []string {
	return []string{
		"HTTP_PROXY=" + o.URL, "HTTPS_PROXY=" + o.URL,
		"http_proxy=" + o.URL, "https_proxy=" + o.URL,
		"no_proxy=127.0.0.1,localhost", "NO_PROXY=127.0.0.1,localhost",
		"GIT_CONFIG_NOSYSTEM=1",
	}
}

// gitRepo is a repository built for a test.
type gitRepo struct {
	dir  string // work tree
	tags map[string]string
	head map[string]string // branch -> commit
}

// newGitRepo creates the bare repository <gitRoot>/<name>.git for module
// path modPath: tags v1.0.0, v1.1.0, annotated v1.2.0-rc.1, v2.0.0 (no
// /v2: +incompatible territory), a non-canonical v1.3, a nested module's
// sub/v0.1.0, and a branch "feature" one commit ahead.
func (o *originServer) newGitRepo(t *testing.T, name, modPath string) *gitRepo {
	t.Helper()
	work := t.TempDir()
	env := append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(work, ".nogitconfig"),
		"GIT_AUTHOR_NAME=gomodls", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=gomodls", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_AUTHOR_DATE=2024-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(file, data string) {
		t.Helper()
		p := filepath.Join(work, file)
		os.MkdirAll(filepath.Dir(p), 0o777)
		if err := os.WriteFile(p, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	r := &gitRepo{dir: work, tags: map[string]string{}, head: map[string]string{}}
	run("init", "-q", "-b", "main")
	write("go.mod", "module "+modPath+"\n\ngo 1.21\n")
	write("lib.go", "package lib\n\nconst Version = 1\n")
	run("add", ".")
	run("commit", "-q", "-m", "one")
	run("tag", "v1.0.0")
	write("lib.go", "package lib\n\nconst Version = 2\n")
	write("sub/go.mod", "module "+modPath+"/sub\n\ngo 1.21\n")
	write("sub/sub.go", "package sub\n")
	run("add", ".")
	run("commit", "-q", "-m", "two")
	run("tag", "v1.1.0")
	run("tag", "sub/v0.1.0")
	run("tag", "v1.3")
	run("tag", "-a", "-m", "rc", "v1.2.0-rc.1")
	run("tag", "v2.0.0")
	for _, tg := range []string{"v1.0.0", "v1.1.0", "v1.2.0-rc.1", "v2.0.0", "sub/v0.1.0"} {
		r.tags[tg] = run("rev-parse", tg+"^{commit}")
	}
	r.head["main"] = run("rev-parse", "HEAD")
	run("checkout", "-q", "-b", "feature")
	write("lib.go", "package lib\n\nconst Version = 3\n")
	run("commit", "-q", "-am", "three")
	r.head["feature"] = run("rev-parse", "HEAD")
	run("checkout", "-q", "main")
	bare := filepath.Join(o.gitRoot, filepath.FromSlash(name)+".git")
	run("clone", "-q", "--bare", work, bare)
	return r
}
