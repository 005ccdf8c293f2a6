package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a", "b", "c.json")
	for _, data := range []string{"first", "second"} {
		if err := Write(file, []byte(data)); err != nil {
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
