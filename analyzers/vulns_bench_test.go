// Copyright 2026 The gomodls Authors.

package analyzers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// BenchmarkVulns runs the vulns analyzer on hashicorp/vault's go.mod (511
// requires) against the whole vulnerability database when
// golang.org/x/vulndb is in the module cache (else the fixture's reports),
// served on loopback: "cold" is a new process's first check (index and
// reports fetched, no disk cache), "disk" a new process's check over the
// disk cache an earlier one filled (a warm `gomodls check`), "warm" every
// later check of the editor (index and reports in memory). The upgrade versions come from the
// reports (no proxy), as for private modules.
func BenchmarkVulns(b *testing.B) {
	tree := proxytest.VulnTree()
	if raws, dir, err := proxytest.FullVulnReports(); err == nil && raws != nil {
		if tree, err = osv.NewTree(raws); err != nil {
			b.Fatal(err)
		}
		b.Logf("%d reports from %s", len(raws), dir)
	}
	srv := proxytest.New(b, proxytest.WithoutDefaultCorpus(), proxytest.WithVulnDB(tree))
	data, err := os.ReadFile(filepath.Join("..", "testdata", "realworld", "github.com_hashicorp_vault@v1.18.0.mod"))
	if err != nil {
		b.Fatal(err)
	}
	env := analyzerstest.Env(b, nil)
	snapWith := func(c *vulndb.Client) *snapshot.Snapshot {
		s := snapshot.Build(b.TempDir(), snapshot.Contents{snapshot.GoMod: data}, env, settings.Default(), nil, nil)
		s.Vulns = c
		return s
	}
	ctx := context.Background()
	list := []*analyzers.Analyzer{analyzers.Vulns}
	var findings int
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			c, err := vulndb.New(vulndb.Options{URL: srv.VulnDBURL})
			if err != nil {
				b.Fatal(err)
			}
			diags, failures := checker.Run(ctx, snapWith(c), list)
			if len(failures) > 0 {
				b.Fatal(failures)
			}
			findings = len(diags)
		}
		b.ReportMetric(float64(findings), "diagnostics")
	})
	cache := b.TempDir()
	filler, _ := vulndb.New(vulndb.Options{URL: srv.VulnDBURL, CacheDir: cache})
	checker.Run(ctx, snapWith(filler), list)
	fetched := len(srv.Requests())
	b.Run("disk", func(b *testing.B) {
		for b.Loop() {
			c, _ := vulndb.New(vulndb.Options{URL: srv.VulnDBURL, CacheDir: cache})
			diags, _ := checker.Run(ctx, snapWith(c), list)
			findings = len(diags)
		}
		b.ReportMetric(float64(findings), "diagnostics")
		if n := len(srv.Requests()) - fetched; n != 0 {
			b.Fatalf("checks over the disk cache made %d requests", n)
		}
	})
	c, _ := vulndb.New(vulndb.Options{URL: srv.VulnDBURL})
	checker.Run(ctx, snapWith(c), list)
	b.Run("warm", func(b *testing.B) {
		snap := snapWith(c)
		for b.Loop() {
			diags, _ := checker.Run(ctx, snap, list)
			findings = len(diags)
		}
		b.ReportMetric(float64(findings), "diagnostics")
	})
}
