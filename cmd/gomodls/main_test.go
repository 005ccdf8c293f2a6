package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// hermeticEnv makes the CLI see a fixed Go environment and no network:
// GOPROXY=off, with a module cache (testdata/modcache) that holds what the
// clean module requires, as the go command would need.
func hermeticEnv(t *testing.T) {
	home := lsptest.LooseDir(t)
	modcache, err := filepath.Abs("testdata/modcache")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"HOME": home, "GOENV": "off", "GOPROXY": "off", "GOFLAGS": "", "GOTOOLCHAIN": "local",
		"GOPRIVATE": "", "GONOPROXY": "", "GONOSUMDB": "", "GOPATH": filepath.Join(home, "go"), "GOMODCACHE": modcache,
		"XDG_CACHE_HOME": lsptest.LooseDir(t), "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GOCACHE": "off",
		"GOVULNDB": proxytest.VulnDBFileURL(t, nil), // an empty one: no vuln.go.dev, no findings
	} {
		t.Setenv(k, v)
	}
}

func TestCheckGolden(t *testing.T) {
	hermeticEnv(t)
	wd, _ := os.Getwd()
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{"text", []string{"check", "-network=false", "testdata/check/..."}, 1, "testdata/golden/check.txt"},
		{"json", []string{"check", "-network=false", "-format", "json", "testdata/check/broken"}, 1, "testdata/golden/check.json"},
		{"sarif", []string{"check", "-network=false", "-format", "sarif", "testdata/check/broken"}, 1, "testdata/golden/check.sarif"},
		{"clean", []string{"check", "-network=false", "testdata/check/clean/go.mod"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, nil, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			got := strings.ReplaceAll(stdout.String(), wd, "$DIR")
			if tc.golden == "" {
				if got != "" {
					t.Errorf("unexpected output:\n%s", got)
				}
				return
			}
			if *update {
				os.MkdirAll(filepath.Dir(tc.golden), 0o755)
				if err := os.WriteFile(tc.golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(tc.golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (run with -update to accept):\n%s", tc.golden, got)
			}
			if tc.name != "text" && !json.Valid([]byte(got)) {
				t.Errorf("%s output is not valid JSON", tc.name)
			}
		})
	}
}

func TestCheckUsageErrors(t *testing.T) {
	hermeticEnv(t)
	for _, args := range [][]string{
		{"check", "-format", "xml", "."},
		{"check", "-network=false", t.TempDir()},
		{"frobnicate"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit code %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("%v: no error message", args)
		}
	}
}

func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	if code := run([]string{"version"}, nil, &stdout, &stdout); code != 0 || !strings.HasPrefix(stdout.String(), "gomodls ") || !strings.Contains(stdout.String(), "built with go") {
		t.Errorf("version: %d %q", code, stdout.String())
	}
}

// TestCheckNetwork runs the CLI against the fixture proxy: the same
// network analyzers as the language server.
func TestCheckNetwork(t *testing.T) {
	hermeticEnv(t)
	srv := proxytest.New(t)
	t.Setenv("GOPROXY", srv.URL)
	t.Setenv("GOSUMDB", "off")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.9.9\n\texample.com/deprecated v1.1.0\n)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"check", dir}, nil, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code %d; stderr: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"go.mod:6:20: error: example.com/basic@v1.9.9: version does not exist",
		"[unknown-version]",
		"go.mod:7:2: warning: example.com/deprecated is deprecated: use example.com/new instead. [deprecated-module]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
