// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/modsource"
)

// userAgent is sent with every request; proxies' logs then say who asked.
const userAgent = "gomodls-modproxy"

// A fetchReq is one GET.
type fetchReq struct {
	u        *url.URL
	redacted string // u.Redacted()
	proxy    string // the proxy (redacted base) or "direct", for errors and stats
	ep       string // endpoint name for stats: list, info, mod, zip, latest, go-get
	limit    int64
	insecure bool // GOINSECURE go-get: skip certificate checks
	// keepBody returns the body of non-200 answers too (go-get pages are
	// parsed whatever the status).
	keepBody bool
	// toFile streams the body into a temporary file in dir (zips).
	toFile bool
	dir    string
}

// ctxError is the error of r when the caller's context ended.
func (r fetchReq) ctxError(ctx context.Context) *Error {
	return modsource.ContextError(ctx, r.proxy, "reading "+r.redacted)
}

type fetchResult struct {
	data []byte
	file string // toFile: the temporary file (caller removes it)
	size int64
}

// fetchShared is fetch with in-flight deduplication by URL.
func (c *Client) fetchShared(ctx context.Context, r fetchReq) (*fetchResult, *Error) {
	key := r.ep + " " + r.u.String()
	if r.insecure {
		key = "insecure " + key
	}
	v, e, shared := c.flight.do(ctx, key, func(ctx context.Context) (any, *Error) {
		res, e := c.fetch(ctx, r)
		return res, e
	})
	if shared {
		c.stats.add(func(s *Stats) { s.Shared++ })
	}
	if e != nil && e.Op == "" {
		// The caller's own context ended while waiting (a fresh error).
		e.Op, e.Proxy = "reading "+r.redacted, r.proxy
	}
	res, _ := v.(*fetchResult)
	return res, e
}

// fetch performs r: file:// reads, or HTTP with adaptive per-host limits,
// the timeouts of fetchOnce, credentials, and retries of 429/503.
func (c *Client) fetch(ctx context.Context, r fetchReq) (*fetchResult, *Error) {
	if r.u.Scheme == "file" {
		return c.fetchFile(r)
	}
	for attempt := 0; ; attempt++ {
		res, e, wait := c.fetchOnce(ctx, r)
		if e == nil || wait < 0 || attempt >= c.maxRetries {
			return res, e
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			// Waiting would outlive the caller: report the answer we have.
			return res, e
		}
		c.stats.add(func(s *Stats) { s.Retries++ })
		c.log.Debug("retrying", zap.String("url", r.redacted), zap.Int("status", e.Status), zap.Duration("after", wait))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, r.ctxError(ctx)
		case <-t.C:
		}
	}
}

// fetchOnce sends one request (plus at most one retry with credentials
// after a 4xx, as the go command does). wait >= 0 asks fetch to retry after
// wait (429/503).
//
// Timeouts tell "cannot connect" from "slow" (see limiter.go): getting a
// connection (DNS, TCP, TLS) must succeed within RequestTimeout; a
// connected request is waited for until ProxyDeadline (a request without
// an answer after RequestTimeout only makes the host's window smaller);
// a zip's body must keep flowing (RequestTimeout without a byte is a
// stall) and end within ZipTimeout.
func (c *Client) fetchOnce(ctx context.Context, r fetchReq) (res *fetchResult, e *Error, wait time.Duration) {
	wait = -1
	gate := c.hosts.get(r.u.Host)
	s, err := gate.acquire(ctx, r.proxy)
	if err != nil {
		if isHostHung(err) {
			return nil, &Error{Kind: Unreachable, Proxy: r.proxy, Op: "Get " + quoteURL(r.redacted), Err: err}, wait
		}
		return nil, r.ctxError(ctx), wait
	}
	var out outcome
	defer func() { gate.release(s, out) }()

	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if r.toFile {
		var cancelZip context.CancelFunc
		rctx, cancelZip = context.WithTimeoutCause(rctx, c.zipTimeout, errZipTimeout)
		defer cancelZip()
	}
	w := c.newWatch(gate, s, cancel, r.toFile)
	defer w.stop()
	rctx = httptrace.WithClientTrace(rctx, w.trace())

	start := time.Now()
	resp, sentCreds, err := c.send(rctx, r)
	if err != nil {
		e := c.transportError(ctx, rctx, r, err, "Get "+quoteURL(r.redacted))
		c.log.Debug("request failed", zap.String("url", r.redacted), zap.Duration("after", time.Since(start)), zap.Stringer("kind", e.Kind))
		return nil, e, wait
	}
	defer resp.Body.Close()
	w.answered()
	out.answered, out.ttfb = true, w.ttfb()
	out.congested = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	c.log.Debug("response", zap.String("url", r.redacted), zap.Int("status", resp.StatusCode), zap.Bool("credentials", sentCreds), zap.Duration("after", time.Since(start)))

	if resp.StatusCode != http.StatusOK {
		e := c.statusError(r, resp, sentCreds)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			wait = c.retryWait(resp.Header.Get("Retry-After"))
		}
		if r.keepBody {
			data, _ := io.ReadAll(io.LimitReader(resp.Body, r.limit))
			return &fetchResult{data: data}, e, -1
		}
		return nil, e, wait
	}
	if resp.ContentLength > r.limit {
		return nil, c.tooLarge(r, resp.ContentLength), wait
	}
	if r.toFile {
		res, e := c.bodyToFile(ctx, rctx, w, r, resp.Body)
		return res, e, wait
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, r.limit+1))
	if err != nil {
		return nil, c.transportError(ctx, rctx, r, err, "reading "+r.redacted), wait
	}
	if int64(len(data)) > r.limit {
		return nil, c.tooLarge(r, -1), wait
	}
	return &fetchResult{data: data, size: int64(len(data))}, nil, wait
}

