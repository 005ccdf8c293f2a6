// Package redact hides credentials in URLs before they are logged or shown:
// passwords, and also user names given without a password, since
// https://TOKEN@host is a common way to pass a token.
package redact

import (
	"net/url"
	"strings"
)

// URL returns u as a string with its userinfo hidden.
func URL(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	if _, has := u.User.Password(); has {
		return u.Redacted()
	}
	c := *u
	c.User = url.User("xxxxx")
	return c.String()
}

// String redacts a URL given as a string. Input that does not parse is
// withheld if it might contain userinfo.
func String(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return "<unparsable URL>"
		}
		return s
	}
	return URL(u)
}
