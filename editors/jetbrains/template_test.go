package jetbrains

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/docgen"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// lsp4ijSplit splits a command line as LSP4IJ's CommandUtils.createCommands
// does for programArgs and configureServer: on spaces, with a double quote
// toggling quoting and being dropped; no escapes.
func lsp4ijSplit(line string) []string {
	var args []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if a := strings.TrimSpace(cur.String()); a != "" {
			args = append(args, a)
		}
		cur.Reset()
	}
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ' ' && !quoted:
			flush()
		default:
			cur.WriteRune(c)
		}
	}
	flush()
	return args
}

// expandMacros expands the IntelliJ path macros the template uses, as
// ProgramParametersUtil.expandPathAndMacros would.
func expandMacros(s, home, project string) string {
	return strings.NewReplacer("$USER_HOME$", home, "$PROJECT_DIR$", project).Replace(s)
}

func TestLSP4IJSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"gomodls serve", []string{"gomodls", "serve"}},
		{"  gomodls   serve ", []string{"gomodls", "serve"}},
		{`sh -c "PATH=$PATH:/h/go/bin exec gomodls serve"`, []string{"sh", "-c", "PATH=$PATH:/h/go/bin exec gomodls serve"}},
		{`a"b c"d e`, []string{"ab cd", "e"}},
		{`""`, nil},
	} {
		if got := lsp4ijSplit(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("lsp4ijSplit(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// template mirrors the template.json keys LSP4IJ reads that gomodls uses.
type template struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	URL              string            `json:"url"`
	ProgramArgs      map[string]string `json:"programArgs"`
	FileTypeMappings []struct {
		FileType struct {
			Name     string   `json:"name"`
			Patterns []string `json:"patterns"`
		} `json:"fileType"`
		LanguageID string `json:"languageId"`
	} `json:"fileTypeMappings"`
}

// The language ids VS Code (vscode-go) uses; the server does not depend
// on them but other tools reading the same documents may.
var languageIDs = map[snapshot.FileKind]string{
	snapshot.GoMod:     "go.mod",
	snapshot.GoSum:     "go.sum",
	snapshot.GoWork:    "go.work",
	snapshot.GoWorkSum: "go.sum",
}

func TestTemplateMappings(t *testing.T) {
	var tmpl template
	readJSON(t, "template.json", &tmpl)
	if tmpl.ID != "gomodls" {
		t.Errorf("id = %q, want gomodls", tmpl.ID)
	}
	seen := map[snapshot.FileKind]bool{}
	for _, m := range tmpl.FileTypeMappings {
		if m.FileType.Name != "" {
			// A file type name LSP4IJ does not find is dropped silently;
			// names differ between IDEs, so the template maps patterns only.
			t.Errorf("mapping %q uses file type name %q; use patterns", m.LanguageID, m.FileType.Name)
		}
		for _, p := range m.FileType.Patterns {
			kind, ok := snapshot.KindOf(p)
			if !ok {
				t.Errorf("pattern %q is not a file the server reads", p)
				continue
			}
			if seen[kind] {
				t.Errorf("pattern %q mapped twice", p)
			}
			seen[kind] = true
			if want := languageIDs[kind]; m.LanguageID != want {
				t.Errorf("pattern %q has languageId %q, want %q", p, m.LanguageID, want)
			}
		}
	}
	for _, name := range []string{"go.mod", "go.sum", "go.work", "go.work.sum"} {
		if kind, _ := snapshot.KindOf(name); !seen[kind] {
			t.Errorf("no mapping for %s", name)
		}
	}
	if got := lsp4ijSplit(tmpl.ProgramArgs["windows"]); !slices.Equal(got, []string{"gomodls.exe", "serve"}) {
		t.Errorf("windows command line %q splits into %q", tmpl.ProgramArgs["windows"], got)
	}
	if _, ok := tmpl.ProgramArgs["default"]; !ok {
		t.Error("programArgs has no default")
	}
}

// tasks walks an installer task tree, calling f on each task's type and
// body, and fails on objects that are not exactly one known task.
func tasks(t *testing.T, where string, v any, f func(where, typ string, body map[string]any)) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != 1 {
		// LSP4IJ reads the first key only and ignores the rest.
		t.Errorf("%s: a task must be an object with one key, got %v", where, v)
		return
	}
	for typ, b := range obj {
		body, ok := b.(map[string]any)
		if !ok {
			t.Errorf("%s.%s: not an object", where, typ)
			return
		}
		switch typ {
		case "exec", "configureServer", "showMessage", "download":
		default:
			t.Errorf("%s: unknown task type %q", where, typ)
		}
		f(where+"."+typ, typ, body)
		for _, next := range []string{"onSuccess", "onFail"} {
			if n, ok := body[next]; ok {
				tasks(t, where+"."+typ+"."+next, n, f)
			}
		}
		if acts, ok := body["actions"].([]any); ok {
			for i, a := range acts {
				tasks(t, fmt.Sprintf("%s.%s.actions[%d]", where, typ, i), a, f)
			}
		}
	}
}

func TestInstaller(t *testing.T) {
	var inst map[string]any
	readJSON(t, "installer.json", &inst)
	var tmpl template
	readJSON(t, "template.json", &tmpl)

	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	wantInstall := "go install " + modfile.ModulePath(gomod) + "/cmd/gomodls@latest"
	if _, err := os.Stat("../../cmd/gomodls/main.go"); err != nil {
		t.Errorf("the installer installs cmd/gomodls: %v", err)
	}

	var installs, configures int
	visit := func(where, typ string, body map[string]any) {
		switch typ {
		case "exec":
			if s, ok := body["command"].(string); ok && s == wantInstall {
				installs++
				if body["ignoreStderr"] != true {
					// go install reports downloads on stderr, which LSP4IJ
					// otherwise counts as a failure.
					t.Errorf("%s: %q needs ignoreStderr", where, s)
				}
			}
		case "configureServer":
			configures++
			cmd, _ := body["command"].(map[string]any)
			got := map[string]string{}
			for k, v := range cmd {
				got[k], _ = v.(string)
			}
			if !reflect.DeepEqual(got, tmpl.ProgramArgs) {
				t.Errorf("%s: command %q differs from template.json programArgs %q", where, got, tmpl.ProgramArgs)
			}
		}
	}
	for _, k := range []string{"check", "run"} {
		if v, ok := inst[k]; ok {
			tasks(t, k, v, visit)
		} else {
			t.Errorf("installer has no %s task", k)
		}
	}
	if installs != 1 || configures != 1 {
		t.Errorf("want one %q task and one configureServer task, got %d and %d", wantInstall, installs, configures)
	}
}

func TestGeneratedSettings(t *testing.T) {
	for _, f := range []struct {
		name string
		gen  func() ([]byte, error)
	}{
		{"settings.schema.json", docgen.JetBrainsSettingsSchema},
	} {
		want, err := f.gen()
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		got, err := os.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with internal/settings; run: go run ./internal/cmd/gendocs", f.name)
		}
	}
}

