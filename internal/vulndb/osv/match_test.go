// Copyright 2026 The gomodls Authors.

package osv

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// testdataOSV holds the real reports the tests use; they belong to the
// test fixture (package proxytest embeds them).
var testdataOSV = filepath.Join("..", "..", "proxytest", "testdata", "vulndb", "osv")

// testEntries parses the committed real reports by ID.
func testEntries(t testing.TB) map[string]*Entry {
	t.Helper()
	raws, err := ReadOSVDir(testdataOSV)
	if err != nil || len(raws) == 0 {
		t.Fatalf("reading %s: %v (%d files)", testdataOSV, err, len(raws))
	}
	out := map[string]*Entry{}
	for _, raw := range raws {
		e, err := ParseEntry(raw)
		if err != nil {
			t.Fatal(err)
		}
		out[e.ID] = e
	}
	return out
}

func list(m map[string]*Entry, ids ...string) []*Entry {
	var out []*Entry
	for _, id := range ids {
		out = append(out, m[id])
	}
	return out
}

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func TestGoToSemver(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"go1.22.3", "v1.22.3"},
		{"go1.22", "v1.22.0"},
		{"go1.21.0", "v1.21.0"},
		{"go1.21rc2", "v1.21.0-rc.2"},
		{"go1.9beta1", "v1.9.0-beta.1"},
		{"go1.20", "v1.20.0"},
		{"go1", "v1.0.0"},
		{"go1.26.8 X:boringcrypto", "v1.26.8"},
		{"go1.22.3-corp", "v1.22.3"},
		{"devel go1.23-4bd4a6e Tue Jan 2 2024", ""},
		{"go1.0", ""},
		{"1.22.3", ""},
		{"go1.22.03", ""},
		{"go1.22.3.4", ""},
		{"go1.22rcx", ""},
		{"", ""},
	} {
		if got := GoToSemver(tc.in); got != tc.want {
			t.Errorf("GoToSemver(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSemverToGo(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"v1.22.5", "go1.22.5"},
		{"1.22.5", "go1.22.5"},
		{"v1.21.0", "go1.21.0"},
		{"v1.20.0", "go1.20"},
		{"v1.22.0-rc.1", "go1.22rc1"},
		{"v1.9.0-beta.2", "go1.9beta2"},
		{"v1.0.0", "go1"},
		{"garbage", ""},
	} {
		if got := SemverToGo(tc.in); got != tc.want {
			t.Errorf("SemverToGo(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if tc.want != "" {
			if back := GoToSemver(tc.want); back != canonical(tc.in) {
				t.Errorf("GoToSemver(SemverToGo(%q)) = %q", tc.in, back)
			}
		}
	}
}

func TestAffects(t *testing.T) {
	m := testEntries(t)
	for _, tc := range []struct {
		id, path, version string
		want              bool
	}{
		// introduced 0, fixed 0.3.7: bounds are [introduced, fixed).
		{"GO-2021-0113", "golang.org/x/text", "v0.3.6", true},
		{"GO-2021-0113", "golang.org/x/text", "v0.3.7", false},
		{"GO-2021-0113", "golang.org/x/text", "v0.0.0-20200630163819-d61e5d2e6e54", true},
		{"GO-2021-0113", "golang.org/x/net", "v0.3.6", false},
		// A pseudo-version fix: the tags after it are fixed, those before not.
		{"GO-2022-0969", "golang.org/x/net", "v0.0.0-20220826154423-83b083e8dc8b", true},
		{"GO-2022-0969", "golang.org/x/net", "v0.0.0-20220906165146-f3363e06e74c", false},
		{"GO-2022-0969", "golang.org/x/net", "v0.1.0", false},
		// A range between two pseudo-versions.
		{"GO-2023-1495", "golang.org/x/net", "v0.0.0-20220524220424-000000000000", false},
		{"GO-2023-1495", "golang.org/x/net", "v0.1.0", true},
		{"GO-2023-1495", "golang.org/x/net", "v0.2.0", false},
		// Introduced at v0.50.0.
		{"GO-2026-4559", "golang.org/x/net", "v0.49.0", false},
		{"GO-2026-4559", "golang.org/x/net", "v0.50.0", true},
		{"GO-2026-4559", "golang.org/x/net", "v0.51.0", false},
		// Introduced at a pseudo-version.
		{"GO-2023-1737", "github.com/gin-gonic/gin", "v1.3.0", false},
		{"GO-2023-1737", "github.com/gin-gonic/gin", "v1.9.0", true},
		// Go releases, with prerelease bounds.
		{"GO-2022-0969", "stdlib", GoToSemver("go1.18.5"), true},
		{"GO-2022-0969", "stdlib", GoToSemver("go1.18.6"), false},
		{"GO-2022-0969", "stdlib", GoToSemver("go1.19rc1"), true},
		{"GO-2022-0969", "stdlib", GoToSemver("go1.19"), true},
		{"GO-2022-0969", "stdlib", GoToSemver("go1.19.1"), false},
		{"GO-2026-6179", "toolchain", GoToSemver("go1.27rc2"), true},
		{"GO-2026-6179", "toolchain", GoToSemver("go1.27rc3"), false},
		{"GO-2026-6179", "toolchain", GoToSemver("go1.26.8"), false},
		{"GO-2026-6602", "toolchain", GoToSemver("go1.26.8"), true},
		{"GO-2026-6602", "stdlib", GoToSemver("go1.26.8"), false},
		{"GO-2026-6611", "stdlib", GoToSemver("go1.26.8"), true}, // two affected elements for stdlib
		{"GO-2026-6611", "stdlib", GoToSemver("go1.27.1"), true},
		{"GO-2026-6611", "stdlib", GoToSemver("go1.27.2"), false},
		// +incompatible versions compare as semver.
		{"GO-2024-2659", "github.com/docker/docker", "v25.0.3+incompatible", true},
		{"GO-2024-2659", "github.com/docker/docker", "v25.0.5+incompatible", false},
		{"GO-2024-2659", "github.com/docker/docker", "v26.0.0-rc2+incompatible", true},
		{"GO-2024-2913", "github.com/docker/docker", "v20.10.8+incompatible", true},
		// Reintroduced and never fixed again.
		{"GO-2026-5264", "github.com/prometheus/prometheus", "v0.305.2", false},
		{"GO-2026-5264", "github.com/prometheus/prometheus", "v0.306.5", true},
		{"GO-2026-5264", "github.com/prometheus/prometheus", "v1.5.0", true},
		{"GO-2026-5264", "github.com/prometheus/prometheus/v2", "v2.0.0", true},
		// One report, several majors.
		{"GO-2024-2631", "github.com/go-jose/go-jose/v3", "v3.0.2", true},
		{"GO-2024-2631", "github.com/go-jose/go-jose/v4", "v4.0.1", false},
		{"GO-2024-2631", "gopkg.in/square/go-jose.v2", "v2.6.0", true},
	} {
		e := m[tc.id]
		if e == nil {
			t.Fatalf("no entry %s", tc.id)
		}
		if got := e.Affects(tc.path, tc.version); got != tc.want {
			t.Errorf("%s affects %s@%s = %v, want %v", tc.id, tc.path, tc.version, got, tc.want)
		}
	}
}

func TestRangeSemantics(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r       Range
		version string
		want    bool
	}{
		{"no events", Range{Type: RangeSemver}, "v1.0.0", true},
		{"not SEMVER", Range{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}}}, "v1.0.0", false},
		{"unsorted events", Range{Type: RangeSemver, Events: []Event{{Fixed: "1.2.0"}, {Introduced: "1.1.0"}}}, "v1.1.5", true},
		{"go prefix", Range{Type: RangeSemver, Events: []Event{{Introduced: "0"}, {Fixed: "1.2.0"}}}, "go1.1.0", true},
		{"ignored event kind", Range{Type: RangeSemver, Events: []Event{{Introduced: "0"}, {}}}, "v9.0.0", true},
	} {
		if got := tc.r.contains(tc.version); got != tc.want {
			t.Errorf("%s: contains(%s) = %v, want %v", tc.name, tc.version, got, tc.want)
		}
	}
	// No SEMVER range at all: every version, as govulncheck reads it.
	a := Affected{Package: Package{Name: "m"}, Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "5"}}}}}
	if !a.affects("v1.0.0") {
		t.Error("an affected element with only ECOSYSTEM ranges must affect every version")
	}
	if !(Affected{}).affects("v1.0.0") {
		t.Error("an affected element without ranges must affect every version")
	}
}

