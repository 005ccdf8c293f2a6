// Copyright 2026 The gomodls Authors.

package goenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// goBinary returns the go command the tests compare against.
func goBinary(t testing.TB) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		if p, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command to compare with: %v", err)
		}
	}
	return p
}

// testEnviron is a minimal, hermetic environment: the go command finds
// nothing of the developer's configuration.
func testEnviron(t testing.TB, goBin string, extra ...string) (environ []string, home string) {
	t.Helper()
	home = t.TempDir()
	// Telemetry off via its mode file, or the go command starts a detached
	// uploader that writes into home while the test cleans it up.
	disableTelemetry(t, filepath.Join(home, ".config"))
	environ = []string{
		"PATH=" + filepath.Dir(goBin),
		"HOME=" + home,
		"GOCACHE=" + filepath.Join(home, "cache"),
	}
	return append(environ, extra...), home
}

// goEnvW runs `go env -w` to write a GOENV file, so the test's file has
// exactly the format the go command produces.
func goEnvW(t testing.TB, goBin string, environ []string, assigns ...string) {
	t.Helper()
	cmd := exec.Command(goBin, append([]string{"env", "-w"}, assigns...)...)
	cmd.Env = environ
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go env -w %v: %v\n%s", assigns, err, out)
	}
}

func load(t testing.TB, opt Options) *Env {
	t.Helper()
	e, err := Load(context.Background(), opt)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return e
}

