// Copyright 2026 The gomodls Authors.

package goenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSelectToolchain(t *testing.T) {
	// GOVERSION comes from $GOROOT/VERSION when the go command is not run.
	goroot := t.TempDir()
	if err := os.WriteFile(filepath.Join(goroot, "VERSION"), []byte("go1.24.2\ntime 2026-01-01T00:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		gotoolchain, goproxy string
		goLine, tcLine       string
		want                 Toolchain
		ok                   bool
	}{
		{"local", "", "1.26.1", "", Toolchain{Name: "go1.24.2", Why: "the local toolchain"}, true},
		{"", "", "1.22", "", Toolchain{Name: "go1.24.2", Why: "the local toolchain", CanSwitch: true}, true},
		{"auto", "", "1.25", "", Toolchain{Name: "go1.25.0", Why: "required by the go line", CanSwitch: true}, true},
		{"auto", "", "1.20", "go1.24.5", Toolchain{Name: "go1.24.5", Why: "named by the toolchain line", FromToolchainLine: true, CanSwitch: true}, true},
		{"auto", "", "1.25.3", "go1.25.1", Toolchain{Name: "go1.25.3", Why: "required by the go line", CanSwitch: true}, true},
		{"auto", "", "1.22", "default", Toolchain{Name: "go1.24.2", Why: "the local toolchain", CanSwitch: true}, true},
		{"auto", "off", "1.22", "", Toolchain{Name: "go1.24.2", Why: "the local toolchain"}, true},
		{"path", "", "1.26.0", "", Toolchain{Name: "go1.26.0", Why: "required by the go line"}, true},
		{"go1.25.1", "", "1.26.0", "go1.27.0", Toolchain{Name: "go1.25.1", Why: "named by GOTOOLCHAIN=go1.25.1"}, true},
		{"go1.25.1+auto", "", "1.22", "go1.25.4", Toolchain{Name: "go1.25.4", Why: "named by the toolchain line", FromToolchainLine: true, CanSwitch: true}, true},
		{"banana", "", "1.22", "", Toolchain{}, false},
	} {
		over := map[string]string{"GOROOT": goroot, "GOTOOLCHAIN": tc.gotoolchain, "GOPROXY": tc.goproxy}
		e := load(t, Options{Environ: []string{"HOME=" + t.TempDir(), "GOENV=off", "PATH="}, Overrides: over, GoCommand: "-", Dir: t.TempDir()})
		got, ok := e.SelectToolchain(tc.goLine, tc.tcLine)
		if got != tc.want || ok != tc.ok {
			t.Errorf("GOTOOLCHAIN=%s GOPROXY=%s go %s toolchain %s: %+v %v, want %+v %v", tc.gotoolchain, tc.goproxy, tc.goLine, tc.tcLine, got, ok, tc.want, tc.ok)
		}
	}
}
