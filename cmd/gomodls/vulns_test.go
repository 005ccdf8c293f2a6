// Copyright 2026 The gomodls Authors.

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// TestCheckVulnerabilities runs the CLI with the fixture's vulnerability
// database: findings are warnings (exit 0) unless -severity makes them
// errors; -vulncheck=false turns the check off.
func TestCheckVulnerabilities(t *testing.T) {
	hermeticEnv(t)
	srv := proxytest.New(t, proxytest.WithVulnDB(proxytest.VulnTree()))
	for _, v := range []string{"v0.3.5", "v0.41.0"} {
		if err := srv.AddModule("golang.org/x/text", v, map[string]string{"go.mod": "module golang.org/x/text\n", "x.go": "package x\n"}); err != nil {
			t.Fatal(err)
		}
	}
	goroot := t.TempDir()
	if err := os.WriteFile(filepath.Join(goroot, "VERSION"), []byte("go1.26.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROXY", srv.URL)
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOVULNDB", srv.VulnDBURL)
	t.Setenv("GOFLAGS", "-mod=mod") // no go.sum here: this test is about vulnerabilities
	t.Setenv("GOROOT", goroot)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(append(append([]string{"check"}, args...), dir), nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	code, out, errOut := check()
	if code != 0 || strings.Count(out, "[vulnerable-version]") != 4 || !strings.Contains(out, "go.mod:5:27: warning: golang.org/x/text@v0.3.5 has a known vulnerability: GO-2021-0113") {
		t.Errorf("exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if code, out, _ := check("-severity", "vulnerable-version=error"); code != 1 || !strings.Contains(out, "go.mod:5:27: error: golang.org/x/text@v0.3.5 has a known vulnerability") {
		t.Errorf("-severity vulnerable-version=error: exit %d\n%s", code, out)
	}
	if code, out, _ := check("-vulncheck=false"); code != 0 || strings.Contains(out, "vulnerab") {
		t.Errorf("-vulncheck=false: exit %d\n%s", code, out)
	}
	if code, _, errOut := check("-severity", "vulnerable-version=fatal"); code != 2 || !strings.Contains(errOut, `severity "fatal" is not error, warning, info or hint`) {
		t.Errorf("a bad -severity: exit %d, %s", code, errOut)
	}
	for _, r := range srv.Requests() {
		if r.Server == "vulndb" && strings.Contains(r.URL, "golang.org") {
			t.Errorf("the vulnerability database was sent a module path: %s", r)
		}
	}
}
