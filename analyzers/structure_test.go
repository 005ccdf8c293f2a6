package analyzers_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// TestAnalyzerFiles: each Analyzer lives in the file named after it.
func TestAnalyzerFiles(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	found := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, isIdent := lit.Type.(*ast.Ident); !isIdent || id.Name != "Analyzer" {
				return true
			}
			for _, e := range lit.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if k, isIdent := kv.Key.(*ast.Ident); ok && isIdent && k.Name == "Name" {
					if b, ok := kv.Value.(*ast.BasicLit); ok {
						n, _ := strconv.Unquote(b.Value)
						found[n] = name
					}
				}
			}
			return true
		})
	}
	for _, a := range analyzers.All() {
		if got := found[a.Name]; got != a.Name+".go" {
			t.Errorf("analyzer %s is defined in %q, want %s.go", a.Name, got, a.Name)
		}
	}
}

// TestAnalyzerLists: Local() holds exactly the analyzers without the
// Network flag, Network() those with it, and All() both, once each.
func TestAnalyzerLists(t *testing.T) {
	for _, a := range analyzers.Local() {
		if a.Network {
			t.Errorf("%s is in Local() but consults the network", a.Name)
		}
	}
	for _, a := range analyzers.Network() {
		if !a.Network {
			t.Errorf("%s is in Network() but has no Network flag", a.Name)
		}
	}
	seen := map[string]bool{}
	for _, a := range analyzers.All() {
		if seen[a.Name] {
			t.Errorf("%s is listed twice", a.Name)
		}
		seen[a.Name] = true
	}
}

// sharedCodes are the codes more than one analyzer reports, because part
// of their evidence is local and part comes from the network. The rule is
// documented in docs/diagnostics.md (from analyzers.SharedCodesNote):
// disabling a code turns it off everywhere; disabling an analyzer turns
// off its share only.
var sharedCodes = map[string][]string{
	"private-module-not-configured": {"private", "versions"},
	"retract-invalid":               {"retract", "retractions"},
}

// TestCodeOwners: every code is reported by some analyzer, and by one
// only unless sharedCodes lists it.
func TestCodeOwners(t *testing.T) {
	owners := map[string][]string{}
	for _, a := range analyzers.All() {
		for _, c := range a.Codes {
			owners[c.Name] = append(owners[c.Name], a.Name)
		}
	}
	for _, c := range analyzers.Codes() {
		got := owners[c.Name]
		slices.Sort(got)
		switch want := sharedCodes[c.Name]; {
		case len(got) == 0:
			t.Errorf("code %s is reported by no analyzer", c.Name)
		case want != nil && !slices.Equal(got, want):
			t.Errorf("code %s is reported by %v, want %v (update sharedCodes and the docs)", c.Name, got, want)
		case want == nil && len(got) > 1:
			t.Errorf("code %s is reported by %v: give it one owner, or document the sharing in sharedCodes", c.Name, got)
		}
	}
}

// networkExamples are codes whose documented examples need a module
// source or an environment; the network analyzer cases cover them.
var networkExamples = map[string]bool{
	"unknown-version": true, "unknown-module": true, "proxy-unreachable": true, "proxy-auth-required": true,
	"proxy-error": true, "module-not-served": true, "module-path-mismatch": true, "retracted-version": true,
	"deprecated-module": true, "upgrade-available": true, "sum-mismatch": true, "sum-unverified": true,
	"sumdb-misbehavior": true, "pseudo-version-tagged": true, "env-pattern": true, "toolchain-unavailable": true, "modcache-modified": true,
	// Their messages are those of TestCrossCheckVCS's scenarios (a real git server).
	"vcs-auth-required": true, "vcs-missing": true, "vcs-refused": true,
	// Checked by TestVulnCodeExamples, against the fixture's vulnerability database.
	"vulnerable-version": true, "vulnerable-toolchain": true, "vulndb-unavailable": true,
}