func TestFixed(t *testing.T) {
	m := testEntries(t)
	for _, tc := range []struct{ id, path, version, want string }{
		{"GO-2021-0113", "golang.org/x/text", "v0.3.0", "v0.3.7"},
		{"GO-2021-0113", "golang.org/x/text", "v0.3.7", ""},
		{"GO-2022-0969", "golang.org/x/net", "v0.0.0-20220101000000-000000000000", "v0.0.0-20220906165146-f3363e06e74c"},
		{"GO-2022-0969", "stdlib", "v1.19.0", "v1.19.1"},
		{"GO-2022-0969", "stdlib", "v1.18.0", "v1.18.6"},
		{"GO-2026-6611", "stdlib", "v1.27.1", "v1.27.2"},
		{"GO-2026-5264", "github.com/prometheus/prometheus", "v1.5.0", ""},
		{"GO-2024-2659", "github.com/docker/docker", "v26.0.0-rc1+incompatible", "v26.0.0-rc3+incompatible"},
	} {
		if got := m[tc.id].Fixed(tc.path, tc.version); got != tc.want {
			t.Errorf("%s.Fixed(%s, %s) = %q, want %q", tc.id, tc.path, tc.version, got, tc.want)
		}
	}
}

func TestAffectingSkipsWithdrawn(t *testing.T) {
	m := testEntries(t)
	e := m["GO-2024-2730"]
	if !e.Affects("github.com/gorilla/sessions", "v1.2.1") {
		t.Fatal("the withdrawn report's range covers every version")
	}
	if got := Affecting(list(m, "GO-2024-2730"), "github.com/gorilla/sessions", "v1.2.1", now); len(got) != 0 {
		t.Errorf("Affecting returned withdrawn %s", got[0].ID)
	}
	before := e.Withdrawn.Add(-time.Hour)
	if got := Affecting(list(m, "GO-2024-2730"), "github.com/gorilla/sessions", "v1.2.1", before); len(got) != 1 {
		t.Errorf("before its withdrawal the report applies; got %d entries", len(got))
	}
}

