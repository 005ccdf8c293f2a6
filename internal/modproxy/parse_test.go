// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseList(t *testing.T) {
	data := "v1.0.0\n" +
		"  v1.2.0   2024-01-02T03:04:05Z\n" + // leading space and a timestamp
		"v1.1.0 not-a-time\n" +
		"garbage\n" +
		"1.3.0\n" + // no v: not semver
		"v1.2\n" + // valid semver, not canonical: the go command keeps it
		"v0.0.0-20240102030405-abcdef012345\n" +
		"v1.0.0\n" + // duplicate
		"\r\n" +
		"v2.0.0+incompatible\n" +
		"v1.3.0-rc.1"
	lines := parseList([]byte(data))
	var got []string
	for _, l := range lines {
		got = append(got, l.version)
	}
	want := []string{"v1.0.0", "v1.2.0", "v1.1.0", "v1.2", "v0.0.0-20240102030405-abcdef012345", "v1.0.0", "v2.0.0+incompatible", "v1.3.0-rc.1"}
	if !slices.Equal(got, want) {
		t.Errorf("parseList versions = %q, want %q", got, want)
	}
	if !lines[1].hasTime || !lines[1].time.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("timestamp of v1.2.0 = %v (has %v)", lines[1].time, lines[1].hasTime)
	}
	if !lines[2].hasTime || !lines[2].time.IsZero() {
		t.Errorf("malformed timestamp should count as present and zero, got %v %v", lines[2].hasTime, lines[2].time)
	}

	l := newVersionList("example.com/m", lines)
	if want := []string{"v1.0.0", "v1.1.0", "v1.2", "v1.2.0", "v1.3.0-rc.1", "v2.0.0+incompatible"}; !slices.Equal(l.Versions, want) {
		t.Errorf("Versions = %q, want %q", l.Versions, want)
	}
	if want := []string{"v0.0.0-20240102030405-abcdef012345"}; !slices.Equal(l.Pseudo, want) {
		t.Errorf("Pseudo = %q, want %q", l.Pseudo, want)
	}
	if !l.Has("v1.1.0") || !l.Has("v0.0.0-20240102030405-abcdef012345") || l.Has("v9.0.0") {
		t.Errorf("Has gives wrong answers for %v", l)
	}
}

