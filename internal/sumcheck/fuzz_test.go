// Copyright 2026 The gomodls Authors.

package sumcheck

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzStoreFile: a file name from the sumdb client never maps outside the
// store's directory.
func FuzzStoreFile(f *testing.F) {
	for _, s := range []string{"sum.golang.org/latest", "sum.golang.org/lookup/golang.org/x/text@v0.3.0",
		"sum.golang.org/tile/8/0/x001/234.p/5", "../x", "a/../../b", "/abs", "a\\b", "a//b", "", "."} {
		f.Add(s)
	}
	root := filepath.Join(f.TempDir(), "k")
	s := newStore(filepath.Dir(root), "k")
	f.Fuzz(func(t *testing.T, name string) {
		for _, sub := range []string{"config", "cache"} {
			p, err := s.file(sub, name)
			if err != nil {
				continue
			}
			base := filepath.Join(root, sub) + string(filepath.Separator)
			if !strings.HasPrefix(p, base) {
				t.Fatalf("file(%q, %q) = %q, outside %s", sub, name, p, base)
			}
		}
	})
}

// FuzzSetFromLines: the database's record lines are accepted only when
// they hold exactly this module's two hashes, which then round-trip.
func FuzzSetFromLines(f *testing.F) {
	f.Add("example.com/m v1.0.0 h1:AAAA\nexample.com/m v1.0.0/go.mod h1:BBBB\n")
	f.Add("example.com/m v1.0.0 h1:AAAA\n")
	f.Add("example.com/other v1.0.0 h1:AAAA\nexample.com/m v1.0.0/go.mod h1:BBBB")
	f.Add("example.com/m v1.0.0 h1:A B\n")
	f.Fuzz(func(t *testing.T, text string) {
		r := &Sums{Path: "example.com/m", Version: "v1.0.0"}
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		if err := setFromLines(r, lines); err != nil {
			return
		}
		if r.Zip == "" || r.GoMod == "" {
			t.Fatalf("accepted %q without both hashes: %+v", text, r)
		}
		for _, l := range r.Lines(true) {
			found := false
			for _, in := range lines {
				found = found || strings.Join(strings.Fields(in), " ") == l
			}
			if !found {
				t.Fatalf("line %q not in the input %q", l, text)
			}
		}
	})
}
