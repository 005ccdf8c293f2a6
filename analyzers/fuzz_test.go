package analyzers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// FuzzLocalAnalyzers runs every local analyzer over arbitrary go.mod,
// go.sum and go.work text: no panics (the checker would report one as a
// failure), and every diagnostic inside its file.
func FuzzLocalAnalyzers(f *testing.F) {
	for _, name := range []string{"go.etcd.io_etcd_server_v3@v3.5.16.mod"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "realworld", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), "", "")
	}
	f.Add("module m\nrequire a.com/b v1.2\nreplace a.com/b => ./x\n", "a.com/b v1.2.0 h1:x\n", "go 1.22\nuse ./x\n")
	f.Add("module m\nretract [v1.2.0, v1.0.0]\ngo 1.99\ntoolchain go1.99.1\n", "", "")
	dir := f.TempDir()
	env := analyzerstest.Env(f, nil)
	f.Fuzz(func(t *testing.T, mod, sum, work string) {
		contents := snapshot.Contents{snapshot.GoMod: []byte(mod)}
		if sum != "" {
			contents[snapshot.GoSum] = []byte(sum)
		}
		if work != "" {
			contents[snapshot.GoWork] = []byte(work)
		}
		snap := snapshot.Build(dir, contents, env, settings.Default(), nil, nil)
		diags, failures := checker.Run(context.Background(), snap, analyzers.Local())
		for _, fl := range failures {
			t.Fatalf("analyzer failed: %v", fl)
		}
		for _, d := range diags {
			n := len(snap.Content(d.File))
			if d.Span.Start < 0 || d.Span.End > n || d.Span.Start > d.Span.End {
				t.Fatalf("%s: span %+v outside %s (%d bytes)", d.Code.Name, d.Span, d.File, n)
			}
			for _, fx := range d.Fixes {
				for _, e := range fx.Edits {
					if !e.Create && (e.Span.Start < 0 || e.Span.End > len(snap.Content(e.File)) || e.Span.Start > e.Span.End) {
						t.Fatalf("%s: fix edit span %+v out of range", d.Code.Name, e.Span)
					}
				}
			}
		}
	})
}
