// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"testing"

	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

func FuzzParseIndex(f *testing.F) {
	raws, err := osv.ReadOSVDir(testdataOSV)
	if err != nil {
		f.Fatal(err)
	}
	tree, err := osv.NewTree(raws)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tree["index/modules.json"])
	f.Add(tree["index/db.json"])
	f.Add([]byte(`[{"path":"m","vulns":[{"id":"GO-2024-0001","modified":"2024-01-01T00:00:00Z","fixed":"1.0.0"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		osv.ParseDBMeta(data)
		mods, err := osv.ParseModules(data)
		if err != nil {
			return
		}
		if again, err := decodeIndex(encodeIndex(mods)); err != nil || len(again) != len(mods) {
			t.Fatalf("the disk form of an accepted index does not read back: %v", err)
		}
		for p, vulns := range mods {
			if p == "" {
				t.Fatal("accepted an empty module path")
			}
			for _, v := range vulns {
				if osv.CheckID(v.ID) != nil {
					t.Fatalf("accepted ID %q", v.ID)
				}
			}
		}
	})
}
