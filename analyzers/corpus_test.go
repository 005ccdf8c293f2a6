package analyzers_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// TestRealWorldCorpus replays the go.mod files of large public projects
// (testdata/realworld) against a fixture proxy that serves exactly the
// module versions each file needs, in the directory layout its local
// replaces expect, with a go.sum as `go mod tidy` leaves it. Every analyzer
// runs; none may report an error or a warning: on a correct file, every
// one of them would be a false positive. (Hints and information, such as
// upgrade-available, are allowed, and there are none here: the fixture
// has no newer versions.)
//
// The fixture is faithful where it matters: +incompatible versions have no
// go.mod, pseudo-versions have the .info time and commit they encode, the
// targets of renaming replaces (forks) declare the upstream path as forks
// usually do, and etcd's ./FORBIDDEN_DEPENDENCY does not exist, as in the
// etcd repository. TestRealWorldCorpusGoCommand proves that the go command
// accepts every file on the same fixture.
func TestRealWorldCorpus(t *testing.T) {
	files := loadCorpus(t)
	for _, g := range files {
		t.Run(strings.TrimSuffix(g.Name, ".mod"), func(t *testing.T) {
			t.Parallel()
			srv, dir := corpusFixture(t, g)
			env := analyzerstest.Env(t, map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": ""})
			src := patientFixtureSource(t, env) // network_test.go: no caches on disk
			contents, err := snapshot.ReadDir(nil, dir)
			if err != nil {
				t.Fatal(err)
			}
			snap := snapshot.Build(dir, contents, env, settings.Default(), nil, src)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			diags, failures := checker.Run(ctx, snap, analyzers.All())
			for _, f := range failures {
				t.Errorf("analyzer failed: %v", f)
			}
			reported := 0
			for _, d := range diags {
				if d.Severity > analyzers.Warning {
					continue
				}
				reported++
				t.Errorf("false positive: %s", analyzerstest.Format(snap, d))
			}
			t.Logf("%d requires, %d module versions served; %d diagnostics (%d errors/warnings); %d requests", len(g.File.Require), len(g.Needed()), len(diags), reported, len(srv.Requests()))
			// Nothing the file needs is missing, so nothing may have failed
			// but the pseudoversions analyzer's probes of path/vN for a
			// required path@vN.x.y+incompatible (does that major have its
			// own module path now?).
			probes := map[string]bool{}
			for _, nd := range g.Needed() {
				if semver.Build(nd.Version.Version) == "+incompatible" {
					probes[nd.Path+"/"+semver.Major(nd.Version.Version)] = true
				}
			}
			for _, r := range srv.Requests() {
				if r.Status != 200 && !(r.Status == 404 && r.Endpoint == proxytest.EndpointList && probes[r.Module]) {
					t.Errorf("request answered %d: %s", r.Status, r)
				}
			}
		})
	}
}

func loadCorpus(t *testing.T) []*benchfixture.GoMod {
	t.Helper()
	files, err := benchfixture.LoadDir(filepath.Join("..", "testdata", "realworld"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d real-world go.mod files", len(files))
	}
	return files
}

// corpusFixture serves g's module versions and lays g out with its local
// replacement directories and a tidy go.sum; it returns the directory
// holding the go.mod.
func corpusFixture(t *testing.T, g *benchfixture.GoMod) (*proxytest.Server, string) {
	t.Helper()
	srv := proxytest.New(t, proxytest.WithoutDefaultCorpus())
	if _, err := benchfixture.AddTo(srv, g, benchfixture.Options{}); err != nil {
		t.Fatal(err)
	}
	dir, err := g.LayOut(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := benchfixture.GoSum(srv, g)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, dir
}

// TestRealWorldCorpusGoCommand is the other half of the proof: on the same
// fixtures and layouts, with the go.sum, the real go command loads every
// file's module graph (`go list -m -json all`, -mod=readonly, checksums
// verified against go.sum) without an error, so a diagnostic of error or
// warning severity from gomodls on these files would be a false positive.
func TestRealWorldCorpusGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command on 11 real-world go.mod files")
	}
	for _, g := range loadCorpus(t) {
		t.Run(strings.TrimSuffix(g.Name, ".mod"), func(t *testing.T) {
			t.Parallel()
			srv, dir := corpusFixture(t, g)
			r := benchfixture.RunGo(context.Background(), srv.GoEnv("GOSUMDB=off"), dir, time.Minute, "list", "-m", "-json", "all")
			if r.Err != nil {
				t.Fatalf("go list -m all: %v\n%s", r.Err, r.Stderr)
			}
			var n int
			dec := json.NewDecoder(strings.NewReader(r.Stdout))
			for dec.More() {
				var m struct {
					Path  string
					Error *struct{ Err string }
				}
				if err := dec.Decode(&m); err != nil {
					t.Fatalf("decoding go list output: %v", err)
				}
				if m.Error != nil {
					t.Errorf("go: %s: %s", m.Path, m.Error.Err)
				}
				n++
			}
			// The main module, every require, and nothing else: the
			// fixture's go.mod files require nothing.
			if want := 1 + len(g.File.Require); n != want {
				t.Errorf("go listed %d modules, want %d", n, want)
			}
		})
	}
}