func TestLowestFixed(t *testing.T) {
	m := testEntries(t)
	text := list(m, "GO-2020-0015", "GO-2021-0113", "GO-2022-1059", "GO-2026-5970", "GO-2026-6629")
	textVersions := []string{"v0.3.0", "v0.3.3", "v0.3.5", "v0.3.7", "v0.3.8", "v0.38.0", "v0.39.0", "v0.40.0", "v0.41.0", "v0.42.0", "v0.43.0-rc.1"}
	notRetracted := func(bad ...string) func(string) bool {
		return func(v string) bool { return !slices.Contains(bad, v) }
	}
	for _, tc := range []struct {
		name    string
		entries []*Entry
		version string
		known   []string
		allow   func(string) bool
		paths   []string
		want    string
	}{
		{"every x/text fix, from the list", text, "v0.3.5", textVersions, nil, []string{"golang.org/x/text"}, "v0.41.0"},
		{"skips a retracted version", text, "v0.3.5", textVersions, notRetracted("v0.41.0"), []string{"golang.org/x/text"}, "v0.42.0"},
		{"from the fixed events alone", text, "v0.3.5", nil, nil, []string{"golang.org/x/text"}, "v0.41.0"},
		{"nothing newer is fixed", text, "v0.41.0", nil, nil, []string{"golang.org/x/text"}, ""},
		{"gin", list(m, "GO-2020-0001", "GO-2021-0052", "GO-2023-1737"), "v1.6.0", nil, nil, []string{"github.com/gin-gonic/gin"}, "v1.9.1"},
		{"same major only", list(m, "GO-2023-2334", "GO-2024-2631", "GO-2025-3485", "GO-2026-4945"), "v3.0.0", []string{"v3.0.5", "v4.1.4"}, nil, []string{"github.com/go-jose/go-jose/v3"}, "v3.0.5"},
		{"+incompatible stays +incompatible", list(m, "GO-2024-2659", "GO-2024-2913"), "v20.10.0+incompatible", []string{"v20.10.9+incompatible", "v25.0.5+incompatible"}, nil, []string{"github.com/docker/docker"}, "v20.10.9+incompatible"},
		{"prerelease fix only for a prerelease", list(m, "GO-2024-2659"), "v26.0.0-rc1+incompatible", nil, nil, []string{"github.com/docker/docker"}, "v26.0.0-rc3+incompatible"},
		{"reintroduced and unfixed", list(m, "GO-2026-5264"), "v1.0.0", []string{"v1.1.0", "v1.2.0"}, nil, []string{"github.com/prometheus/prometheus"}, ""},
		{"a tag rather than a lower pseudo-version", list(m, "GO-2023-1495"), "v0.1.0", []string{"v0.2.0"}, nil, []string{"golang.org/x/net"}, "v0.2.0"},
		{"a pseudo-version when no tag fixes it", list(m, "GO-2022-0969"), "v0.0.0-20220101000000-000000000000", nil, nil, []string{"golang.org/x/net"}, "v0.0.0-20220906165146-f3363e06e74c"},
		{"Go: stdlib and toolchain together", list(m, "GO-2026-6179", "GO-2026-6602", "GO-2026-6599", "GO-2026-6611"), GoToSemver("go1.26.5"), nil, nil, []string{"stdlib", "toolchain"}, "v1.26.9"},
	} {
		got := LowestFixed(tc.entries, tc.version, tc.known, tc.allow, now, tc.paths...)
		if got != tc.want {
			t.Errorf("%s: LowestFixed(%s) = %q, want %q", tc.name, tc.version, got, tc.want)
		}
	}
}

