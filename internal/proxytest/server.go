// Package proxytest is the test fixture of gomodls: a real Go module proxy
// (the GOPROXY protocol, https://go.dev/ref/mod#goproxy-protocol) and a real
// checksum database (golang.org/x/mod/sumdb), served over HTTP on loopback,
// with fault injection and a recorder of every request.
//
// Modules come from txtar files (see ModuleFile and testdata/mod/README.md),
// zipped with golang.org/x/mod/zip and hashed with
// golang.org/x/mod/sumdb/dirhash, so the go command accepts and verifies
// them. A typical test:
//
//	srv := proxytest.New(t)
//	srv.Fault("example.com/basic", proxytest.Status(502, ""))
//	... point the code under test at srv.URL (and srv.GoEnv() for the go command) ...
//	srv.AssertNoRequestMentions(t, "git.corp.example.com")
package proxytest

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// A Server is a running module proxy and checksum database.
// All methods are safe for concurrent use.
type Server struct {
	// URL is the proxy's base URL, for GOPROXY (no trailing slash).
	URL string
	// SumDBURL is the base URL of the checksum database served standalone,
	// for GOSUMDB="name+key url". The same database is also served through
	// the proxy at URL/sumdb/<name>/ unless WithoutSumDBProxy is given.
	SumDBURL string
	// VulnDBURL is the base URL of the Go vulnerability database served
	// with WithVulnDB, for GOVULNDB; "" without it.
	VulnDBURL string

	cfg    config
	corpus *corpus
	db     *checksumDB
	// sumHandler serves the checksum database protocol at its root.
	sumHandler http.Handler
	proxy      *httptest.Server
	sumSrv     *httptest.Server
	vulnSrv    *httptest.Server // nil without WithVulnDB
	vuln       vulnStore
	rec        recorder
	faults     faultTable
	filterMu   sync.Mutex // guards cfg.filters, which Filter extends

	serial chan struct{} // WithSerial: held by the request being served
	active atomic.Int64  // proxy requests being handled (waiting in serial mode included)
	peak   atomic.Int64  // the most at once

	done      chan struct{} // closed by Close: unblocks hung handlers
	closeOnce sync.Once

	tmpMu   sync.Mutex
	tmpRoot string // lazily created root for GoEnv directories
	tmpOwn  bool   // tmpRoot is ours to remove (no testing.TB)
}

type config struct {
	defaultCorpus bool
	corpusFS      []fs.FS
	corpusDirs    []string
	noLatest      bool
	notFound      int
	sumNotFound   int
	sumdbProxy    bool
	sumdbName     string
	sumdbKey      string
	latency       time.Duration
	infoSkew      time.Duration
	serial        bool
	serialLatency time.Duration
	tls           bool
	hosts         string
	filters       []string
	flavor        Flavor
	basePath      string
	addr          string
	sharedDB      *Server
	tempDir       func() string
	vulnTree      osv.Tree
	vulnPlain     bool
}

// An Option configures a Server.
type Option func(*config)

// WithoutDefaultCorpus starts the server without DefaultCorpus.
func WithoutDefaultCorpus() Option { return func(c *config) { c.defaultCorpus = false } }

// WithCorpusFS adds the *.txt module files at the root of fsys.
func WithCorpusFS(fsys fs.FS) Option {
	return func(c *config) { c.corpusFS = append(c.corpusFS, fsys) }
}

// WithCorpusDir adds the *.txt module files in dir.
func WithCorpusDir(dir string) Option {
	return func(c *config) { c.corpusDirs = append(c.corpusDirs, dir) }
}

// WithoutLatest answers 404 to every $module/@latest request, as filtered
// corporate mirrors do; the go command then falls back to @v/list.
func WithoutLatest() Option { return func(c *config) { c.noLatest = true } }

// WithNotFoundStatus sets the status of the proxy's "not found" answers:
// 404 (the default) or 410 Gone.
func WithNotFoundStatus(code int) Option { return func(c *config) { c.notFound = code } }

// WithSumDBNotFoundStatus sets the status of the checksum database's answer
// for an unknown module version: 410 Gone (the default, as sum.golang.org)
// or 404.
func WithSumDBNotFoundStatus(code int) Option { return func(c *config) { c.sumNotFound = code } }

// WithoutSumDBProxy makes the proxy answer 404 to /sumdb/..., like a proxy
// that does not proxy the checksum database; the go command then goes to
// https://<name> directly (which, for the default .invalid name, fails).
func WithoutSumDBProxy() Option { return func(c *config) { c.sumdbProxy = false } }

// WithSumDBName names the checksum database (default DefaultSumDBName).
func WithSumDBName(name string) Option { return func(c *config) { c.sumdbName = name } }

