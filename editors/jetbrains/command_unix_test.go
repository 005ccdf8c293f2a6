//go:build unix

package jetbrains

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubHome makes a home directory whose go/bin/gomodls (where go install
// puts it by default) records its arguments, and a PATH without it, as
// an IDE started from a desktop launcher has.
func stubHome(t *testing.T) (home string, env []string) {
	t.Helper()
	home = t.TempDir()
	bin := filepath.Join(home, "go", "bin")
	if err := os.MkdirAll(bin, 0o777); err != nil {
		t.Fatal(err)
	}
	stub := "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$HOME/args\"\n"
	if err := os.WriteFile(filepath.Join(bin, "gomodls"), []byte(stub), 0o777); err != nil {
		t.Fatal(err)
	}
	return home, []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
}

func runStub(t *testing.T, what string, args []string, home string, env []string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.Dir = home
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %q: %v\n%s", what, args, err, out)
	}
	got, err := os.ReadFile(filepath.Join(home, "args"))
	if err != nil {
		t.Fatalf("%s %q did not run $USER_HOME$/go/bin/gomodls: %v", what, args, err)
	}
	return strings.TrimSpace(string(got))
}

// TestDefaultCommandFindsGoBin runs template.json's default command line
// and the installer's check, expanded and split as LSP4IJ does, and
// checks they reach gomodls in ~/go/bin with the right arguments. The
// Neovim end-to-end test runs the same command line against the real
// server (.ci/editors.d/jetbrains.sh).
func TestDefaultCommandFindsGoBin(t *testing.T) {
	var tmpl template
	readJSON(t, "template.json", &tmpl)
	home, env := stubHome(t)
	args := lsp4ijSplit(expandMacros(tmpl.ProgramArgs["default"], home, home))
	if got := runStub(t, "programArgs", args, home, env); got != "serve" {
		t.Errorf("programArgs ran gomodls with %q, want serve", got)
	}

	var inst struct {
		Check struct {
			Exec struct {
				Command map[string][]string `json:"command"`
			} `json:"exec"`
		} `json:"check"`
	}
	data, err := os.ReadFile("installer.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &inst); err != nil {
		t.Fatal(err)
	}
	check := inst.Check.Exec.Command["default"]
	if len(check) == 0 {
		t.Fatal("installer check has no default command array")
	}
	// LSP4IJ expands macros in each argument of an exec task.
	for i := range check {
		check[i] = expandMacros(check[i], home, home)
	}
	os.Remove(filepath.Join(home, "args"))
	if got := runStub(t, "installer check", check, home, env); got != "version" {
		t.Errorf("installer check ran gomodls with %q, want version", got)
	}
}
