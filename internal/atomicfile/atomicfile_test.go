package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a", "b", "c.json")
	for _, data := range []string{"first", "second"} {
		if err := Write(file, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(file); string(got) != data {
			t.Errorf("got %q, want %q", got, data)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWritePermissions(t *testing.T) {
	dir := t.TempDir()
	mode := func(file string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	// A new file gets perm, whatever os.CreateTemp made.
	file := filepath.Join(dir, "go.sum")
	if err := Write(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m := mode(file); m != 0o644 {
		t.Errorf("new file mode %v, want 0644", m)
	}
	// An existing file keeps its own.
	if err := os.Chmod(file, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(file, []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m := mode(file); m != 0o640 {
		t.Errorf("rewritten file mode %v, want 0640 kept", m)
	}
}
