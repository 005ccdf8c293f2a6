// Copyright 2026 The gomodls Authors.

package goenv

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseProxyList(t *testing.T) {
	d := ProxyEntry{URL: ProxyDirect}
	off := ProxyEntry{URL: ProxyOff}
	np := ProxyEntry{URL: ProxyNoProxy}
	tests := []struct {
		goproxy, gonoproxy string
		want               []ProxyEntry
		err                string
	}{
		{"https://proxy.golang.org,direct", "", []ProxyEntry{{URL: "https://proxy.golang.org"}, d}, ""},
		{"https://a.example|https://b.example,direct", "", []ProxyEntry{{URL: "https://a.example", FallBackOnAnyError: true}, {URL: "https://b.example"}, d}, ""},
		{" https://a.example , direct ", "", []ProxyEntry{{URL: "https://a.example"}, d}, ""},
		{"proxy.corp.example", "", []ProxyEntry{{URL: "https://proxy.corp.example"}}, ""}, // bare host gets https://
		{"proxy.corp.example:8443/go", "", []ProxyEntry{{URL: "https://proxy.corp.example:8443/go"}}, ""},
		{"http://plain.example", "", []ProxyEntry{{URL: "http://plain.example"}}, ""},
		{"file:///srv/goproxy", "", []ProxyEntry{{URL: "file:///srv/goproxy"}}, ""},
		{"direct,https://ignored.example", "", []ProxyEntry{d}, ""}, // direct ends the chain
		{"off|https://ignored.example", "", []ProxyEntry{off}, ""},  // so does off
		{"https://a.example,off", "", []ProxyEntry{{URL: "https://a.example"}, off}, ""},
		{"https://a.example,,|direct", "", []ProxyEntry{{URL: "https://a.example"}, d}, ""}, // empty entries skipped
		{"https://a.example,direct", "git.corp", []ProxyEntry{np, {URL: "https://a.example"}, d}, ""},
		{"direct", "git.corp", []ProxyEntry{d}, ""}, // no noproxy when GOPROXY is exactly direct
		{"off", "git.corp", []ProxyEntry{np, off}, ""},
		{"", "", nil, "contains no entries"},
		{",", "", nil, "contains no entries"},
		{" ", "git.corp", nil, "contains no entries"},
		{"myproxy", "", nil, "missing scheme"}, // single word: no https:// added
		{"ftp://x.example", "", nil, "scheme (must be https, http, file)"},
		{"file://host/path", "", nil, "non-path elements"},
		{"https://x.example/%zz", "", nil, "invalid URL escape"},
		{"https://user:secret@x.example/%zz", "", nil, "invalid URL escape"},
	}
	for _, tc := range tests {
		got, err := ParseProxyList(tc.goproxy, tc.gonoproxy)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseProxyList(%q) err = %v, want %q", tc.goproxy, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseProxyList(%q) error leaks the password: %v", tc.goproxy, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseProxyList(%q, %q) = %+v, %v; want %+v", tc.goproxy, tc.gonoproxy, got, err, tc.want)
		}
	}
}

func TestProxiesFor(t *testing.T) {
	e := load(t, Options{GoCommand: "-", Environ: []string{"GOENV=off",
		"GOPROXY=https://corp-proxy.example|https://proxy.golang.org,direct",
		"GOPRIVATE=git.corp.example"}})
	got, err := e.ProxiesFor("git.corp.example/x")
	if err != nil || !reflect.DeepEqual(got, []ProxyEntry{{URL: ProxyDirect}}) {
		t.Errorf("private module: %+v, %v; want direct only", got, err)
	}
	got, err = e.ProxiesFor("github.com/x/y")
	want := []ProxyEntry{{URL: "https://corp-proxy.example", FallBackOnAnyError: true}, {URL: "https://proxy.golang.org"}, {URL: ProxyDirect}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("public module: %+v, %v; want %+v", got, err, want)
	}

	// GONOPROXY modules go direct even with GOPROXY=off, as in cmd/go.
	e = load(t, Options{GoCommand: "-", Environ: []string{"GOENV=off", "GOPROXY=off", "GONOPROXY=git.corp.example"}})
	if got, _ := e.ProxiesFor("git.corp.example/x"); !reflect.DeepEqual(got, []ProxyEntry{{URL: ProxyDirect}}) {
		t.Errorf("GOPROXY=off, GONOPROXY match: %+v; want direct", got)
	}
	if !e.Offline() {
		t.Errorf("GOPROXY=off: Offline() = false")
	}
}

func TestProxyEntryRedacted(t *testing.T) {
	p := ProxyEntry{URL: "https://bob:hunter2@proxy.example/go"}
	if got := p.Redacted(); strings.Contains(got, "hunter2") || !strings.Contains(got, "bob") {
		t.Errorf("Redacted() = %q", got)
	}
}

func TestOffline(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want bool
	}{
		{[]string{"GOPROXY=off"}, true},
		{[]string{"GOFLAGS=-mod=vendor"}, true},
		{[]string{"GOFLAGS=--mod=vendor -v"}, true},
		{[]string{"GOFLAGS=-mod=vendor -mod=mod"}, false}, // last flag wins
		{[]string{"GOFLAGS=-modcacherw"}, false},
		{[]string{"GOPROXY=https://x.example,off"}, false},
	} {
		e := load(t, Options{GoCommand: "-", Environ: append(tc.env, "GOENV=off")})
		if got := e.Offline(); got != tc.want {
			t.Errorf("%v: Offline() = %v, want %v", tc.env, got, tc.want)
		}
	}
}

// BenchmarkProxiesFor is the per-lookup cost of choosing the GOPROXY
// entries for a module path (modproxy calls it for every fetch).
func BenchmarkProxiesFor(b *testing.B) {
	e, err := Load(b.Context(), Options{GoCommand: "-", Environ: []string{"GOENV=off",
		"GOPROXY=https://corp-proxy.example|https://proxy.golang.org,direct",
		"GOPRIVATE=git.corp.example,*.internal.example"}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.ProxiesFor("github.com/x/y"); err != nil {
			b.Fatal(err)
		}
	}
}