func TestLatestFromList(t *testing.T) {
	for _, tc := range []struct {
		name, list, want string
	}{
		{"empty", "", ""},
		{"tags only, no timestamps", "v1.0.0\nv1.1.0\n", ""},
		{"pseudo by its own time", "v0.0.0-20231201000000-fedcba987654\nv0.0.0-20240102030405-abcdef012345\n", "v0.0.0-20240102030405-abcdef012345"},
		{"list timestamp wins over the version's", "v0.0.0-20231201000000-fedcba987654 2025-01-01T00:00:00Z\nv0.0.0-20240102030405-abcdef012345\n", "v0.0.0-20231201000000-fedcba987654"},
		{"tag with a timestamp counts", "v1.0.0 2030-01-01T00:00:00Z\nv0.0.0-20240102030405-abcdef012345\n", "v1.0.0"},
		{"malformed timestamp is zero time", "v0.0.0-20240102030405-abcdef012345 yesterday\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := latestFromList(parseList([]byte(tc.list))); got != tc.want {
				t.Errorf("latestFromList = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLatestTagged(t *testing.T) {
	for _, tc := range []struct {
		versions []string
		want     string
	}{
		{nil, ""},
		{[]string{"v1.0.0", "v1.1.0-rc.1"}, "v1.0.0"},
		{[]string{"v1.0.0-alpha", "v1.0.0-beta"}, "v1.0.0-beta"},
		{[]string{"v1.0.0", "v1.2.0-rc.1", "v1.1.0"}, "v1.1.0"},
	} {
		if got := latestTagged(tc.versions); got != tc.want {
			t.Errorf("latestTagged(%q) = %q, want %q", tc.versions, got, tc.want)
		}
	}
}

func TestParseInfo(t *testing.T) {
	info, err := parseInfo([]byte(`{"Version":"v1.2.3","Time":"2023-01-01T00:00:00Z","Origin":{"VCS":"git","URL":"https://x","Hash":"abc","Ref":"refs/tags/v1.2.3"},"Name":"abc","Short":"abc","Extra":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != "v1.2.3" || !info.Time.Equal(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)) || info.Origin == nil || info.Origin.Ref != "refs/tags/v1.2.3" {
		t.Errorf("parseInfo = %+v", info)
	}
	for _, bad := range []string{``, `{`, `{"Version":"v1.0.0","Time":"2023-01-01T00:00:`, `[]`, `{"Time":"2023-01-01T00:00:00Z"}`, `{"Version":"v1.0.0","Time":"yesterday"}`, `<html>`} {
		if _, err := parseInfo([]byte(bad)); err == nil {
			t.Errorf("parseInfo(%q) succeeded", bad)
		}
	}
	round, err := parseInfo(marshalInfo(info))
	if err != nil || round.Version != info.Version || !round.Time.Equal(info.Time) || *round.Origin != *info.Origin {
		t.Errorf("marshalInfo round trip: %+v, %v", round, err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"99999999999999999999", 0, false},
		{"Thu, 01 Jan 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Thu, 01 Jan 2026 11:00:00 GMT", 0, true}, // in the past: now
		{"tomorrow", 0, false},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestErrorDetail(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body, want string
	}{
		{"plain", "text/plain; charset=utf-8", "not found: module x\n", "not found: module x"},
		{"multi-line", "text/plain", "a\nb\nc\n", "a\n\tb\n\tc"},
		{"stops at blank line", "text/plain", "a\n\nb\n", "a"},
		{"too many lines", "text/plain", strings.Repeat("x\n", 20), "x\n\tx\n\tx\n\tx\n\tx\n\tx\n\tx\n\tx\n\t[Truncated: too many lines.]"},
		{"too long", "text/plain", strings.Repeat("y", 700) + "\n", "[Truncated: too long.]"},
		{"html ignored", "text/html", "<html>x</html>", ""},
		{"latin1 ignored", "text/plain; charset=iso-8859-1", "x", ""},
		{"control characters refused", "text/plain", "evil \x1b[31m red", ""},
		{"artifactory json", "application/json", `{"errors":[{"status":404,"message":"Could not find resource"}]}`, "Could not find resource"},
		{"plain json message", "application/json", `{"message":"quota exceeded"}`, "quota exceeded"},
		{"bad json", "application/json", `{`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errorDetail(tc.ctype, strings.NewReader(tc.body)); got != tc.want {
				t.Errorf("errorDetail = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClassifyStatus(t *testing.T) {
	challenge := http.Header{"Www-Authenticate": {`Basic realm="x"`}}
	for _, tc := range []struct {
		code int
		h    http.Header
		sent bool
		want Kind
	}{
		{404, nil, false, NotFound},
		{410, nil, true, NotFound},
		{401, nil, false, AuthRequired},
		{407, nil, false, AuthRequired},
		{403, nil, false, NotServed},
		{403, challenge, false, AuthRequired},
		{403, nil, true, AuthRequired},
		{400, nil, false, NotServed},
		{451, nil, false, NotServed},
		{429, nil, false, ProxyError},
		{500, nil, false, ProxyError},
		{502, nil, false, ProxyError},
		{418, nil, false, ProxyError},
	} {
		if got := classifyStatus(tc.code, tc.h, tc.sent); got != tc.want {
			t.Errorf("classifyStatus(%d, challenge=%v, sent=%v) = %s, want %s", tc.code, tc.h != nil, tc.sent, got, tc.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	e := &Error{
		Kind: NotFound, Path: "example.com/m", Version: "v1.2.3", Proxy: "https://proxy.example",
		Op: "reading https://proxy.example/example.com/m/@v/v1.2.3.info", Status: 404, StatusText: "404 Not Found",
		ServerText: "not found: example.com/m@v1.2.3: invalid version: unknown revision v1.2.3",
	}
	want := "example.com/m@v1.2.3: reading https://proxy.example/example.com/m/@v/v1.2.3.info: 404 Not Found\n\tserver response: not found: example.com/m@v1.2.3: invalid version: unknown revision v1.2.3"
	if e.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", e.Error(), want)
	}
	e.ServerText = "line one\n\tline two"
	wantContains(t, e.Error(), "server response:\n\tline one\n\tline two")

	list := &Error{Kind: Unreachable, Path: "example.com/m", Op: `Get "http://127.0.0.1:1/example.com/m/@v/list"`, Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}
	if got, want := list.Error(), `module example.com/m: Get "http://127.0.0.1:1/example.com/m/@v/list": dial tcp 127.0.0.1:1: connect: connection refused`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, fs.ErrNotExist) || errors.Is(list, fs.ErrNotExist) {
		t.Errorf("errors.Is(fs.ErrNotExist) wrong")
	}
	noMatch := &Error{Kind: NotFound, NoMatch: true}
	if errors.Is(noMatch, fs.ErrNotExist) || !IsNotExist(noMatch) {
		t.Errorf("no-match errors must not be fs.ErrNotExist (like NoMatchingVersionError) but are IsNotExist")
	}
	canceled := &Error{Kind: Canceled, Err: context.Canceled}
	if !errors.Is(canceled, context.Canceled) || !IsTransient(canceled) || IsTransient(e) {
		t.Errorf("Canceled/IsTransient wrong")
	}
	chain := &Error{Kind: ProxyError, Attempts: []*Error{
		{Kind: NotFound, Proxy: "https://a", Status: 404, StatusText: "404 Not Found"},
		{Kind: ProxyError, Proxy: "https://b", Status: 500, StatusText: "500 Internal Server Error", ServerText: "boom\n\tmore"},
	}}
	if got, want := chain.Explain(), "https://a: 404 Not Found (not-found)\nhttps://b: 500 Internal Server Error: boom (proxy-error)"; got != want {
		t.Errorf("Explain() =\n%s\nwant\n%s", got, want)
	}
	for k := NotFound; k <= Canceled; k++ {
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("kind %d has no name", k)
		}
	}
	if KindOf(errors.New("x")) != 0 || KindOf(fmtWrap(e)) != NotFound {
		t.Errorf("KindOf wrong")
	}
	e.Module = ModuleKnown
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"not-found"`, `"status":404`, `"module":"module-known"`, `"message":"example.com/m@v1.2.3: reading https://proxy.example/`} {
		wantContains(t, string(data), want)
	}
}

func fmtWrap(err error) error { return &wrapped{err} }

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
