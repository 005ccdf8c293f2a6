package proxytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"math/big"
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
	"time"
)

// A GitOrigin plays, on loopback, the origin hosts of modules the go
// command fetches directly (GOPRIVATE, GONOPROXY, or a GOPROXY chain that
// reaches "direct"): it answers ?go-get=1 pages from its go-import table
// and serves real git repositories over smart HTTP with `git http-backend`.
//
// Clients reach it as their HTTP proxy (HTTP_PROXY and HTTPS_PROXY for the
// go command, http_proxy and https_proxy for git), so module paths keep
// their host names. Plain http is served for every host. https (CONNECT)
// is refused, so that only GOINSECURE paths resolve, except for the hosts
// given to NewGitOrigin: those are served over TLS with a certificate from
// a test CA (CAFile), as hosting services serve them.
//
// Access rules (RequireBasicAuth, Forbid) make repositories private the
// way hosting services do: git gets 401 with a Basic challenge, or 403.
type GitOrigin struct {
	// URL is the proxy's URL (http://127.0.0.1:port).
	URL string
	// CAFile is the PEM file of the CA that signed the TLS hosts'
	// certificate ("" without TLS hosts); GoEnv sets SSL_CERT_FILE and
	// GIT_SSL_CAINFO to it.
	CAFile string
	// Home is a fresh home directory for the go command and git: put a
	// .netrc or a .gitconfig there (GoEnv sets HOME to it).
	Home string

	srv      *httptest.Server
	tlsSrv   *httptest.Server
	tlsHosts map[string]bool
	roots    *x509.CertPool
	gitRoot  string
	git      http.Handler
	goCache  string
	ssh      *GitSSH // with StartSSH

	mu     sync.Mutex
	metas  []string // go-import contents: "prefix vcs repo [subdir]"
	log    []string // host/path of every request
	guards []guard
}

// A guard is an access rule for the requests under a host/path prefix.
type guard struct {
	prefix     string
	user, pass string // Basic credentials; "" with status
	status     int    // answered to everyone, e.g. 403
	text       string // body of the refusal
	goGet      bool   // the ?go-get=1 pages too
}

// NewGitOrigin starts an origin; tlsHosts are the host names served over
// https.
func NewGitOrigin(tb testing.TB, tlsHosts ...string) *GitOrigin {
	tb.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		tb.Fatalf("proxytest: git is needed for a git origin: %v", err)
	}
	o := &GitOrigin{gitRoot: tb.TempDir(), Home: tb.TempDir(), tlsHosts: map[string]bool{}}
	o.git = &cgi.Handler{
		Path:   gitPath,
		Args:   []string{"http-backend"},
		Env:    []string{"GIT_PROJECT_ROOT=" + o.gitRoot, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1"},
		Stderr: io.Discard, // "Not a git repository" for missing repositories
	}
	// HOME changes for the go command; its build cache must not.
	o.goCache = os.Getenv("GOCACHE")
	if o.goCache == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			o.goCache = filepath.Join(dir, "go-build")
		}
	}
	if len(tlsHosts) > 0 {
		cert, caPEM, err := newHostCert(tlsHosts)
		if err != nil {
			tb.Fatalf("proxytest: %v", err)
		}
		o.CAFile = filepath.Join(tb.TempDir(), "origin-ca.pem")
		if err := os.WriteFile(o.CAFile, caPEM, 0o644); err != nil {
			tb.Fatal(err)
		}
		o.roots = x509.NewCertPool()
		o.roots.AppendCertsFromPEM(caPEM)
		for _, h := range tlsHosts {
			o.tlsHosts[h] = true
		}
		o.tlsSrv = httptest.NewUnstartedServer(http.HandlerFunc(o.serve))
		o.tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		o.tlsSrv.StartTLS()
		tb.Cleanup(o.tlsSrv.Close)
	}
	o.srv = httptest.NewServer(o)
	o.URL = o.srv.URL
	tb.Cleanup(o.srv.Close)
	return o
}

// newHostCert returns a certificate for hosts signed by a new CA, and the
// CA's certificate in PEM.
func newHostCert(hosts []string) (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "proxytest git origin CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}, caPEM, nil
}