// TestGoEnvAgreement runs the real `go env -json` and our file reader on
// the same machine state and requires identical values and origins.
func TestGoEnvAgreement(t *testing.T) {
	goBin := goBinary(t)

	type want struct {
		value  string // "?" = do not check (still compared between the two modes)
		origin Origin
	}
	tests := []struct {
		name      string
		env       []string          // in addition to testEnviron
		goenvW    []string          // written with go env -w to $GOENV
		rawFile   string            // or written verbatim to $GOENV
		overrides map[string]string // Options.Overrides
		setup     func(t *testing.T, home, dir string) []string
		want      map[string]want
	}{
		{
			name: "defaults",
			want: map[string]want{
				"GOAUTH":    {"netrc", OriginDefault},
				"GOPROXY":   {"https://proxy.golang.org,direct", OriginGoEnvFile},
				"GOSUMDB":   {"sum.golang.org", OriginGoEnvFile},
				"GOPRIVATE": {"", OriginDefault},
				"GONOPROXY": {"", OriginDefault},
				"GOFLAGS":   {"", OriginDefault},
				"GOROOT":    {"?", OriginToolchain},
			},
		},
		{
			name:   "file values",
			goenvW: []string{"GOPRIVATE=git.corp.example,*.internal.example", "GOPROXY=https://proxy.corp.example|direct", "GOFLAGS=-mod=mod", "GOAUTH=off", "GOINSECURE=insecure.example", "GOSUMDB=off", "GOTOOLCHAIN=local"},
			want: map[string]want{
				"GOPRIVATE":   {"git.corp.example,*.internal.example", OriginGOENVFile},
				"GONOPROXY":   {"git.corp.example,*.internal.example", OriginDefault},
				"GONOSUMDB":   {"git.corp.example,*.internal.example", OriginDefault},
				"GOPROXY":     {"https://proxy.corp.example|direct", OriginGOENVFile},
				"GOFLAGS":     {"-mod=mod", OriginGOENVFile},
				"GOAUTH":      {"off", OriginGOENVFile},
				"GOSUMDB":     {"off", OriginGOENVFile},
				"GOTOOLCHAIN": {"local", OriginGOENVFile},
			},
		},
		{
			name:   "env beats file, empty env is unset",
			env:    []string{"GOPRIVATE=env.example", "GOPROXY=", "GONOSUMDB=nosum.example"},
			goenvW: []string{"GOPRIVATE=file.example", "GOPROXY=https://file-proxy.example"},
			want: map[string]want{
				"GOPRIVATE": {"env.example", OriginEnv},
				"GONOPROXY": {"env.example", OriginDefault},
				"GONOSUMDB": {"nosum.example", OriginEnv},
				"GOPROXY":   {"https://file-proxy.example", OriginGOENVFile},
			},
		},
		{
			name:    "empty line in file hides go.env",
			rawFile: "GOPROXY=\nGOSUMDB=first\nGOSUMDB=last\n# comment\nlower=x\nGOFLAGS=-mod=mod\r\n",
			want: map[string]want{
				"GOPROXY": {"", OriginDefault},
				"GOSUMDB": {"last", OriginGOENVFile},
				"GOFLAGS": {"-mod=mod\r", OriginGOENVFile},
			},
		},
		{
			name:   "GOENV=off",
			env:    []string{"GOENV=off", "GOINSECURE=env.example"},
			goenvW: nil,
			want: map[string]want{
				"GOENV":      {"", OriginEnv},
				"GOINSECURE": {"env.example", OriginEnv},
				"GOPROXY":    {"https://proxy.golang.org,direct", OriginGoEnvFile},
			},
		},
		{
			name:      "overrides",
			goenvW:    []string{"GOPRIVATE=file.example", "GOPATH=/file/gopath"},
			overrides: map[string]string{"GOPRIVATE": "setting.example", "GOPROXY": "off", "GOFLAGS": ""},
			want: map[string]want{
				"GOPRIVATE":  {"setting.example", OriginSetting},
				"GONOSUMDB":  {"setting.example", OriginDefault},
				"GOPROXY":    {"off", OriginSetting},
				"GOPATH":     {"/file/gopath", OriginGOENVFile},
				"GOMODCACHE": {"/file/gopath/pkg/mod", OriginDefault},
			},
		},
		{
			name: "GOPATH list and GOMODCACHE",
			env:  []string{"GOPATH=/a/first" + string(filepath.ListSeparator) + "/b/second"},
			want: map[string]want{
				"GOPATH":     {"/a/first" + string(filepath.ListSeparator) + "/b/second", OriginEnv},
				"GOMODCACHE": {"/a/first/pkg/mod", OriginDefault},
			},
		},
		{
			name:   "GOMODCACHE in file",
			goenvW: []string{"GOMODCACHE=/m/cache"},
			want:   map[string]want{"GOMODCACHE": {"/m/cache", OriginGOENVFile}},
		},
		{
			name: "go.work found above dir",
			setup: func(t *testing.T, home, dir string) []string {
				ws := filepath.Join(home, "ws")
				writeFile(t, filepath.Join(ws, "go.work"), "go 1.26\n")
				sub := filepath.Join(ws, "a", "b")
				if err := os.MkdirAll(sub, 0o777); err != nil {
					t.Fatal(err)
				}
				return []string{"DIR=" + sub}
			},
			want: map[string]want{"GOWORK": {"?", OriginDefault}},
		},
		{
			name: "GOWORK=off",
			env:  []string{"GOWORK=off"},
			want: map[string]want{"GOWORK": {"off", OriginEnv}},
		},
		{
			name: "default GOENV under XDG_CONFIG_HOME",
			setup: func(t *testing.T, home, dir string) []string {
				xdg := filepath.Join(home, "xdg")
				writeFile(t, filepath.Join(xdg, "go", "env"), "GOPRIVATE=xdg.example\n")
				disableTelemetry(t, xdg)
				return []string{"XDG_CONFIG_HOME=" + xdg}
			},
			want: map[string]want{"GOPRIVATE": {"xdg.example", OriginGOENVFile}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			environ, home := testEnviron(t, goBin, tc.env...)
			dir := t.TempDir()
			usesXDG := false
			if tc.setup != nil {
				for _, kv := range tc.setup(t, home, dir) {
					if d, ok := strings.CutPrefix(kv, "DIR="); ok {
						dir = d
						continue
					}
					usesXDG = usesXDG || strings.HasPrefix(kv, "XDG_CONFIG_HOME=")
					environ = append(environ, kv)
				}
			}
			if !usesXDG && !containsKey(environ, "GOENV") {
				envFile := filepath.Join(home, "goenv")
				environ = append(environ, "GOENV="+envFile)
				if tc.rawFile != "" {
					writeFile(t, envFile, tc.rawFile)
				}
				if len(tc.goenvW) > 0 {
					goEnvW(t, goBin, environ, tc.goenvW...)
				}
			}

			withGo := load(t, Options{Environ: environ, Overrides: tc.overrides, Dir: dir, GoCommand: goBin})
			if path, ran := withGo.GoCommand(); !ran {
				t.Fatalf("go env was not used (go %s): %v", path, withGo.GoError())
			}
			noGo := load(t, Options{Environ: environ, Overrides: tc.overrides, Dir: dir, GoCommand: "-"})

			for _, name := range Variables {
				g, n := withGo.Lookup(name), noGo.Lookup(name)
				if strings.Contains(g.Note, "go env reported") {
					t.Errorf("%s: go env and the file reader disagree: %s", name, g.Note)
				}
				if g != n {
					t.Errorf("%s:\n with go: %+v\n without: %+v", name, g, n)
				}
			}
			for name, w := range tc.want {
				v := noGo.Lookup(name)
				if v.Origin != w.origin {
					t.Errorf("%s origin = %q, want %q (%+v)", name, v.Origin, w.origin, v)
				}
				if w.value != "?" && v.Value != w.value {
					t.Errorf("%s = %q, want %q", name, v.Value, w.value)
				}
			}
			if tc.name == "go.work found above dir" {
				if got, want := noGo.Get("GOWORK"), filepath.Join(home, "ws", "go.work"); got != want {
					t.Errorf("GOWORK = %q, want %q", got, want)
				}
			}
		})
	}
}

