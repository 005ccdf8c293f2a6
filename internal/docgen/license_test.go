// Copyright 2026 The gomodls Authors.

package docgen

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// editorPackages are the editor integrations users install or copy on
// their own; each ships the license with it.
var editorPackages = []string{"vscode", "nvim", "jetbrains", "emacs"}

// TestEditorLicenses checks that each editor package carries an exact copy
// of the repository's LICENSE, that the VS Code extension declares it and
// puts it into the .vsix, and that no packaging step skips it.
func TestEditorLicenses(t *testing.T) {
	root := filepath.Join("..", "..")
	want, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(want, []byte("Copyright 2026 The gomodls Authors.\n")) || !bytes.Contains(want, []byte("Neither the name of the copyright holder")) {
		t.Errorf("LICENSE is not the BSD-3-Clause text with the gomodls copyright line")
	}
	for _, ed := range editorPackages {
		got, err := os.ReadFile(filepath.Join(root, "editors", ed, "LICENSE"))
		if err != nil {
			t.Errorf("editors/%s: %v (copy the repository's LICENSE there)", ed, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("editors/%s/LICENSE differs from LICENSE: copy it again", ed)
		}
	}

	raw, err := os.ReadFile(vscodePackage)
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		License string            `json:"license"`
		Scripts map[string]string `json:"scripts"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.License != "BSD-3-Clause" {
		t.Errorf("editors/vscode/package.json: license is %q, want BSD-3-Clause", pkg.License)
	}
	for name, script := range pkg.Scripts {
		if strings.Contains(script, "--skip-license") {
			t.Errorf("editors/vscode/package.json: script %q packages without the license", name)
		}
	}
	ignore, err := os.ReadFile(filepath.Join(root, "editors", "vscode", ".vscodeignore"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains("\n"+string(ignore)+"\n", "\n!LICENSE\n") {
		t.Errorf("editors/vscode/.vscodeignore does not let LICENSE into the .vsix")
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "editors.d", "vscode.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(ci), "\n") {
		if strings.Contains(line, "vsce") && strings.Contains(line, "package") && strings.Contains(line, "gomodls-linux-x64.vsix") && strings.Contains(line, "--skip-license") {
			t.Errorf(".ci/editors.d/vscode.sh packages the extension with --skip-license: %s", strings.TrimSpace(line))
		}
	}
}
