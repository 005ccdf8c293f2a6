// Copyright 2026 The gomodls Authors.

package hover_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/hover"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb"
)

const vulnMod = `module example.com/m

go 1.22

require (
	golang.org/x/text v0.3.5
	github.com/gin-gonic/gin v1.9.0
	golang.org/x/mod v0.42.0
)
`

// vulnSnapshot builds a snapshot of text with a vulnerability database at
// dbURL and the local Go release goVersion.
func vulnSnapshot(t *testing.T, text, dbURL, goVersion string, env map[string]string) *snapshot.Snapshot {
	t.Helper()
	goroot := t.TempDir()
	if err := os.WriteFile(filepath.Join(goroot, "VERSION"), []byte(goVersion+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	over := map[string]string{"GOROOT": goroot, "GOTOOLCHAIN": "local"}
	for k, v := range env {
		over[k] = v
	}
	dir := t.TempDir()
	snap := snapshot.Build(dir, snapshot.Contents{snapshot.GoMod: []byte(text)}, analyzerstest.Env(t, over), settings.Default(), nil, nil)
	c, err := vulndb.New(vulndb.Options{URL: dbURL, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	snap.Vulns = c
	return snap
}

func hoverAt(t *testing.T, snap *snapshot.Snapshot, text, at string, budget time.Duration) *hover.Result {
	t.Helper()
	off := strings.Index(text, at)
	if off < 0 {
		t.Fatalf("%q not in the file", at)
	}
	return hover.At(context.Background(), snap, snapshot.GoMod, off, hover.Options{Budget: budget})
}

func TestHoverVulnerabilities(t *testing.T) {
	dbURL := proxytest.VulnDBFileURL(t, proxytest.VulnTree())
	snap := vulnSnapshot(t, vulnMod, dbURL, "go1.26.8", nil)

	h := hoverAt(t, snap, vulnMod, "golang.org/x/text", 5*time.Second)
	for _, want := range []string{
		"**4 known vulnerabilities** (Go vulnerability database `" + dbURL + "`, as of 2026-11-05; module-level",
		"- [GO-2021-0113](https://pkg.go.dev/vuln/GO-2021-0113) (CVE-2021-38561, GHSA-ppp9-7jff-5vj2): Out-of-bounds read in golang.org/x/text/language; fixed in v0.3.7",
		"- [GO-2026-6629](https://pkg.go.dev/vuln/GO-2026-6629)",
		"The lowest version without known vulnerabilities in this major is `v0.41.0`",
	} {
		if !strings.Contains(h.Markdown, want) {
			t.Errorf("x/text hover lacks %q:\n%s", want, h.Markdown)
		}
	}
	if !strings.Contains(h.Plain, "- GO-2021-0113 (CVE-2021-38561, GHSA-ppp9-7jff-5vj2): Out-of-bounds read in golang.org/x/text/language; fixed in v0.3.7 https://pkg.go.dev/vuln/GO-2021-0113") {
		t.Errorf("plain hover:\n%s", h.Plain)
	}

	if h := hoverAt(t, snap, vulnMod, "golang.org/x/mod", 5*time.Second); !strings.Contains(h.Markdown, "No known vulnerabilities (Go vulnerability database") {
		t.Errorf("x/mod v0.42.0 hover:\n%s", h.Markdown)
	}

	h = hoverAt(t, snap, vulnMod, "go 1.22", 5*time.Second)
	for _, want := range []string{
		"The go command runs `go1.26.8` (the local toolchain) for this file.",
		"**4 known vulnerabilities**",
		"[GO-2026-6602](https://pkg.go.dev/vuln/GO-2026-6602)",
		"; fixed in go1.26.9",
		"`go1.26.9` fixes them all.",
	} {
		if !strings.Contains(h.Markdown, want) {
			t.Errorf("go line hover lacks %q:\n%s", want, h.Markdown)
		}
	}
}

func TestHoverVulnerabilitiesPrivate(t *testing.T) {
	snap := vulnSnapshot(t, vulnMod, proxytest.VulnDBFileURL(t, proxytest.VulnTree()), "go1.26.9", map[string]string{"GOPRIVATE": "github.com/gin-gonic"})
	h := hoverAt(t, snap, vulnMod, "github.com/gin-gonic/gin", 5*time.Second)
	if !strings.Contains(h.Markdown, "**1 known vulnerability**") || !strings.Contains(h.Markdown, "- GO-2023-1737 (") {
		t.Errorf("gin hover:\n%s", h.Markdown)
	}
	if strings.Contains(h.Markdown, "pkg.go.dev") || strings.Contains(h.Plain, "pkg.go.dev") {
		t.Errorf("a private module's hover links to pkg.go.dev:\n%s", h.Markdown)
	}
	if g := hoverAt(t, snap, vulnMod, "go 1.22", 5*time.Second); !strings.Contains(g.Markdown, "No known vulnerabilities") {
		t.Errorf("go1.26.9 hover:\n%s", g.Markdown)
	}
}

func TestHoverVulnerabilitiesBudget(t *testing.T) {
	srv := proxytest.New(t, proxytest.WithoutDefaultCorpus(), proxytest.WithVulnDB(proxytest.VulnTree()))
	srv.Fault("", proxytest.Hang().On(proxytest.EndpointVulnDB))
	snap := vulnSnapshot(t, vulnMod, srv.VulnDBURL, "go1.26.8", nil)
	start := time.Now()
	h := hoverAt(t, snap, vulnMod, "golang.org/x/text", 200*time.Millisecond)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("hover took %v with a 200ms budget", took)
	}
	if !strings.Contains(h.Markdown, "Checking the vulnerability database…") {
		t.Errorf("hover on a hung database:\n%s", h.Markdown)
	}
}
