// Copyright 2026 The gomodls Authors.

package goenv

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\n"))
	f.Add([]byte("# comment\n\nGOFLAGS=-mod=mod\r\nlower=x\n=x\nA=\nNOEQ"))
	f.Add([]byte("GOPRIVATE=a, b\nGOPRIVATE=c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries := ParseEnvFile(data)
		lines := bytes.Count(data, []byte("\n")) + 1
		var buf bytes.Buffer
		for _, e := range entries {
			if e.Key == "" || e.Key[0] < 'A' || e.Key[0] > 'Z' || strings.ContainsAny(e.Key, "=\n") || strings.Contains(e.Value, "\n") {
				t.Fatalf("bad entry %+v", e)
			}
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("entry %+v: line out of range 1..%d", e, lines)
			}
			fmt.Fprintf(&buf, "%s=%s\n", e.Key, e.Value)
		}
		// What we parsed must survive a rewrite unchanged.
		again := ParseEnvFile(buf.Bytes())
		if len(again) != len(entries) {
			t.Fatalf("reparse: %d entries, want %d", len(again), len(entries))
		}
		for i := range again {
			if again[i].Key != entries[i].Key || again[i].Value != entries[i].Value {
				t.Fatalf("reparse: %+v != %+v", again[i], entries[i])
			}
		}
	})
}

func FuzzParseProxyList(f *testing.F) {
	f.Add("https://proxy.golang.org,direct", "")
	f.Add("a.example|b.example,off", "git.corp")
	f.Add("file:///x,  ,|direct", "")
	f.Add("https://u:p@h/%zz", "x")
	f.Fuzz(func(t *testing.T, goproxy, gonoproxy string) {
		list, err := ParseProxyList(goproxy, gonoproxy)
		if err != nil {
			if list != nil {
				t.Fatalf("list and error")
			}
			return
		}
		if len(list) == 0 {
			t.Fatal("empty list without error")
		}
		for i, p := range list {
			switch p.URL {
			case ProxyNoProxy:
				if i != 0 || gonoproxy == "" {
					t.Fatalf("noproxy at %d (GONOPROXY=%q)", i, gonoproxy)
				}
			case ProxyDirect, ProxyOff:
				if i != len(list)-1 {
					t.Fatalf("%s not last: %+v", p.URL, list)
				}
			default:
				if err := checkProxyURL(p.URL); err != nil {
					t.Fatalf("accepted bad URL %q: %v", p.URL, err)
				}
				if strings.TrimSpace(p.URL) != p.URL {
					t.Fatalf("untrimmed %q", p.URL)
				}
			}
		}
	})
}

func FuzzParseSumDB(f *testing.F) {
	f.Add("sum.golang.org")
	f.Add("off")
	f.Add("sum.golang.google.cn")
	f.Add("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://x")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseSumDB(s)
		if err != nil {
			return
		}
		if !c.Off && (c.Name == "" || c.Key == "" || !strings.HasPrefix(c.Key, c.Name+"+")) {
			t.Fatalf("ParseSumDB(%q) = %+v", s, c)
		}
	})
}

// FuzzCheckPatterns verifies the finder's central claim: a pattern reported
// as an error never matches a valid module path. It also checks that the
// finder and the helpers never panic.
func FuzzCheckPatterns(f *testing.F) {
	for _, s := range []string{
		"a.example, b.example", "https://git.corp/x", "git@host:o/r", "h:8080/x", "x/...", "x//y",
		"[", "Git.Corp", "github.com/Azure", "*", "*.com", "x/*", "[:a]", `\:`, "a/.../b", "...",
	} {
		f.Add(s, "git.corp/x")
	}
	f.Add("a", "a/b")
	f.Fuzz(func(t *testing.T, value, target string) {
		fs := CheckPatterns("GOPRIVATE", value)
		for _, fd := range fs {
			if fd.Severity != SeverityError || fd.Pattern == "" {
				continue
			}
			// Try the fuzzer's path and paths built from the pattern itself
			// (wildcards filled in), which are the likeliest to match.
			deglob := strings.NewReplacer("*", "a", "?", "b").Replace(fd.Pattern)
			for _, p := range []string{target, deglob, deglob + "/x", strings.TrimSpace(deglob), strings.ToLower(deglob)} {
				if module.CheckPath(p) == nil && module.MatchPrefixPatterns(fd.Pattern, p) {
					t.Fatalf("pattern %q reported as never matching (%s) but matches %q", fd.Pattern, fd.Problem, p)
				}
			}
		}
		_ = CleanPatterns("GONOSUMDB", value)
		m := MergePattern(value, target)
		if strings.TrimSpace(target) != "" && !strings.Contains(","+m+",", ","+strings.TrimSpace(target)+",") && !module.MatchPrefixPatterns(m, strings.TrimSpace(target)) {
			t.Fatalf("MergePattern(%q, %q) = %q neither contains nor covers it", value, target, m)
		}
	})
}

// FuzzMatchPattern checks that MatchPattern (with its literal fast path)
// agrees with module.MatchPrefixPatterns and returns an element of the list
// that matches on its own.
func FuzzMatchPattern(f *testing.F) {
	for _, s := range [][2]string{
		{"git.corp", "git.corp/x"}, {"git.corp/", "git.corp"}, {"git.corp//", "git.corp//x"}, {"a//b", "a//b/c"},
		{"*.corp,x", "a.corp/b"}, {"a, b", "b"}, {"/", "/"}, {"/a", "/a/b"}, {"a/", "a/"}, {`a\b`, "ab"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, list, path string) {
		got, ok := MatchPattern(list, path)
		if want := module.MatchPrefixPatterns(list, path); ok != want {
			t.Fatalf("MatchPattern(%q, %q) = %v, MatchPrefixPatterns = %v", list, path, ok, want)
		}
		if ok && (!module.MatchPrefixPatterns(got, path) || !strings.Contains(","+list+",", ","+got+",")) {
			t.Fatalf("MatchPattern(%q, %q) returned %q", list, path, got)
		}
	})
}