// WithSumDBKey signs the checksum database with a fixed note signer key
// ("PRIVATE+KEY+name+..." from golang.org/x/mod/sumdb/note.GenerateKey)
// instead of a key generated per Server; its name must match the database name.
func WithSumDBKey(skey string) Option { return func(c *config) { c.sumdbKey = skey } }

// WithSumDBOf makes the server serve (and pass through) the checksum
// database of other instead of its own, like two proxies in GOPROXY that
// both proxy sum.golang.org: one log, one key. Its name and key options are
// ignored; other's corpus is what the database knows.
func WithSumDBOf(other *Server) Option { return func(c *config) { c.sharedDB = other } }

// WithInfoTimeSkew shifts the Time of every .info answer for a
// pseudo-version by d, as mirrors do that record when they fetched a
// commit rather than the commit's time.
func WithInfoTimeSkew(d time.Duration) Option { return func(c *config) { c.infoSkew = d } }

// WithLatency delays every response (proxy and checksum database) by d.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithSerial makes the proxy serve one request at a time, each taking
// latency (after WithLatency's delay, if any), like a small corporate
// proxy or an Athens instance filling its cache from the origins: requests
// that arrive meanwhile wait their turn, connected, without an answer.
// The go command, which asks one thing at a time and has no timeout, is
// not bothered; a client that sends many requests at once with a short
// timeout is. The checksum database served through the proxy (/sumdb/) is
// serialised too; the standalone one (SumDBURL) is not. PeakConcurrency
// tells how many requests were waiting at once.
func WithSerial(latency time.Duration) Option {
	return func(c *config) { c.serial, c.serialLatency = true, latency }
}

// WithTLS serves both the proxy and the checksum database over HTTPS with
// httptest's self-signed certificate, which clients do not trust unless
// given Client(), CertPool() or (for the go command) GoEnv's SSL_CERT_FILE.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithHosts limits the proxy to modules matching patterns (comma-separated
// globs, as GOPRIVATE). Requests for other modules get 400 "host not permitted".
func WithHosts(patterns string) Option { return func(c *config) { c.hosts = patterns } }

// WithFilter makes the proxy answer 403 "This module version is not
// available." for matching module versions, like a curated corporate
// mirror. Each pattern is a module path glob (as GOPRIVATE: a prefix of path
// elements, with glob elements), optionally followed by "@version"; without
// a version every request for the module is refused, list and @latest included.
func WithFilter(patterns ...string) Option {
	return func(c *config) { c.filters = append(c.filters, patterns...) }
}

// A Flavor selects the error style of a real proxy product.
type Flavor int

const (
	// FlavorGoProxy answers errors as proxy.golang.org: text/plain "not found: ...".
	FlavorGoProxy Flavor = iota
	// FlavorArtifactory answers errors as JFrog Artifactory does:
	// application/json {"errors":[{"status":404,"message":"..."}]}, and,
	// unless WithBasePath says otherwise, serves under /artifactory/api/go/go-remote.
	FlavorArtifactory
	// FlavorFilteredMirror answers as a filtered mirror that keeps the
	// public proxy's name does (the default GOPROXY of gomodls' build
	// machines, and many corporate mirrors): 403 "This module version is
	// not available." for every module and version it does not have,
	// unknown ones included (never 404/410, so the go command does not fall
	// through a ','), 400 "Go module host not permitted" for hosts outside
	// WithHosts, and 404 for every @latest.
	FlavorFilteredMirror
)

// WithFlavor selects a proxy product to imitate.
func WithFlavor(f Flavor) Option { return func(c *config) { c.flavor = f } }

// WithBasePath serves the proxy under a path prefix, e.g. "/api/go/go".
func WithBasePath(p string) Option {
	return func(c *config) { c.basePath = "/" + strings.Trim(p, "/") }
}

// WithAddr listens on addr (default "127.0.0.1:0") for the proxy.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// New starts a Server for a test or benchmark and closes it when tb ends.
// If the test fails, the requests the server saw are logged.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	opts = append([]Option{func(c *config) { c.tempDir = tb.TempDir }}, opts...)
	s, err := NewServer(opts...)
	if err != nil {
		tb.Fatalf("proxytest: %v", err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			reqs := s.Requests()
			const max = 60
			if len(reqs) > max {
				tb.Logf("proxytest: %d requests, last %d:", len(reqs), max)
				reqs = reqs[len(reqs)-max:]
			} else {
				tb.Logf("proxytest: %d requests:", len(reqs))
			}
			for _, r := range reqs {
				tb.Logf("  %s", r)
			}
		}
		s.Close()
	})
	return s
}

