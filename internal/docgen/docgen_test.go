package docgen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomodls/gomodls/analyzers"
)

// TestDocsInSync fails when the committed documentation is stale.
func TestDocsInSync(t *testing.T) {
	for name, want := range map[string][]byte{
		"diagnostics.md": Diagnostics(),
		"settings.md":    Settings(),
	} {
		got, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(bytes.TrimRight(got, "\n"), want) {
			t.Errorf("docs/%s is stale: run `go run ./internal/cmd/gendocs`", name)
		}
	}
}

// TestEveryCodeReported checks that each documented code is reported by
// some analyzer, and each analyzer documents itself.
func TestEveryCodeReported(t *testing.T) {
	reported := map[*analyzers.Code]bool{}
	for _, a := range analyzers.All() {
		if a.Doc == "" || a.Title() == "" {
			t.Errorf("analyzer %s has no Doc", a.Name)
		}
		for _, c := range a.Codes {
			reported[c] = true
		}
	}
	for _, c := range analyzers.Codes() {
		if c.Summary == "" || c.Example == "" || c.Fix == "" {
			t.Errorf("code %s lacks summary, example or fix", c.Name)
		}
		if !reported[c] {
			t.Errorf("code %s is not reported by any analyzer", c.Name)
		}
	}
}
