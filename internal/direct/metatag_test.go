// Copyright 2026 The gomodls Authors.

package direct

import (
	"slices"
	"strings"
	"testing"
)

func TestParseMetaGoImports(t *testing.T) {
	page := `<!DOCTYPE html>
<html><head>
<meta name="go-import" content="example.org/repo git https://code.example.org/repo">
<meta name="go-import" content="example.org/repo mod https://proxy.example.org">
<META NAME="go-import" CONTENT="example.org/other hg https://hg.example.org/other sub/dir">
<meta name="go-import" content="too few">
<meta name="go-source" content="example.org/repo _ _ _">
</head><body>
<meta name="go-import" content="example.org/late git https://late">
</body></html>`
	imports, err := parseMetaGoImports(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	want := []metaImport{
		{"example.org/repo", "mod", "https://proxy.example.org", ""},
		{"example.org/other", "hg", "https://hg.example.org/other", "sub/dir"},
	}
	if !slices.Equal(imports, want) {
		t.Errorf("imports = %+v, want %+v", imports, want)
	}
	m, err := matchGoImport(imports, "example.org/repo/sub/pkg")
	if err != nil || m.VCS != "mod" {
		t.Errorf("matchGoImport = %+v, %v; want the mod entry", m, err)
	}
	if _, err := matchGoImport(imports, "example.org/nope"); err == nil || !strings.Contains(err.Error(), "no go-import meta tags") {
		t.Errorf("matchGoImport of an unknown path: %v", err)
	}
	two := []metaImport{{"a.org/x", "git", "https://1", ""}, {"a.org/x", "git", "https://2", ""}}
	if _, err := matchGoImport(two, "a.org/x"); err == nil || !strings.Contains(err.Error(), "multiple meta tags") {
		t.Errorf("matchGoImport with two git entries: %v", err)
	}
	if _, err := parseMetaGoImports(strings.NewReader(`<?xml version="1.0" encoding="latin1"?><meta name="go-import" content="a b c">`)); err == nil {
		t.Errorf("unsupported charset accepted")
	}
}

func FuzzParseMeta(f *testing.F) {
	f.Add(`<html><head><meta name="go-import" content="a.org/x git https://a.org/x"></head></html>`)
	f.Add(`<meta name="go-import" content="a.org/x mod https://p"><meta name="go-import" content="a.org/x git https://g sub">`)
	f.Add(`<body><meta name="go-import" content="a b c">`)
	f.Fuzz(func(t *testing.T, page string) {
		imports, err := parseMetaGoImports(strings.NewReader(page))
		if err != nil {
			return
		}
		seenNonMod := false
		for _, m := range imports {
			if m.Prefix == "" || m.VCS == "" || m.RepoRoot == "" {
				t.Fatalf("empty field in %+v", m)
			}
			if m.VCS == "mod" && seenNonMod {
				t.Fatalf("mod entry after a non-mod one: %+v", imports)
			}
			if m.VCS != "mod" {
				seenNonMod = true
			}
		}
		if len(imports) > 0 {
			if m, err := matchGoImport(imports, imports[0].Prefix); err == nil && !hasPathPrefix(imports[0].Prefix, m.Prefix) {
				t.Fatalf("matched %q for %q", m.Prefix, imports[0].Prefix)
			}
		}
	})
}
