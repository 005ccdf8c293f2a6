// Copyright 2026 The gomodls Authors.

package auth

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gomodls/gomodls/internal/redact"
)

// Transport is an http.RoundTripper that authenticates like the go
// command's web package: it adds stored credentials to https requests, and
// when an https request gets a 4xx answer it runs the GOAUTH methods for
// that URL (OnUnauthorized) and, if they produced credentials, retries
// once. Only requests without a body are retried (GETs, as the go command
// makes).
type Transport struct {
	Provider *Provider
	Base     http.RoundTripper // nil means http.DefaultTransport
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// RoundTrip implements http.RoundTripper. The caller's request is never
// modified.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" || t.Provider == nil {
		return t.base().RoundTrip(req)
	}
	ctx := req.Context()
	first := req.Clone(ctx)
	t.Provider.AddCredentials(ctx, first)
	res, err := t.base().RoundTrip(first)
	if err != nil || res.StatusCode < 400 || res.StatusCode >= 500 || (req.Body != nil && req.Body != http.NoBody) {
		return res, err
	}
	if !t.Provider.OnUnauthorized(ctx, req.URL.String(), res) {
		return res, nil
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10)) // let the connection be reused
	res.Body.Close()
	retry := req.Clone(ctx)
	t.Provider.AddCredentials(ctx, retry)
	return t.base().RoundTrip(retry)
}

// CheckRedirect is the go command's redirect policy (cmd/go/internal/web),
// for http.Client.CheckRedirect: at most 10 redirects, and never from https
// to http. Its errors are *RedirectError, so callers can tell a refused
// redirect (a misbehaving server) from a network failure.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > 0 && via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return &RedirectError{fmt.Sprintf("redirected from secure URL %s to insecure URL %s", redact.URL(via[len(via)-1].URL), redact.URL(req.URL))}
	}
	if len(via) >= 10 {
		return &RedirectError{"stopped after 10 redirects"}
	}
	return nil
}

// RedirectError is a redirect CheckRedirect refused (URLs redacted).
type RedirectError struct{ msg string }

func (e *RedirectError) Error() string { return e.msg }
