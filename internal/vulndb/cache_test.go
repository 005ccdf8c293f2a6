// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"os"
	"reflect"
	"testing"
	"time"
)

func TestDiskIndexRoundTrip(t *testing.T) {
	raws, err := ReadOSVDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := NewTree(raws)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := ParseModules(tree["index/modules.json"])
	if err != nil {
		t.Fatal(err)
	}
	d := &diskCache{dir: t.TempDir()}
	st := state{Modified: time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC), Checked: time.Date(2026, 12, 1, 0, 0, 0, 123, time.UTC)}
	if err := d.saveIndex(st, mods, "https://vuln.example"); err != nil {
		t.Fatal(err)
	}
	gotSt, got, ok := d.loadIndex()
	if !ok || !gotSt.Modified.Equal(st.Modified) || !gotSt.Checked.Equal(st.Checked) {
		t.Fatalf("loadIndex: %v %+v", ok, gotSt)
	}
	if !reflect.DeepEqual(got, mods) {
		t.Errorf("the index read back differs from the one saved")
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
	f.Add([]byte(indexHeader + "golang.org/x/text GO-2021-0113 1633542681000000000 0.3.7 GO-2026-5970 1 -\nstdlib GO-2026-6611 5 1.27.2\n"))
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
