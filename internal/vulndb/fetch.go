// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gomodls/gomodls/internal/redact"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// An Error is a failure to read the database. It names the URL (redacted)
// and, for an HTTP answer, its status.
type Error struct {
	// URL is the request's URL (or the file's), with userinfo hidden.
	URL string
	// Status is the HTTP status code, 0 when there was no answer.
	Status int
	// Body is the start of the server's answer to a failed request.
	Body string
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("vulnerability database: reading " + e.URL)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
		if e.Body != "" {
			b.WriteString(": " + e.Body)
		}
	}
	if e.Err != nil && (e.Status == 0 || e.Err != errNotFound) {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNotCached is wrapped by the errors of an offline client that has no
// copy of what was asked.
var ErrNotCached = osv.ErrNotCached

// errNotFound marks a 404/410 answer or a missing file.
var errNotFound = errors.New("not found")

// A source reads an endpoint ("index/db", "ID/GO-2024-2687") of the
// database, at most max bytes once decompressed.
type source interface {
	get(ctx context.Context, endpoint string, max int64) ([]byte, error)
	// url returns the redacted URL of an endpoint, for messages.
	url(endpoint string) string
}

// newSource parses a GOVULNDB value: an http(s) URL or a file:// URL of a
// directory, as govulncheck accepts.
func newSource(raw string, hc *http.Client) (source, error) {
	raw = strings.TrimRight(raw, "/")
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("GOVULNDB=%s: %v", redact.String(raw), err)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return nil, fmt.Errorf("GOVULNDB=%s: no host", redact.URL(u))
		}
		return &httpSource{base: u, hc: hc}, nil
	case "file":
		dir, err := fileURLPath(u)
		if err != nil {
			return nil, fmt.Errorf("GOVULNDB=%s: %v", redact.URL(u), err)
		}
		return &fileSource{dir: dir}, nil
	}
	return nil, fmt.Errorf("GOVULNDB=%s: unsupported scheme (want https://, http:// or file://)", redact.URL(u))
}

// FileURL returns the file:// URL of a local directory, for GOVULNDB.
func FileURL(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // file:///C:/dir
	}
	return "file://" + p
}

// fileURLPath converts a file:// URL to a local path, as the go command
// does for file:// proxies: file:///abs/dir, or file://localhost/abs/dir.
func fileURLPath(u *url.URL) (string, error) {
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL with a host other than localhost")
	}
	p := u.Path
	if p == "" {
		p = u.Opaque
	}
	if p == "" {
		return "", fmt.Errorf("file URL without a path")
	}
	p = filepath.FromSlash(p)
	if len(p) >= 3 && p[0] == filepath.Separator && p[2] == ':' {
		p = p[1:] // file:///C:/dir on Windows
	}
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("file URL path %q is not absolute", p)
	}
	return filepath.Clean(p), nil
}

// httpSource reads endpoint.json.gz, as govulncheck does from http(s)
// databases; a mirror that answers 404 for it is asked for endpoint.json
// instead, from then on.
type httpSource struct {
	base  *url.URL
	hc    *http.Client
	plain atomic.Bool // the server has no .json.gz files
}

func (s *httpSource) endpointURL(endpoint, ext string) string {
	u := *s.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + endpoint + ext
	u.RawPath = ""
	return u.String()
}

func (s *httpSource) url(endpoint string) string {
	ext := ".json.gz"
	if s.plain.Load() {
		ext = ".json"
	}
	return redact.String(s.endpointURL(endpoint, ext))
}

func (s *httpSource) get(ctx context.Context, endpoint string, max int64) ([]byte, error) {
	if !s.plain.Load() {
		data, err := s.fetch(ctx, endpoint, ".json.gz", max)
		var e *Error
		if err == nil || !errors.As(err, &e) || (e.Status != http.StatusNotFound && e.Status != http.StatusGone) {
			return data, err
		}
		data, err2 := s.fetch(ctx, endpoint, ".json", max)
		if err2 != nil {
			return nil, err // the .json.gz failure is the one govulncheck would show
		}
		s.plain.Store(true)
		return data, nil
	}
	return s.fetch(ctx, endpoint, ".json", max)
}

func (s *httpSource) fetch(ctx context.Context, endpoint, ext string, max int64) ([]byte, error) {
	u := s.endpointURL(endpoint, ext)
	shown := redact.String(u)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &Error{URL: shown, Err: err}
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, &Error{URL: shown, Err: cleanURLError(err, ctx)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		e := &Error{URL: shown, Status: resp.StatusCode, Body: oneLine(snippet)}
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
			e.Err = errNotFound
		}
		return nil, e
	}
	var r io.Reader = resp.Body
	if ext == ".json.gz" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, &Error{URL: shown, Err: fmt.Errorf("not a gzip file: %v", err)}
		}
		defer zr.Close()
		r = zr
	}
	data, err := readAtMost(r, max)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%v (%v)", err, context.Cause(ctx))
		}
		return nil, &Error{URL: shown, Err: err}
	}
	return data, nil
}

// cleanURLError drops the *url.Error wrapper (its text repeats the URL
// unredacted) and says when the deadline, not the server, ended it.
func cleanURLError(err error, ctx context.Context) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("no answer: %w", context.Cause(ctx))
	}
	return err
}

// readAtMost reads r to its end, failing past max bytes.
func readAtMost(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("response larger than %d bytes", max)
	}
	return data, nil
}

// oneLine returns the first line of a server's answer, trimmed and
// shortened, for an error message.
func oneLine(b []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimSpace(b), []byte("\n"))
	if !utf8.Valid(line) {
		return ""
	}
	s := strings.TrimSpace(string(line))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// fileSource reads endpoint.json from a directory, as govulncheck does for
// file:// databases.
type fileSource struct{ dir string }

func (s *fileSource) path(endpoint string) string {
	return filepath.Join(s.dir, filepath.FromSlash(endpoint)+".json")
}

func (s *fileSource) url(endpoint string) string {
	return FileURL(s.path(endpoint))
}

func (s *fileSource) get(ctx context.Context, endpoint string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{URL: s.url(endpoint), Err: err}
	}
	f, err := os.Open(s.path(endpoint))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = errNotFound
		}
		return nil, &Error{URL: s.url(endpoint), Err: err}
	}
	defer f.Close()
	data, err := readAtMost(f, max)
	if err != nil {
		return nil, &Error{URL: s.url(endpoint), Err: err}
	}
	return data, nil
}
