// Copyright 2026 The gomodls Authors.

package goenv

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFlagsError checks GOFLAGS against the go command's own verdict: each
// value is given to `go version` (which parses GOFLAGS first) and to Load,
// with and without a go command to ask.
func TestFlagsError(t *testing.T) {
	goBin := goBinary(t)
	tests := []struct {
		goflags string
		// want is the error, "" for none; local says Load finds it without
		// running the go command.
		want       string
		local      bool
		suggestion string
	}{
		{goflags: "-mod=mod -modcacherw", suggestion: "-mod=mod -modcacherw"},
		{goflags: "--mod=vendor '-ldflags=-s -w'", suggestion: "--mod=vendor '-ldflags=-s -w'"},
		{goflags: "-bogus", want: "parsing $GOFLAGS: unknown flag -bogus", suggestion: ""},
		{goflags: "-mod=mod --bogus=1 -v", want: "parsing $GOFLAGS: unknown flag -bogus", suggestion: "-mod=mod -v"},
		{goflags: "-mod=vendor bogus", want: `parsing $GOFLAGS: non-flag "bogus"`, local: true, suggestion: "-mod=vendor"},
		{goflags: `-tags="a b"`, want: `parsing $GOFLAGS: non-flag "b\""`, local: true, suggestion: `-tags="a`},
		{goflags: `'-tags=a b`, want: "parsing $GOFLAGS: unterminated ' string", local: true, suggestion: "-tags=a b"},
		{goflags: "-=x", want: `parsing $GOFLAGS: non-flag "-=x"`, local: true, suggestion: ""},
		{goflags: "---x", want: `parsing $GOFLAGS: non-flag "---x"`, local: true, suggestion: ""},
	}
	for _, tc := range tests {
		t.Run(tc.goflags, func(t *testing.T) {
			environ, _ := testEnviron(t, goBin, "GOENV=off", "GOTOOLCHAIN=local", "GOFLAGS="+tc.goflags)
			cmd := exec.Command(goBin, "version")
			cmd.Env = environ
			out, err := cmd.CombinedOutput()
			goSays := ""
			if err != nil {
				goSays = strings.TrimPrefix(strings.TrimSpace(string(out)), "go: ")
			}
			if goSays != tc.want {
				t.Fatalf("go version with GOFLAGS=%s: %q, want %q", tc.goflags, goSays, tc.want)
			}
			for _, withGo := range []bool{true, false} {
				opt := Options{Environ: environ, GoCommand: "-", Dir: t.TempDir()}
				if withGo {
					opt.GoCommand = goBin
				}
				e := load(t, opt)
				got := ""
				if err := e.FlagsError(); err != nil {
					got = err.Error()
				}
				want := tc.want
				if !withGo && !tc.local {
					want = ""
				}
				if got != want {
					t.Errorf("with go command %v: FlagsError = %q, want %q", withGo, got, want)
				}
				if withGo && e.FlagsSuggestion() != tc.suggestion {
					t.Errorf("FlagsSuggestion = %q, want %q", e.FlagsSuggestion(), tc.suggestion)
				}
			}
		})
	}
}

func TestLookupFlag(t *testing.T) {
	e := load(t, Options{GoCommand: "-", Environ: []string{"GOENV=off", "GOFLAGS=-mod=mod --modfile=alt.mod -modcacherw -mod=vendor"}})
	for _, tc := range []struct {
		name, value    string
		hasValue, isOK bool
	}{
		{"mod", "vendor", true, true},
		{"modfile", "alt.mod", true, true},
		{"modcacherw", "", false, true},
		{"tags", "", false, false},
	} {
		v, has, ok := e.LookupFlag(tc.name)
		if v != tc.value || has != tc.hasValue || ok != tc.isOK {
			t.Errorf("LookupFlag(%q) = %q, %v, %v; want %q, %v, %v", tc.name, v, has, ok, tc.value, tc.hasValue, tc.isOK)
		}
	}
}
