// Copyright 2026 The gomodls Authors.
// Error messages follow cmd/go/internal/web (HTTPError) and
// golang.org/x/mod/module (ModuleError), Copyright The Go Authors,
// BSD-style license.

package modsource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Kind classifies why a lookup failed. Every error the Client returns is an
// *Error with one of these kinds.
type Kind int

const (
	// NotFound: the proxy answered 404 or 410, or a file:// proxy lacks the
	// file, or a direct lookup found no such tag. Only this kind falls
	// through a ',' in GOPROXY.
	NotFound Kind = iota + 1
	// AuthRequired: 401, or 403 with a WWW-Authenticate challenge or after
	// credentials were sent.
	AuthRequired
	// NotServed: the proxy refuses to serve the module (403 without a
	// challenge, 400), as filtered mirrors do ("This module version is not
	// available.", "host not permitted"). ServerText keeps their words.
	NotServed
	// Unreachable: no HTTP answer: DNS, connection refused or reset, TLS
	// (e.g. an untrusted certificate), or no answer within the request
	// timeout or the caller's deadline.
	Unreachable
	// ProxyError: an answer that is not a valid one: other 4xx/5xx,
	// malformed JSON, .info for another version, an oversized body, a
	// redirect loop, a malformed zip.
	ProxyError
	// Offline: no cached answer and the network may not be used
	// (GOPROXY=off, -mod=vendor in GOFLAGS, Options.Offline, or an "off"
	// entry reached in the GOPROXY chain).
	Offline
	// Direct: the module is fetched from its origin (GONOPROXY, or the
	// chain reached "direct") and the question cannot be answered without
	// cloning the repository, which this package never does; or the origin
	// could not be resolved. Err says which.
	Direct
	// Invalid: the request itself is malformed (module path or version
	// that the go command would reject before any network access).
	Invalid
	// Canceled: the caller's context was canceled (not a deadline, which
	// is Unreachable). Never cached.
	Canceled
)

var kindNames = [...]string{
	NotFound:     "not-found",
	AuthRequired: "auth-required",
	NotServed:    "not-served",
	Unreachable:  "unreachable",
	ProxyError:   "proxy-error",
	Offline:      "offline",
	Direct:       "direct",
	Invalid:      "invalid",
	Canceled:     "canceled",
}

// String returns a stable kebab-case name for k ("not-found", ...).
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText makes kinds readable in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's name back.
func (k *Kind) UnmarshalText(text []byte) error {
	for i, name := range kindNames {
		if name == string(text) && name != "" {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown kind %q", text)
}

// ModuleExistence says what is known about a module path when a version of
// it was not found.
type ModuleExistence int

const (
	ExistenceUnknown ModuleExistence = iota // not checked, or the list did not tell
	ModuleKnown                             // the proxy lists versions of the module: the version is unknown
	ModuleUnknown                           // the proxy does not know the module path at all
)

// MarshalText makes the value readable in JSON.
func (m ModuleExistence) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m ModuleExistence) String() string {
	switch m {
	case ModuleKnown:
		return "module-known"
	case ModuleUnknown:
		return "module-unknown"
	}
	return "unknown"
}

// An Error describes a failed lookup. Its Error method reads like the go
// command's message for the same failure; Explain adds every proxy tried.
type Error struct {
	Kind    Kind
	Path    string // module path
	Version string // "" for lists and @latest
	// Proxy is the proxy (redacted URL), "direct", "off" or a cache name
	// that produced this error.
	Proxy string
	// Op is what was attempted, e.g. "reading https://proxy/m/@v/v1.0.0.info"
	// (redacted), or "git ls-remote https://host/repo".
	Op string
	// Status is the HTTP status code, 0 if there was no HTTP answer.
	Status int
	// StatusText is the status line text ("404 Not Found").
	StatusText string
	// ServerText is the server's explanation: the first lines of a
	// text/plain error body (at most 8 lines, as the go command keeps), or
	// the message of a JSON error body; for git, the first lines of its
	// stderr.
	ServerText string
	// Err is the underlying error, if any.
	Err error
	// Module says, for NotFound errors of a version, whether the module
	// path itself is known (from its version list, when it could be had).
	Module ModuleExistence
	// Attempts are the failed attempts of a GOPROXY chain, in order,
	// including the one this error reports (so len(Attempts) > 1 means the
	// chain fell through). Each attempt has no Attempts of its own.
	Attempts []*Error
	// RetryAfter is the server's Retry-After for 429/503, if it sent one.
	RetryAfter string

	// NoMatch marks "no matching versions" (the module answered, but with
	// no usable version): NotFound, yet like the go command's
	// NoMatchingVersionError it does not fall through a ',' in GOPROXY.
	NoMatch bool
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Path != "" && e.Version != "":
		fmt.Fprintf(&b, "%s@%s: ", e.Path, e.Version)
	case e.Path != "":
		fmt.Fprintf(&b, "module %s: ", e.Path)
	}
	b.WriteString(e.detail())
	return b.String()
}

