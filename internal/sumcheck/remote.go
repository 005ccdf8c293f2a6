// Copyright 2026 The gomodls Authors.
// The way the database is reached follows cmd/go/internal/modfetch/sumdb.go
// (dbClient.initBase, ReadRemote) and proxy.go (TryProxies), Copyright The
// Go Authors, BSD-style license.

package sumcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/semaphore"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/redact"
)

// maxBody caps a lookup or tile answer. sum.golang.org's are a few KiB (a
// hash tile of height 8 is 8 KiB).
const maxBody = 1 << 20

// remote reads from the checksum database over HTTP (or from a file://
// proxy), reached as the go command reaches it. It is shared by the
// database's successive sumdb.Clients, so the proxy probe and the failure
// memory outlive a client replaced after a transient error.
type remote struct {
	cfg     goenv.SumDBConfig
	env     *goenv.Env
	http    *http.Client
	log     *zap.Logger
	timeout time.Duration
	negTTL  time.Duration
	offline string // why the network may not be used; "" if it may
	sem     *semaphore.Weighted
	ctx     context.Context // cancelled by Close: ends requests in flight
	cancel  context.CancelFunc
	now     func() time.Time

	probeMu sync.Mutex
	mu      sync.Mutex
	base    *url.URL // where requests go, once known
	via     string   // base, redacted, for messages
	baseErr *Error   // the probe's failure, remembered until baseAt+negTTL
	baseAt  time.Time
	down    *Error // an unreachable database, remembered until downAt+negTTL
	downAt  time.Time
	errs    map[string]*Error // last failure per remote path, to classify client errors
	lastErr *Error            // most recent failure of any path
	reqs    int
}

func newRemote(cfg goenv.SumDBConfig, env *goenv.Env, hc *http.Client, log *zap.Logger, timeout, negTTL time.Duration, offline string) *remote {
	ctx, cancel := context.WithCancel(context.Background())
	return &remote{
		cfg: cfg, env: env, http: hc, log: log, timeout: timeout, negTTL: negTTL, offline: offline,
		sem: semaphore.NewWeighted(16), ctx: ctx, cancel: cancel, now: time.Now,
		errs: map[string]*Error{},
	}
}

// read fetches path ("/lookup/...", "/tile/...") from the database.
func (r *remote) read(path string) ([]byte, error) {
	if r.offline != "" {
		e := &Error{Kind: Offline, DB: r.cfg.Name, Err: errors.New(r.offline)}
		r.fail(path, e)
		return nil, e
	}
	r.mu.Lock()
	if r.down != nil && r.now().Sub(r.downAt) < r.negTTL {
		e := r.down
		r.errs[path] = e
		r.mu.Unlock()
		return nil, e
	}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.ctx, r.timeout)
	defer cancel()
	base, e := r.resolveBase(ctx)
	if e != nil {
		r.fail(path, e)
		return nil, e
	}
	data, e := r.get(ctx, join(base, path))
	if e != nil {
		r.fail(path, e)
		return nil, e
	}
	return data, nil
}

// fail remembers a failure: by path, to explain the sumdb client's errors
// (which keep only their text), and as "down" when nothing answered.
func (r *remote) fail(path string, e *Error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs[path] = e
	r.lastErr = e
	if e.Kind == Unreachable {
		r.down, r.downAt = e, r.now()
	}
}

// failure returns the remembered failure for path, else the latest one.
func (r *remote) failure(path string) *Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.errs[path]; e != nil {
		return e
	}
	return r.lastErr
}

// reset forgets failures and the probe's result ("recheck now").
func (r *remote) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = map[string]*Error{}
	r.lastErr, r.down, r.baseErr = nil, nil, nil
	if r.cfg.URL == "" {
		r.base, r.via = nil, ""
	}
}

// Via returns where requests go (redacted), "" until known.
func (r *remote) Via() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.via
}