func TestNewTreeIndex(t *testing.T) {
	raws, err := ReadOSVDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := NewTree(raws)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree) != len(raws)+2 {
		t.Errorf("tree has %d files, want %d entries and 2 indexes", len(tree), len(raws))
	}
	meta, err := ParseDBMeta(tree["index/db.json"])
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC); !meta.Modified.Equal(want) {
		t.Errorf("db.json modified = %v, want the latest entry's %v", meta.Modified, want)
	}
	mods, err := ParseModules(tree["index/modules.json"])
	if err != nil {
		t.Fatal(err)
	}
	fixedOf := func(path, id string) (string, bool) {
		for _, v := range mods[path] {
			if v.ID == id {
				return v.Fixed, true
			}
		}
		return "", false
	}
	for _, tc := range []struct{ path, id, want string }{
		{"golang.org/x/text", "GO-2021-0113", "0.3.7"},
		{"golang.org/x/net", "GO-2022-0969", "0.0.0-20220906165146-f3363e06e74c"},
		{"stdlib", "GO-2026-6611", "1.27.2"}, // two affected elements for stdlib: the later fix
		{"github.com/prometheus/prometheus", "GO-2026-5264", ""},
		{"github.com/go-jose/go-jose", "GO-2025-3485", ""},
		{"toolchain", "GO-2026-6179", "1.27.0-rc.3"},
	} {
		got, ok := fixedOf(tc.path, tc.id)
		if !ok {
			t.Errorf("index has no %s for %s", tc.id, tc.path)
		} else if got != tc.want {
			t.Errorf("index fixed of %s for %s = %q, want %q", tc.id, tc.path, got, tc.want)
		}
	}
	// The index is what a real client reads: a list sorted by path.
	var list []ModuleMeta
	if err := json.Unmarshal(tree["index/modules.json"], &list); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(list, func(a, b ModuleMeta) int { return cmpString(a.Path, b.Path) }) {
		t.Error("modules.json is not sorted by path")
	}
	if _, err := NewTree(append(raws, raws[0])); err == nil {
		t.Error("NewTree accepted a duplicate entry")
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestParseRejects(t *testing.T) {
	for _, bad := range []string{
		`{"id": "../../etc/passwd", "affected": []}`,
		`{"id": "", "affected": []}`,
		`{"id": "GO-2024-0001", "affected": [{"package": {"name": ""}}]}`,
		`{"id": "GO-2024-0001", "affected": [{"package": {"name": "m"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}`,
		`{"id": "GO-2024-0001", "affected": []} trailing`,
		`[]`,
	} {
		if _, err := ParseEntry([]byte(bad)); err == nil {
			t.Errorf("ParseEntry accepted %s", bad)
		}
	}
	for _, bad := range []string{
		`[{"path": "m", "vulns": [{"id": "ID/../x"}]}]`,
		`[{"path": "", "vulns": []}]`,
		`{}`,
	} {
		if _, err := ParseModules([]byte(bad)); err == nil {
			t.Errorf("ParseModules accepted %s", bad)
		}
	}
	if _, err := ParseDBMeta([]byte(`{}`)); err == nil {
		t.Error("ParseDBMeta accepted a db.json without modified")
	}
}
