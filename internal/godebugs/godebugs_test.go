package godebugs

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestLoadLocalToolchain reads the table of the toolchain that runs the
// test and checks it against what that toolchain says about itself.
func TestLoadLocalToolchain(t *testing.T) {
	goroot := runtime.GOROOT()
	table, err := Load(goroot)
	if err != nil {
		t.Fatal(err)
	}
	if table.Len() < 20 {
		t.Errorf("only %d settings in %s", table.Len(), table.File)
	}
	// panicnil (Go 1.21) and its history.
	if s, ok := table.Lookup("panicnil"); !ok || s.Package != "runtime" || s.Changed != 21 || s.Old != "1" {
		t.Errorf("panicnil = %+v, %v", s, ok)
	}
	if _, ok := table.Lookup("nosuchsetting"); ok {
		t.Error("nosuchsetting known")
	}
	if v, ok := table.Removed("x509sha1"); !ok || v != 24 {
		t.Errorf("x509sha1 removed = %d, %v", v, ok)
	}
	again, _ := Load(goroot)
	if again != table {
		t.Error("the table was read again for the same GOROOT")
	}
}

// TestLoadFollowsTheFile: a toolchain's own table, whatever it says, and a
// new read when it changes.
func TestLoadFollowsTheFile(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "src", "internal", "godebugs", "table.go")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(text string) {
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package godebugs\n\nvar All = []Info{\n\t{Name: \"alpha\", Package: \"x\"},\n}\n")
	table, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := table.Lookup("alpha"); !ok {
		t.Error("alpha unknown")
	}
	write("package godebugs\n\nvar All = []Info{\n\t{Name: \"alpha\", Package: \"x\"},\n\t{Name: \"beta\", Package: \"y\", Changed: 30, Old: \"0\"},\n}\n\nvar Removed = []RemovedInfo{\n\t{Name: \"gamma\", Removed: 29},\n}\n")
	table, err = Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := table.Lookup("beta"); !ok || s.Changed != 30 {
		t.Errorf("beta = %+v, %v after the file changed", s, ok)
	}
	if v, ok := table.Removed("gamma"); !ok || v != 29 {
		t.Errorf("gamma removed = %d, %v", v, ok)
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("a GOROOT without the table loaded")
	}
}