func disableTelemetry(t testing.TB, configDir string) {
	writeFile(t, filepath.Join(configDir, "go", "telemetry", "mode"), "off")
}

func containsKey(environ []string, key string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, key+"=") {
			return true
		}
	}
	return false
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o666); err != nil {
		t.Fatal(err)
	}
}

// TestToolchainSwitch checks both ways of handling a GOTOOLCHAIN that would
// make the go command switch toolchains, without network: with GOPROXY=off
// the switch fails and Load falls back to the files; with LocalToolchain it
// does not switch at all.
func TestToolchainSwitch(t *testing.T) {
	goBin := goBinary(t)
	environ, _ := testEnviron(t, goBin, "GOENV=off", "GOTOOLCHAIN=go1.999.0", "GOPROXY=off", "GOPRIVATE=x.example")

	e := load(t, Options{Environ: environ, GoCommand: goBin, Dir: t.TempDir()})
	if _, ran := e.GoCommand(); ran || e.GoError() == nil {
		t.Fatalf("go env with an unavailable toolchain succeeded?")
	}
	if e.Get("GOPRIVATE") != "x.example" || e.Get("GOTOOLCHAIN") != "go1.999.0" {
		t.Errorf("fallback values wrong: %v", e.All())
	}

	e = load(t, Options{Environ: environ, GoCommand: goBin, Dir: t.TempDir(), LocalToolchain: true})
	if _, ran := e.GoCommand(); !ran {
		t.Fatalf("LocalToolchain: go env failed: %v", e.GoError())
	}
	if v := e.Lookup("GOTOOLCHAIN"); v.Value != "go1.999.0" || v.Origin != OriginEnv || v.Note != "" {
		t.Errorf("GOTOOLCHAIN = %+v", v)
	}
	if !strings.HasPrefix(e.Get("GOVERSION"), "go1.") || strings.HasPrefix(e.Get("GOVERSION"), "go1.999") {
		t.Errorf("GOVERSION = %q", e.Get("GOVERSION"))
	}
}