// detail is the message without the module prefix, as go's web.HTTPError.
func (e *Error) detail() string {
	var msg string
	switch {
	case e.Status != 0:
		status := e.StatusText
		if status == "" {
			status = fmt.Sprint(e.Status)
		}
		msg = fmt.Sprintf("%s: %s", e.Op, status)
		if e.ServerText != "" {
			sep := " "
			if strings.ContainsRune(e.ServerText, '\n') {
				sep = "\n\t"
			}
			msg += "\n\tserver response:" + sep + e.ServerText
		}
		if e.Err != nil {
			msg += ": " + e.Err.Error()
		}
	case e.Op != "" && e.Err != nil:
		msg = fmt.Sprintf("%s: %v", e.Op, e.Err)
	case e.Err != nil:
		msg = e.Err.Error()
	case e.Op != "":
		msg = e.Op
	default:
		msg = e.Kind.String()
	}
	if e.Status == 0 && e.ServerText != "" {
		// A command's own words (git's stderr), as the go command shows
		// them: "git ls-remote -q URL: exit status 128:\n\tfatal: ...".
		msg += ":\n\t" + e.ServerText
	}
	return msg
}

// Explain describes every attempt of the chain on its own line, e.g.
//
//	https://proxy.a: 404 Not Found (not-found)
//	https://proxy.b: 403 Forbidden: This module version is not available. (not-served)
func (e *Error) Explain() string {
	atts := e.Attempts
	if len(atts) == 0 {
		atts = []*Error{e}
	}
	return explainAttempts(atts)
}

func explainAttempts(atts []*Error) string {
	var b strings.Builder
	for i, a := range atts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(a.Short())
	}
	return b.String()
}

// Short is a one-line summary: who answered what, e.g.
// "https://proxy.example: 404 Not Found (not-found)".
func (e *Error) Short() string {
	who := e.Proxy
	if who == "" {
		who = "gomodls"
	}
	var what string
	switch {
	case e.Status != 0:
		what = e.StatusText
		if what == "" {
			what = fmt.Sprint(e.Status)
		}
		if t := FirstLine(e.ServerText); t != "" {
			what += ": " + t
		}
	case e.Err != nil:
		what = FirstLine(e.Err.Error())
	default:
		what = e.Kind.String()
	}
	return fmt.Sprintf("%s: %s (%s)", who, what, e.Kind)
}

// FirstLine returns the first line of s that is not blank, trimmed: the
// part of a server's text or of an error message that fits a one-line
// summary.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

func (e *Error) Unwrap() error { return e.Err }

