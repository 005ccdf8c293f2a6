// Command gendocs rewrites the generated documentation (docs/diagnostics.md
// and docs/settings.md). Run it from the repository root:
//
//	go run ./internal/cmd/gendocs
package main

import (
	"log"
	"os"

	"github.com/gomodls/gomodls/internal/docgen"
)

func main() {
	for name, data := range map[string][]byte{
		"docs/diagnostics.md": docgen.Diagnostics(),
		"docs/settings.md":    docgen.Settings(),
	} {
		if err := os.WriteFile(name, append(data, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
