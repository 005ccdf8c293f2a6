// Copyright 2026 The gomodls Authors.
// Error detail extraction follows cmd/go/internal/web/api.go, Copyright
// The Go Authors, BSD-style license.

package modproxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/auth"
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
	e := ctxError(ctx, "", "", "reading "+r.redacted)
	e.Proxy = r.proxy
	return e
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

// Causes of our own cancellations of a request.
var (
	errConnectTimeout = errors.New("connect timeout")
	errNoAnswer       = errors.New("proxy deadline")
	errStalled        = errors.New("stalled")
	errZipTimeout     = errors.New("zip timeout")
)

// A watch follows one request through its phases (httptrace hooks) and
// applies the timeouts of each: connecting (RequestTimeout), waiting for
// the answer (slow after RequestTimeout, failed after ProxyDeadline), and
// for zips, reading the body (RequestTimeout without a byte).
type watch struct {
	c      *Client
	gate   *hostGate
	s      *slot
	cancel context.CancelCauseFunc
	zip    bool

	mu        sync.Mutex
	phase     int
	timer     *time.Timer // the phase's deadline
	slowTimer *time.Timer
	connected time.Time
	firstByte time.Time
}

const (
	phaseConnect = iota
	phaseWait
	phaseBody
	phaseDone
)

func (c *Client) newWatch(gate *hostGate, s *slot, cancel context.CancelCauseFunc, zip bool) *watch {
	w := &watch{c: c, gate: gate, s: s, cancel: cancel, zip: zip}
	w.mu.Lock()
	w.enter(phaseConnect)
	w.mu.Unlock()
	return w
}

func (w *watch) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		// A second request (credentials after a 401) connects anew.
		GetConn: func(string) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.phase != phaseDone {
				w.enter(phaseConnect)
			}
		},
		GotConn: func(httptrace.GotConnInfo) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.phase == phaseConnect {
				w.connected = time.Now()
				w.enter(phaseWait)
			}
		},
		GotFirstResponseByte: func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.phase == phaseWait {
				w.firstByte = time.Now()
				w.enter(phaseBody)
			}
		},
	}
}

// enter starts phase p's timers; w.mu is held.
func (w *watch) enter(p int) {
	w.stopTimers()
	w.phase = p
	c := w.c
	switch p {
	case phaseConnect:
		w.timer = time.AfterFunc(c.reqTimeout, func() { w.fire(p, errConnectTimeout, nil) })
	case phaseWait:
		w.slowTimer = time.AfterFunc(c.reqTimeout, func() { w.gate.slowRequest(w.s) })
		w.timer = time.AfterFunc(c.proxyDeadline, func() {
			// The gate learns first, so that requests queued behind this
			// one fail rather than take its place.
			w.fire(p, errNoAnswer, func() { w.gate.noAnswer(w.s, c.proxyDeadline) })
		})
	case phaseBody:
		if w.zip {
			w.timer = time.AfterFunc(c.reqTimeout, func() { w.fire(p, errStalled, nil) })
		} else {
			// Metadata bodies are small: the whole answer, body included,
			// must come within ProxyDeadline of connecting.
			left := c.proxyDeadline - time.Since(w.connected)
			w.timer = time.AfterFunc(max(left, 0), func() { w.fire(p, errNoAnswer, nil) })
		}
	}
}

func (w *watch) stopTimers() {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if w.slowTimer != nil {
		w.slowTimer.Stop()
		w.slowTimer = nil
	}
}

// fire cancels the request if it is still in phase p, after calling
// before (if not nil).
func (w *watch) fire(p int, cause error, before func()) {
	w.mu.Lock()
	if w.phase != p {
		w.mu.Unlock()
		return
	}
	w.phase = phaseDone
	w.stopTimers()
	w.mu.Unlock()
	if before != nil {
		before()
	}
	w.cancel(cause)
}

// answered moves to the body phase once the response is there, in case
// the transport did not report the phases (a RoundTripper without
// httptrace support).
func (w *watch) answered() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.phase == phaseConnect || w.phase == phaseWait {
		now := time.Now()
		if w.connected.IsZero() {
			w.connected = now
		}
		w.firstByte = now
		w.enter(phaseBody)
	}
}

// progress restarts a zip body's stall timer.
func (w *watch) progress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.phase == phaseBody && w.timer != nil {
		w.timer.Reset(w.c.reqTimeout)
	}
}

func (w *watch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.phase = phaseDone
	w.stopTimers()
}

// ttfb is the time from connecting to the first byte of the answer, 0 if
// unknown.
func (w *watch) ttfb() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.connected.IsZero() || w.firstByte.IsZero() {
		return 0
	}
	return w.firstByte.Sub(w.connected)
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

func (c *Client) tooLarge(r fetchReq, advertised int64) *Error {
	err := fmt.Errorf("response larger than %d bytes (gomodls limit)", r.limit)
	if advertised >= 0 {
		err = fmt.Errorf("response of %d bytes is larger than %d bytes (gomodls limit)", advertised, r.limit)
	}
	if r.ep == "zip" {
		err = fmt.Errorf("downloaded zip file too large (limit %d bytes)", r.limit)
	}
	return &Error{Kind: ProxyError, Proxy: r.proxy, Op: "reading " + r.redacted, Err: err}
}

