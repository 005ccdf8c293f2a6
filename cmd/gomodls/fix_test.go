package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// TestCheckFix runs `gomodls check -fix` against the fixture proxy and
// checksum database: missing lines are added (verified, or hashed from the
// proxy under GONOSUMDB), a mismatching line is left alone and still
// reported.
func TestCheckFix(t *testing.T) {
	tampered := "example.com/basic v1.1.0 h1:AAAAkOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n"
	srv, dir := fixtureModule(t, map[string]string{"GONOSUMDB": "example.com/deep/c"}, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n\texample.com/deep/a v1.0.0 // indirect\n\texample.com/deep/c v1.1.0\n)\n",
		"go.sum": tampered + "example.com/basic v1.1.0/go.mod h1:BOK6UDcxFkMy3nlbYGGffUlMObMwU5WJQ2GWI1uXc5k=\n",
		// go build needs the zip lines of what the package imports; go
		// list -m all the go.mod files of the graph below deep/a and
		// deep/c (go 1.16: not pruned).
		"m.go": "package m\n\nimport (\n\t_ \"example.com/deep/c\"\n\t_ \"example.com/zero\"\n)\n",
	})

	var stdout, stderr bytes.Buffer
	code := run([]string{"check", "-fix", dir}, nil, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code %d, want 1 (the mismatch remains); stderr:\n%s", code, stderr.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	want := tampered +
		"example.com/basic v1.1.0/go.mod h1:BOK6UDcxFkMy3nlbYGGffUlMObMwU5WJQ2GWI1uXc5k=\n" +
		"example.com/deep/a v1.0.0/go.mod h1:z9OcrMxFqWPgYPX1kUxDclWRSAcR8T0n9DObH5Qcb54=\n" +
		"example.com/deep/b v1.0.0/go.mod h1:eR/hRn860Wd6NbHjQJz7cDeqEn40Dp2Dto4p19rW/CI=\n" +
		"example.com/deep/c v1.0.0/go.mod h1:81Y6qUanulUGoJtSGwnus7f8zG+NXkD7o2zhyiTkCmc=\n" +
		"example.com/deep/c v1.1.0 h1:U20FtZPCapLaDtJCXNU3Yo9n/BqaLgqJOai7U2fYRDc=\n" +
		"example.com/deep/c v1.1.0/go.mod h1:vgr8l01nYfPNU4YR9zIIq5/oFwaLV4qvGyvaLgY9ntE=\n" +
		"example.com/deep/d v1.0.0/go.mod h1:vGa8tTyqo5340+sNoOH0Qj1l0vd72ql0KdDYbiIBYA0=\n" +
		"example.com/deep/d v1.1.0/go.mod h1:qas4nXNdXyX4IPSxWdtFTToT0zBaRQt8jfx6q69BAwQ=\n" +
		"example.com/deep/e v1.0.0/go.mod h1:180W5Ika+aKWxBvT2kdbT5Y/ohePVQcd3Fu7J4fQ6DQ=\n" +
		"example.com/deep/e v1.1.0/go.mod h1:180W5Ika+aKWxBvT2kdbT5Y/ohePVQcd3Fu7J4fQ6DQ=\n" +
		"example.com/zero v0.2.0 h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=\n" +
		"example.com/zero v0.2.0/go.mod h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n"
	if string(got) != want {
		t.Errorf("go.sum after -fix:\n%s\nwant:\n%s", got, want)
	}
	if fi, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("go.sum mode %v (%v), want 0600 kept", fi.Mode(), err)
	}
	log := stderr.String()
	for _, w := range []string{
		"go.sum: added example.com/zero v0.2.0 h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY= (verified by sum.proxytest.invalid)",
		"go.sum: added example.com/deep/a v1.0.0/go.mod h1:z9OcrMxFqWPgYPX1kUxDclWRSAcR8T0n9DObH5Qcb54= (verified by sum.proxytest.invalid)",
		"go.sum: added example.com/deep/c v1.1.0 h1:U20FtZPCapLaDtJCXNU3Yo9n/BqaLgqJOai7U2fYRDc= (computed from what " + srv.URL + " serves (not verified: GONOSUMDB pattern example.com/deep/c))",
	} {
		if !strings.Contains(log, w) {
			t.Errorf("stderr lacks %q:\n%s", w, log)
		}
	}
	// The report is of the state after the fix: the mismatch, no missing lines.
	out := stdout.String()
	if !strings.Contains(out, "go.sum:1:26: error: checksum mismatch for example.com/basic v1.1.0") || strings.Contains(out, "sum-missing") {
		t.Errorf("report after -fix:\n%s", out)
	}
	// The checksum database never heard of the GONOSUMDB module.
	for _, r := range srv.Requests() {
		if r.Endpoint&proxytest.EndpointSumDB != 0 && strings.Contains(r.URL, "deep/c") {
			t.Errorf("checksum database asked about a GONOSUMDB module: %s", r)
		}
	}

	// Nothing left to add: a second run writes nothing.
	stderr.Reset()
	stdout.Reset()
	run([]string{"check", "-fix", dir}, nil, &stdout, &stderr)
	if strings.Contains(stderr.String(), "added") {
		t.Errorf("second -fix added lines:\n%s", stderr.String())
	}
}

