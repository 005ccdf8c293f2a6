package analyzers_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// The module cross-check holds the verdict contract on whole modules: the
// go command loads the module graph (`go list -m all`, which fetches the
// go.mod of every module version the build needs) in a module, and
// gomodls checks the same files through the same fixture proxy. Where the
// go command succeeds gomodls reports no error; where it fails, gomodls
// reports an error with the expected code. Warnings are free: they must
// say why they do not matter now, which the analyzer cases assert.

type modCase struct {
	name string
	// files of the case: "m/go.mod" is the module checked; a "go.work" at
	// the root makes it a workspace (GOWORK points at it).
	files  map[string]string
	opts   []proxytest.Option
	env    []string // extra environment for both sides
	public bool     // the fixture plays proxy.golang.org
	// goFails says the go command fails; codes are gomodls' errors
	// (sorted, comma-separated), "" when it must report none.
	goFails bool
	codes   string
}

func gomodOf(body string) string { return "module example.com/m\n\ngo 1.22\n\n" + body }

var mirror = []proxytest.Option{proxytest.WithFlavor(proxytest.FlavorFilteredMirror), proxytest.WithHosts("example.com")}

func TestModuleCrossCheck(t *testing.T) {
	if _, err := benchfixture.GoTool(); err != nil {
		t.Fatalf("no go command: %v", err)
	}
	cases := []modCase{
		// A filtered mirror under the public proxy's name (this machine's
		// GOPROXY): refusals are not privacy.
		{name: "mirror: a typo in a version", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v1.9.9\n")},
			opts: mirror, public: true, goFails: true, codes: "unknown-version"},
		{name: "mirror: a module it refuses whole", files: map[string]string{"m/go.mod": gomodOf("require example.com/nosuchmodule v1.0.0\n")},
			opts: mirror, public: true, goFails: true, codes: "module-not-served"},
		{name: "mirror: a host it does not serve", files: map[string]string{"m/go.mod": gomodOf("require golang.org/x/text v0.20.0\n")},
			opts: mirror, public: true, goFails: true, codes: "module-not-served"},
		{name: "mirror: +incompatible of a major with its own go.mod", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v2.0.0+incompatible\n")},
			opts: mirror, public: true, goFails: true, codes: "unknown-version"},
		{name: "mirror: pseudo-versions with other .info times", files: map[string]string{"m/go.mod": gomodOf("require (\n\texample.com/pseudo v0.0.0-20240102030405-abcdef012345\n\texample.com/basic v1.1.1-0.20240315101112-0123456789ab\n)\n")},
			opts: append([]proxytest.Option{proxytest.WithInfoTimeSkew(49 * time.Hour)}, mirror...), public: true},
		{name: "mirror: an evidently private module", files: map[string]string{"m/go.mod": gomodOf("require git.corp.example/team/lib v1.0.0\n")},
			opts: mirror, public: true, goFails: true, codes: "private-module-not-configured"},

		// Lines the go command does not fetch.
		{name: "exclude of a version that does not exist", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v1.1.0\n\nexclude example.com/basic v1.0.5\n")}},
		{name: "require of an excluded version that does not exist", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v1.9.9\n\nexclude example.com/basic v1.9.9\n")}},
		{name: "replace of another version, to a missing directory", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v1.1.0\n\nreplace example.com/basic v1.0.0 => ./missing\n")}},
		{name: "replace of another version, to a version that does not exist", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v1.1.0\n\nreplace example.com/basic v1.0.0 => example.com/basic v1.9.9\n")}},
		{name: "replace of a module nothing requires", files: map[string]string{"m/go.mod": gomodOf("require example.com/basic v1.1.0\n\nreplace example.com/notrequired => example.com/nosuchmodule v1.0.0\n")}},
		{name: "go.mod replace overridden by the workspace's", files: map[string]string{
			"m/go.mod": gomodOf("require example.com/basic v1.1.0\n\nreplace example.com/basic => ./missing\n"),
			"go.work":  "go 1.22\n\nuse ./m\n\nreplace example.com/basic => example.com/basic v1.0.0\n"}},
		{name: "the same, outside the workspace (GOWORK=off)", files: map[string]string{
			"m/go.mod": gomodOf("require example.com/basic v1.1.0\n\nreplace example.com/basic => ./missing\n"),
			"go.work":  "go 1.22\n\nuse ./m\n\nreplace example.com/basic => example.com/basic v1.0.0\n"},
			env: []string{"GOWORK=off"}, goFails: true, codes: "replace-dir-missing"},
		{name: "a require the workspace replaces", files: map[string]string{
			"m/go.mod": gomodOf("require example.com/basic v1.9.9\n"),
			"go.work":  "go 1.22\n\nuse ./m\n\nreplace example.com/basic => example.com/basic v1.1.0\n"}},

		// Paths no route can fetch.
		{name: "a path without a dot, with GOPRIVATE", files: map[string]string{"m/go.mod": gomodOf("require mycompany/lib v1.0.0\n")},
			env: []string{"GOPRIVATE=mycompany"}, goFails: true, codes: "invalid-module-path"},
		{name: "a path without a dot, replaced", files: map[string]string{"m/go.mod": gomodOf("require mycompany/lib v1.0.0\n\nreplace mycompany/lib => ./lib\n"), "m/lib/go.mod": "module mycompany/lib\n"}},
	}

	rows := logTable(t, "| case | go command | gomodls errors |", cases, func(c modCase) string { return c.name })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := proxytest.New(t, tc.opts...)
			root := t.TempDir()
			for name, text := range tc.files {
				p := filepath.Join(root, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(root, "m")
			// -mod=mod lets the go command write go.sum; workspace mode
			// refuses the flag (and writes go.work.sum by itself).
			mode := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
			if _, ok := tc.files["go.work"]; ok && !slices.Contains(tc.env, "GOWORK=off") {
				mode = []string{"GOWORK=" + filepath.Join(root, "go.work"), "GOFLAGS="}
			}
			extra := append(append(mode, "GOSUMDB=off"), tc.env...)

			r := benchfixture.RunGo(context.Background(), srv.GoEnv(extra...), dir, time.Minute, "list", "-m", "all")
			t.Logf("go list -m all: %v\n%s%s", r.Err, r.Stdout, r.Stderr)
			goFails := r.Err != nil

			over := map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": ""}
			for _, kv := range extra {
				k, v, _ := strings.Cut(kv, "=")
				if k != "GOFLAGS" && k != "GOSUMDB" {
					over[k] = v
				}
			}
			env := analyzerstest.Env(t, over)
			set := settings.Default()
			if tc.public {
				set.PublicProxies = []string{srv.URL}
			}
			contents, err := snapshot.ReadDir(nil, dir)
			if err != nil {
				t.Fatal(err)
			}
			snap := snapshot.Build(dir, contents, env, set, nil, fixtureSource(t, env))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			diags, failures := checker.Run(ctx, snap, analyzers.All())
			for _, f := range failures {
				t.Errorf("analyzer failed: %v", f)
			}
			var codes []string
			for _, d := range diags {
				t.Logf("ours: %s: %s", d.Severity, analyzerstest.Format(snap, d))
				if d.Severity == analyzers.Error && d.Code.Name != "sum-missing" {
					codes = append(codes, d.Code.Name)
				}
			}
			slices.Sort(codes)
			got := strings.Join(slices.Compact(codes), ",")

			goV := "ok"
			if goFails {
				goV = "fails: " + firstLine(r.Stderr)
			}
			rows.set(tc.name, tc.name, goV, got)
			if goFails != tc.goFails {
				t.Errorf("go command fails: %v, want %v", goFails, tc.goFails)
			}
			if got != tc.codes {
				t.Errorf("gomodls errors: %q, want %q", got, tc.codes)
			}
		})
	}
}
