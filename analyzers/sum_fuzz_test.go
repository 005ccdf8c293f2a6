package analyzers_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/gosum"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// fakeSums answers every module with made-up but well-formed "verified"
// hashes, so the fix builder can be fuzzed without a network.
type fakeSums struct{ snapshot.Source }

func fakeHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "h1:" + base64.StdEncoding.EncodeToString(h[:])
}

func (fakeSums) Sums(ctx context.Context, path, version string, mode sumcheck.Mode) (*sumcheck.Sums, error) {
	return &sumcheck.Sums{Path: path, Version: version, Verified: true, DB: "sum.example",
		Zip: fakeHash(path + version), GoMod: fakeHash(path + version + "/go.mod")}, nil
}

func (fakeSums) Preload([]module.Version) {}

func (f fakeSums) CachedSums(path, version string) *sumcheck.Sums {
	s, _ := f.Sums(context.Background(), path, version, sumcheck.Verify)
	return s
}

// FuzzSumMissingFix: for any go.mod and go.sum, applying the fix that adds
// every missing line keeps every existing line, adds no malformed line,
// leaves nothing missing, and is idempotent.
func FuzzSumMissingFix(f *testing.F) {
	f.Add("module m\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.2.3 // indirect\n)\nreplace example.com/b => example.com/c v0.1.0\n",
		"example.com/a v1.0.0/go.mod h1:z9OcrMxFqWPgYPX1kUxDclWRSAcR8T0n9DObH5Qcb54=\n")
	f.Add("module m\nrequire example.com/z v1.0.0\nrequire example.com/a v1.0.0\n", "")
	f.Add("module m\nrequire example.com/Up/x v2.0.0+incompatible\n", "garbage line\n\nexample.com/a v1.0.0 h1:x\n")
	f.Add("module m\nrequire example.com/a v0.0.0-20240102030405-abcdef012345\n", "example.com/zzz v1.0.0 h1:z9OcrMxFqWPgYPX1kUxDclWRSAcR8T0n9DObH5Qcb54=")
	f.Fuzz(func(t *testing.T, gomod, gosumText string) {
		contents := snapshot.Contents{snapshot.GoMod: []byte(gomod), snapshot.GoSum: []byte(gosumText)}
		snap := snapshot.Build("/fuzz", contents, nil, nil, nil, fakeSums{})
		diags, failures := checker.Run(context.Background(), snap, []*analyzers.Analyzer{analyzers.SumMissing})
		if len(failures) > 0 {
			t.Fatalf("analyzer failed: %v", failures)
		}
		var edits []fixes.Edit
		for _, d := range diags {
			if len(d.Fixes) == 0 {
				t.Fatalf("no fix for %s", d.Message)
			}
			fx := d.Fixes[len(d.Fixes)-1] // the fix for all when there are several
			if !fx.Preferred {
				t.Fatalf("fix %q not preferred", fx.Title)
			}
			edits = fx.Edits
		}
		if len(diags) == 0 {
			return
		}
		out := fixes.Apply([]byte(gosumText), edits)
		before, after := gosum.Parse("go.sum", []byte(gosumText)), gosum.Parse("go.sum", out)
		// Every line kept, in order; only well-formed lines added.
		if got := lineCount(string(out)) - lineCount(gosumText); got != len(after.Lines)-len(before.Lines) {
			t.Fatalf("added %d lines, %d of them well-formed:\n%s", got, len(after.Lines)-len(before.Lines), out)
		}
		if !isSubsequence(nonEmptyLines(gosumText), nonEmptyLines(string(out))) {
			t.Fatalf("existing lines changed:\n%q\n->\n%q", gosumText, out)
		}
		if len(after.Errors) != len(before.Errors) {
			t.Fatalf("errors %d -> %d:\n%s", len(before.Errors), len(after.Errors), out)
		}
		// Nothing missing any more, and nothing more to add.
		fixed := snapshot.Build("/fuzz", snapshot.Contents{snapshot.GoMod: []byte(gomod), snapshot.GoSum: out}, nil, nil, nil, fakeSums{})
		if left := analyzers.MissingSums(fixed); len(left) != 0 {
			t.Fatalf("still missing after the fix: %+v\n%s", left, out)
		}
	})
}

func lineCount(s string) int {
	return len(nonEmptyLines(s))
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimRight(l, "\r"))
		}
	}
	return out
}

func isSubsequence(sub, seq []string) bool {
	i := 0
	for _, s := range seq {
		if i < len(sub) && sub[i] == s {
			i++
		}
	}
	return i == len(sub)
}
