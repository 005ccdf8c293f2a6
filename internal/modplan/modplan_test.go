package modplan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// planOf writes files under a temporary root and returns the plan of the
// snapshot of dir (relative to the root), with env over a hermetic
// environment.
func planOf(t *testing.T, files map[string]string, dir string, env map[string]string) (*modplan.Plan, string) {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	over := map[string]string{"GOVERSION": "go1.26.8", "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": ""}
	for k, v := range env {
		over[k] = strings.ReplaceAll(v, "$ROOT", root)
	}
	tmp := t.TempDir()
	e, err := goenv.Load(context.Background(), goenv.Options{
		Environ:   []string{"HOME=" + tmp, "GOENV=off", "PATH=", "GOPATH=" + filepath.Join(tmp, "gopath")},
		Overrides: over, GoCommand: "-", Dir: tmp,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(root, filepath.FromSlash(dir))
	contents, err := snapshot.ReadDir(nil, d)
	if err != nil {
		t.Fatal(err)
	}
	return modplan.Of(snapshot.Build(d, contents, e, nil, nil, nil)), root
}

// TestWorkspaceReplacement follows modload.replacementFrom: the go.work's
// replace for the version (or every version) first, else each module's in
// use order, a later module's winning unless its version-specific replace
// disagrees with an earlier one (the go command fails then).
func TestWorkspaceReplacement(t *testing.T) {
	files := map[string]string{
		"go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/w v1.0.0 => example.com/w v0.9.0\n",
		"a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire (\n\texample.com/w v1.1.0\n\texample.com/x v1.0.0\n\texample.com/y v1.0.0\n)\n\n" +
			"replace example.com/w => example.com/w v0.8.0\n\nreplace example.com/x v1.0.0 => example.com/x v0.1.0\n\nreplace example.com/y => example.com/y v0.1.0\n",
		"b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => example.com/x v0.2.0\n\nreplace example.com/y v1.0.0 => example.com/y v0.2.0\n",
	}
	p, _ := planOf(t, files, "", nil)
	for _, c := range []struct {
		mod  module.Version
		want string
	}{
		{module.Version{Path: "example.com/w", Version: "v1.0.0"}, "example.com/w v1.0.0 => example.com/w v0.9.0"}, // go.work's
		{module.Version{Path: "example.com/w", Version: "v1.1.0"}, "example.com/w => example.com/w v0.8.0"},        // not the go.work's version: a's
		{module.Version{Path: "example.com/x", Version: "v1.0.0"}, "example.com/x => example.com/x v0.2.0"},        // b's, later, wins
		{module.Version{Path: "example.com/y", Version: "v1.0.0"}, "example.com/y => example.com/y v0.1.0"},        // conflict: the first
	} {
		r := p.Replacement(c.mod)
		if r == nil || r.String() != c.want {
			t.Errorf("Replacement(%v) = %v, want %s", c.mod, r, c.want)
		}
	}
	var got []string
	for _, c := range p.Conflicts() {
		got = append(got, c.Message)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "conflicting replacements found for example.com/y@v1.0.0 in workspace modules defined by ") {
		t.Errorf("conflicts: %q", got)
	}
}

// TestConflicts: duplicates in one file (toReplaceMap) and between
// workspace modules (makeMainModules), where the same directory written
// two ways is no conflict and a path the go.work replaces is exempt.
func TestConflicts(t *testing.T) {
	files := map[string]string{
		"go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/w => ./w\n",
		"a/go.mod": "module example.com/a\n\ngo 1.22\n\n" +
			"replace example.com/d => ./d\n\nreplace example.com/s => example.com/s v1.0.0\n\nreplace example.com/w => example.com/w v1.0.0\n\n" +
			"replace example.com/twice => ./one\n\nreplace example.com/twice => ./two\n",
		"b/go.mod": "module example.com/b\n\ngo 1.22\n\n" +
			"replace example.com/d => ../a/d\n\nreplace example.com/s => example.com/s v1.1.0\n\nreplace example.com/w => example.com/w v1.1.0\n",
	}
	p, _ := planOf(t, files, "", nil)
	var got []string
	for _, c := range p.Conflicts() {
		got = append(got, strings.SplitN(c.Message, "\n", 2)[0])
	}
	want := []string{"conflicting replacements for example.com/twice:", "conflicting replacements for example.com/s:"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("conflicts: %q, want %q", got, want)
	}
}

// TestBuildMode follows modload.setDefaultBuildMod.
func TestBuildMode(t *testing.T) {
	mod := func(goLine string) string {
		if goLine == "" {
			return "module example.com/m\n"
		}
		return "module example.com/m\n\ngo " + goLine + "\n"
	}
	vendor := "# example.com/x v1.0.0\n## explicit\nexample.com/x\n"
	for _, c := range []struct {
		name  string
		files map[string]string
		env   map[string]string
		dir   string
		want  string
	}{
		{"no vendor directory", map[string]string{"go.mod": mod("1.22")}, nil, "", "readonly"},
		{"vendor directory", map[string]string{"go.mod": mod("1.22"), "vendor/modules.txt": vendor}, nil, "", "vendor"},
		{"vendor directory without modules.txt", map[string]string{"go.mod": mod("1.22"), "vendor/x/x.go": "package x\n"}, nil, "", "vendor"},
		{"go 1.13", map[string]string{"go.mod": mod("1.13"), "vendor/modules.txt": vendor}, nil, "", "readonly"},
		{"no go line", map[string]string{"go.mod": mod(""), "vendor/modules.txt": vendor}, nil, "", "readonly"},
		{"-mod=mod", map[string]string{"go.mod": mod("1.22"), "vendor/modules.txt": vendor}, map[string]string{"GOFLAGS": "-mod=mod"}, "", "mod"},
		{"-mod=vendor, no vendor directory", map[string]string{"go.mod": mod("1.22")}, map[string]string{"GOFLAGS": "-mod=readonly --mod=vendor"}, "", "vendor"},
		{"workspace vendor directory outside workspace mode", map[string]string{"go.mod": mod("1.22"), "vendor/modules.txt": "## workspace\n" + vendor}, nil, "", "readonly"},
		{"workspace", map[string]string{"go.work": "go 1.22\n\nuse ./m\n", "m/go.mod": mod("1.22"), "vendor/modules.txt": "## workspace\n" + vendor}, nil, "m", "vendor"},
		{"workspace, module's vendor directory", map[string]string{"go.work": "go 1.22\n\nuse ./m\n", "m/go.mod": mod("1.22"), "m/vendor/modules.txt": vendor}, nil, "m", "readonly"},
		{"workspace, vendor directory not for a workspace", map[string]string{"go.work": "go 1.22\n\nuse ./m\n", "m/go.mod": mod("1.22"), "vendor/modules.txt": vendor}, nil, "m", "readonly"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, _ := planOf(t, c.files, c.dir, c.env)
			if got := p.Mode(); got.Mod != c.want {
				t.Errorf("Mode() = %+v, want %s", got, c.want)
			}
		})
	}
}
