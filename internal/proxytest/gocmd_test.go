package proxytest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests run the real go command against the fixture: they prove that
// it speaks the GOPROXY protocol and that its checksum database verifies.

// goTool returns the go command of the toolchain running the tests.
func goTool(t *testing.T) string {
	t.Helper()
	p := filepath.Join(runtimeGOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		lp, err := exec.LookPath("go")
		if err != nil {
			t.Fatalf("no go command: %v", err)
		}
		return lp
	}
	return p
}

// runGo runs go with env in dir (a temp dir if ""), returning combined
// output and the error.
func runGo(t *testing.T, env []string, dir string, args ...string) (string, error) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(t), args...)
	cmd.Env = env
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

func mustGo(t *testing.T, env []string, dir string, args ...string) string {
	t.Helper()
	out, err := runGo(t, env, dir, args...)
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func failGo(t *testing.T, env []string, dir string, want string, args ...string) string {
	t.Helper()
	out, err := runGo(t, env, dir, args...)
	if err == nil {
		t.Fatalf("go %s succeeded, want failure mentioning %q\n%s", strings.Join(args, " "), want, out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("go %s failed without mentioning %q:\n%s", strings.Join(args, " "), want, out)
	}
	return out
}

type downloadJSON struct {
	Path, Version, Error, Info, GoMod, Zip, Dir, Sum, GoModSum string
}

func TestGoModDownload(t *testing.T) {
	srv := New(t)
	env := srv.GoEnv()
	for _, mv := range []struct{ path, version string }{
		{"example.com/basic", "v1.1.0"},
		{"example.com/basic/v2", "v2.1.0"},
		{"example.com/basic", "v1.1.1-0.20240315101112-0123456789ab"},
		{"example.com/Upper/mod", "v1.1.0"},
		{"example.com/incompat", "v2.0.0+incompatible"},
		{"example.com/pseudo", "v0.0.0-20240102030405-abcdef012345"},
		{"gopkg.in/fixture.v1", "v1.1.0"},
		{"example.com/nested", "v1.0.0"},
		{"example.com/prerelease", "v1.0.0-rc.1"},
	} {
		out := mustGo(t, env, "", "mod", "download", "-json", mv.path+"@"+mv.version)
		var d downloadJSON
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("go mod download -json %s@%s: %v\n%s", mv.path, mv.version, err, out)
		}
		if d.Error != "" {
			t.Fatalf("go mod download %s@%s: %s", mv.path, mv.version, d.Error)
		}
		want := srv.GoSumLines(mv.path, mv.version)
		if len(want) != 2 {
			t.Fatalf("GoSumLines(%s, %s) = %q", mv.path, mv.version, want)
		}
		if got := mv.path + " " + mv.version + " " + d.Sum; got != want[0] {
			t.Errorf("zip sum: go says %q, GoSumLines says %q", got, want[0])
		}
		if got := mv.path + " " + mv.version + "/go.mod " + d.GoModSum; got != want[1] {
			t.Errorf("go.mod sum: go says %q, GoSumLines says %q", got, want[1])
		}
	}
	// Every download was verified against the checksum database, through
	// the proxy's passthrough.
	// (Each go invocation asks the proxy once whether it proxies the database.)
	if n := srv.Count("/sumdb/" + srv.SumDBName() + "/supported"); n != 9 {
		t.Errorf("sumdb supported requested %d times, want 9 (once per go command)", n)
	}
	if got := srv.RequestsFor("example.com/Upper/mod"); !slices.ContainsFunc(got, func(r Request) bool { return r.Endpoint == EndpointSumDBLookup }) {
		t.Errorf("no checksum database lookup for example.com/Upper/mod among %v", got)
	}
	if n := srv.Count("/example.com/!upper/mod/@v/v1.1.0.zip"); n != 1 {
		t.Errorf("escaped zip URL requested %d times, want 1", n)
	}
}

func runtimeGOROOT() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "/usr/local/go"
	}
	return strings.TrimSpace(string(out))
}