func TestCheckFixNeedsNetwork(t *testing.T) {
	hermeticEnv(t)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", "-fix", "-network=false", "testdata/check/clean"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "-fix needs the network checks") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// TestCheckFixThenGoBuild: testify v1.9.0 is required (with go-spew,
// go-difflib and yaml as indirect requirements, as go mod tidy writes
// them) and go-spew's go.sum lines are gone; the module imports assert.
// With a fresh module cache gomodls cannot read testify's source, so it
// cannot tell whether go build needs go-spew's zip: -fix adds the lines
// the build may need, and the real go build ./..., offline against the
// fixture with another fresh module cache, succeeds. The go.sum is the one
// go mod tidy writes.
func TestCheckFixThenGoBuild(t *testing.T) {
	// The build cache of the machine: hermeticEnv turns it off.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	gomod := "module example.com/m\n\ngo 1.22\n\nrequire example.com/testify v1.9.0\n\nrequire (\n" +
		"\texample.com/difflib v1.0.0 // indirect\n\texample.com/spew v1.1.1 // indirect\n\texample.com/yaml v1.0.0 // indirect\n)\n"
	files := map[string]string{
		"go.mod": gomod,
		"m.go":   "package m\n\nimport _ \"example.com/testify/assert\"\n",
	}
	srv, dir := fixtureModule(t, nil, files)
	// What go mod tidy writes, in a copy.
	tidyDir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tidyDir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd := func(dir string, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, srv.GoEnv("GOCACHE="+strings.TrimSpace(string(gocache))) // a fresh GOPATH and module cache each time
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := goCmd(tidyDir, "mod", "tidy"); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	tidy, err := os.ReadFile(filepath.Join(tidyDir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(tidyDir, "go.mod")); string(got) != gomod {
		t.Fatalf("go mod tidy changed go.mod:\n%s", got)
	}
	var broken []string
	for _, l := range strings.SplitAfter(string(tidy), "\n") {
		if !strings.HasPrefix(l, "example.com/spew ") {
			broken = append(broken, l)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(broken, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := goCmd(dir, "build", "./..."); err == nil || !strings.Contains(out, "missing go.sum entry") {
		t.Fatalf("go build before the fix: %v\n%s", err, out)
	}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", "-fix", dir}, nil, &stdout, &stderr); code != 0 {
		t.Errorf("gomodls check -fix: exit code %d\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"added example.com/spew v1.1.1 h1:", "added example.com/spew v1.1.1/go.mod h1:"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if out, err := goCmd(dir, "build", "./..."); err != nil {
		t.Errorf("go build after the fix: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "go.sum")); string(got) != string(tidy) {
		t.Errorf("go.sum after -fix:\n%s\ngo mod tidy writes:\n%s", got, tidy)
	}
}

// fixtureModule points the environment at the fixture proxy and its
// checksum database, with extra variables, and writes files (mode 0600)
// to a new module directory.
func fixtureModule(t *testing.T, extra, files map[string]string) (*proxytest.Server, string) {
	t.Helper()
	hermeticEnv(t)
	srv := proxytest.New(t)
	t.Setenv("GOPROXY", srv.URL)
	t.Setenv("GOSUMDB", srv.SumDBKey())
	for k, v := range extra {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return srv, dir
}
