// Copyright 2026 The gomodls Authors.

package goenv

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

func TestCheckPatterns(t *testing.T) {
	tests := []struct {
		name, value string
		// one finding expected, for pattern (as written)
		pattern    string
		severity   Severity
		problem    string // substring
		suggestion string
		// meant is a module path the user meant to match: the value must not
		// match it (when severity is error) and the suggestion must.
		meant string
	}{
		{"space after comma", "a.example, b.example", " b.example", SeverityError, "leading or trailing space", "a.example,b.example", "b.example/x"},
		{"trailing space", "a.example ,b.example", "a.example ", SeverityError, "leading or trailing space", "a.example,b.example", "a.example/x"},
		{"https scheme", "https://git.corp.example/team", "https://git.corp.example/team", SeverityError, "URL scheme (https://)", "git.corp.example/team", "git.corp.example/team/repo"},
		{"ssh remote", "git@git.corp.example:team/repo", "git@git.corp.example:team/repo", SeverityError, "user@", "git.corp.example/team/repo", "git.corp.example/team/repo"},
		{"port", "git.corp.example:8443/team", "git.corp.example:8443/team", SeverityError, "port", "git.corp.example/team", "git.corp.example/team/x"},
		{"slash dots", "git.corp.example/...", "git.corp.example/...", SeverityError, `"/..."`, "git.corp.example", "git.corp.example/x/y"},
		{"inner dots", "git.corp.example/.../api", "git.corp.example/.../api", SeverityError, `"/.../"`, "git.corp.example/*/api", "git.corp.example/svc/api"},
		{"double slash", "git.corp.example//team", "git.corp.example//team", SeverityError, "empty path element", "git.corp.example/team", "git.corp.example/team/x"},
		{"bad glob", "git.corp.example/[team", "git.corp.example/[team", SeverityError, "not a valid glob", "", ""},
		{"upper host", "Git.Corp.example/team", "Git.Corp.example/team", SeverityError, "lower-case first element", "git.corp.example/team", "git.corp.example/team/x"},
		{"upper path", "github.com/Acme-Corp", "github.com/Acme-Corp", SeverityWarning, "case-sensitive", "github.com/Acme-Corp,github.com/acme-corp", "github.com/acme-corp/x"},
		{"slash star", "git.corp.example/*", "git.corp.example/*", SeverityInfo, "redundant", "git.corp.example", ""},
		{"star", "git.corp.example,*", "*", SeverityWarning, "matches every module on github.com", "git.corp.example", ""},
		{"star dot com", "*.com", "*.com", SeverityWarning, "every module on github.com", "", ""},
		{"github wildcard", "github.com/*", "github.com/*", SeverityWarning, "every module on github.com", "", ""},
		{"gopkg.in", "gopkg.in", "gopkg.in", SeverityWarning, "every module on gopkg.in", "", ""},
		{"dots alone", "...", "...", SeverityError, "not a wildcard", "", ""},
		{"duplicate", "a.example,b.example,a.example", "a.example", SeverityInfo, "duplicate", "a.example,b.example", ""},
		{"empty elements", "a.example,,b.example,", "", SeverityInfo, "empty elements", "a.example,b.example", ""},
		{"fix already present", "git.corp.example, git.corp.example", " git.corp.example", SeverityError, "space", "git.corp.example", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := CheckPatterns("GOPRIVATE", tc.value)
			if len(fs) != 1 {
				t.Fatalf("CheckPatterns(%q) = %d findings, want 1:\n%v", tc.value, len(fs), fs)
			}
			f := fs[0]
			if f.Var != "GOPRIVATE" || f.Pattern != tc.pattern || f.Severity != tc.severity || !strings.Contains(f.Problem, tc.problem) || f.Suggestion != tc.suggestion {
				t.Errorf("CheckPatterns(%q) =\n %+v\nwant pattern %q severity %s problem ~%q suggestion %q",
					tc.value, f, tc.pattern, tc.severity, tc.problem, tc.suggestion)
			}
			if tc.meant != "" {
				if err := module.CheckPath(tc.meant); err != nil {
					t.Fatalf("bad test: %v", err)
				}
				if tc.severity == SeverityError && module.MatchPrefixPatterns(tc.value, tc.meant) {
					t.Errorf("claim is false: %q matches %q", tc.value, tc.meant)
				}
				if !module.MatchPrefixPatterns(f.Suggestion, tc.meant) {
					t.Errorf("suggestion %q does not match %q", f.Suggestion, tc.meant)
				}
			}
			// Findings are about the claimed pattern: the suggestion must be clean.
			if again := CheckPatterns("GOPRIVATE", f.Suggestion); len(again) != 0 && tc.name != "upper path" {
				t.Errorf("suggestion %q still has findings: %v", f.Suggestion, again)
			}
		})
	}
}