// transportError classifies a request that got no (complete) answer.
func (c *Client) transportError(ctx, rctx context.Context, r fetchReq, err error, op string) *Error {
	e := &Error{Kind: Unreachable, Proxy: r.proxy, Op: op}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var rerr *auth.RedirectError
	switch cause := context.Cause(rctx); {
	case errors.As(err, &rerr):
		e.Kind, e.Err = ProxyError, rerr
	case ctx.Err() != nil:
		e := ctxError(ctx, "", "", op)
		e.Proxy = r.proxy
		return e
	case cause == errConnectTimeout:
		e.Err = fmt.Errorf("could not connect within %v (gomodls request timeout)", c.reqTimeout)
	case cause == errNoAnswer:
		e.Err = fmt.Errorf("did not answer within %v (gomodls proxy deadline)", c.proxyDeadline)
	case cause == errStalled:
		e.Err = fmt.Errorf("no data for %v (gomodls request timeout)", c.reqTimeout)
	case cause == errZipTimeout:
		e.Err = fmt.Errorf("download not complete within %v (gomodls zip timeout)", c.zipTimeout)
	default:
		e.Err = err
	}
	return e
}

// statusError builds the error for a non-200 answer, reading the body's
// explanation.
func (c *Client) statusError(r fetchReq, resp *http.Response, sentCreds bool) *Error {
	e := &Error{
		Kind:       classifyStatus(resp.StatusCode, resp.Header, sentCreds),
		Proxy:      r.proxy,
		Op:         "reading " + r.redacted,
		Status:     resp.StatusCode,
		StatusText: resp.Status,
		RetryAfter: resp.Header.Get("Retry-After"),
	}
	if e.StatusText == "" {
		e.StatusText = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if !r.keepBody {
		e.ServerText = errorDetail(resp.Header.Get("Content-Type"), resp.Body)
	}
	return e
}

// classifyStatus maps an HTTP status to a Kind.
func classifyStatus(code int, h http.Header, sentCreds bool) Kind {
	switch code {
	case http.StatusNotFound, http.StatusGone:
		return NotFound
	case http.StatusUnauthorized, http.StatusProxyAuthRequired:
		return AuthRequired
	case http.StatusForbidden:
		if sentCreds || h.Get("WWW-Authenticate") != "" {
			return AuthRequired
		}
		return NotServed
	case http.StatusBadRequest, http.StatusUnavailableForLegalReasons:
		return NotServed
	}
	return ProxyError
}

// Limits of the kept error detail (cmd/go/internal/web).
const (
	maxErrorDetailLines = 8
	maxErrorDetailBytes = maxErrorDetailLines * 81
)

// errorDetail returns the server's explanation of an error: for text/plain
// bodies, the first lines as the go command keeps them; for JSON bodies
// (Artifactory, Nexus), the messages in them.
func errorDetail(contentType string, body io.Reader) string {
	data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	mediaType, params, _ := mime.ParseMediaType(contentType)
	switch mediaType {
	case "text/plain":
		switch strings.ToLower(params["charset"]) {
		case "us-ascii", "utf-8", "":
			return formatDetail(string(data))
		}
	case "application/json":
		return formatDetail(jsonErrorMessage(data))
	}
	return ""
}

// formatDetail is cmd/go's formatErrorDetail.
func formatDetail(s string) string {
	if !utf8.ValidString(s) {
		return ""
	}
	for _, r := range s {
		if !unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return "" // no terminal tricks
		}
	}
	var detail strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			break
		}
		if i > 0 {
			detail.WriteString("\n\t")
		}
		if i >= maxErrorDetailLines {
			detail.WriteString("[Truncated: too many lines.]")
			break
		}
		if detail.Len()+len(line) > maxErrorDetailBytes {
			detail.WriteString("[Truncated: too long.]")
			break
		}
		detail.WriteString(line)
	}
	return detail.String()
}

// jsonErrorMessage extracts messages from the JSON error bodies of common
// proxies: {"errors":[{"message":...}]} (Artifactory), {"message":...},
// {"error":...}.
func jsonErrorMessage(data []byte) string {
	var v struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
		Message string `json:"message"`
		Error   any    `json:"error"`
	}
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	var msgs []string
	for _, e := range v.Errors {
		if e.Message != "" {
			msgs = append(msgs, e.Message)
		}
	}
	if v.Message != "" {
		msgs = append(msgs, v.Message)
	}
	if s, ok := v.Error.(string); ok && s != "" {
		msgs = append(msgs, s)
	}
	return strings.Join(msgs, "\n")
}

// retryWait returns how long to wait before retrying a 429/503: the
// Retry-After value, else an exponential-ish backoff with jitter, capped
// at MaxRetryWait; -1 if the server asks for longer than that.
func (c *Client) retryWait(header string) time.Duration {
	if d, ok := parseRetryAfter(header, c.now()); ok {
		if d > c.maxWait {
			return -1
		}
		return d
	}
	d := 200*time.Millisecond + rand.N(300*time.Millisecond)
	return min(d, c.maxWait)
}

// parseRetryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		var secs int64
		for i := 0; i < len(v); i++ {
			ch := v[i]
			if ch < '0' || ch > '9' {
				return 0, false
			}
			secs = secs*10 + int64(ch-'0')
			if secs > 1<<31 {
				return 0, false
			}
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
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
