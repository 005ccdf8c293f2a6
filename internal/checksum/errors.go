// Copyright 2026 The gomodls Authors.

package checksum

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gomodls/gomodls/internal/modsource"
)

// Kind classifies why go.sum hashes could not be had or verified. Every
// error of a checksum Source is an *Error with one of these kinds, or a
// *modsource.Error when content had to be fetched.
type Kind int

const (
	// Excluded: the checksum database must not be asked about the module:
	// GOSUMDB=off, or GONOSUMDB (GOPRIVATE by default) matches its path.
	// Error.Reason says which.
	Excluded Kind = iota + 1
	// NotFound: the database (or the proxy passing it through) answered
	// 404 or 410: it has no record of the module version. For a public
	// module that means the version does not exist; a private module needs
	// GONOSUMDB.
	NotFound
	// Unreachable: no HTTP answer (DNS, connection refused or reset, TLS,
	// no answer within the request timeout).
	Unreachable
	// AuthRequired: 401, or 403, from the database or the proxy.
	AuthRequired
	// ServerError: any other failing answer: other statuses, an oversized
	// body, a record or tree note that does not parse or verify against
	// the configured key, a proxy that fails the /supported probe.
	ServerError
	// Security: the database served a tree inconsistent with one seen
	// before (a forked log). Nothing it says can be trusted, so every
	// later lookup of the same DB fails with this error until Invalidate.
	Security
	// Offline: no cached answer, and the network may not be used.
	Offline
	// Config: GOSUMDB (or GOPROXY, for the proxy probe) is invalid.
	Config
	// Canceled: the caller's context was canceled.
	Canceled
	// Invalid: the module path or version is malformed.
	Invalid
)

var kindNames = [...]string{
	Excluded:     "excluded",
	NotFound:     "not-found",
	Unreachable:  "unreachable",
	AuthRequired: "auth-required",
	ServerError:  "server-error",
	Security:     "security",
	Offline:      "offline",
	Config:       "config",
	Canceled:     "canceled",
	Invalid:      "invalid",
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// An Error says why hashes of a module version could not be had.
type Error struct {
	Kind    Kind
	Path    string // module path ("" for errors of the database as a whole)
	Version string
	// DB is the checksum database's name ("sum.golang.org").
	DB string
	// URL is the request that failed (redacted), "" if none was sent.
	URL string
	// Status is the HTTP status, 0 without an HTTP answer; ServerText the
	// first line of the server's explanation.
	Status     int
	ServerText string
	// Reason, for Excluded, is "GOSUMDB=off" or "GONOSUMDB pattern P"
	// (naming the variable the pattern came from).
	Reason string
	// Msg, for Security, is the database client's full report: both signed
	// tree heads and the proof that they disagree.
	Msg string
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Version != "" {
			b.WriteString("@" + e.Version)
		}
		b.WriteString(": ")
	}
	switch e.Kind {
	case Excluded:
		fmt.Fprintf(&b, "checksum database not consulted: %s", e.Reason)
		return b.String()
	case Security:
		fmt.Fprintf(&b, "SECURITY ERROR: checksum database %s served a tree inconsistent with one seen before (a forked log: the database, or a proxy or network in between, is misbehaving)", e.DB)
		return b.String()
	}
	if e.URL != "" {
		fmt.Fprintf(&b, "reading %s: ", e.URL)
	} else if e.DB != "" {
		fmt.Fprintf(&b, "checksum database %s: ", e.DB)
	}
	switch {
	case e.Status != 0:
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
		if e.ServerText != "" {
			b.WriteString(": " + e.ServerText)
		}
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(e.Kind.String())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes a NotFound error match fs.ErrNotExist, as the go command's web
// errors do (the proxy probe falls through on them).
func (e *Error) Is(target error) bool {
	return target == fs.ErrNotExist && e.Kind == NotFound
}

// KindOf returns the Kind of err, or 0 if it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// WithModule returns a copy of e naming path@version.
func (e *Error) WithModule(path, version string) *Error {
	c := *e
	c.Path, c.Version = path, version
	return &c
}

// Describe says why the database could not answer, without the module the
// failure happened to be about: "checksum database sum.golang.org
// unreachable: ...".
func (e *Error) Describe() string {
	c := *e
	c.Path, c.Version, c.DB = "", "", ""
	switch e.Kind {
	case Unreachable:
		return fmt.Sprintf("checksum database %s unreachable: %s", e.DB, c.Error())
	case AuthRequired:
		return fmt.Sprintf("checksum database %s requires credentials (GOAUTH, .netrc): %s", e.DB, c.Error())
	case Offline, Config:
		return c.Error()
	}
	return fmt.Sprintf("checksum database %s failed: %s", e.DB, c.Error())
}

// IsCanceled reports whether a lookup of hashes ended because its caller
// canceled it: the checksum database's error, the module source's, or the
// context's own.
func IsCanceled(err error) bool {
	return KindOf(err) == Canceled || modsource.KindOf(err) == modsource.Canceled || errors.Is(err, context.Canceled)
}
