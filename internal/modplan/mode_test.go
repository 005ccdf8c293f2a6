package modplan_test

import (
	"testing"

	"github.com/gomodls/gomodls/internal/modplan"
)

// TestMode follows modload.setDefaultBuildMod and work.BuildInit: -mod in
// GOFLAGS wins, a vendor directory makes vendor the default from go 1.14
// (when vendor/modules.txt was written for the same mode), and the go
// command's refusals of -mod and -modfile are errors.
func TestMode(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		goflags string
		want    string // Mod
		err     string
	}{
		{name: "default", want: "readonly"},
		{name: "mod", goflags: "-mod=mod", want: "mod"},
		{name: "double dash, last wins", goflags: "--mod=vendor -mod=readonly", want: "readonly"},
		{name: "empty value is the default", goflags: "-mod=", files: map[string]string{"vendor/modules.txt": ""}, want: "vendor"},
		{name: "vendor directory", files: map[string]string{"vendor/modules.txt": "# example.com/basic v1.1.0\n"}, want: "vendor"},
		{name: "vendor directory, go 1.13", files: map[string]string{"go.mod": "module example.com/m\n\ngo 1.13\n", "vendor/modules.txt": ""}, want: "readonly"},
		{name: "vendor directory, no go line", files: map[string]string{"go.mod": "module example.com/m\n", "vendor/modules.txt": ""}, want: "readonly"},
		{name: "vendor directory of a workspace", files: map[string]string{"vendor/modules.txt": "## workspace\n"}, want: "readonly"},
		{name: "workspace vendor directory", files: map[string]string{"go.work": "go 1.22\n\nuse .\n", "vendor/modules.txt": "## workspace\n"}, want: "vendor"},
		{name: "bad value", goflags: "-mod=bogus", want: "readonly", err: "-mod=bogus not supported (can be '', 'mod', 'readonly', or 'vendor')"},
		{name: "no value", goflags: "-mod", want: "readonly", err: "go: flag needs an argument: -mod (from $GOFLAGS)"},
		{name: "mod in a workspace", goflags: "-mod=mod", files: map[string]string{"go.work": "go 1.22\n\nuse .\n"}, want: "mod",
			err: `go: -mod may only be set to readonly or vendor when in workspace mode, but it is set to "mod"`},
		{name: "modfile without .mod", goflags: "-modfile=alt.txt", want: "readonly", err: "go: -modfile=alt.txt: file does not have .mod extension"},
		{name: "modfile in a workspace", goflags: "-modfile=alt.mod", files: map[string]string{"go.work": "go 1.22\n\nuse .\n"}, want: "readonly", err: "go: -modfile cannot be used in workspace mode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"}
			for k, v := range tc.files {
				files[k] = v
			}
			snap := build(t, t.TempDir(), files, map[string]string{"GOFLAGS": tc.goflags, "GOWORK": ""})
			m := modplan.Of(snap).Mode()
			got := ""
			if m.Err != nil {
				got = m.Err.Error()
			}
			if m.Mod != tc.want || got != tc.err {
				t.Errorf("Mode = %q (%s), error %q; want %q, error %q", m.Mod, m.Reason, got, tc.want, tc.err)
			}
		})
	}
}
