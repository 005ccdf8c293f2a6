// Copyright 2026 The gomodls Authors.

package analyzers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb"
)

// TestVulnCodeExamples checks the documented examples of the vulnerability
// codes against the fixture's real reports (and, for vulndb-unavailable,
// a database that is not there): each produces its code, and the message
// up to its first ";" is the one documented.
func TestVulnCodeExamples(t *testing.T) {
	for _, c := range []*analyzers.Code{analyzers.CodeVulnerableVersion, analyzers.CodeVulnerableToolchain, analyzers.CodeVulnDBUnavailable} {
		t.Run(c.Name, func(t *testing.T) {
			excerpt, message, _ := strings.Cut(c.Example, "\n\n")
			text := "module example.com/m\n\ngo 1.22\n\n" + excerpt + "\n"
			if strings.HasPrefix(excerpt, "module ") || strings.HasPrefix(excerpt, "go ") {
				text = excerpt + "\n"
			}
			goroot := t.TempDir()
			if err := os.WriteFile(filepath.Join(goroot, "VERSION"), []byte("go1.26.8\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			dbURL := proxytest.VulnDBFileURL(t, proxytest.VulnTree())
			if c == analyzers.CodeVulnDBUnavailable {
				dbURL = vulndb.FileURL(filepath.Join(t.TempDir(), "nothing-here"))
			}
			client, err := vulndb.New(vulndb.Options{URL: dbURL})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			snap := snapshot.Build(dir, snapshot.Contents{snapshot.GoMod: []byte(text)}, analyzerstest.Env(t, map[string]string{"GOROOT": goroot}), nil, nil, nil)
			snap.Vulns = client
			diags, _ := checker.Run(context.Background(), snap, []*analyzers.Analyzer{analyzers.Vulns})
			wantHead, _, _ := strings.Cut(message, ";")
			_, wantHead, _ = strings.Cut(wantHead, ": ") // after "go.mod:1:27"
			_, wantHead, _ = strings.Cut(wantHead, ": ") // after the severity
			var got []string
			for _, d := range diags {
				line := analyzerstest.Format(snap, d)
				got = append(got, line)
				head, _, _ := strings.Cut(d.Message, ";")
				if d.Code == c && (c == analyzers.CodeVulnDBUnavailable || head == wantHead) {
					return
				}
			}
			t.Errorf("the example of %s does not produce %q:\n%s\ngot:\n%s", c.Name, wantHead, excerpt, strings.Join(got, "\n"))
		})
	}
}