func TestCheckPatternsClean(t *testing.T) {
	for _, v := range []string{
		"", "git.corp.example", "*.corp.example,github.com/acme", "github.com/acme/", "golang.org/x/mod",
		"git.corp.example/[ab]*", "go.uber.org/zap", "*.internal",
	} {
		if fs := CheckPatterns("GOPRIVATE", v); len(fs) != 0 {
			t.Errorf("CheckPatterns(%q) = %v, want none", v, fs)
		}
	}
}

func TestCleanPatterns(t *testing.T) {
	got := CleanPatterns("GOPRIVATE", "https://git.corp.example/, b.example,*,b.example,git.corp.example/...")
	if want := "git.corp.example,b.example"; got != want {
		t.Errorf("CleanPatterns = %q, want %q", got, want)
	}
}

func TestMergePattern(t *testing.T) {
	tests := []struct{ existing, pattern, want string }{
		{"", "git.corp.example", "git.corp.example"},
		{"a.example", "git.corp.example", "a.example,git.corp.example"},
		{"a.example, b.example", "c.example", "a.example,b.example,c.example"},
		{"a.example,,a.example", "a.example", "a.example"},
		{"git.corp.example", "git.corp.example/team", "git.corp.example"}, // already covered
		{"*.corp.example", "git.corp.example", "*.corp.example"},
		{"git.corp.example/team", "git.corp.example", "git.corp.example/team,git.corp.example"},
		{"a.example", "  ", "a.example"},
	}
	for _, tc := range tests {
		if got := MergePattern(tc.existing, tc.pattern); got != tc.want {
			t.Errorf("MergePattern(%q, %q) = %q, want %q", tc.existing, tc.pattern, got, tc.want)
		}
	}
}

func TestEnvFindings(t *testing.T) {
	goroot := t.TempDir()
	writeFile(t, filepath.Join(goroot, "go.env"), "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\n")
	envFile := filepath.Join(t.TempDir(), "env")
	writeFile(t, envFile, "GOPROXY=\n")

	e := load(t, Options{GoCommand: "-", Environ: []string{
		"GOROOT=" + goroot, "GOENV=" + envFile,
		"GOPRIVATE=git.corp.example,other.example",
		"GONOSUMDB=other.example",
		"GOINSECURE=http://plain.example",
		"GOFLAGS='-mod=mod",
		"GO111MODULE=off",
	}})
	has := func(varName, pattern, problem string) Finding {
		t.Helper()
		for _, f := range e.Findings() {
			if f.Var == varName && f.Pattern == pattern && strings.Contains(f.Problem, problem) {
				return f
			}
		}
		t.Errorf("no finding %s %q ~%q in\n%v", varName, pattern, problem, e.Findings())
		return Finding{}
	}
	if f := has("GONOSUMDB", "git.corp.example", "GOPRIVATE no longer applies"); f.Suggestion != "other.example,git.corp.example" {
		t.Errorf("suggestion = %q", f.Suggestion)
	}
	has("GOINSECURE", "http://plain.example", "URL scheme")
	if f := has("GOPROXY", "", "sets GOPROXY= (empty)"); f.Suggestion != "https://proxy.golang.org,direct" {
		t.Errorf("suggestion = %q", f.Suggestion)
	}
	has("GOPROXY", "", "contains no entries")
	has("GOFLAGS", "", "unterminated")
	if f := has("GO111MODULE", "", "modules are disabled"); f.Suggestion != "" {
		t.Errorf("suggestion = %q, want unset", f.Suggestion)
	}
	if e.Get("GOPROXY") != "" {
		t.Errorf("GOPROXY = %q, want empty (hidden go.env)", e.Get("GOPROXY"))
	}
	// GONOPROXY inherits GOPRIVATE: no cross-variable finding for it.
	for _, f := range e.Findings() {
		if f.Var == "GONOPROXY" {
			t.Errorf("unexpected %v", f)
		}
	}
}