// NewTLS is New with WithTLS.
func NewTLS(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	return New(tb, append(opts, WithTLS())...)
}

// NewServer starts a Server outside a test (benchmark harnesses, editor
// end-to-end tests, cmd/fixtureproxy). The caller must Close it.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		defaultCorpus: true,
		notFound:      http.StatusNotFound,
		sumNotFound:   http.StatusGone,
		sumdbProxy:    true,
		sumdbName:     DefaultSumDBName,
		addr:          "127.0.0.1:0",
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.flavor == FlavorArtifactory && cfg.basePath == "" {
		cfg.basePath = "/artifactory/api/go/go-remote"
	}
	if cfg.notFound != http.StatusNotFound && cfg.notFound != http.StatusGone {
		return nil, fmt.Errorf("WithNotFoundStatus(%d): want 404 or 410", cfg.notFound)
	}
	if cfg.sumNotFound != http.StatusNotFound && cfg.sumNotFound != http.StatusGone {
		return nil, fmt.Errorf("WithSumDBNotFoundStatus(%d): want 404 or 410", cfg.sumNotFound)
	}
	for _, f := range cfg.filters {
		if err := checkFilter(f); err != nil {
			return nil, err
		}
	}

	s := &Server{cfg: cfg, corpus: newCorpus(), done: make(chan struct{})}
	if cfg.serial {
		s.serial = make(chan struct{}, 1)
	}
	if cfg.defaultCorpus {
		if err := s.corpus.addDefault(); err != nil {
			return nil, err
		}
	}
	for _, fsys := range cfg.corpusFS {
		if err := s.corpus.addFS(fsys, fmt.Sprint(fsys)); err != nil {
			return nil, err
		}
	}
	for _, dir := range cfg.corpusDirs {
		if err := s.corpus.addDir(dir); err != nil {
			return nil, err
		}
	}
	if cfg.sharedDB != nil {
		s.db = cfg.sharedDB.db
	} else {
		db, err := newChecksumDB(cfg.sumdbName, cfg.sumdbKey, s.corpus)
		if err != nil {
			return nil, err
		}
		s.db = db
	}
	s.sumHandler = s.db.handler(cfg.sumNotFound)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("proxytest: listening on %s: %w", cfg.addr, err)
	}
	s.proxy = s.start(ln, http.HandlerFunc(s.serveProxy))
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.proxy.Close()
		return nil, fmt.Errorf("proxytest: listening for checksum database: %w", err)
	}
	s.sumSrv = s.start(ln2, http.HandlerFunc(s.serveSumDB))
	s.URL = s.proxy.URL + cfg.basePath
	s.SumDBURL = s.sumSrv.URL
	if cfg.vulnTree != nil {
		if err := s.startVulnDB(); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) start(ln net.Listener, h http.Handler) *httptest.Server {
	hs := httptest.NewUnstartedServer(h)
	hs.Listener.Close()
	hs.Listener = ln
	// Injected resets and untrusted-certificate tests make net/http log
	// handshake and connection errors that are expected, not news.
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	if s.cfg.tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	return hs
}

// Close stops both servers. Requests blocked in injected hangs or drips are
// aborted first, so Close returns promptly and leaves no goroutines behind.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		// httptest's Close waits for active requests; a handler blocked
		// writing to a client that stopped reading would never finish, so
		// cut every connection first.
		s.proxy.CloseClientConnections()
		s.sumSrv.CloseClientConnections()
		if s.vulnSrv != nil {
			s.vulnSrv.CloseClientConnections()
			s.vulnSrv.Close()
		}
		s.proxy.Close()
		s.sumSrv.Close()
		s.tmpMu.Lock()
		if s.tmpOwn && s.tmpRoot != "" {
			os.RemoveAll(s.tmpRoot)
		}
		s.tmpMu.Unlock()
	})
}

// PeakConcurrency returns the most proxy requests the server was handling
// at once (in serial mode: the one served plus those waiting their turn)
// since it started or was last Reset.
func (s *Server) PeakConcurrency() int { return int(s.peak.Load()) }

// Client returns an HTTP client that trusts the servers' certificate (with
// WithTLS) and has no timeout of its own.
func (s *Server) Client() *http.Client { return s.proxy.Client() }

// CertPool returns a pool holding the servers' certificate, or nil without TLS.
func (s *Server) CertPool() *x509.CertPool {
	if !s.cfg.tls {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.proxy.Certificate())
	return pool
}

// CertPEM returns the servers' certificate in PEM form, or nil without TLS.
func (s *Server) CertPEM() []byte {
	if !s.cfg.tls {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.proxy.Certificate().Raw})
}