// MarshalJSON gives the fields tools need (gomodls check -json), with the
// go-like message; URLs in it are already redacted.
func (e *Error) MarshalJSON() ([]byte, error) {
	type jsonError struct {
		Kind       Kind            `json:"kind"`
		Path       string          `json:"path,omitempty"`
		Version    string          `json:"version,omitempty"`
		Proxy      string          `json:"proxy,omitempty"`
		Op         string          `json:"op,omitempty"`
		Status     int             `json:"status,omitempty"`
		ServerText string          `json:"serverText,omitempty"`
		Module     ModuleExistence `json:"module,omitzero"`
		Message    string          `json:"message"`
		Attempts   []*Error        `json:"attempts,omitempty"`
	}
	return json.Marshal(jsonError{e.Kind, e.Path, e.Version, e.Proxy, e.Op, e.Status, e.ServerText, e.Module, e.Error(), e.Attempts})
}

// Is makes errors.Is(err, fs.ErrNotExist) true for NotFound errors, as the
// go command treats 404 and 410, and errors.Is(err, context.Canceled) for
// Canceled ones.
func (e *Error) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.Kind == NotFound && !e.NoMatch
	case context.Canceled:
		return e.Kind == Canceled
	}
	return false
}

// KindOf returns the Kind of err if it is (or wraps) an *Error, else 0.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// IsNotExist reports whether err says the module or version does not exist.
func IsNotExist(err error) bool { return KindOf(err) == NotFound }

// IsTransient reports whether retrying later could give another answer
// without any configuration change (Unreachable, ProxyError, Canceled).
func IsTransient(err error) bool {
	switch KindOf(err) {
	case Unreachable, ProxyError, Canceled:
		return true
	}
	return false
}

// WithModule returns a copy of e naming path and version.
func (e *Error) WithModule(path, version string) *Error {
	c := *e
	c.Path, c.Version = path, version
	return &c
}

// The renderings below are the parts of the message that diagnostics
// quote: who answered what, on one line.

// StatusLine is the HTTP status ("404 Not Found", or the code alone), or
// the kind when there was no HTTP answer.
func (e *Error) StatusLine() string {
	s := e.StatusText
	if s == "" && e.Status != 0 {
		s = fmt.Sprint(e.Status)
	}
	if s == "" {
		s = e.Kind.String()
	}
	return s
}

// Answer is StatusLine with the first line of the server's explanation,
// e.g. "403 Forbidden: This module version is not available.".
func (e *Error) Answer() string {
	s := e.StatusLine()
	if t := FirstLine(e.ServerText); t != "" {
		s += ": " + t
	}
	return s
}

// Cause is the first line of the underlying error, else Answer: why a
// proxy could not be reached.
func (e *Error) Cause() string {
	if e.Err != nil {
		return FirstLine(e.Err.Error())
	}
	return e.Answer()
}

// OneLine is the error's message on one line, without the module@version
// prefix a diagnostic already starts with.
func (e *Error) OneLine() string {
	msg := e.Error()
	for _, prefix := range []string{e.Path + "@" + e.Version + ": ", "module " + e.Path + ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	msg = strings.ReplaceAll(msg, "\n\tserver response:", "; server response:")
	return strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n\t", " ")), " ")
}

// Tried summarises the chain's failed attempts (e itself when it has no
// Attempts): "reading https://a/...: 404 Not Found; reading https://b/...:
// 410 Gone".
func (e *Error) Tried() string {
	list := e.Attempts
	if len(list) == 0 {
		list = []*Error{e}
	}
	return triedList(list)
}

// TriedBefore is Tried for the attempts before the one e reports (the
// last), "" when the chain did not fall through.
func (e *Error) TriedBefore() string {
	if n := len(e.Attempts); n > 1 {
		return triedList(e.Attempts[:n-1])
	}
	return ""
}

func triedList(list []*Error) string {
	var parts []string
	for _, a := range list {
		op := a.Op
		if op == "" {
			op = a.Proxy
		}
		parts = append(parts, op+": "+a.Answer())
	}
	return strings.Join(parts, "; ")
}
