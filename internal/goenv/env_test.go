// Copyright 2026 The gomodls Authors.

package goenv

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStale(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	opt := Options{GoCommand: "-", Environ: []string{"GOENV=" + envFile, "HOME=" + dir}}
	e := load(t, opt)
	if e.Stale() {
		t.Fatal("fresh Env is stale")
	}
	writeFile(t, envFile, "GOPRIVATE=new.example\n")
	if !e.Stale() {
		t.Fatal("creating the GOENV file did not make the Env stale")
	}
	e = load(t, opt)
	if got := e.Get("GOPRIVATE"); got != "new.example" {
		t.Fatalf("after reload GOPRIVATE = %q", got)
	}
	if e.Stale() {
		t.Fatal("reloaded Env is stale")
	}
	// Same size, different content and time.
	writeFile(t, envFile, "GOPRIVATE=old.example\n")
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(envFile, future, future); err != nil {
		t.Fatal(err)
	}
	if !e.Stale() {
		t.Fatal("rewriting the GOENV file did not make the Env stale")
	}
	if err := os.Remove(envFile); err != nil {
		t.Fatal(err)
	}
	if !e.Stale() {
		t.Fatal("removing the GOENV file did not make the Env stale")
	}
}

func TestOverridesAndEnviron(t *testing.T) {
	e := load(t, Options{GoCommand: "-",
		Environ:   []string{"GOENV=off", "GOPRIVATE=env.example", "FOO=1", "FOO=2", "HOME=/h"},
		Overrides: map[string]string{"GOPRIVATE": "setting.example", "GONOSUMDB": "", "BAR": "b"},
	})
	if v := e.Lookup("GOPRIVATE"); v.Value != "setting.example" || v.Origin != OriginSetting {
		t.Errorf("GOPRIVATE = %+v", v)
	}
	if v := e.Lookup("GONOSUMDB"); v.Value != "setting.example" || v.Origin != OriginDefault {
		t.Errorf("GONOSUMDB = %+v (empty override must be ignored)", v)
	}
	if v := e.Lookup("FOO"); v.Value != "2" || v.Origin != OriginEnv {
		t.Errorf("FOO = %+v (last duplicate wins)", v)
	}
	if v := e.Lookup("BAR"); v.Value != "b" || v.Origin != OriginSetting {
		t.Errorf("BAR = %+v", v)
	}
	if v := e.Lookup("NOPE"); v.Origin != OriginUnset || v.Value != "" {
		t.Errorf("NOPE = %+v", v)
	}
	env := e.Environ()
	for _, want := range []string{"GOPRIVATE=setting.example", "FOO=2", "BAR=b"} {
		if !slices.Contains(env, want) {
			t.Errorf("Environ() lacks %s: %v", want, env)
		}
	}
	if slices.Contains(env, "FOO=1") || slices.Contains(env, "GOPRIVATE=env.example") {
		t.Errorf("Environ() has stale entries: %v", env)
	}
	if got := e.Get("NETRC"); got != filepath.Join("/h", ".netrc") && runtime.GOOS != "windows" {
		t.Errorf("NETRC = %q", got)
	}
	if path, off := e.EnvFile(); path != "" || !off {
		t.Errorf("EnvFile() = %q, %v; want GOENV=off", path, off)
	}
	all := e.All()
	if len(all) != len(Variables) || !slices.IsSortedFunc(all, func(a, b Value) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("All() not the sorted Variables: %v", all)
	}
}

// TestGoCommandFailure checks that a broken or hanging go command falls back
// to the file reader, with the reason recorded.
func TestGoCommandFailure(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses shell scripts as fake go commands")
	}
	dir := t.TempDir()
	fail := filepath.Join(dir, "failing-go")
	writeFile(t, fail, "#!/bin/sh\necho 'go: something broke' >&2\nexit 1\n")
	hang := filepath.Join(dir, "hanging-go")
	writeFile(t, hang, "#!/bin/sh\nexec sleep 30\n")
	for _, p := range []string{fail, hang} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	environ := []string{"GOENV=off", "GOPRIVATE=x.example", "HOME=" + dir}

	e := load(t, Options{GoCommand: fail, Environ: environ})
	if err := e.GoError(); err == nil || !strings.Contains(err.Error(), "something broke") {
		t.Errorf("GoError() = %v", err)
	}
	if _, ran := e.GoCommand(); ran || e.Get("GOPRIVATE") != "x.example" {
		t.Errorf("fallback did not work: ran=%v GOPRIVATE=%q", ran, e.Get("GOPRIVATE"))
	}

	e = load(t, Options{GoCommand: hang, Environ: environ, Timeout: 200 * time.Millisecond})
	if err := e.GoError(); err == nil || !strings.Contains(err.Error(), "no answer within") {
		t.Errorf("GoError() = %v", err)
	}

	e = load(t, Options{Environ: append(environ, "PATH="+dir)})
	if err := e.GoError(); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("GoError() with no go in PATH = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, Options{GoCommand: hang, Environ: environ}); err == nil {
		t.Error("Load with a canceled context succeeded")
	}
}

// TestGOROOTFromSymlinkedGo checks that GOROOT and go.env are found through a
// symlink to the go binary, as cmd/go finds its own GOROOT.
func TestGOROOTFromSymlinkedGo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	goBin := goBinary(t)
	realRoot := filepath.Dir(filepath.Dir(goBin))
	bin := t.TempDir()
	if err := os.Symlink(goBin, filepath.Join(bin, "go")); err != nil {
		t.Fatal(err)
	}
	e := load(t, Options{GoCommand: "-", Environ: []string{"PATH=" + bin, "GOENV=off", "HOME=" + bin}})
	v := e.Lookup("GOROOT")
	if !isSameDir(v.Value, realRoot) || v.Origin != OriginToolchain {
		t.Errorf("GOROOT = %+v, want %s from the toolchain", v, realRoot)
	}
	if !strings.HasPrefix(e.Get("GOVERSION"), "go") {
		t.Errorf("GOVERSION = %q", e.Get("GOVERSION"))
	}
}

func TestReport(t *testing.T) {
	e := load(t, Options{GoCommand: "-", Environ: []string{"GOENV=off", "HOME=/h",
		"GOPROXY=https://alice:s3cr3t@corp-proxy.example/go|https://proxy.golang.org,direct",
		"GOPRIVATE=git.corp.example, other.example",
		"GOSUMDB=off",
	}})
	r := e.Report()
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "json": string(js)} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("%s report leaks the proxy password:\n%s", name, out)
		}
		for _, want := range []string{"corp-proxy.example", "git.corp.example", "other.example"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q:\n%s", name, want, out)
			}
		}
	}
	for _, want := range []string{
		"GOPRIVATE=\"git.corp.example, other.example\"", "# env",
		"| on any error try the next", ", on 404/410 try the next", "direct (fetch from version control)",
		"off (go.sum lines are not verified)", "leading or trailing space", "not run",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Proxies) != 4 || !back.Proxies[1].FallBackOnAnyError || back.SumDB == nil || !back.SumDB.Off || len(back.Findings) == 0 {
		t.Errorf("JSON round trip: %+v", back)
	}
}