// Host returns the proxy's host:port, as a .netrc "machine" line for the
// go command must name it (the go command matches credentials by
// host[:port] and path prefix, and sends them only over HTTPS).
func (s *Server) Host() string { return s.proxy.Listener.Addr().String() }

// NetrcLine returns a .netrc line giving user:pass for the proxy.
func (s *Server) NetrcLine(user, pass string) string {
	return fmt.Sprintf("machine %s login %s password %s\n", s.Host(), user, pass)
}

// SumDBName returns the checksum database's name.
func (s *Server) SumDBName() string { return s.db.name }

// SumDBKey returns the checksum database's verifier key ("name+hash+key").
func (s *Server) SumDBKey() string { return s.db.verifier }

// GOSUMDB returns a GOSUMDB value that reaches the standalone checksum
// database directly: "<key> <SumDBURL>".
func (s *Server) GOSUMDB() string { return s.db.verifier + " " + s.SumDBURL }

// AddModule adds (or replaces) a module version. files maps file names to
// contents, as the sections of a txtar module file: ".mod" and ".info" are
// metadata, everything else goes into the zip. An empty version with no
// files declares a known module path without versions.
func (s *Server) AddModule(modPath, version string, files map[string]string) error {
	mf, err := filesFromMap(modPath, version, files)
	if err != nil {
		return err
	}
	return s.corpus.add(mf)
}

// AddTxtar adds the module version in a txtar module file (see ModuleFile);
// its comment must start with the "path@version" header line.
func (s *Server) AddTxtar(data string) error {
	mf, err := ParseModuleFile("", []byte(data))
	if err != nil {
		return err
	}
	return s.corpus.add(mf)
}

// AddModuleFile adds (or replaces) a parsed module file.
func (s *Server) AddModuleFile(mf *ModuleFile) error { return s.corpus.add(mf) }

// Modules returns every module version served, pseudo-versions included,
// sorted by path and version. Known paths without versions are omitted.
func (s *Server) Modules() []module.Version {
	var out []module.Version
	for _, p := range s.corpus.paths() {
		for _, mv := range s.corpus.allVersions(p) {
			out = append(out, module.Version{Path: mv.path, Version: mv.version})
		}
	}
	return out
}

// GoSumLines returns the go.sum lines for path@version (the zip hash line,
// then the "/go.mod" line), or nil if the version is not in the corpus.
func (s *Server) GoSumLines(modPath, version string) []string {
	mv, _ := s.corpus.lookup(modPath, version)
	if mv == nil {
		return nil
	}
	data, err := mv.goSum()
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TamperSumDB makes the checksum database record wrong (but well-formed)
// hashes for path@version, so a client that downloads the real content
// reports a checksum mismatch. It must be called before the database first
// logs that version; afterwards the log cannot change (see ForkSumDB).
func (s *Server) TamperSumDB(modPath, version string) error {
	return s.db.tamper(module.Version{Path: modPath, Version: version})
}

// ForkSumDB switches the checksum database to (on) or back from (off) a
// fork: another log signed by the same key, whose tree disagrees with the
// main one at every size. A client that has seen the main tree (its
// GOPATH/pkg/sumdb cache) reports "go.sum database server misbehavior
// detected" on its next lookup against the fork.
func (s *Server) ForkSumDB(on bool) { s.db.setFork(on) }

// Filter adds WithFilter patterns at run time.
func (s *Server) Filter(patterns ...string) error {
	for _, f := range patterns {
		if err := checkFilter(f); err != nil {
			return err
		}
	}
	s.filterMu.Lock()
	s.cfg.filters = append(s.cfg.filters, patterns...)
	s.filterMu.Unlock()
	return nil
}

func (s *Server) filters() []string {
	s.filterMu.Lock()
	defer s.filterMu.Unlock()
	return s.cfg.filters
}

func checkFilter(f string) error {
	p, v, hasV := strings.Cut(f, "@")
	if p == "" || (hasV && v == "") {
		return fmt.Errorf("filter pattern %q: want path-glob or path-glob@version", f)
	}
	return nil
}

// tempRoot returns a directory for GoEnv's per-call directories.
func (s *Server) tempRoot() (string, error) {
	s.tmpMu.Lock()
	defer s.tmpMu.Unlock()
	if s.tmpRoot != "" {
		return s.tmpRoot, nil
	}
	if s.cfg.tempDir != nil {
		s.tmpRoot = s.cfg.tempDir()
		return s.tmpRoot, nil
	}
	dir, err := os.MkdirTemp("", "proxytest-")
	if err != nil {
		return "", err
	}
	s.tmpRoot, s.tmpOwn = dir, true
	return dir, nil
}
