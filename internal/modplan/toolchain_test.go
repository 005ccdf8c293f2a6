package modplan_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// TestToolchain follows toolchain.Select with a local go1.26.8.
func TestToolchain(t *testing.T) {
	tests := []struct {
		name, gotoolchain, gomod, gowork string
		target, line, err                string
	}{
		{name: "local", gotoolchain: "local", gomod: "go 1.99\n"},
		{name: "auto, older go line", gotoolchain: "auto", gomod: "go 1.22\n"},
		{name: "auto, language version", gotoolchain: "auto", gomod: "go 1.99\n", target: "go1.99.0", line: "go"},
		{name: "auto, release", gotoolchain: "auto", gomod: "go 1.99.2\n", target: "go1.99.2", line: "go"},
		{name: "auto, prerelease", gotoolchain: "auto", gomod: "go 1.99rc1\n", target: "go1.99rc1", line: "go"},
		{name: "auto, toolchain line", gotoolchain: "auto", gomod: "go 1.22\n\ntoolchain go1.99.1\n", target: "go1.99.1", line: "toolchain"},
		{name: "auto, go line beats an older toolchain line", gotoolchain: "auto", gomod: "go 1.99\n\ntoolchain go1.98.0\n", target: "go1.99.0", line: "go"},
		{name: "auto, toolchain line beats the go line", gotoolchain: "auto", gomod: "go 1.99\n\ntoolchain go1.99.3\n", target: "go1.99.3", line: "toolchain"},
		{name: "auto, toolchain default", gotoolchain: "auto", gomod: "go 1.99\n\ntoolchain default\n"},
		{name: "auto, toolchain older than local", gotoolchain: "auto", gomod: "go 1.22\n\ntoolchain go1.25.0\n"},
		{name: "path", gotoolchain: "path", gomod: "go 1.99\n", target: "go1.99.0", line: "go"},
		{name: "minimum+auto", gotoolchain: "go1.27.0+auto", gomod: "go 1.22\n", target: "go1.27.0", line: "GOTOOLCHAIN"},
		{name: "minimum+auto, newer go line", gotoolchain: "go1.27.0+auto", gomod: "go 1.99\n", target: "go1.99.0", line: "go"},
		{name: "fixed version", gotoolchain: "go1.27.0", gomod: "go 1.99\n", target: "go1.27.0", line: "GOTOOLCHAIN"},
		{name: "the local version, fixed", gotoolchain: "go1.26.8", gomod: "go 1.99\n"},
		{name: "local+auto", gotoolchain: "local+auto", gomod: "go 1.99\n", target: "go1.99.0", line: "go"},
		{name: "workspace decides", gotoolchain: "auto", gomod: "go 1.22\n", gowork: "go 1.99.1\n\nuse .\n", target: "go1.99.1", line: "go"},
		{name: "bad suffix", gotoolchain: "go1.22+sometimes", gomod: "go 1.22\n", err: `invalid GOTOOLCHAIN "go1.22+sometimes": only version suffixes are +auto and +path`},
		{name: "bad minimum", gotoolchain: "bogus+auto", gomod: "go 1.22\n", err: `invalid GOTOOLCHAIN "bogus+auto": invalid minimum toolchain "bogus"`},
		{name: "bad name", gotoolchain: "bogus", gomod: "go 1.22\n", err: `invalid GOTOOLCHAIN "bogus"`},
		{name: "bad toolchain line", gotoolchain: "auto", gomod: "go 1.22\n\ntoolchain go1.x\n", err: `invalid toolchain "go1.x" in go.mod`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"go.mod": "module example.com/m\n\n" + tc.gomod}
			if tc.gowork != "" {
				files["go.work"] = tc.gowork
			}
			snap := build(t, dir, files, map[string]string{"GOTOOLCHAIN": tc.gotoolchain})
			got := modplan.Of(snap).Toolchain()
			gotErr := ""
			if got.Err != nil {
				gotErr = got.Err.Error()
			}
			if got.Target != tc.target || got.Line != tc.line || gotErr != tc.err {
				t.Errorf("Toolchain = target %q line %q err %q; want %q %q %q", got.Target, got.Line, gotErr, tc.target, tc.line, tc.err)
			}
		})
	}
}

// TestToolchainFound: the go command runs a toolchain from PATH (an
// executable only) or the module cache before it downloads one.
func TestToolchainFound(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	cache := filepath.Join(dir, "modcache")
	for _, d := range []string{bin, filepath.Join(cache, "golang.org", "toolchain@"+modplan.ModuleVersion("go1.99.1"))} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "go1.99.0"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "go1.99.2"), []byte("not executable\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	snap := build(t, filepath.Join(dir, "m"), map[string]string{"go.mod": "module example.com/m\n"}, map[string]string{"PATH": bin, "GOMODCACHE": cache})
	plan := modplan.Of(snap)
	if plan.OnPath("go1.99.0") == "" || plan.OnPath("go1.99.2") != "" || plan.OnPath("go1.99.1") != "" {
		t.Errorf("OnPath: go1.99.0 %q, go1.99.2 %q, go1.99.1 %q", plan.OnPath("go1.99.0"), plan.OnPath("go1.99.2"), plan.OnPath("go1.99.1"))
	}
	if !plan.ToolchainCached("go1.99.1") || plan.ToolchainCached("go1.99.0") {
		t.Errorf("ToolchainCached: go1.99.1 %v, go1.99.0 %v", plan.ToolchainCached("go1.99.1"), plan.ToolchainCached("go1.99.0"))
	}
}

func build(t *testing.T, dir string, files, env map[string]string) *snapshot.Snapshot {
	t.Helper()
	analyzerstest.WriteFiles(t, dir, files)
	contents, err := snapshot.ReadDir(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot.Build(dir, contents, analyzerstest.Env(t, env), nil, nil, nil)
}
