// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

func TestDiskIndexRoundTrip(t *testing.T) {
	raws, err := osv.ReadOSVDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := osv.NewTree(raws)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := osv.ParseModules(tree["index/modules.json"])
	if err != nil {
		t.Fatal(err)
	}
	// The repository's reports leave stamps zero; mirrors may too.
	mods["example.com/zero"] = []ModuleVuln{{ID: "GO-0000-0001"}, {ID: "GO-0000-0002", Modified: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}}
	d := &diskCache{dir: t.TempDir()}
	st := state{Modified: time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC), Checked: time.Date(2026, 12, 1, 0, 0, 0, 123, time.UTC)}
	if err := d.saveIndex(st, mods, "https://vuln.example"); err != nil {
		t.Fatal(err)
	}
	gotSt, got, ok := d.loadIndex()
	if !ok || !gotSt.Modified.Equal(st.Modified) || !gotSt.Checked.Equal(st.Checked) {
		t.Fatalf("loadIndex: %v %+v", ok, gotSt)
	}
	if len(got) != len(mods) {
		t.Fatalf("%d modules read back, %d saved", len(got), len(mods))
	}
	for p, want := range mods {
		for i, v := range got[p] {
			if v.ID != want[i].ID || v.Fixed != want[i].Fixed || !v.Modified.Equal(want[i].Modified) {
				t.Errorf("%s: read back %+v, saved %+v", p, v, want[i])
			}
		}
	}
	// A damaged index is not used (the next Load fetches it again).
	if err := os.WriteFile(d.path("index/modules.idx"), []byte(indexHeader+"golang.org/x/text GO-2021-0113 notanumber 0.3.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := d.loadIndex(); ok {
		t.Error("a damaged index was loaded")
	}
}

func FuzzDecodeIndex(f *testing.F) {
	f.Add([]byte(indexHeader + "golang.org/x/text GO-2021-0113 1633542681.000000000 0.3.7 GO-2026-5970 -62135596800.000000000 -\nstdlib GO-2026-6611 5.000000001 1.27.2\n"))
	f.Add([]byte(indexHeader))
	f.Fuzz(func(t *testing.T, data []byte) {
		mods, err := decodeIndex(data)
		if err != nil {
			return
		}
		again, err := decodeIndex(encodeIndex(mods))
		if err != nil || !reflect.DeepEqual(again, mods) {
			t.Fatalf("encode(decode(x)) does not decode to the same index: %v", err)
		}
	})
}

// testdataOSV holds the real reports the tests use; they belong to the
// test fixture (package proxytest embeds them).
var testdataOSV = filepath.Join("..", "proxytest", "testdata", "vulndb", "osv")
