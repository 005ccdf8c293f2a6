// Copyright 2026 The gomodls Authors.

package vulndb_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/vulndb/osv"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// TestFullDatabase parses every report of the real database, builds its
// index, and checks the index's promise the client relies on when it skips
// reports: at a module's "fixed" version, the report no longer applies.
func TestFullDatabase(t *testing.T) {
	raws, dir, err := proxytest.FullVulnReports()
	if err != nil {
		t.Fatal(err)
	}
	if raws == nil {
		t.Skip("golang.org/x/vulndb is not in the module cache (go run ./internal/cmd/vulndbgen -list -ids GO-2022-0969 downloads it)")
	}
	if len(raws) < 4000 {
		t.Fatalf("%s has only %d reports", dir, len(raws))
	}
	start := time.Now()
	tree, err := osv.NewTree(raws)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reports from %s: index built in %v (modules.json %d bytes)", len(raws), dir, time.Since(start), len(tree["index/modules.json"]))
	mods, err := osv.ParseModules(tree["index/modules.json"])
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]*osv.Entry{}
	for _, raw := range raws {
		e, err := osv.ParseEntry(raw)
		if err != nil {
			t.Fatal(err)
		}
		entries[e.ID] = e
	}
	checked := 0
	for path, vulns := range mods {
		for _, v := range vulns {
			if v.Fixed == "" {
				continue
			}
			e := entries[v.ID]
			if e.Affects(path, "v"+v.Fixed) {
				t.Errorf("%s: index says %s is fixed in %s, but the report affects that version", v.ID, path, v.Fixed)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d fixed versions checked", checked)
	}
	// The committed test data is these reports, but for the stamps
	// (internal/proxytest/testdata/vulndb/README.md).
	for _, raw := range proxytest.VulnReports() {
		var mine map[string]any
		if err := json.Unmarshal(raw, &mine); err != nil {
			t.Fatal(err)
		}
		id, _ := mine["id"].(string)
		upstream, err := os.ReadFile(filepath.Join(dir, id+".json"))
		if err != nil {
			t.Errorf("internal/proxytest/testdata/vulndb/osv/%s.json is not in %s", id, dir)
			continue
		}
		var theirs map[string]any
		if err := json.Unmarshal(upstream, &theirs); err != nil {
			t.Fatal(err)
		}
		for _, m := range []map[string]any{mine, theirs} {
			delete(m, "modified")
			delete(m, "published")
		}
		if !reflect.DeepEqual(mine, theirs) {
			t.Errorf("internal/proxytest/testdata/vulndb/osv/%s.json differs from the database's report beyond its stamps", id)
		}
	}
	for _, tc := range []struct {
		path, version string
		want          []string // must be among the answers
	}{
		{"golang.org/x/text", "v0.3.5", []string{"GO-2021-0113", "GO-2022-1059"}},
		{"golang.org/x/net", "v0.17.0", []string{"GO-2024-2687"}},
		{"stdlib", "v1.22.3", []string{"GO-2025-3503"}},
	} {
		var got []*osv.Entry
		for _, v := range mods[tc.path] {
			got = append(got, entries[v.ID])
		}
		aff := map[string]bool{}
		for _, e := range osv.Affecting(got, tc.path, tc.version, time.Now()) {
			aff[e.ID] = true
		}
		for _, id := range tc.want {
			if !aff[id] {
				t.Errorf("%s@%s: %s not reported", tc.path, tc.version, id)
			}
		}
	}
}
