// Copyright 2026 The gomodls Authors.
// The lookup semantics follow cmd/go/internal/modfetch (proxy.go, repo.go,
// cache.go, fetch.go) and cmd/go/internal/modload/query.go, Copyright The Go
// Authors, BSD-style license.

// Package modproxy is the GOPROXY client every network check of gomodls
// stands on. It answers the questions the go command asks a module proxy
// (@v/list, .info, .mod, .zip, @latest) with the go command's semantics:
// the GOPROXY chain (',' falls through on 404/410 only, '|' on any error,
// "direct" and "off" end it, file:// proxies), GONOPROXY paths fetched
// directly only, case-escaped URLs, the checks on .info answers and the
// @latest fallbacks of modload.Query.
//
// Where the go command is weak, it is better: a proxy that cannot be
// connected to is reported at once, a hung one after a deadline (a slow one
// is waited for, as the go command does, and Waiting tells how long),
// every body has a size cap, concurrent lookups of one URL share one
// request, requests in flight per host adapt to the host (limiter.go),
// 429/503 answers are retried within the caller's deadline, cancellation reaches every request and
// git command, private paths never reach a proxy, and each answer says who
// gave it and each error what was tried ([Provenance], [Error.Explain]).
//
// Answers come, in order, from memory, the go command's module cache
// (GOMODCACHE/cache/download: .info, .mod and .ziphash are immutable; its
// list files are not authoritative and are only used offline), a
// persistent cache of our own (Options.CacheDir, shared safely by several
// processes), and finally the network. Offline, answers come from the
// caches only and are marked Unverified.
//
// For "direct" (origin) lookups nothing is cloned: package internal/direct
// resolves the repository (?go-get=1 meta tags; a "mod" entry names a
// proxy, which this package then asks) and lists git refs with `git
// ls-remote` (direct.go). What cannot be checked that way is reported as
// such (Provenance.Unchecked, or Kind Direct).
package modproxy

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/direct"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
)

// Default limits.
const (
	DefaultRequestTimeout     = 10 * time.Second
	DefaultProxyDeadline      = 3 * time.Minute
	DefaultZipTimeout         = 5 * time.Minute
	DefaultDirectTimeout      = 30 * time.Second
	DefaultMaxBody            = 16 << 20  // .info, .mod, list, @latest, go-get pages (go's MaxGoMod)
	DefaultMaxZip             = 500 << 20 // go's codehost.MaxZipFile
	DefaultPerHostConcurrency = 64
	DefaultListTTL            = time.Hour
	DefaultNegativeTTL        = time.Minute
	DefaultMaxRetries         = 3
	DefaultMaxRetryWait       = 10 * time.Second
)

// Options configures a Client. Only Env is required.
type Options struct {
	// Env is the effective Go environment: GOPROXY, GONOPROXY, GOINSECURE,
	// GOMODCACHE, GOFLAGS, ... Required.
	Env *goenv.Env
	// Auth supplies credentials for https requests (GOAUTH, .netrc). nil
	// means auth.New(Env, ...) with Env's environment; use NoAuth to send
	// none.
	Auth   *auth.Provider
	NoAuth bool
	// HTTPClient sends the requests. nil means a client of our own (proxy
	// from the process environment, dial/TLS timeouts, RootCAs). Its
	// Timeout and CheckRedirect are replaced: timeouts come from
	// RequestTimeout, and redirects are limited to 10 and never from https
	// to http, as the go command does.
	HTTPClient *http.Client
	// RootCAs, if set, are the roots our own client trusts (tests). Ignored
	// with HTTPClient.
	RootCAs *x509.CertPool
	// RequestTimeout bounds getting a connection to a host (DNS, TCP,
	// TLS: a proxy that cannot be reached is reported at once) and, for
	// zips, each stall (no bytes received). A connected request without an
	// answer after RequestTimeout is slow, not failed: the host gets fewer
	// requests at once, and the request waits on, until ProxyDeadline.
	// Default 10s.
	RequestTimeout time.Duration
	// ProxyDeadline is how long a connected request waits for its answer
	// (for metadata, the whole answer) before the host is reported
	// Unreachable ("did not answer within ..."). The go command waits
	// forever. Default 3m.
	ProxyDeadline time.Duration
	// ZipTimeout bounds a whole zip download. Default 5m.
	ZipTimeout time.Duration
	// DirectTimeout bounds each `git ls-remote`. Default 30s.
	DirectTimeout time.Duration
	// MaxBody caps .info, .mod, list, @latest and go-get bodies (16 MiB);
	// MaxZip caps zips (500 MiB, like the go command).
	MaxBody, MaxZip int64
	// PerHostConcurrency is the most requests in flight per host (default
	// 64). Within it, the number adapts to the host: it starts at 16, grows
	// while answers come as fast as before, and halves when a request is
	// slow (RequestTimeout) or the host answers 429 or 5xx.
	PerHostConcurrency int
	// MaxRetries is how many times a 429 or 503 answer is retried
	// (default 3; negative disables), waiting Retry-After or an exponential
	// backoff, at most MaxRetryWait (default 10s) each, and never past the
	// caller's deadline.
	MaxRetries   int
	MaxRetryWait time.Duration
	// CacheDir is the root of our persistent cache (files go under
	// CacheDir/modproxy). "" disables it; use DefaultCacheDir for
	// os.UserCacheDir()/gomodls.
	CacheDir string
	// ListTTL is how long version lists and @latest answers stay fresh in
	// our caches (default 1h). NegativeTTL is how long failures are
	// remembered (default 1m; "not found" answers also on disk).
	ListTTL, NegativeTTL time.Duration
	// Offline answers from caches only, marking results Unverified. The
	// client is also offline when Env.Offline() (GOPROXY=off, or
	// -mod=vendor in GOFLAGS).
	Offline bool
	// NoModCache ignores the go command's module cache (GOMODCACHE).
	NoModCache bool
	// PublicProxies are the proxies that never see a path that looks
	// private (goenv.EvidentlyPrivate) and that GOPRIVATE does not match;
	// other proxies (a company's, first in GOPROXY) do, as the go command
	// sends it to them. nil means settings.Default's list.
	PublicProxies settings.ProxyURLs
	// Logger receives debug events (never credentials; URLs redacted).
	Logger *zap.Logger
}

