// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// fullDatabase returns the data/osv directory of a golang.org/x/vulndb
// module in the module cache (the newest version there), or skips: the
// module is 20 MB, so tests do not download it. CI downloads the version
// internal/cmd/vulndbgen pins before running the tests.
func fullDatabase(t testing.TB) string {
	t.Helper()
	modcache := os.Getenv("GOMODCACHE")
	if modcache == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Skipf("no module cache: %v", err)
		}
		modcache = strings.TrimSpace(string(out))
	}
	dirs, _ := filepath.Glob(filepath.Join(modcache, "golang.org", "x", "vulndb@*", "data", "osv"))
	if len(dirs) == 0 {
		t.Skip("golang.org/x/vulndb is not in the module cache (go run ./internal/cmd/vulndbgen -list -ids GO-2022-0969 downloads it)")
	}
	sort.Strings(dirs)
	return dirs[len(dirs)-1]
}

// TestFullDatabase parses every report of the real database, builds its
// index, and checks the index's promise the client relies on when it skips
// reports: at a module's "fixed" version, the report no longer applies.
func TestFullDatabase(t *testing.T) {
	dir := fullDatabase(t)
	raws, err := ReadOSVDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) < 4000 {
		t.Fatalf("%s has only %d reports", dir, len(raws))
	}
	start := time.Now()
	tree, err := NewTree(raws)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reports from %s: index built in %v (modules.json %d bytes)", len(raws), dir, time.Since(start), len(tree["index/modules.json"]))
	mods, err := ParseModules(tree["index/modules.json"])
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]*Entry{}
	for _, raw := range raws {
		e, err := ParseEntry(raw)
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
	ours, err := ReadOSVDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range ours {
		var mine map[string]any
		if err := json.Unmarshal(raw, &mine); err != nil {
			t.Fatal(err)
		}
		id, _ := mine["id"].(string)
		upstream, err := os.ReadFile(filepath.Join(dir, id+".json"))
		if err != nil {
			t.Errorf("%s/%s.json is not in %s", testdataOSV, id, dir)
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
			t.Errorf("%s/%s.json differs from the database's report beyond its stamps", testdataOSV, id)
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
		var got []*Entry
		for _, v := range mods[tc.path] {
			got = append(got, entries[v.ID])
		}
		aff := map[string]bool{}
		for _, e := range Affecting(got, tc.path, tc.version, time.Now()) {
			aff[e.ID] = true
		}
		for _, id := range tc.want {
			if !aff[id] {
				t.Errorf("%s@%s: %s not reported", tc.path, tc.version, id)
			}
		}
	}
}
