package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gomodls/gomodls/internal/settings"
)

// VSCodePackageJSON returns the VS Code extension manifest pkg
// (editors/vscode/package.json) with its contributes.configuration
// replaced by the one generated from settings.Docs, plus the settings only
// the extension reads (gomodls.server.path, gomodls.trace.server). The rest
// of the file is kept byte for byte.
func VSCodePackageJSON(pkg []byte) ([]byte, error) {
	conf, err := vscodeConfiguration()
	if err != nil {
		return nil, err
	}
	// package.json is indented with two spaces and configuration sits two
	// levels deep, as npm writes it.
	var b bytes.Buffer
	if err := json.Indent(&b, conf, "    ", "  "); err != nil {
		return nil, err
	}
	return replaceMember(pkg, "contributes", "configuration", b.Bytes())
}

// vscodeConfiguration renders the "configuration" contribution.
func vscodeConfiguration() ([]byte, error) {
	defaults, err := settingDefaults()
	if err != nil {
		return nil, err
	}
	props := orderedObject{}
	docs := settings.Docs()
	for i, d := range docs {
		def := defaults[d.Name]
		p := orderedObject{}
		switch d.Type {
		case "boolean":
			var v bool
			if err := json.Unmarshal(def, &v); err != nil {
				return nil, fmt.Errorf("setting %s: default %s is not a boolean", d.Name, def)
			}
			p.set("type", "boolean")
			p.set("default", v)
		case "integer":
			var v int
			if err := json.Unmarshal(def, &v); err != nil {
				return nil, fmt.Errorf("setting %s: default %s is not an integer", d.Name, def)
			}
			p.set("type", "integer")
			p.set("default", v)
			p.set("minimum", 1)
		case "string", "duration":
			var v string
			if err := json.Unmarshal(def, &v); err != nil {
				return nil, fmt.Errorf("setting %s: default %s is not a string", d.Name, def)
			}
			p.set("type", "string")
			p.set("default", v)
			if d.Type == "duration" {
				p.set("pattern", durationPattern)
				p.set("patternErrorMessage", "A Go duration such as 500ms, 10s or 1h30m.")
			}
		case "object":
			v := map[string]string{}
			if err := json.Unmarshal(def, &v); err != nil {
				return nil, fmt.Errorf("setting %s: default %s is not an object of strings", d.Name, def)
			}
			p.set("type", "object")
			p.set("default", v)
			p.set("additionalProperties", map[string]any{"type": "string"})
		case "array of strings":
			var v []string
			if err := json.Unmarshal(def, &v); err != nil {
				return nil, fmt.Errorf("setting %s: default %s is not an array of strings", d.Name, def)
			}
			p.set("type", "array")
			p.set("items", map[string]any{"type": "string"})
			p.set("uniqueItems", true)
			p.set("default", v)
		default:
			return nil, fmt.Errorf("setting %s: no JSON schema for type %q", d.Name, d.Type)
		}
		for _, f := range schemaFacets[d.Name] {
			p.set(f.k, f.v)
		}
		p.set("markdownDescription", d.Doc)
		// Per folder: the server asks for the section per workspace folder.
		p.set("scope", "resource")
		p.set("order", i)
		props.set("gomodls."+d.Name, p)
	}
	// Settings of the extension itself, after the server's. The server
	// never sees them (the extension strips them from the section).
	path := orderedObject{}
	path.set("type", "string")
	path.set("default", "")
	path.set("markdownDescription", "Path of the `gomodls` binary. Empty: the binary bundled with the extension, then `gomodls` in PATH, GOBIN or GOPATH/bin. `~`, `${userHome}` and `${env:NAME}` are expanded. User settings only, so that a repository cannot choose a program to run.")
	path.set("scope", "machine")
	path.set("order", len(docs))
	props.set("gomodls.server.path", path)
	trace := orderedObject{}
	trace.set("type", "string")
	trace.set("enum", []string{"off", "messages", "verbose"})
	trace.set("default", "off")
	trace.set("markdownDescription", "Log the messages between VS Code and the language server in the gomodls output channel.")
	trace.set("scope", "window")
	trace.set("order", len(docs)+1)
	props.set("gomodls.trace.server", trace)

	conf := orderedObject{}
	conf.set("title", "gomodls")
	conf.set("properties", props)
	return marshal(conf)
}

// replaceMember replaces the value of data.outer.inner (data being a JSON
// object) with value, keeping every other byte.
func replaceMember(data []byte, outer, inner string, value []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	where := "" // the object being searched, for errors
	for _, name := range []string{outer, inner} {
		if err := expectDelim(dec, '{'); err != nil {
			return nil, fmt.Errorf("%s%w", where, err)
		}
		for {
			if !dec.More() {
				return nil, fmt.Errorf("%sno %q member", where, name)
			}
			key, err := dec.Token()
			if err != nil {
				return nil, err
			}
			if key == name {
				break
			}
			if err := skipValue(dec); err != nil {
				return nil, err
			}
		}
		where += name + ": "
	}
	start, err := afterColon(data, int(dec.InputOffset()))
	if err != nil {
		return nil, err
	}
	if err := skipValue(dec); err != nil {
		return nil, err
	}
	end := int(dec.InputOffset())
	out := append([]byte(nil), data[:start]...)
	out = append(out, value...)
	return append(out, data[end:]...), nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("want %v, found %v at offset %d", d, t, dec.InputOffset())
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// afterColon returns the offset of the value that follows the key ending
// at off.
func afterColon(data []byte, off int) (int, error) {
	colon := false
	for i := off; i < len(data); i++ {
		switch c := data[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c == ':' && !colon:
			colon = true
		case colon:
			return i, nil
		default:
			return 0, fmt.Errorf("unexpected %q at offset %d", c, i)
		}
	}
	return 0, fmt.Errorf("unexpected end of JSON after offset %d", off)
}