// TestServerAcceptsSettings decodes settings.json and
// initializationOptions.json as the server does: no problems, and the
// template's settings are the server's defaults (settings.json only
// overrides what users change, so later defaults reach them).
func TestServerAcceptsSettings(t *testing.T) {
	var set map[string]json.RawMessage
	readJSON(t, "settings.json", &set)
	got, problems := settings.Decode(settings.Default(), set["gomodls"])
	if len(problems) > 0 {
		t.Errorf("settings.json: %q", problems)
	}
	want := settings.Default()
	// settings.json spells empty collections out; the defaults leave them nil.
	normalize := func(s *settings.Settings) {
		if len(s.Env) == 0 {
			s.Env = nil
		}
		if len(s.Severity) == 0 {
			s.Severity = nil
		}
		if len(s.Disable) == 0 {
			s.Disable = nil
		}
	}
	normalize(got)
	normalize(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings.json decodes to\n%+v\nwant the defaults\n%+v", got, want)
	}

	init, err := os.ReadFile("initializationOptions.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, problems := settings.Decode(settings.Default(), init); len(problems) > 0 {
		t.Errorf("initializationOptions.json: %q", problems)
	}
}

func TestReadmeNamesFiles(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !bytes.Contains(readme, []byte(f)) {
			t.Errorf("README.md does not mention %s", f)
		}
	}
}
