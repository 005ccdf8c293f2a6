// Copyright 2026 The gomodls Authors.

package inputs

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestChanged(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "go.mod")
	absent := filepath.Join(dir, "go.work")
	sub := filepath.Join(dir, "sub")
	if err := os.WriteFile(file, []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(file); err != nil {
		t.Fatal(err) // not recording: nothing kept, no failure
	}
	rec := Start()
	if _, err := ReadFile(file); err != nil {
		t.Fatal(err)
	}
	if _, err := Stat(absent); err == nil {
		t.Fatal("go.work exists")
	}
	if _, err := ReadDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := WalkDir(sub, func(string, fs.DirEntry, error) error { return nil }); err != nil {
		t.Fatal(err)
	}
	rec.Stop()
	if _, err := ReadFile(filepath.Join(dir, "after")); err == nil {
		t.Fatal("unexpected file")
	}
	stamps := rec.Stamps()
	if len(stamps) != 4 {
		t.Fatalf("recorded %d stamps, want 4 (go.mod, go.work absent, dir listed, sub listed): %+v", len(stamps), stamps)
	}
	if p := Changed(stamps); p != "" {
		t.Fatalf("nothing changed, but Changed says %s", p)
	}
	later := time.Now().Add(time.Minute)
	for _, tc := range []struct {
		name   string
		change func() error
		undo   func() error
		want   []string // the first changed path in order is one of these
	}{
		{"file rewritten", func() error { return os.WriteFile(file, []byte("module m2\n"), 0o644) },
			func() error { return os.WriteFile(file, []byte("module m\n"), 0o644) }, []string{file}},
		{"absent file created", func() error { return os.WriteFile(absent, nil, 0o644) },
			func() error { return os.Remove(absent) }, []string{dir, absent}},
		{"entry added to a listed directory", func() error { return os.WriteFile(filepath.Join(sub, "x.go"), nil, 0o644) },
			func() error { return os.Remove(filepath.Join(sub, "x.go")) }, []string{sub}},
	} {
		if err := tc.change(); err != nil {
			t.Fatal(err)
		}
		if got := Changed(stamps); !slices.Contains(tc.want, got) {
			t.Errorf("%s: Changed = %q, want one of %q", tc.name, got, tc.want)
		}
		if err := tc.undo(); err != nil {
			t.Fatal(err)
		}
		// Undoing leaves other modification times: the stamps stay stale,
		// as they must (the content may differ). Re-record.
		for i := range stamps {
			stamps[i] = stampOf(stamps[i].Path, statOrNil(stamps[i].Path), stamps[i].Listed)
		}
	}
	// Same size, other modification time: changed.
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	if got := Changed(stamps); got != file {
		t.Errorf("touched file: Changed = %q", got)
	}
}
