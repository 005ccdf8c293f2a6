package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gomodls/gomodls/internal/settings"
)

// schemaFacets holds what settings.Docs does not say but a JSON schema
// should: allowed values. Both the VS Code and the JetBrains schema use
// it. Keys must name documented settings (settingDefaults checks), so a
// renamed setting cannot silently lose its schema.
var schemaFacets = map[string]orderedObject{
	"upgrades": {{"enum", []string{"off", "patch", "minor", "major"}}},
	"severity": {{"additionalProperties", orderedObject{{"type", "string"}, {"enum", []string{"error", "warning", "info", "hint"}}}}},
	"env":      {{"additionalProperties", orderedObject{{"type", "string"}}}},
}

// durationPattern matches what time.ParseDuration accepts for positive
// durations (the server also accepts a number of milliseconds).
const durationPattern = `^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*$`

// settingDefaults returns the default value of each setting in the
// server's own JSON encoding (Doc.Default is for people and may
// abbreviate), with empty collections as {} and [] rather than null. It
// fails unless settings.Docs and the JSON fields of settings.Settings name
// the same settings, and schemaFacets names only settings.
func settingDefaults() (map[string]json.RawMessage, error) {
	data, err := json.Marshal(settings.Default())
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	documented := map[string]bool{}
	for _, d := range settings.Docs() {
		documented[d.Name] = true
		v, ok := m[d.Name]
		if !ok {
			return nil, fmt.Errorf("setting %s is documented but not a JSON field of settings.Settings", d.Name)
		}
		if string(v) != "null" {
			continue
		}
		switch d.Type {
		case "object":
			m[d.Name] = json.RawMessage("{}")
		case "array of strings":
			m[d.Name] = json.RawMessage("[]")
		}
	}
	for name := range m {
		if !documented[name] {
			return nil, fmt.Errorf("settings.Settings field %s is not documented in settings.Docs", name)
		}
	}
	for name := range schemaFacets {
		if !documented[name] {
			return nil, fmt.Errorf("schemaFacets names %s, which is not a setting", name)
		}
	}
	return m, nil
}

// orderedObject is a JSON object that keeps its members in order.
type orderedObject []member

type member struct {
	k string
	v any
}

// set replaces the value of k in place, or appends k.
func (o *orderedObject) set(k string, v any) {
	for i := range *o {
		if (*o)[i].k == k {
			(*o)[i].v = v
			return
		}
	}
	*o = append(*o, member{k, v})
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshal(m.k)
		if err != nil {
			return nil, err
		}
		vb, err := marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping, as JSON.stringify writes
// strings (npm rewrites package.json with it).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
