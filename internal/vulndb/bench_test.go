// Copyright 2026 The gomodls Authors.

package vulndb_test

import (
	"context"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/vulndb/osv"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/vulndb"
)

// benchTree is the whole database when golang.org/x/vulndb is in the module
// cache (4,789 reports, a 550 kB index), else the fixture's 33 reports.
func benchTree(b *testing.B) osv.Tree {
	raws, dir, err := proxytest.FullVulnReports()
	if err != nil {
		b.Fatal(err)
	}
	if raws == nil {
		b.Log("golang.org/x/vulndb not in the module cache: the fixture's reports only")
		return proxytest.VulnTree()
	}
	tree, err := osv.NewTree(raws)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d reports from %s", len(raws), dir)
	return tree
}

// BenchmarkLoad measures reading the index: cold (db.json and
// modules.json over loopback HTTP, gzipped, then parsed and written to
// the disk cache), from the disk cache (a new process within the TTL),
// and from memory (every check after the first in a process).
func BenchmarkLoad(b *testing.B) {
	srv := proxytest.New(b, proxytest.WithoutDefaultCorpus(), proxytest.WithVulnDB(benchTree(b)))
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			c, err := vulndb.New(vulndb.Options{URL: srv.VulnDBURL, CacheDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Load(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	dir := b.TempDir()
	warm, _ := vulndb.New(vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir})
	if _, err := warm.Load(ctx); err != nil {
		b.Fatal(err)
	}
	fetched := srv.Count("/index/modules.json.gz")
	b.Run("disk", func(b *testing.B) {
		for b.Loop() {
			c, _ := vulndb.New(vulndb.Options{URL: srv.VulnDBURL, CacheDir: dir, TTL: time.Hour})
			if _, err := c.Load(ctx); err != nil {
				b.Fatal(err)
			}
		}
		if n := srv.Count("/index/modules.json.gz") - fetched; n != 0 {
			b.Fatalf("the disk runs fetched the index %d times", n)
		}
	})
	b.Run("memory", func(b *testing.B) {
		for b.Loop() {
			if _, err := warm.Load(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
