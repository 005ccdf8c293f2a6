// Command gendocs rewrites every generated file: the documentation
// (docs/diagnostics.md and docs/settings.md) and the editors' settings
// schemas (the VS Code extension's package.json, the JetBrains template's
// settings.schema.json). Tests fail when any of them is stale. Run it from
// the repository root:
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
	schema, err := docgen.JetBrainsSettingsSchema()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("editors/jetbrains/settings.schema.json", schema, 0o644); err != nil {
		log.Fatal(err)
	}
}
