// Copyright 2026 The gomodls Authors.
// parseGitAuth follows cmd/go/internal/auth/gitauth.go,
// Copyright 2019 The Go Authors, BSD-style license.

package auth

import (
	"net/url"
	"strings"
)

// parseGitAuth parses `git credential fill` output into the URL prefix the
// credential is for, the user name and the password. A malformed url=
// line is ignored in favour of protocol/host/path, as in cmd/go.
func parseGitAuth(data []byte) (prefix, username, password string) {
	u := new(url.URL)
	for line := range strings.SplitSeq(string(data), "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		switch key {
		case "protocol":
			u.Scheme = value
		case "host":
			u.Host = value
		case "path":
			u.Path = value
		case "username":
			username = value
		case "password":
			password = value
		case "url":
			p, err := url.ParseRequestURI(value)
			if err != nil {
				continue
			}
			u = p
		}
	}
	return u.String(), username, password
}
