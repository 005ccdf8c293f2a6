package main

import (
	"bytes"
	"os"
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
	hermeticEnv(t)
	srv := proxytest.New(t)
	t.Setenv("GOPROXY", srv.URL)
	t.Setenv("GOSUMDB", srv.SumDBKey())
	t.Setenv("GONOSUMDB", "example.com/deep/c")
	dir := t.TempDir()
	gomod := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n\texample.com/deep/a v1.0.0 // indirect\n\texample.com/deep/c v1.1.0\n)\n"
	tampered := "example.com/basic v1.1.0 h1:AAAAkOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n"
	gosum := tampered + "example.com/basic v1.1.0/go.mod h1:BOK6UDcxFkMy3nlbYGGffUlMObMwU5WJQ2GWI1uXc5k=\n"
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", gomod)
	write("go.sum", gosum)
	// go build needs the zip lines of what the package imports; go list
	// -m all the go.mod files of the graph below deep/a and deep/c (go
	// 1.16: not pruned).
	write("m.go", "package m\n\nimport (\n\t_ \"example.com/deep/c\"\n\t_ \"example.com/zero\"\n)\n")

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
