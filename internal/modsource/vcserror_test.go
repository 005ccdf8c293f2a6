// Copyright 2026 The gomodls Authors.

package modsource

import "testing"

func TestVCSErrorURLParts(t *testing.T) {
	for _, tc := range []struct{ url, scheme, host, user string }{
		{"https://git.example.com/team/x.git", "https", "git.example.com", ""},
		{"https://xxxxx@git.example.com:8443/x.git", "https", "git.example.com:8443", "xxxxx"},
		{"git@git.example.com:team/x.git", "ssh", "git.example.com", "git"},
		{"ssh://deploy@git.example.com:2222/x.git", "ssh", "git.example.com:2222", "deploy"},
		{"git.example.com:team/x.git", "ssh", "git.example.com", ""},
		{"ext::sh", "ext", "", ""},
		{"/local/path", "", "", ""},
	} {
		e := &VCSError{URL: tc.url}
		if e.Scheme() != tc.scheme || e.Host() != tc.host || e.User() != tc.user {
			t.Errorf("%s: scheme %q host %q user %q, want %q %q %q", tc.url, e.Scheme(), e.Host(), e.User(), tc.scheme, tc.host, tc.user)
		}
	}
}
