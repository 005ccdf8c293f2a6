// Copyright 2026 The gomodls Authors.

package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// checkingPackages are the packages whose file accesses decide a check's
// findings: each must go through package inputs, so that gomodls check
// can tell when a previous check's findings still hold (its -cache).
// The module source and the vulnerability database are not among them:
// their answers have freshness of their own.
var checkingPackages = []string{
	"internal/snapshot", "internal/modplan", "internal/modload", "internal/workspace",
	"internal/godebugs", "internal/modcache", "internal/modinfo", "internal/gomod",
	"internal/gosum", "internal/checker", "analyzers", "fixes", "internal/report",
}

// unrecorded are the calls that read the disk without package inputs.
var unrecorded = map[string]bool{
	"os.ReadFile": true, "os.Stat": true, "os.Lstat": true, "os.Open": true, "os.OpenFile": true,
	"os.ReadDir": true, "os.DirFS": true, "filepath.WalkDir": true, "filepath.Walk": true,
	"filepath.Glob": true, "filepath.EvalSymlinks": true, "parser.ParseDir": true,
}

// TestInputsRecorded checks that the checking packages read files only
// through package inputs (ReadFile, Stat, ReadDir, WalkDir, Note).
func TestInputsRecorded(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, pkg := range checkingPackages {
		files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pkg), "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Errorf("%s: no Go files (moved? update checkingPackages)", pkg)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				name := x.Name + "." + sel.Sel.Name
				if unrecorded[name] {
					t.Errorf("%s: %s reads the disk unrecorded: use package inputs", fset.Position(call.Pos()), name)
				}
				// go/parser opens the file itself when it is given no source.
				if name == "parser.ParseFile" && len(call.Args) >= 3 {
					if id, ok := call.Args[2].(*ast.Ident); ok && id.Name == "nil" {
						t.Errorf("%s: parser.ParseFile reads the file unrecorded: stat it with inputs.Stat first, or pass its source", fset.Position(call.Pos()))
					}
				}
				return true
			})
		}
	}
}
