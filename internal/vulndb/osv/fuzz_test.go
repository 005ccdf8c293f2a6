// Copyright 2026 The gomodls Authors.

package osv

import (
	"testing"
	"time"

	"golang.org/x/mod/semver"
)

func FuzzParseEntry(f *testing.F) {
	raws, err := ReadOSVDir(testdataOSV)
	if err != nil {
		f.Fatal(err)
	}
	for _, raw := range raws {
		f.Add(raw)
	}
	f.Add([]byte(`{"id":"GO-1","affected":[{"package":{"name":"m"},"ranges":[{"type":"SEMVER","events":[{"fixed":"x"},{"introduced":"0"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEntry(data)
		if err != nil {
			return
		}
		if CheckID(e.ID) != nil {
			t.Fatalf("accepted ID %q", e.ID)
		}
		for _, a := range e.Affected {
			for _, v := range []string{"v0.0.0", "v1.2.3", "v2.0.0+incompatible", "v0.0.0-20220101000000-abcdefabcdef", "go1.22.3", ""} {
				e.Affects(a.Package.Name, v)
				if fx := e.Fixed(a.Package.Name, v); fx != "" && !semver.IsValid(fx) && e.Affects(a.Package.Name, v) && semver.IsValid(v) {
					t.Fatalf("Fixed(%s, %s) = %q is not a version", a.Package.Name, v, fx)
				}
			}
			e.Packages(a.Package.Name)
			LowestFixed([]*Entry{e}, "v1.0.0", nil, nil, time.Now(), a.Package.Name)
		}
		tree, err := NewTree([][]byte{data})
		if err != nil {
			t.Fatalf("NewTree of a parsed entry: %v", err)
		}
		if _, err := ParseModules(tree["index/modules.json"]); err != nil {
			t.Fatalf("the index NewTree wrote does not parse: %v", err)
		}
		if _, err := ParseDBMeta(tree["index/db.json"]); err != nil {
			t.Fatalf("the db.json NewTree wrote does not parse: %v", err)
		}
	})
}

func FuzzGoVersions(f *testing.F) {
	for _, s := range []string{"go1.22.3", "go1.22", "go1.21rc2", "go1.9beta1", "go1", "go1.26.8 X:boringcrypto", "devel go1.23-abc", "go1.22.3-corp"} {
		f.Add(s, "1.19.0-0", "1.19.1")
	}
	f.Fuzz(func(t *testing.T, name, intro, fixed string) {
		v := GoToSemver(name)
		if v == "" {
			return
		}
		if !semver.IsValid(v) {
			t.Fatalf("GoToSemver(%q) = %q, not a semantic version", name, v)
		}
		back := SemverToGo(v)
		if back == "" || GoToSemver(back) != v {
			t.Fatalf("GoToSemver(%q) = %q, SemverToGo = %q, which converts to %q", name, v, back, GoToSemver(back))
		}
		r := Range{Type: RangeSemver, Events: []Event{{Introduced: intro}, {Fixed: fixed}}}
		r.contains(v)
		latestFixed([]Range{r})
	})
}
