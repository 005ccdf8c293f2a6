package benchfixture

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/proxytest"
)

const sample = `module example.com/app

go 1.22

require (
	example.com/a v1.2.3
	example.com/b v1.0.0 // replaced by a fork
	example.com/c v2.0.0+incompatible
	example.com/d v0.0.0-20240102030405-abcdef012345
	example.com/e v1.0.0 // local
	example.com/f v1.1.0 // replaced at this version only
)

exclude example.com/a v1.2.0

replace example.com/b => example.com/bfork v1.0.1

replace example.com/e => ../e

replace example.com/f v1.1.0 => example.com/f v1.1.1

replace example.com/gone => ./FORBIDDEN_DEPENDENCY
`

func TestNeeded(t *testing.T) {
	g, err := Parse("go.mod", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range g.Needed() {
		got = append(got, n.Path+"@"+n.Version.Version+" declares "+n.Declares)
	}
	want := []string{
		"example.com/a@v1.2.0 declares example.com/a",
		"example.com/a@v1.2.3 declares example.com/a",
		"example.com/bfork@v1.0.1 declares example.com/b",
		"example.com/c@v2.0.0+incompatible declares example.com/c",
		"example.com/d@v0.0.0-20240102030405-abcdef012345 declares example.com/d",
		"example.com/f@v1.1.1 declares example.com/f",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Needed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(g.Requires()); n != 3 { // a, c, d: b, e and f@v1.1.0 are redirected
		t.Errorf("%d requires not redirected, want 3", n)
	}
}

func TestAddToAndGoSum(t *testing.T) {
	g, err := Parse("go.mod", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	srv := proxytest.New(t, proxytest.WithoutDefaultCorpus())
	n, err := AddTo(srv, g, Options{Newer: true})
	if err != nil {
		t.Fatal(err)
	}
	// Six needed versions, and a newer patch for every other path: a, c
	// and f of a, bfork, c, d, f.
	if n != 6+3 {
		t.Errorf("added %d versions: %v", n, srv.Modules())
	}
	sum, err := GoSum(srv, g)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(sum), "\n"); lines != 2*5 { // the excluded a@v1.2.0 has none
		t.Errorf("go.sum has %d lines:\n%s", lines, sum)
	}
	for _, tc := range []struct{ path, version, mod string }{
		{"example.com/bfork", "v1.0.1", "module example.com/b\n"},
		{"example.com/c", "v2.0.0+incompatible", "module example.com/c\n"}, // synthesised: no go.mod in the zip
	} {
		resp, err := http.Get(srv.URL + "/" + tc.path + "/@v/" + tc.version + ".mod")
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(data) != tc.mod {
			t.Errorf("%s@%s.mod = %q, want %q", tc.path, tc.version, data, tc.mod)
		}
	}
}

func TestLayOut(t *testing.T) {
	g, err := Parse("go.mod", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir, err := g.LayOut(root)
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(root, "sub1") {
		t.Errorf("go.mod in %s: ../e needs it one level down", dir)
	}
	data, err := os.ReadFile(filepath.Join(root, "e", "go.mod"))
	if err != nil || modfile.ModulePath(data) != "example.com/e" {
		t.Errorf("replacement directory ../e: %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "FORBIDDEN_DEPENDENCY")); !os.IsNotExist(err) {
		t.Errorf("FORBIDDEN_DEPENDENCY created: %v", err)
	}
}

func TestNextPatch(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3":              "v1.2.4",
		"v0.0.1-rc.1":         "v0.0.2",
		"v2.0.0+incompatible": "v2.0.1+incompatible",
	} {
		if got := NextPatch(in); got != want {
			t.Errorf("NextPatch(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestWriteMonorepo(t *testing.T) {
	m, err := WriteMonorepo(t.TempDir(), 10, 12, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Paths) != 12 {
		t.Errorf("%d paths used, want every one of 12", len(m.Paths))
	}
	seen := map[string]bool{}
	for _, u := range m.Unique {
		k := u.Path + "@" + u.Version
		if seen[k] {
			t.Errorf("%s listed twice", k)
		}
		seen[k] = true
	}
	if len(m.Unique) <= len(m.Paths) {
		t.Errorf("%d unique versions of %d paths: files should pin different versions", len(m.Unique), len(m.Paths))
	}
	for i := range 10 {
		if _, err := Load(filepath.Join(m.Root, "svc00"+string(rune('0'+i)), "go.mod")); err != nil {
			t.Error(err)
		}
	}
}
