// Command gendocs rewrites the generated documentation (docs/diagnostics.md
// and docs/settings.md) and the VS Code extension's settings schema. Run it from the repository root:
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
	// The VS Code extension's settings schema mirrors the server's settings.
	const pkgJSON = "editors/vscode/package.json"
	pkg, err := os.ReadFile(pkgJSON)
	if err != nil {
		log.Fatal(err)
	}
	out, err := docgen.VSCodePackageJSON(pkg)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(pkgJSON, out, 0o644); err != nil {
		log.Fatal(err)
	}
}
