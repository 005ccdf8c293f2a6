// Copyright 2026 The gomodls Authors.

package goenv

import (
	"fmt"
	"testing"

	"golang.org/x/mod/module"
)

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		list, path string
		want       string
		ok         bool
	}{
		{"git.corp.example", "git.corp.example", "git.corp.example", true},
		{"git.corp.example", "git.corp.example/team/repo", "git.corp.example", true},
		{"git.corp.example", "git.corp.example.evil/x", "", false},
		{"git.corp.example", "Git.corp.example/x", "", false}, // case-sensitive
		{"a.com, b.com", "b.com/x", "", false},                // " b.com" is not trimmed
		{"a.com, b.com", "a.com/x", "a.com", true},
		{"*.corp.example", "git.corp.example/x", "*.corp.example", true},
		{"*.corp.example", "corp.example/x", "", false},
		{"github.com/acme/*", "github.com/acme/x/v2", "github.com/acme/*", true},
		{"github.com/acme/*", "github.com/acme", "", false},
		{"github.com/acme/", "github.com/acme/x", "github.com/acme/", true}, // one trailing slash is trimmed
		{"github.com/acme//", "github.com/acme/x", "", false},
		{"git.corp/...", "git.corp/x", "", false},
		{",,x.example,", "x.example/y", "x.example", true},
		{"first.example,*.example", "first.example/m", "first.example", true}, // first match wins
		{"[", "x", "", false},
		{"", "x", "", false},
	}
	for _, tc := range tests {
		got, ok := MatchPattern(tc.list, tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("MatchPattern(%q, %q) = %q, %v; want %q, %v", tc.list, tc.path, got, ok, tc.want, tc.ok)
		}
		if mp := module.MatchPrefixPatterns(tc.list, tc.path); mp != ok {
			t.Errorf("MatchPattern(%q, %q) ok=%v but MatchPrefixPatterns says %v", tc.list, tc.path, ok, mp)
		}
	}
}

func TestEnvMatchers(t *testing.T) {
	e := load(t, Options{GoCommand: "-", Environ: []string{
		"HOME=" + t.TempDir(), "GOENV=off",
		"GOPRIVATE=git.corp.example,*.internal.example",
		"GONOSUMDB=sumless.example",
		"GOINSECURE=plain.example",
	}})
	check := func(name string, f func(string) (string, bool), path, want string) {
		t.Helper()
		got, ok := f(path)
		if got != want || ok != (want != "") {
			t.Errorf("%s(%q) = %q, %v; want %q", name, path, got, ok, want)
		}
	}
	check("MatchPrivate", e.MatchPrivate, "git.corp.example/x", "git.corp.example")
	check("MatchNoProxy", e.MatchNoProxy, "a.internal.example/x", "*.internal.example") // defaults to GOPRIVATE
	check("MatchNoSumDB", e.MatchNoSumDB, "git.corp.example/x", "")                     // explicit GONOSUMDB
	check("MatchNoSumDB", e.MatchNoSumDB, "sumless.example/x", "sumless.example")
	check("MatchInsecure", e.MatchInsecure, "plain.example/m", "plain.example")
	check("MatchInsecure", e.MatchInsecure, "git.corp.example/x", "")

	if !e.UseSumDB("git.corp.example/x") || e.UseSumDB("sumless.example/y") {
		t.Errorf("UseSumDB wrong: GONOSUMDB=sumless.example")
	}
	if !e.UseSumDB("golang.org/toolchain") {
		t.Errorf("UseSumDB(golang.org/toolchain) must be true")
	}
}

// BenchmarkMatchNoProxy matches a few thousand module paths against a
// realistic GOPRIVATE list.
func BenchmarkMatchNoProxy(b *testing.B) {
	e, err := Load(b.Context(), Options{GoCommand: "-", Environ: []string{
		"GOENV=off",
		"GOPRIVATE=git.corp.example,*.internal.example,github.com/acme-corp,gitlab.com/acme/*,bitbucket.org/acme",
	}})
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for i := range 4000 {
		switch i % 4 {
		case 0:
			paths = append(paths, fmt.Sprintf("github.com/owner%d/repo%d/v2", i, i))
		case 1:
			paths = append(paths, fmt.Sprintf("git.corp.example/team%d/svc", i))
		case 2:
			paths = append(paths, fmt.Sprintf("golang.org/x/mod%d", i))
		default:
			paths = append(paths, fmt.Sprintf("svc%d.internal.example/api", i))
		}
	}
	b.ResetTimer()
	matched := 0
	for b.Loop() {
		for _, p := range paths {
			if _, ok := e.MatchNoProxy(p); ok {
				matched++
			}
		}
	}
	b.ReportMetric(float64(len(paths)), "paths/op")
	if matched == 0 {
		b.Fatal("nothing matched")
	}
}
