package proxytest

import (
	"bytes"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func TestParseModuleFile(t *testing.T) {
	mf, err := ParseModuleFile("example.com_!upper_mod_v1.0.0.txt", []byte(`example.com/Upper/mod@v1.0.0
What this fixture is for.

-- .mod --
module example.com/Upper/mod
-- .info --
{"Version":"v1.0.0"}
-- go.mod --
module example.com/Upper/mod
-- sub/x.go --
package sub
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &ModuleFile{
		Path: "example.com/Upper/mod", Version: "v1.0.0",
		Comment: "What this fixture is for.\n\n",
		Mod:     []byte("module example.com/Upper/mod\n"),
		Info:    []byte(`{"Version":"v1.0.0"}` + "\n"),
		Files: []File{
			{Name: "go.mod", Data: []byte("module example.com/Upper/mod\n")},
			{Name: "sub/x.go", Data: []byte("package sub\n")},
		},
	}
	if !reflect.DeepEqual(mf, want) {
		t.Errorf("got %+v\nwant %+v", mf, want)
	}

	// Without a header the file name says what it is.
	mf, err = ParseModuleFile("testdata/mod/example.com_incompat_v2.0.0+incompatible.txt", []byte("no header here, just words\n-- a.go --\npackage a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if mf.Path != "example.com/incompat" || mf.Version != "v2.0.0+incompatible" || mf.Comment != "no header here, just words\n" {
		t.Errorf("from file name: %+v", mf)
	}
	if got := string(mf.modData()); got != "module example.com/incompat\n" {
		t.Errorf("synthesised .mod = %q", got)
	}
	// A known path without versions.
	mf, err = ParseModuleFile("example.com_empty.txt", nil)
	if err != nil || mf.Path != "example.com/empty" || mf.Version != "" {
		t.Errorf("known path: %+v, %v", mf, err)
	}

	for _, tc := range []struct{ name, data, want string }{
		{"", "-- a.go --\n", "no \"path@version\" header"},
		{"example.com_b_v1.0.0.txt", "example.com/a@v1.0.0\n", "header says example.com/a@v1.0.0 but file name says example.com/b@v1.0.0"},
		{"notes.txt", "example.com/a@v1.0.0\n", ""}, // a name that encodes nothing: the header rules
		{"", "example.com/a@v1.0\n", "not a canonical semantic version"},
		{"", "example.com/a@v2.0.0\n", "invalid version"},
		{"", "Example@v1.0.0\n", "malformed module path"},
		{"", "example.com/a@v1.0.0\n-- .zip --\n", "unknown metadata section \".zip\""},
		{"", "example.com/a@v1.0.0\n-- sub/../a.go --\n", "invalid zip file name"},
		{"", "example.com/a@v1.0.0\n-- a.go --\n-- a.go --\n", "appears twice"},
		{"", "example.com/a\n-- a.go --\n", "has no version but has content"},
		{"example.com_a_v1.0.0", "-- a.go --\n", ""}, // fine: .txt suffix is optional
	} {
		_, err := ParseModuleFile(tc.name, []byte(tc.data))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ParseModuleFile(%q, %q): %v", tc.name, tc.data, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ParseModuleFile(%q, %q) = %v, want error containing %q", tc.name, tc.data, err, tc.want)
		}
	}
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct{ path, version, want string }{
		{"example.com/Upper/mod", "v1.0.0", "example.com_!upper_mod_v1.0.0.txt"},
		{"example.com/incompat", "v2.0.0+incompatible", "example.com_incompat_v2.0.0+incompatible.txt"},
		{"example.com/empty", "", "example.com_empty.txt"},
	} {
		got, err := FileName(tc.path, tc.version)
		if err != nil || got != tc.want {
			t.Errorf("FileName(%q, %q) = %q, %v; want %q", tc.path, tc.version, got, err, tc.want)
		}
		p, v, err := splitFileName(got)
		if err != nil || p != tc.path || v != tc.version {
			t.Errorf("splitFileName(%q) = %q, %q, %v", got, p, v, err)
		}
	}
}

// TestDefaultCorpus checks every file of the default corpus: names agree
// with headers (checked by the loader), every comment says what the
// fixture is for, and every zip builds.
func TestDefaultCorpus(t *testing.T) {
	for _, fsys := range []fs.FS{DefaultCorpus, PrivateCorpus} {
		names, err := fs.Glob(fsys, "*.txt")
		if err != nil || len(names) == 0 {
			t.Fatalf("corpus: %v %v", names, err)
		}
		for _, name := range names {
			data, _ := fs.ReadFile(fsys, name)
			mf, err := ParseModuleFile(name, data)
			if err != nil {
				t.Error(err)
				continue
			}
			if !strings.HasPrefix(string(data), mf.Path) {
				t.Errorf("%s: no header line", name)
			}
			if strings.TrimSpace(mf.Comment) == "" {
				t.Errorf("%s: no comment saying what the fixture is for", name)
			}
			if mf.Version != "" {
				if _, err := buildZip(mf.Path, mf.Version, mf.Files); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
	}
}

// FuzzParseModuleFile checks that the loader never panics, that whatever it
// accepts can be added to a corpus and formatted back to the same
// ModuleFile, and that building its zip fails cleanly if at all.
func FuzzParseModuleFile(f *testing.F) {
	names, _ := fs.Glob(DefaultCorpus, "*.txt")
	for _, name := range names {
		data, _ := fs.ReadFile(DefaultCorpus, name)
		f.Add(name, data)
	}
	f.Add("", []byte("example.com/a@v1.0.0\n-- .mod --\nmodule x\n-- a/../b.go --\n"))
	f.Add("example.com_!a_v1.0.0.txt", []byte("-- go.mod --\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		mf, err := ParseModuleFile(name, data)
		if err != nil {
			return
		}
		again, err := ParseModuleFile("", FormatModuleFile(mf))
		if err != nil {
			t.Fatalf("formatted module file does not parse: %v\n%s", err, FormatModuleFile(mf))
		}
		if again.Path != mf.Path || again.Version != mf.Version || !bytes.Equal(again.Mod, mf.Mod) || !bytes.Equal(again.Info, mf.Info) || len(again.Files) != len(mf.Files) {
			t.Fatalf("round trip changed the module file:\n%+v\n%+v", mf, again)
		}
		c := newCorpus()
		if err := c.add(mf); err != nil {
			t.Fatalf("parsed module file not accepted by the corpus: %v", err)
		}
		if mf.Version != "" {
			mv, _ := c.lookup(mf.Path, mf.Version)
			if _, err := mv.goSum(); err == nil {
				if len(mv.goModHash()) == 0 {
					t.Fatal("no go.mod hash")
				}
			}
		}
	})
}
