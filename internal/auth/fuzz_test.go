// Copyright 2026 The gomodls Authors.

package auth

import (
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func FuzzParseNetrc(f *testing.F) {
	f.Add(testNetrc)
	f.Add("machine a login b password c")
	f.Add("default\nmachine a login b password c")
	f.Add("macdef x\nmachine a login b password c\n\nmachine d login e password f")
	f.Fuzz(func(t *testing.T, data string) {
		lines := ParseNetrc(data)
		tokens := len(strings.Fields(data))
		if len(lines)*6 > tokens {
			t.Fatalf("%d entries from %d tokens", len(lines), tokens)
		}
		for _, l := range lines {
			for _, s := range []string{l.Machine, l.Login, l.Password} {
				if s == "" || strings.ContainsAny(s, " \t\n\r") {
					t.Fatalf("bad entry %#v", l)
				}
			}
			if want := "machine " + l.Machine + " login " + l.Login + " password " + redacted; l.String() != want {
				t.Fatalf("String() = %q, want %q", l.String(), want)
			}
		}
	})
}

func FuzzParseGOAUTH(f *testing.F) {
	f.Add("netrc")
	f.Add("off")
	f.Add("netrc; git /abs/dir; cmd 'a b' \"c\"")
	f.Add("git rel;")
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseGOAUTH(s)
		if err != nil {
			return
		}
		if len(ms) != strings.Count(s, ";")+1 {
			t.Fatalf("%d methods for %q", len(ms), s)
		}
		for _, m := range ms {
			switch m.Kind {
			case MethodOff:
				if len(ms) != 1 {
					t.Fatalf("off combined: %q", s)
				}
			case MethodGit:
				if !filepath.IsAbs(m.Dir) {
					t.Fatalf("git dir %q not absolute", m.Dir)
				}
			case MethodCommand:
				if m.Err == nil && len(m.Args) == 0 {
					t.Fatalf("command without args: %q", s)
				}
			case MethodNetrc:
			default:
				t.Fatalf("kind %q", m.Kind)
			}
			if m.Text != strings.TrimSpace(m.Text) || m.Text == "" {
				t.Fatalf("text %q", m.Text)
			}
		}
	})
}

func FuzzParseUserAuth(f *testing.F) {
	f.Add("https://example.com\n\nAuthorization: Basic YWxh\n\n")
	f.Add("https://a.example/x\nhttps://b.example\n\nX-Token: 1\nX-Token: 2\n\n")
	f.Add("https://example.com\n\n\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, data string) {
		creds, err := ParseUserAuth(data)
		if err != nil {
			return
		}
		// Write the result back in the protocol's format and parse it again.
		var b strings.Builder
		for _, prefix := range slices.Sorted(maps.Keys(creds)) {
			h := creds[prefix]
			// A URL line "https://https://host" leaves the prefix
			// "https://host", exactly as cmd/go's parser does (it trims the
			// scheme once); such a prefix matches no request, harmlessly.
			// url.URL.String does not always re-parse to itself (opaque
			// URLs, escaping); cmd/go behaves the same, so only prefixes
			// that do are round-tripped.
			u := "https://" + prefix
			if p, err := url.ParseRequestURI(u); err != nil || strings.TrimPrefix(p.String(), "https://") != prefix {
				return
			}
			b.WriteString(u + "\n\n")
			for _, k := range slices.Sorted(maps.Keys(h)) {
				for _, v := range h[k] {
					if !validHeaderFieldValue(v) || !validHeaderFieldName(k) {
						t.Fatalf("invalid header %q: %q", k, v)
					}
					b.WriteString(k + ": " + v + "\n")
				}
			}
			b.WriteString("\n")
		}
		again, err := ParseUserAuth(b.String())
		if err != nil {
			t.Fatalf("reparse of %q: %v", b.String(), err)
		}
		norm := func(m map[string]http.Header) map[string]http.Header {
			out := map[string]http.Header{}
			for k, v := range m {
				if len(v) == 0 {
					v = http.Header{}
				}
				out[k] = v
			}
			return out
		}
		if !reflect.DeepEqual(norm(again), norm(creds)) {
			t.Fatalf("round trip:\n%v\n%v", again, creds)
		}
	})
}

func FuzzParseGitAuth(f *testing.F) {
	f.Add([]byte("protocol=https\nhost=h.example\nusername=u\npassword=p\n"))
	f.Add([]byte("url=https://h.example/x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parseGitAuth(data) // must not panic
	})
}
