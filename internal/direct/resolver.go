// Copyright 2026 The gomodls Authors.

// Package direct looks modules up at their origin: the "direct" GOPROXY
// entry, and GONOPROXY modules. The go command would clone the
// repository; this package never does. It resolves the repository
// (static rules for well-known hosts and paths naming their VCS, else
// ?go-get=1 meta tags; resolve.go, metatag.go), applies GOVCS (govcs.go)
// and the go command's checks of a page's repository, and for git
// repositories lists refs with `git ls-remote` (lsremote.go), which
// answers "does tag vX.Y.Z exist" and "which tags are there" cheaply
// (repo.go). git's refusals become modsource.VCSErrors (classify.go)
// naming the URL git tried after the user's insteadOf rules
// (refusal.go). A go-import "mod" entry names a proxy, which the caller
// asks (Repo.ModProxy). Everything else (a go.mod or zip from a VCS,
// pseudo-versions of commits that are not a ref tip, non-git VCS) is
// reported as not checkable.
//
// The module proxy client (internal/modproxy) runs it for its "direct"
// entries: it lends the resolver its HTTP requests and its sharing of
// work in flight (Fetcher), and asks the proxies of "mod" entries itself.
package direct

import (
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modsource"
)

// A Fetcher is what the resolver borrows from the module proxy client
// that runs it.
type Fetcher interface {
	// GoGet GETs a ?go-get=1 page (for errors and statistics, the proxy
	// is "direct" and the endpoint "go-get"), with the client's
	// credentials, limits and sharing of identical requests; insecure
	// skips certificate checks (GOINSECURE). answered reports an HTTP
	// answer, whose body is returned whatever its status; e is the
	// failure of the request, or the error of a status other than 200.
	GoGet(ctx context.Context, u *url.URL, insecure bool) (body []byte, answered bool, e *modsource.Error)
	// Share runs fn once for concurrent callers with the same key, and
	// cancels it when all of them have left or the client is told to
	// forget everything (Invalidate).
	Share(ctx context.Context, key string, fn func(context.Context) (any, *modsource.Error)) (any, *modsource.Error)
}

// Options configures a Resolver. Env and Fetcher are required.
type Options struct {
	// Env is the effective Go environment: GOINSECURE, GOPRIVATE,
	// GONOPROXY, GOVCS, GIT_ALLOW_PROTOCOL, PATH (to find git), HOME, and
	// the environment git runs in.
	Env     *goenv.Env
	Fetcher Fetcher
	// GitTimeout bounds each `git ls-remote`.
	GitTimeout time.Duration
	// ListTTL is how long go-get pages and ref listings are reused;
	// NegativeTTL, how long failures are.
	ListTTL, NegativeTTL time.Duration
	// Logger receives debug events (never credentials). nil: none.
	Logger *zap.Logger
	// Now is the clock. nil: time.Now.
	Now func() time.Time
}

// A Resolver finds modules' repositories and lists their git refs,
// remembering both for ListTTL (failures for NegativeTTL). It is safe for
// concurrent use.
type Resolver struct {
	env        *goenv.Env
	fetcher    Fetcher
	log        *zap.Logger
	gitTimeout time.Duration
	listTTL    time.Duration
	negTTL     time.Duration
	now        func() time.Time

	gitCommands atomic.Int64

	mu    sync.Mutex
	metas map[string]metaResult // by import prefix (or path) and security
	refs  map[string]refsResult // ls-remote by repository URL
}

type metaResult struct {
	imports []metaImport
	url     string // redacted URL fetched
	err     *modsource.Error
	at      time.Time
}

type refsResult struct {
	refs map[string]string // ref name -> hash
	err  *modsource.Error
	at   time.Time
}

// New returns a Resolver for opts.
func New(opts Options) *Resolver {
	d := &Resolver{
		env:        opts.Env,
		fetcher:    opts.Fetcher,
		log:        opts.Logger,
		gitTimeout: opts.GitTimeout,
		listTTL:    opts.ListTTL,
		negTTL:     opts.NegativeTTL,
		now:        opts.Now,
		metas:      make(map[string]metaResult),
		refs:       make(map[string]refsResult),
	}
	if d.log == nil {
		d.log = zap.NewNop()
	}
	if d.now == nil {
		d.now = time.Now
	}
	return d
}

// Invalidate forgets go-get pages and ref listings, and failures.
func (d *Resolver) Invalidate() {
	d.mu.Lock()
	clear(d.metas)
	clear(d.refs)
	d.mu.Unlock()
}

// GitCommands returns how many git commands the resolver ran.
func (d *Resolver) GitCommands() int { return int(d.gitCommands.Load()) }

// metaTTL is refsTTL for go-get pages (one that wanted credentials may
// have them now).
func (d *Resolver) metaTTL(r metaResult) time.Duration {
	if r.err != nil {
		return d.negTTL
	}
	return d.listTTL
}

// refsTTL is how long a listing is reused: ListTTL, and NegativeTTL for
// a failure, which the user may be fixing (a key, a token, a rule).
func (d *Resolver) refsTTL(r refsResult) time.Duration {
	if r.err != nil {
		return d.negTTL
	}
	return d.listTTL
}

// cloneErr returns a shallow copy of e without Attempts.
func cloneErr(e *modsource.Error) *modsource.Error {
	c := *e
	c.Attempts = nil
	return &c
}