// AddMeta adds go-import tags ("prefix vcs repo [subdir]"), served on the
// ?go-get=1 page of every path under prefix.
func (o *GitOrigin) AddMeta(content ...string) {
	o.mu.Lock()
	o.metas = append(o.metas, content...)
	o.mu.Unlock()
}

// RequireBasicAuth makes the git repositories under host/path prefix answer
// 401 with a Basic challenge unless user and password are sent (wrong
// ones get 401 again, as hosting services answer). goGet extends the rule
// to the ?go-get=1 pages.
func (o *GitOrigin) RequireBasicAuth(prefix, user, password string, goGet bool) {
	o.mu.Lock()
	o.guards = append(o.guards, guard{prefix: prefix, user: user, pass: password, goGet: goGet})
	o.mu.Unlock()
}

// Forbid makes the git repositories under host/path prefix answer status
// (403, say) with text to everyone, credentials or not.
func (o *GitOrigin) Forbid(prefix string, status int, text string) {
	o.mu.Lock()
	o.guards = append(o.guards, guard{prefix: prefix, status: status, text: text})
	o.mu.Unlock()
}

// Requests returns host/path of every request so far, in order.
func (o *GitOrigin) Requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.log)
}

// ServeHTTP is the proxy: CONNECT to a TLS host is tunnelled to the TLS
// listener; other requests are served.
func (o *GitOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		host, _, _ := strings.Cut(r.Host, ":")
		if !o.tlsHosts[host] {
			http.Error(w, "no https here", http.StatusMethodNotAllowed)
			return
		}
		o.tunnel(w)
		return
	}
	o.serve(w, r)
}

func (o *GitOrigin) tunnel(w http.ResponseWriter) {
	back, err := net.Dial("tcp", o.tlsSrv.Listener.Addr().String())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		back.Close()
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		back.Close()
		return
	}
	io.WriteString(conn, "HTTP/1.1 200 Connection Established\r\n\r\n")
	done := make(chan struct{}, 2)
	go func() {
		if n := buf.Reader.Buffered(); n > 0 {
			data, _ := buf.Reader.Peek(n)
			back.Write(data)
		}
		io.Copy(back, conn)
		done <- struct{}{}
	}()
	go func() {
		io.Copy(conn, back)
		done <- struct{}{}
	}()
	<-done
	conn.Close()
	back.Close()
	<-done
}

