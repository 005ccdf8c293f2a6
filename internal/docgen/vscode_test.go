package docgen

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/settings"
)

var updateVSCode = flag.Bool("update-vscode", false, "rewrite contributes.configuration of editors/vscode/package.json")

var vscodePackage = filepath.Join("..", "..", "editors", "vscode", "package.json")

// TestVSCodePackageJSONInSync fails when the extension's settings schema
// differs from internal/settings.
func TestVSCodePackageJSONInSync(t *testing.T) {
	got, err := os.ReadFile(vscodePackage)
	if err != nil {
		t.Fatal(err)
	}
	want, err := VSCodePackageJSON(got)
	if err != nil {
		t.Fatalf("%s: %v", vscodePackage, err)
	}
	if bytes.Equal(got, want) {
		return
	}
	if *updateVSCode {
		if err := os.WriteFile(vscodePackage, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("editors/vscode/package.json contributes.configuration is stale: run `go run ./internal/cmd/gendocs`")
}

// TestVSCodeDefaults decodes the schema's defaults with the server's own
// decoder: they must be accepted and equal settings.Default().
func TestVSCodeDefaults(t *testing.T) {
	conf, err := vscodeConfiguration()
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Properties map[string]struct {
			Type    string `json:"type"`
			Default any    `json:"default"`
			Pattern string `json:"pattern"`
			Scope   string `json:"scope"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(conf, &c); err != nil {
		t.Fatal(err)
	}
	defaults := map[string]any{}
	for _, d := range settings.Docs() {
		p, ok := c.Properties["gomodls."+d.Name]
		if !ok {
			t.Errorf("gomodls.%s missing from the VS Code configuration", d.Name)
			continue
		}
		if p.Scope != "resource" {
			t.Errorf("gomodls.%s: scope %q, want resource (the server reads settings per folder)", d.Name, p.Scope)
		}
		defaults[d.Name] = p.Default
		if p.Pattern != "" {
			if !regexp.MustCompile(p.Pattern).MatchString(p.Default.(string)) {
				t.Errorf("gomodls.%s: default %q does not match its pattern", d.Name, p.Default)
			}
		}
	}
	raw, _ := json.Marshal(defaults)
	got, problems := settings.Decode(settings.Default(), raw)
	if len(problems) > 0 {
		t.Errorf("the server rejects the VS Code defaults: %v", problems)
	}
	// Compare in JSON, where a nil and an empty collection both mean
	// "none" to the server.
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(settings.Default())
	norm := strings.NewReplacer("null", "[]", "{}", "[]")
	if norm.Replace(string(gotJSON)) != norm.Replace(string(wantJSON)) {
		t.Errorf("VS Code defaults decode to\n%s\nwant\n%s", gotJSON, wantJSON)
	}
	for _, k := range []string{"gomodls.server.path", "gomodls.trace.server"} {
		if _, ok := c.Properties[k]; !ok {
			t.Errorf("%s missing", k)
		}
	}
	if s := c.Properties["gomodls.server.path"].Scope; s != "machine" {
		t.Errorf("gomodls.server.path scope %q: a workspace must not choose the program to run", s)
	}
}

func TestVSCodeSchemaNamesDocumented(t *testing.T) {
	known := map[string]bool{}
	for _, d := range settings.Docs() {
		known[d.Name] = true
	}
	for name := range schemaFacets {
		if !known[name] {
			t.Errorf("schemaFacets has %q, which is not a documented setting", name)
		}
	}
}

// TestDurationPattern checks the schema's pattern against time.ParseDuration.
func TestDurationPattern(t *testing.T) {
	re := regexp.MustCompile(durationPattern)
	for _, s := range []string{"10s", "500ms", "1h30m", "1.5s", ".5s", "1h0m0s", "3µs", "3us", "7ns", "0s", "10s ", " 10s", "10", "s", "-1s", "1d", "1.s", "", "10S", "1h 30m"} {
		_, err := time.ParseDuration(s)
		valid := err == nil && s != "" && s[0] != '-' && s[0] != '+'
		if got := re.MatchString(s); got != valid {
			t.Errorf("pattern matches %q = %v, time.ParseDuration says valid=%v", s, got, valid)
		}
	}
}

func TestReplaceMember(t *testing.T) {
	in := `{
  "name": "x",
  "contributes": {
    "languages": [{"id": "configuration"}],
    "configuration" :  {"old": [1, {"a": "}"}]},
    "after": 1
  },
  "configuration": "top level, untouched"
}`
	got, err := replaceMember([]byte(in), "contributes", "configuration", []byte(`{"new": true}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "name": "x",
  "contributes": {
    "languages": [{"id": "configuration"}],
    "configuration" :  {"new": true},
    "after": 1
  },
  "configuration": "top level, untouched"
}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{`{}`, `[]`, `{"contributes": {}}`, `{"contributes": []}`, `{"contributes": {"configuration"`, ``} {
		if _, err := replaceMember([]byte(bad), "contributes", "configuration", []byte(`1`)); err == nil {
			t.Errorf("replaceMember(%q) succeeded", bad)
		}
	}
}

// FuzzReplaceMember: on valid JSON, a replaced member reads back as the
// new value and the result stays valid JSON.
func FuzzReplaceMember(f *testing.F) {
	f.Add(`{"contributes": {"configuration": {}}}`)
	f.Add(`{"a": [1,2], "contributes": {"x": "y", "configuration": [true]}}`)
	f.Add(`{"contributes" : { "configuration" : null } }`)
	f.Fuzz(func(t *testing.T, in string) {
		out, err := replaceMember([]byte(in), "contributes", "configuration", []byte(`{"v": 42}`))
		if err != nil || !json.Valid([]byte(in)) {
			return
		}
		var v struct {
			Contributes struct {
				Configuration json.RawMessage `json:"configuration"`
			} `json:"contributes"`
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON after replacement: %q -> %q", in, out)
		}
		if err := json.Unmarshal(out, &v); err != nil {
			// Duplicate or differently typed members may not decode into v.
			return
		}
		var got map[string]int
		if json.Unmarshal(v.Contributes.Configuration, &got) == nil && got["v"] != 42 {
			t.Fatalf("%q -> %q: configuration is %s", in, out, v.Contributes.Configuration)
		}
	})
}