// DefaultCacheDir returns os.UserCacheDir()/gomodls.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "gomodls"), nil
}

// A Client answers module questions through the GOPROXY chain. It is safe
// for concurrent use. Create a new one when the environment changes: its
// memory holds answers of the routes (proxies, direct, off) of its
// environment; the persistent cache carries over, each answer kept under
// the route that produced it.
type Client struct {
	env        *goenv.Env
	auth       *auth.Provider
	http       *http.Client
	insecure   *http.Client // GOINSECURE go-get lookups: no certificate checks
	log        *zap.Logger
	reqTimeout time.Duration
	// proxyDeadline bounds the wait for a connected request's answer.
	proxyDeadline time.Duration
	zipTimeout    time.Duration
	gitTimeout    time.Duration
	maxBody       int64
	maxZip        int64
	perHost       int64
	maxRetries    int
	maxWait       time.Duration
	listTTL       time.Duration
	negTTL        time.Duration
	// public are the proxies an evidently private path is never sent to.
	public settings.ProxyURLs

	offline       bool
	offlineReason string // the go command's wording, e.g. "module lookup disabled by GOPROXY=off"
	modCache      string // GOMODCACHE, "" if not used
	disk          *diskCache

	flight  flightGroup // HTTP fetches, by URL
	lookups flightGroup // whole lookups, by question
	hosts   hostLimiters
	mem     memCache
	stats   statsRecorder
	direct  *direct.Resolver

	basesMu sync.Mutex
	bases   map[string]*proxyBase // parsed proxy base URLs

	routeKeys sync.Map // module path -> routeKey

	now func() time.Time
}