func (o *GitOrigin) serve(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Host
	if host == "" {
		host = r.Host
	}
	if h, port, ok := strings.Cut(host, ":"); ok && (port == "80" || port == "443") {
		host = h
	}
	o.mu.Lock()
	o.log = append(o.log, host+r.URL.Path)
	metas := slices.Clone(o.metas)
	guards := slices.Clone(o.guards)
	o.mu.Unlock()
	goGet := r.URL.Query().Get("go-get") == "1"
	// Rules name repositories without .git, which git may add.
	p := strings.Replace(host+r.URL.Path, ".git/", "/", 1)
	for _, g := range guards {
		if p != g.prefix && !strings.HasPrefix(p, strings.TrimSuffix(g.prefix, "/")+"/") {
			continue
		}
		if goGet && !g.goGet {
			continue
		}
		if g.status != 0 {
			http.Error(w, g.text, g.status)
			return
		}
		if u, p, ok := r.BasicAuth(); !ok || u != g.user || p != g.pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="proxytest git origin"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
	}
	if goGet {
		p := strings.TrimSuffix(host+r.URL.Path, "/")
		var b strings.Builder
		b.WriteString("<!DOCTYPE html>\n<html><head>\n")
		n := 0
		for _, m := range metas {
			prefix, _, _ := strings.Cut(m, " ")
			if p == prefix || strings.HasPrefix(p, prefix+"/") {
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

// Proxy sends every request for a non-loopback host to the origin.
func (o *GitOrigin) Proxy() func(*http.Request) (*url.URL, error) {
	u, _ := url.Parse(o.URL)
	return func(r *http.Request) (*url.URL, error) {
		if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
			return nil, nil
		}
		return u, nil
	}
}

// HTTPClient is a client that reaches the origin (trusting its CA).
func (o *GitOrigin) HTTPClient() *http.Client {
	tr := &http.Transport{Proxy: o.Proxy()}
	if o.roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: o.roots}
	}
	return &http.Client{Transport: tr}
}

// RootCAs is the pool holding CAFile's certificate (nil without TLS hosts).
func (o *GitOrigin) RootCAs() *x509.CertPool { return o.roots }

// GoEnv returns the variables the go command and git need to reach the
// origin (to append to a Server's GoEnv): the proxy variables, HOME (with
// GOCACHE kept), no system git configuration, the CA with TLS hosts, and
// GIT_SSH_COMMAND after StartSSH.
func (o *GitOrigin) GoEnv() []string {
	env := []string{
		"HTTP_PROXY=" + o.URL, "HTTPS_PROXY=" + o.URL,
		"http_proxy=" + o.URL, "https_proxy=" + o.URL,
		"no_proxy=127.0.0.1,localhost", "NO_PROXY=127.0.0.1,localhost",
		"GIT_CONFIG_NOSYSTEM=1", "HOME=" + o.Home, "XDG_CONFIG_HOME=" + filepath.Join(o.Home, ".config"),
	}
	if o.goCache != "" {
		env = append(env, "GOCACHE="+o.goCache)
	}
	if o.CAFile != "" {
		env = append(env, "SSL_CERT_FILE="+o.CAFile, "GIT_SSL_CAINFO="+o.CAFile)
	}
	if o.ssh != nil {
		env = append(env, "GIT_SSH_COMMAND=ssh -F "+o.ssh.Config)
	}
	return env
}

// WriteHome writes a file in Home (a .netrc, .git-credentials, ...).
func (o *GitOrigin) WriteHome(tb testing.TB, name, data string) {
	tb.Helper()
	p := filepath.Join(o.Home, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// GitConfig runs `git config --global ARGS...` for Home's configuration
// (an insteadOf rule, a credential helper).
func (o *GitOrigin) GitConfig(tb testing.TB, args ...string) {
	tb.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_CONFIG_GLOBAL=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command("git", append([]string{"config", "--global"}, args...)...)
	cmd.Env = append(env, "HOME="+o.Home, "XDG_CONFIG_HOME="+filepath.Join(o.Home, ".config"))
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("git config: %v\n%s", err, out)
	}
}

// A GitRepo is a repository built by NewGitRepo.
type GitRepo struct {
	Dir  string            // work tree
	Tags map[string]string // tag -> commit
	Head map[string]string // branch -> commit
}

// NewGitRepo creates the bare repository <root>/<name>.git, served at
// http(s)://<host>/<name>.git for every host, for module path modPath:
// tags v1.0.0, v1.1.0, annotated v1.2.0-rc.1, v2.0.0 (no /v2:
// +incompatible territory), a non-canonical v1.3, a nested module's
// sub/v0.1.0, and a branch "feature" one commit ahead. The package at the
// root is "lib" (const Version).
func (o *GitOrigin) NewGitRepo(tb testing.TB, name, modPath string) *GitRepo {
	tb.Helper()
	work := tb.TempDir()
	env := append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(work, ".nogitconfig"),
		"GIT_AUTHOR_NAME=gomodls", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=gomodls", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_AUTHOR_DATE=2024-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z")
	run := func(args ...string) string {
		tb.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(file, data string) {
		tb.Helper()
		p := filepath.Join(work, file)
		os.MkdirAll(filepath.Dir(p), 0o777)
		if err := os.WriteFile(p, []byte(data), 0o666); err != nil {
			tb.Fatal(err)
		}
	}
	r := &GitRepo{Dir: work, Tags: map[string]string{}, Head: map[string]string{}}
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
		r.Tags[tg] = run("rev-parse", tg+"^{commit}")
	}
	r.Head["main"] = run("rev-parse", "HEAD")
	run("checkout", "-q", "-b", "feature")
	write("lib.go", "package lib\n\nconst Version = 3\n")
	run("commit", "-q", "-am", "three")
	r.Head["feature"] = run("rev-parse", "HEAD")
	run("checkout", "-q", "main")
	bare := filepath.Join(o.gitRoot, filepath.FromSlash(name)+".git")
	run("clone", "-q", "--bare", work, bare)
	return r
}
