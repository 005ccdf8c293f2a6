// Copyright 2026 The gomodls Authors.

package auth

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const redacted = "<redacted>"

// Credentials are the headers stored for a URL prefix. The header values
// are only reachable through Header; every way of printing a Credentials
// (any fmt verb, JSON) shows the header names only.
type Credentials struct {
	Prefix string // host[:port][/path] without scheme; may hold userinfo if a GOAUTH command printed it, so print the Credentials, not this field
	Source string // "netrc", "git", or "command <program>"
	header http.Header
}

// Header returns a copy of the headers to send. Do not log it.
func (c Credentials) Header() http.Header { return c.header.Clone() }

// HeaderNames returns the names of the headers, sorted.
func (c Credentials) HeaderNames() []string {
	return slices.Sorted(maps.Keys(c.header))
}

// String describes the credentials without their values.
func (c Credentials) String() string {
	names := c.HeaderNames()
	for i, n := range names {
		names[i] = n + ": " + redacted
	}
	return fmt.Sprintf("credentials for %s from %s [%s]", redactPrefix(c.Prefix), c.Source, strings.Join(names, ", "))
}

// Format makes every verb (%v, %+v, %#v, %s, %q, %x, ...) use String.
func (c Credentials) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprint(f, strconv.Quote(c.String()))
	default:
		fmt.Fprint(f, c.String())
	}
}

// GoString is used by %#v when Format is bypassed (it is not, but keep both
// safe).
func (c Credentials) GoString() string { return c.String() }

// MarshalJSON omits the header values.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Prefix  string   `json:"prefix"`
		Source  string   `json:"source"`
		Headers []string `json:"headers"`
	}{redactPrefix(c.Prefix), c.Source, c.HeaderNames()})
}

// redactPrefix hides userinfo in a stored prefix (a GOAUTH command may
// print URLs with user:password@).
func redactPrefix(prefix string) string {
	host, _, _ := strings.Cut(prefix, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		return "xxxxx@" + prefix[i+1:]
	}
	return prefix
}

func quote(s string) string { return strconv.Quote(s) }
