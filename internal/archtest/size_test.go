// Copyright 2026 The gomodls Authors.

package archtest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxLines is the most lines a shipped Go file has without a reason
// written at its top ("This file is long because ...", in the comments
// before the package clause).
const maxLines = 600

// longFiles are the files over maxLines whose reason cannot be written in
// them yet.
var longFiles = map[string]string{}

// TestFileSize checks that no Go file of a layered package (what ships in
// gomodls; test kits and development commands aside) is longer than
// maxLines without saying why at its top.
func TestFileSize(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		for _, pkg := range l.packages {
			files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pkg), "*.go"))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if strings.HasSuffix(f, "_test.go") {
					continue
				}
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				n := bytes.Count(data, []byte("\n"))
				rel := pkg + "/" + filepath.Base(f)
				if n <= maxLines || longFiles[rel] != "" {
					continue
				}
				header, _, _ := bytes.Cut(data, []byte("\npackage "))
				if !bytes.Contains(header, []byte("This file is long because")) {
					t.Errorf("%s has %d lines (more than %d): split it, or say at its top why it is long (\"This file is long because ...\")", rel, n, maxLines)
				}
			}
		}
	}
}