// send issues the GET with credentials like cmd/go/internal/web: stored
// credentials on https requests, and after a 4xx on https the GOAUTH
// methods run for the URL and, if they supply credentials, one retry.
// Unlike the go command it does not retry a 404/410 it already sent
// credentials with (the answer would not change).
func (c *Client) send(ctx context.Context, r fetchReq) (*http.Response, bool, error) {
	hc := c.http
	if r.insecure {
		hc = c.insecure
	}
	newReq := func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("User-Agent", userAgent)
		return req, nil
	}
	req, err := newReq()
	if err != nil {
		return nil, false, err
	}
	https := r.u.Scheme == "https"
	sent := false
	if https && c.auth != nil {
		sent = c.auth.AddCredentials(ctx, req)
	}
	c.stats.request(r.proxy, r.ep)
	resp, err := hc.Do(req)
	if err != nil || !https || c.auth == nil || resp.StatusCode < 400 || resp.StatusCode >= 500 {
		return resp, sent, err
	}
	if sent && resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return resp, sent, nil
	}
	if !c.auth.OnUnauthorized(ctx, r.u.String(), resp) {
		return resp, sent, nil
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	req, err = newReq()
	if err != nil {
		return nil, sent, err
	}
	sent = c.auth.AddCredentials(ctx, req)
	c.stats.request(r.proxy, r.ep)
	resp, err = hc.Do(req)
	return resp, sent, err
}

// bodyToFile streams a zip into a temporary file; the watch cancels when
// no byte arrives for RequestTimeout.
func (c *Client) bodyToFile(ctx, rctx context.Context, w *watch, r fetchReq, body io.Reader) (*fetchResult, *Error) {
	if err := os.MkdirAll(r.dir, 0o777); err != nil {
		return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: "reading " + r.redacted, Err: fmt.Errorf("temporary directory: %w", err)}
	}
	f, err := os.CreateTemp(r.dir, "zip-*.tmp")
	if err != nil {
		return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: "reading " + r.redacted, Err: fmt.Errorf("temporary file: %w", err)}
	}
	n, err := io.Copy(f, io.LimitReader(&watchedReader{body, w}, r.limit+1))
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, c.transportError(ctx, rctx, r, err, "reading "+r.redacted)
	}
	if n > r.limit {
		os.Remove(f.Name())
		return nil, c.tooLarge(r, -1)
	}
	return &fetchResult{file: f.Name(), size: n}, nil
}

// watchedReader tells the watch about every read that makes progress.
type watchedReader struct {
	r io.Reader
	w *watch
}

func (wr *watchedReader) Read(p []byte) (int, error) {
	n, err := wr.r.Read(p)
	if n > 0 {
		wr.w.progress()
	}
	return n, err
}

// fetchFile reads a file:// proxy's file. A missing file is NotFound, as
// the go command treats it like a 404.
func (c *Client) fetchFile(r fetchReq) (*fetchResult, *Error) {
	c.stats.add(func(s *Stats) { s.FileReads++ })
	op := "reading " + r.redacted
	path, err := urlToFilePath(r.u)
	if err != nil {
		return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: op, Err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		kind := ProxyError
		if errors.Is(err, fs.ErrNotExist) {
			kind = NotFound
		}
		var perr *fs.PathError
		if errors.As(err, &perr) && perr.Path == path {
			err = perr.Err // the URL already names the file
		}
		return nil, &Error{Kind: kind, Proxy: r.proxy, Op: op, Err: err}
	}
	defer f.Close()
	if r.toFile {
		// A local zip needs no copy: hash it where it is.
		fi, err := f.Stat()
		if err != nil {
			return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: op, Err: err}
		}
		if fi.Size() > r.limit {
			return nil, c.tooLarge(r, fi.Size())
		}
		return &fetchResult{file: path, size: fi.Size()}, nil
	}
	data, err := io.ReadAll(io.LimitReader(f, r.limit+1))
	if err != nil {
		return nil, &Error{Kind: ProxyError, Proxy: r.proxy, Op: op, Err: err}
	}
	if int64(len(data)) > r.limit {
		return nil, c.tooLarge(r, -1)
	}
	return &fetchResult{data: data, size: int64(len(data))}, nil
}

// urlToFilePath is cmd/go/internal/web's, for the URLs proxies produce.
func urlToFilePath(u *url.URL) (string, error) {
	if u.Path == "" {
		if u.Host != "" || u.Opaque == "" {
			return "", errors.New("file URL missing path")
		}
		return checkAbs(filepath.FromSlash(u.Opaque))
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", errors.New("file URL specifies non-local host")
	}
	return checkAbs(filepath.FromSlash(u.Path))
}

func checkAbs(p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", errors.New("path is not absolute")
	}
	return p, nil
}

// quoteURL quotes like url.Error does.
func quoteURL(s string) string { return fmt.Sprintf("%q", s) }