// New returns a Client for opts.
func New(opts Options) (*Client, error) {
	if opts.Env == nil {
		return nil, errors.New("modproxy: Options.Env is required")
	}
	c := &Client{
		env:           opts.Env,
		auth:          opts.Auth,
		log:           opts.Logger,
		reqTimeout:    orDefault(opts.RequestTimeout, DefaultRequestTimeout),
		proxyDeadline: orDefault(opts.ProxyDeadline, DefaultProxyDeadline),
		zipTimeout:    orDefault(opts.ZipTimeout, DefaultZipTimeout),
		gitTimeout:    orDefault(opts.DirectTimeout, DefaultDirectTimeout),
		maxBody:       orDefault(opts.MaxBody, DefaultMaxBody),
		maxZip:        orDefault(opts.MaxZip, DefaultMaxZip),
		perHost:       int64(orDefault(opts.PerHostConcurrency, DefaultPerHostConcurrency)),
		maxRetries:    opts.MaxRetries,
		maxWait:       orDefault(opts.MaxRetryWait, DefaultMaxRetryWait),
		listTTL:       orDefault(opts.ListTTL, DefaultListTTL),
		negTTL:        orDefault(opts.NegativeTTL, DefaultNegativeTTL),
		public:        opts.PublicProxies,
		bases:         map[string]*proxyBase{},
		now:           time.Now,
	}
	switch {
	case opts.MaxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		c.maxRetries = 0
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}
	if c.public == nil {
		c.public = settings.Default().PublicProxies
	}
	if c.auth == nil && !opts.NoAuth {
		c.auth = auth.New(opts.Env, auth.Options{Environ: opts.Env.Environ(), Logger: c.log})
	}
	if opts.NoAuth {
		c.auth = nil
	}
	c.http = c.newHTTPClient(opts.HTTPClient, opts.RootCAs, false)
	c.insecure = c.newHTTPClient(opts.HTTPClient, opts.RootCAs, true)

	switch {
	case opts.Env.Get("GOPROXY") == "off":
		c.offline, c.offlineReason = true, "module lookup disabled by GOPROXY=off"
	case opts.Env.Offline():
		c.offline, c.offlineReason = true, "module lookup disabled by -mod=vendor"
	case opts.Offline:
		c.offline, c.offlineReason = true, "gomodls is offline: no cached answer"
	}
	if !opts.NoModCache {
		c.modCache = opts.Env.Get("GOMODCACHE")
	}
	if opts.CacheDir != "" {
		c.disk = &diskCache{dir: filepath.Join(opts.CacheDir, "modproxy", "v2")}
		cleanTmp(c.tmpDir())
	}
	c.mem.init()
	c.hosts.init(int(c.perHost), c.negTTL)
	c.direct = newDirect(c)
	return c, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// newHTTPClient builds the client: base's transport (or ours: dial and TLS
// handshake bounded by RequestTimeout, as cmd/go/internal/web's
// http.DefaultClient bounds them, and no wait for an answer), go's
// redirect policy, no overall timeout (fetchOnce applies its own).
func (c *Client) newHTTPClient(base *http.Client, roots *x509.CertPool, insecure bool) *http.Client {
	var hc http.Client
	if base != nil {
		hc = *base
	}
	if hc.Transport == nil || insecure {
		tlsConf := &tls.Config{RootCAs: roots}
		if insecure {
			tlsConf = &tls.Config{InsecureSkipVerify: true}
		}
		tr := &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{
				Timeout:   c.reqTimeout,
				KeepAlive: 30 * time.Second,
			}).DialContext,
			TLSClientConfig:     tlsConf,
			TLSHandshakeTimeout: c.reqTimeout,
			// No ResponseHeaderTimeout: a connected request waits (see
			// fetchOnce), as the go command's does.
			IdleConnTimeout:     90 * time.Second,
			MaxIdleConnsPerHost: int(c.perHost),
			ForceAttemptHTTP2:   true,
		}
		if insecure && base != nil && base.Transport != nil {
			// Keep a test's dialer/proxy, but never verify certificates.
			if bt, ok := base.Transport.(*http.Transport); ok {
				tr = bt.Clone()
				tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
			}
		}
		hc.Transport = tr
	}
	hc.Timeout = 0
	hc.CheckRedirect = auth.CheckRedirect
	return &hc
}

// Offline reports whether the client answers from caches only, and why.
func (c *Client) Offline() (bool, string) { return c.offline, c.offlineReason }

// AllowedProxy reports whether a request naming the module path may be sent
// to a GOPROXY proxy: false for paths matching GONOPROXY (GOPRIVATE by
// default), which are only ever fetched from their origin. Every proxy
// request of this package passes this check.
func (c *Client) AllowedProxy(path string) bool {
	_, private := c.env.MatchNoProxy(path)
	return !private
}

// AllowedSumDB reports whether the checksum database may be asked about the
// module path: false with GOSUMDB=off and for paths matching GONOSUMDB
// (GOPRIVATE by default). Code that talks to a checksum database must call
// it before every lookup.
func (c *Client) AllowedSumDB(path string) bool {
	return c.env.UseSumDB(path)
}

// Env returns the environment the client was made for.
func (c *Client) Env() *goenv.Env { return c.env }

// Invalidate forgets version lists, @latest answers and failures (in memory
// and, for this process, on disk) so the next lookups ask the network again
// ("recheck now"). Immutable answers (.info, .mod, zip hashes) are kept.
// Lookups in flight are cancelled (their callers get Canceled errors), so
// that none of the next ones joins a request to a proxy that has been
// hanging.
func (c *Client) Invalidate() {
	c.mem.invalidate(c.now())
	c.direct.Invalidate()
	c.hosts.forgetHung()
	c.lookups.reset()
	c.flight.reset()
}

// checkPath validates a module path as the go command does before any
// network access.
func checkPath(path string) *Error {
	if _, ok := validPaths.Load(path); ok {
		return nil
	}
	if err := module.CheckPath(path); err != nil {
		return &Error{Kind: Invalid, Path: path, Err: err}
	}
	validPaths.Store(path, struct{}{})
	return nil
}

// validPaths remembers the paths module.CheckPath accepted: every lookup
// checks its path, and the check costs as much as a warm lookup.
var validPaths sync.Map

// checkVersion validates a module path and canonical version.
func checkVersion(path, version string) *Error {
	if e := checkPath(path); e != nil {
		e.Version = version
		return e
	}
	if version == "" {
		return &Error{Kind: Invalid, Path: path, Err: errors.New("empty version")}
	}
	if module.CanonicalVersion(version) != version {
		return &Error{Kind: Invalid, Path: path, Version: version, Err: &module.InvalidVersionError{
			Version: version,
			Pseudo:  module.IsPseudoVersion(version),
			Err:     errors.New("not a canonical semantic version (gomodls looks up canonical versions only)"),
		}}
	}
	return nil
}
