package modload

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

func TestCmdString(t *testing.T) {
	for c, want := range map[Cmd]string{
		Build:                  "go build and go test",
		Test:                   "go test",
		ListAll:                "go list -m all",
		Build | ListAll:        "go build, go test and go list -m all",
		Test | ListAll:         "go test and go list -m all",
		Build | Test | ListAll: "go build, go test and go list -m all",
		0:                      "no go command",
	} {
		if got := c.String(); got != want {
			t.Errorf("%d: %q, want %q", c, got, want)
		}
	}
}

func TestReleaseAndBuildTags(t *testing.T) {
	tags := releaseTags("go1.26.8")
	if len(tags) != 26 || tags[0] != "go1.1" || tags[25] != "go1.26" {
		t.Errorf("releaseTags(go1.26.8) = %v", tags)
	}
	if tags := releaseTags("go1.27rc1"); len(tags) != 27 {
		t.Errorf("releaseTags(go1.27rc1) = %v", tags)
	}
	if tags := releaseTags("devel +abc"); tags != nil {
		t.Errorf("releaseTags(devel) = %v", tags)
	}
	if got := buildTags([]string{"-tags=a,b", "-mod=mod", "--tags=c d"}); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("buildTags: the last -tags wins: %v", got)
	}
}

func TestEscape(t *testing.T) {
	c := ModCache{Root: "/mc"}
	f, ok := c.File(module.Version{Path: "example.com/Upper/mod", Version: "v1.0.0-RC"}, "mod")
	if !ok || f != filepath.FromSlash("/mc/cache/download/example.com/!upper/mod/@v/v1.0.0-!r!c.mod") {
		t.Errorf("File = %q %v", f, ok)
	}
	for _, m := range []module.Version{{Path: "../etc", Version: "v1.0.0"}, {Path: "/abs", Version: "v1.0.0"}, {Path: "a.com/x", Version: "v1/../.."}, {Path: "a.com/x!y", Version: "v1.0.0"}} {
		if f, ok := c.File(m, "mod"); ok {
			t.Errorf("File(%v) = %q, want refused", m, f)
		}
	}
}

func TestCandidates(t *testing.T) {
	build := []module.Version{{Path: "example.com/a", Version: "v1.0.0"}, {Path: "example.com/a/b", Version: "v1.0.0"}, {Path: "example.com/ab", Version: "v1.0.0"}}
	got := candidates(build, "example.com/a/b/c")
	if len(got) != 2 || got[0].Path != "example.com/a/b" || got[1].Path != "example.com/a" {
		t.Errorf("candidates = %v", got)
	}
}

// fakeReader serves go.mod files from a map and has no source.
type fakeReader map[module.Version]string

func (r fakeReader) GoMod(_ context.Context, m module.Version) ([]byte, bool) {
	s, ok := r[m]
	return []byte(s), ok
}
func (fakeReader) Dir(module.Version) (string, bool) { return "", false }

// TestBuildContext: only the files the environment's GOOS builds count.
func TestBuildContext(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/l v1.0.0\n\texample.com/w v1.0.0\n)\n",
		"m.go":         "package m\n",
		"m_linux.go":   "package m\n\nimport _ \"example.com/l\"\n",
		"m_windows.go": "package m\n\nimport _ \"example.com/w\"\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, goos := range []string{"linux", "windows"} {
		env, err := goenv.Load(context.Background(), goenv.Options{Environ: []string{"HOME=" + dir, "GOENV=off", "PATH=", "GOOS=" + goos, "GOFLAGS="}, GoCommand: "-", Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		snap := snapshot.Build(dir, snapshot.Contents{snapshot.GoMod: []byte(files["go.mod"]), snapshot.GoSum: []byte{}}, env, nil, nil, nil)
		rd := fakeReader{
			{Path: "example.com/l", Version: "v1.0.0"}: "module example.com/l\n\ngo 1.22\n",
			{Path: "example.com/w", Version: "v1.0.0"}: "module example.com/w\n\ngo 1.22\n",
		}
		res := Load(context.Background(), snap, modplan.Of(snap), rd, Options{})
		var zips []string
		for _, n := range res.Needs {
			if !n.GoMod && n.Cmds&Build != 0 {
				zips = append(zips, n.Mod.Path)
			}
		}
		want := "example.com/l"
		if goos == "windows" {
			want = "example.com/w"
		}
		if !slices.Equal(zips, []string{want}) {
			t.Errorf("GOOS=%s: go build needs the zips of %v, want %s", goos, zips, want)
		}
	}
}
