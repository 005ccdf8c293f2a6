package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gomodls/gomodls/internal/settings"
)

// JetBrainsSettingsSchema returns editors/jetbrains/settings.schema.json,
// which LSP4IJ uses to validate and complete settings.json in the IDE.
func JetBrainsSettingsSchema() ([]byte, error) {
	def, err := settingDefaults()
	if err != nil {
		return nil, err
	}
	var props orderedObject
	for _, d := range settings.Docs() {
		p := orderedObject{}
		switch d.Type {
		case "boolean", "string", "object":
			p = append(p, member{"type", d.Type})
		case "integer":
			p = append(p, member{"type", "integer"}, member{"minimum", 1})
		case "duration":
			p = append(p, member{"type", "string"}, member{"pattern", durationPattern})
		case "array of strings":
			p = append(p, member{"type", "array"}, member{"items", orderedObject{{"type", "string"}}})
		default:
			return nil, fmt.Errorf("setting %s: no JSON schema for type %q", d.Name, d.Type)
		}
		p = append(p, schemaFacets[d.Name]...)
		p = append(p, member{"default", def[d.Name]}, member{"description", d.Doc})
		props = append(props, member{d.Name, p})
	}
	data, err := marshal(orderedObject{
		{"$schema", "http://json-schema.org/draft-07/schema#"},
		{"$id", "https://github.com/gomodls/gomodls/editors/jetbrains/settings.schema.json"},
		{"title", "gomodls settings"},
		{"description", "Generated from package internal/settings by go run ./internal/cmd/gendocs. See docs/settings.md."},
		{"type", "object"},
		{"additionalProperties", false},
		{"properties", orderedObject{{"gomodls", orderedObject{
			{"type", "object"},
			{"additionalProperties", false},
			{"properties", props},
		}}}},
	})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