// resolveBase determines the database's URL as the go command does: the
// URL given in GOSUMDB, else the first proxy of the GOPROXY chain that
// answers 200 to <proxy>/sumdb/<name>/supported, else https://<name> when
// every proxy answered 404/410, was followed by '|', or the chain reached
// "direct" or "off". Any other answer makes the database unavailable.
func (r *remote) resolveBase(ctx context.Context) (*url.URL, *Error) {
	r.probeMu.Lock() // one probe at a time; the others wait for its answer
	defer r.probeMu.Unlock()
	r.mu.Lock()
	base, baseErr, baseAt := r.base, r.baseErr, r.baseAt
	r.mu.Unlock()
	if base != nil {
		return base, nil
	}
	if baseErr != nil && r.now().Sub(baseAt) < r.negTTL {
		return nil, baseErr
	}
	base, e := r.probe(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if e != nil {
		if e.Kind != Canceled {
			r.baseErr, r.baseAt = e, r.now()
		}
		return nil, e
	}
	r.base, r.via, r.baseErr = base, redact.URL(base), nil
	return base, nil
}

func (r *remote) probe(ctx context.Context) (*url.URL, *Error) {
	if r.cfg.URL != "" {
		u, err := url.Parse(r.cfg.URL)
		if err != nil {
			return nil, &Error{Kind: Config, DB: r.cfg.Name, Err: fmt.Errorf("invalid GOSUMDB URL: %v", err)}
		}
		return u, nil
	}
	chain, err := r.env.ProxyChain()
	if err != nil {
		return nil, &Error{Kind: Config, DB: r.cfg.Name, Err: err}
	}
	// The error to report, ranked as TryProxies ranks them: a proxy's
	// failure other than "not found" wins.
	var best *Error
	for _, p := range chain {
		var e *Error
		switch p.URL {
		case goenv.ProxyNoProxy:
			continue // errUseProxy: as "not found"
		case goenv.ProxyDirect, goenv.ProxyOff:
			e = &Error{Kind: NotFound}
		default:
			pu, perr := url.Parse(p.URL)
			if perr != nil {
				e = &Error{Kind: Config, DB: r.cfg.Name, Err: perr}
				break
			}
			base := join(pu, "sumdb/"+r.cfg.Name)
			if _, e = r.get(ctx, join(base, "/supported")); e == nil {
				return base, nil
			}
			if e.Kind == Canceled {
				return nil, e
			}
		}
		if e.Kind != NotFound && (best == nil || best.Kind == NotFound) {
			best = e
		}
		if !p.FallBackOnAnyError && e.Kind != NotFound {
			break
		}
	}
	if best != nil && best.Kind != NotFound {
		return nil, best
	}
	// No proxy helps: go to the database itself.
	direct, err := url.Parse(r.cfg.DirectURL())
	if err != nil || direct.Host == "" {
		return nil, &Error{Kind: Config, DB: r.cfg.Name, Err: fmt.Errorf("invalid sumdb name %q", r.cfg.Name)}
	}
	return direct, nil
}

// get reads u: a file:// URL from disk, otherwise one HTTP GET with the
// request timeout and a size cap.
func (r *remote) get(ctx context.Context, u *url.URL) ([]byte, *Error) {
	redacted := redact.URL(u)
	if u.Scheme == "file" {
		return readFileURL(u, redacted)
	}
	if err := r.sem.Acquire(ctx, 1); err != nil {
		return nil, r.transportError(ctx, redacted, err)
	}
	defer r.sem.Release(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: Config, URL: redacted, Err: err}
	}
	r.mu.Lock()
	r.reqs++
	r.mu.Unlock()
	start := r.now()
	resp, err := r.http.Do(req)
	if err != nil {
		return nil, r.transportError(ctx, redacted, err)
	}
	defer resp.Body.Close()
	r.log.Debug("sumdb request", zap.String("url", redacted), zap.Int("status", resp.StatusCode), zap.Duration("took", r.now().Sub(start)))
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		e := &Error{Kind: ServerError, URL: redacted, Status: resp.StatusCode, ServerText: modsource.FirstLine(string(body)), DB: r.cfg.Name}
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusGone:
			e.Kind = NotFound
		case http.StatusUnauthorized, http.StatusForbidden:
			e.Kind = AuthRequired
		}
		return nil, e
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, r.transportError(ctx, redacted, err)
	}
	if len(data) > maxBody {
		return nil, &Error{Kind: ServerError, URL: redacted, DB: r.cfg.Name, Err: fmt.Errorf("response larger than %d bytes", maxBody)}
	}
	return data, nil
}

func (r *remote) transportError(ctx context.Context, redacted string, err error) *Error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // its text repeats the unredacted URL
	}
	var rerr *auth.RedirectError
	if errors.As(err, &rerr) {
		return &Error{Kind: ServerError, URL: redacted, DB: r.cfg.Name, Err: rerr}
	}
	var nerr net.Error
	switch {
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Kind: Canceled, URL: redacted, DB: r.cfg.Name, Err: ctx.Err()}
	case ctx.Err() != nil, errors.As(err, &nerr) && nerr.Timeout():
		err = fmt.Errorf("no answer within %v", r.timeout)
	}
	return &Error{Kind: Unreachable, URL: redacted, DB: r.cfg.Name, Err: err}
}

// readFileURL reads a file:// URL (a GOPROXY=file:// tree holding a
// checksum database snapshot).
func readFileURL(u *url.URL, redacted string) ([]byte, *Error) {
	p := filepath.FromSlash(u.Path)
	if !filepath.IsAbs(p) {
		return nil, &Error{Kind: Config, URL: redacted, Err: errors.New("file:// URL is not absolute")}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Kind: NotFound, URL: redacted, Err: fs.ErrNotExist}
		}
		return nil, &Error{Kind: ServerError, URL: redacted, Err: err}
	}
	return data, nil
}

// join is cmd/go/internal/web.Join: path appended to u's path.
func join(u *url.URL, path string) *url.URL {
	j := *u
	if path == "" {
		return &j
	}
	j.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.TrimPrefix(path, "/")
	j.RawPath = strings.TrimSuffix(u.RawPath, "/") + "/" + strings.TrimPrefix(path, "/")
	return &j
}
