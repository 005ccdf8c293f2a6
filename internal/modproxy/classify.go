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
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/modsource"
)

// How an answer that is not one becomes an Error: oversized bodies,
// transport failures, HTTP statuses, the server's explanation, and when
// to retry.

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
		return modsource.ContextError(ctx, r.proxy, op)
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
			return modsource.FormatDetail(string(data))
		}
	case "application/json":
		return modsource.FormatDetail(jsonErrorMessage(data))
	}
	return ""
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
