// Package jetbrains holds gomodls' LSP4IJ template for JetBrains IDEs
// (template.json, installer.json, settings.json, ...; see README.md) and
// the tests that keep it consistent with the server: settings.schema.json
// is generated from package internal/settings (go run
// ./internal/cmd/gendocs), settings.json must decode to the server's
// defaults, the file name mappings must be
// the files the server reads, and the installer must install this module's
// command. The JSON Schemas in schema/ are checked with ajv by
// .ci/editors.d/jetbrains.sh. The package has no Go API.
package jetbrains