// exampleFiles are the files, beside the module's own, that an example
// needs to mean what it says (paths relative to the module directory).
var exampleFiles = map[string]map[string]string{
	"replace-dir-no-gomod":    {"../text/README": "no go.mod here\n"},
	"replace-module-mismatch": {"../mytext/go.mod": "module example.com/mytext\n"},
	"sum-missing":             {"go.sum": ""},
	"vendor-inconsistent":     {"vendor/modules.txt": "# golang.org/x/text v0.20.0\ngolang.org/x/text\n"},
	"workspace-duplicate":     {"a/go.mod": "module example.com/a\n"},
	"work-go-too-old":         {"svc/go.mod": "module example.com/svc\n\ngo 1.23\n"},
	"outside-workspace":       {"../go.work": "go 1.22\n\nuse ./other\n"},
	"replace-main-module":     {"a/go.mod": "module example.com/a\n"},
}

// exampleEnv is the environment an example needs beyond the default
// (relative paths are relative to the module directory).
var exampleEnv = map[string]map[string]string{
	"outside-workspace": {"GOWORK": "../go.work"},
}

// TestCodeExamples: the example of each code that local analyzers report
// produces that code when checked, so the documentation stays true.
func TestCodeExamples(t *testing.T) {
	for _, c := range analyzers.Codes() {
		if networkExamples[c.Name] {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			excerpt, message, _ := strings.Cut(c.Example, "\n\n")
			root := t.TempDir()
			dir := filepath.Join(root, "m")
			files := map[string]string{}
			// Leading NAME=value lines are the go env -w file.
			envExtra := map[string]string{"GOPROXY": "https://proxy.golang.org", "GOWORK": "off"}
			if vars, rest := splitEnvLines(excerpt); vars != "" {
				excerpt = rest
				envExtra["GOENV"] = filepath.Join(root, "goenv")
				if err := os.WriteFile(envExtra["GOENV"], []byte(vars), 0o644); err != nil {
					t.Fatal(err)
				}
				for _, line := range strings.Split(strings.TrimSpace(vars), "\n") {
					name, _, _ := strings.Cut(line, "=")
					envExtra[name] = "" // no test default hides the file's value
				}
			}
			switch {
			case strings.HasPrefix(message, "go.sum"):
				files["go.mod"] = "module example.com/m\n\ngo 1.22\n"
				files["go.sum"] = excerpt + "\n"
			case strings.HasPrefix(message, "go.work") && strings.HasPrefix(excerpt, "go "):
				files["go.work"] = excerpt + "\n"
			case strings.HasPrefix(message, "go.work"):
				files["go.work"] = "go 1.22\n\n" + excerpt + "\n"
			case strings.HasPrefix(excerpt, "module "):
				files["go.mod"] = excerpt + "\n"
			case strings.HasPrefix(excerpt, "go "):
				files["go.mod"] = "module example.com/m\n\n" + excerpt + "\n"
			default:
				// A replace is used only for a module that is required.
				req := ""
				if old, ok := strings.CutPrefix(excerpt, "replace "); ok {
					path, _, _ := strings.Cut(old, " ")
					req = "require " + path + " v1.0.0\n\n"
				}
				files["go.mod"] = "module example.com/m\n\ngo 1.22\n\n" + req + excerpt + "\n"
			}
			for name, text := range exampleFiles[c.Name] {
				files[name] = text
			}
			analyzerstest.WriteFiles(t, dir, files)
			contents, err := snapshot.ReadDir(nil, dir)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range exampleEnv[c.Name] {
				envExtra[k] = filepath.Join(dir, filepath.FromSlash(v))
			}
			env := analyzerstest.Env(t, envExtra)
			snap := snapshot.Build(dir, contents, env, nil, nil, nil)
			diags, _ := checker.Run(context.Background(), snap, analyzers.Local())
			for _, d := range diags {
				if d.Code == c {
					return
				}
			}
			var got []string
			for _, d := range diags {
				got = append(got, analyzerstest.Format(snap, d))
			}
			t.Errorf("the example of %s does not produce it:\n%s\ngot:\n%s", c.Name, excerpt, strings.Join(got, "\n"))
		})
	}
}

// splitEnvLines splits the leading NAME=value lines off an example.
func splitEnvLines(excerpt string) (vars, rest string) {
	lines := strings.SplitAfter(excerpt, "\n")
	i := 0
	for i < len(lines) {
		name, _, ok := strings.Cut(lines[i], "=")
		if !ok || name == "" || strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
			break
		}
		i++
	}
	vars = strings.Join(lines[:i], "")
	if vars != "" && !strings.HasSuffix(vars, "\n") {
		vars += "\n"
	}
	return vars, strings.Join(lines[i:], "")
}
