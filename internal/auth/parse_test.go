// Copyright 2026 The gomodls Authors.

package auth

import (
	"net/http"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// testNetrc is cmd/go/internal/auth's test input.
const testNetrc = `
machine incomplete
password none

machine api.github.com
  login user
  password pwd

machine incomlete.host
  login justlogin

machine test.host
login user2
password pwd2

machine oneline login user3 password pwd3

machine ignore.host macdef ignore
  login nobody
  password nothing

machine hasmacro.too macdef ignore-next-lines login user4 password pwd4
  login nobody
  password nothing

default
login anonymous
password gopher@golang.org

machine after.default
login oops
password too-late-in-file
`

func TestParseNetrc(t *testing.T) {
	tests := []struct {
		name, data string
		want       []NetrcLine
	}{
		{"go's test", testNetrc, []NetrcLine{
			{"api.github.com", "user", "pwd"},
			{"test.host", "user2", "pwd2"},
			{"oneline", "user3", "pwd3"},
			{"hasmacro.too", "user4", "pwd4"},
		}},
		{"host:port", "machine git.corp.example:8443 login u password p\n", []NetrcLine{{"git.corp.example:8443", "u", "p"}}},
		{"order kept, duplicates kept", "machine h login a password 1\nmachine h login b password 2\n", []NetrcLine{{"h", "a", "1"}, {"h", "b", "2"}}},
		{"password before login", "machine h password p login l", []NetrcLine{{"h", "l", "p"}}},
		{"default alone stops", "default\nmachine late login l password p\n", nil},
		// cmd/go only stops when "default" is the odd token left at the end
		// of a line; "default login x password y" on one line does not stop.
		{"default with tokens on its line", "default login anon password x\nmachine late login l password p\n", []NetrcLine{{"late", "l", "p"}}},
		{"macdef ends at empty line", "macdef m\nmachine hidden login l password p\n\nmachine shown login l password p\n", []NetrcLine{{"shown", "l", "p"}}},
		{"CRLF", "machine h\r\nlogin l\r\npassword p\r\n", []NetrcLine{{"h", "l", "p"}}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		if got := ParseNetrc(tc.data); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ParseNetrc = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}

func TestNetrcLineRedacts(t *testing.T) {
	l := NetrcLine{"h", "user", "hunter2"}
	for _, s := range []string{l.String(), l.GoString()} {
		if strings.Contains(s, "hunter2") || !strings.Contains(s, "user") {
			t.Errorf("%q", s)
		}
	}
}

func TestNetrcPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if got, _ := NetrcPath(env(map[string]string{"NETRC": "/x/netrc", "HOME": "/h"})); got != "/x/netrc" {
		t.Errorf("NETRC: %q", got)
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "plan9" {
		if got, _ := NetrcPath(env(map[string]string{"HOME": "/h"})); got != filepath.Join("/h", ".netrc") {
			t.Errorf("HOME: %q", got)
		}
	}
}

func TestParseGOAUTH(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		in    string
		kinds []MethodKind
		err   string
	}{
		{"netrc", []MethodKind{MethodNetrc}, ""},
		{"off", []MethodKind{MethodOff}, ""},
		{"  netrc  ", []MethodKind{MethodNetrc}, ""},
		{"netrc extra words", []MethodKind{MethodNetrc}, ""},
		{"git " + dir, []MethodKind{MethodGit}, ""},
		{"netrc; git " + dir + "; my-helper --flag 'quoted arg'", []MethodKind{MethodNetrc, MethodGit, MethodCommand}, ""},
		{"netrc;", nil, "empty command"},
		{";netrc", nil, "empty command"},
		{"", nil, "empty command"},
		{"off; netrc", nil, "cannot be combined"},
		{"netrc;off", nil, "cannot be combined"},
		{"git", nil, "requires an absolute path"},
		{"git a b", nil, "requires an absolute path"},
		{"git relative/dir", nil, "not absolute"},
	}
	for _, tc := range tests {
		ms, err := ParseGOAUTH(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseGOAUTH(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseGOAUTH(%q): %v", tc.in, err)
			continue
		}
		var kinds []MethodKind
		for _, m := range ms {
			kinds = append(kinds, m.Kind)
		}
		if !reflect.DeepEqual(kinds, tc.kinds) {
			t.Errorf("ParseGOAUTH(%q) kinds = %v, want %v", tc.in, kinds, tc.kinds)
		}
	}
	ms, _ := ParseGOAUTH("netrc; git " + dir + "; my-helper --flag 'quoted arg' \"x y\"")
	if ms[1].Dir != dir {
		t.Errorf("git dir = %q", ms[1].Dir)
	}
	if want := []string{"my-helper", "--flag", "quoted arg", "x y"}; !reflect.DeepEqual(ms[2].Args, want) {
		t.Errorf("args = %q, want %q", ms[2].Args, want)
	}
	ms, err := ParseGOAUTH("helper 'unterminated")
	if err != nil || ms[0].Err == nil || !strings.Contains(ms[0].Err.Error(), "unterminated") {
		t.Errorf("unterminated quote: %v, %+v (must be a per-method error, as in cmd/go)", err, ms)
	}
}

// TestParseUserAuth mirrors cmd/go's userauth_test.go.
func TestParseUserAuth(t *testing.T) {
	data := "https://example.com\n\nAuthorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l\nAuthorization: Basic jpvcGVuc2VzYW1lYWxhZGRpb\n\n" +
		"https://hello.com\n\nAuthorization: Basic GVuc2VzYW1lYWxhZGRpbjpvc\nAuthorization: Basic 1lYWxhZGRplW1lYWxhZGRpbs\nData: Test567\n\n"
	got, err := ParseUserAuth(data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]http.Header{
		"example.com": {"Authorization": {"Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Basic jpvcGVuc2VzYW1lYWxhZGRpb"}},
		"hello.com":   {"Authorization": {"Basic GVuc2VzYW1lYWxhZGRpbjpvc", "Basic 1lYWxhZGRplW1lYWxhZGRpbs"}, "Data": {"Test567"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseUserAuth = %v, want %v", got, want)
	}

	// Several URLs share a block; later blocks win for the same URL.
	got, err = ParseUserAuth("https://a.example/x\nhttps://b.example\n\nX-Token: 1\n\nhttps://a.example/x\n\nX-Token: 2\n\n")
	if err != nil || got["a.example/x"].Get("X-Token") != "2" || got["b.example"].Get("X-Token") != "1" {
		t.Errorf("multi-URL blocks: %v, %v", got, err)
	}
	got, err = ParseUserAuth("https://example.com\n\n\n")
	if err != nil || len(got["example.com"]) != 0 {
		t.Errorf("empty header block: %v, %v", got, err)
	}
	if got, err := ParseUserAuth(""); err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}

	invalid := []string{
		"https://example.com\nAuthorization: Basic AVuc2VzYW1lYWxhZGRpbjpvc\n\n",
		"Authorization: Basic AVuc2VzYW1lYWxhZGRpbjpvc\n\n",
		"https://example.com\n\nAuthorization: Basic YWxh\n\nAuthorization: Basic GVuc\n\n",
		"https://example.com\n",
		"https://example.com\n\n",
		"https://example.com\n\nAuthorization: Basic YWxh\nhttps://hello.com\n\nAuthorization: Basic GVuc\n\n",
		"https://example.com/\n Authorization: Basic YWxh\n",
		"https://example.com\n\nAuthorization: Basic YWxh\n Authorization: Basic jpvc\n",
		" https://example.com\n\nAuthorization: Basic YWxh\n",
		"https://example.com\n\n\nAuthorization: Basic YWxh\n",
		"https://example.com\n\nBad Name: x\n\n",
		"https://example.com\n\nX: a\x01b\n\n",
	}
	for _, in := range invalid {
		if got, err := ParseUserAuth(in); err == nil {
			t.Errorf("ParseUserAuth(%q) = %v, want error", in, got)
		}
	}
	// Errors must not echo input lines (they may be secrets).
	if _, err := ParseUserAuth("not a url s3cret\n\n"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error echoes input: %v", err)
	}
}

func TestParseGitAuth(t *testing.T) {
	tests := []struct {
		out                  string
		prefix, user, passwd string
	}{
		{"protocol=https\nhost=git.corp.example\nusername=bob\npassword=pw\n", "https://git.corp.example", "bob", "pw"},
		{"protocol=https\nhost=git.corp.example\npath=team/repo\nusername=bob\npassword=pw\n", "https://git.corp.example/team/repo", "bob", "pw"},
		{"url=https://git.corp.example/x\nusername=u\npassword=p\n", "https://git.corp.example/x", "u", "p"},
		{"protocol=https\nhost=h.example\nurl=::bad\nusername=u\npassword=p\n", "https://h.example", "u", "p"},
		{"  protocol=https \n host=h.example\n", "https://h.example", "", ""},
		{"garbage\n", "", "", ""},
	}
	for _, tc := range tests {
		p, u, pw := parseGitAuth([]byte(tc.out))
		if p != tc.prefix || u != tc.user || pw != tc.passwd {
			t.Errorf("parseGitAuth(%q) = %q %q %q, want %q %q %q", tc.out, p, u, pw, tc.prefix, tc.user, tc.passwd)
		}
	}
}
