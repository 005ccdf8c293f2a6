// Copyright 2026 The gomodls Authors.

package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// importsAside are files whose imports cannot be regrouped yet.
var importsAside = map[string]string{}

// TestImportGroups checks that every Go file of the module groups its
// imports as goimports -local github.com/gomodls/gomodls does: the
// standard library, other modules and this module in groups of their own
// (separated by blank lines), never mixed in one group.
func TestImportGroups(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if importsAside[rel] != "" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		group, groupKind, prevLine := 0, "", 0
		for _, spec := range f.Imports {
			line := fset.Position(spec.Pos()).Line
			if line > prevLine+1 {
				group, groupKind = group+1, ""
			}
			prevLine = line
			p, _ := strconv.Unquote(spec.Path.Value)
			kind := "another module"
			switch first, _, _ := strings.Cut(p, "/"); {
			case strings.HasPrefix(p, strings.TrimSuffix(module, "/")):
				kind = "this module"
			case !strings.Contains(first, "."):
				kind = "the standard library"
			}
			if groupKind == "" {
				groupKind = kind
			} else if kind != groupKind {
				t.Errorf("%s: import %q (%s) is in a group of imports of %s; run goimports -local github.com/gomodls/gomodls", rel, p, kind, groupKind)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
