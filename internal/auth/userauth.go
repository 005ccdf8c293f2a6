// Copyright 2026 The gomodls Authors.
// parseUserAuth follows cmd/go/internal/auth/userauth.go,
// Copyright 2019 The Go Authors, BSD-style license.

package auth

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// ParseUserAuth parses the output of a GOAUTH command ('go help goauth'):
// blocks of one or more URL lines, an empty line, header lines
// ("Name: value"), and an empty line. It returns URL prefix (without
// "https://") → headers. Empty output gives an empty map.
func ParseUserAuth(data string) (map[string]http.Header, error) {
	credentials := make(map[string]http.Header)
	for data != "" {
		var line string
		var ok bool
		var urls []string
		for {
			line, data, ok = strings.Cut(data, "\n")
			if !ok {
				return nil, fmt.Errorf("invalid format: missing empty line after URLs")
			}
			if line == "" {
				break
			}
			u, err := url.ParseRequestURI(line)
			if err != nil {
				// Do not echo the line: it could be a credential.
				return nil, fmt.Errorf("could not parse URL line: %v", redactURLError(err))
			}
			urls = append(urls, u.String())
		}
		header := make(http.Header)
		for {
			line, data, ok = strings.Cut(data, "\n")
			if !ok {
				return nil, fmt.Errorf("invalid format: missing empty line after headers")
			}
			if line == "" {
				break
			}
			name, value, ok := strings.Cut(line, ": ")
			value = strings.TrimSpace(value)
			if !ok || !validHeaderFieldName(name) || !validHeaderFieldValue(value) {
				return nil, fmt.Errorf("invalid format: invalid header line")
			}
			header.Add(name, value)
		}
		for _, p := range urls {
			p = strings.TrimPrefix(p, "https://")
			credentials[p] = header.Clone()
		}
	}
	return credentials, nil
}

// redactURLError drops the URL text from a *url.Error.
func redactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %v", ue.Op, ue.Err)
	}
	return err
}

// formatResponse is what a GOAUTH command reads on stdin on its second
// invocation: the status line, the headers, an empty line (cmd/go's
// writeResponseToStdin; we sort the headers so the text is reproducible).
func formatResponse(res *http.Response) string {
	var b strings.Builder
	b.WriteString(res.Proto + " " + res.Status + "\n")
	for _, k := range slices.Sorted(maps.Keys(res.Header)) {
		b.WriteString(k + ": " + strings.Join(res.Header[k], ", ") + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

// validHeaderFieldName reports whether v is an RFC 7230 token
// (x/net/http/httpguts, as copied into cmd/go).
func validHeaderFieldName(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderFieldValue rejects control bytes other than space and tab.
func validHeaderFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if (b < ' ' || b == 0x7f) && b != ' ' && b != '\t' {
			return false
		}
	}
	return true
}
