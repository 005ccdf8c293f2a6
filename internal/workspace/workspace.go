// Package workspace finds the go.mod and go.work files under a directory,
// the way `gomodls check ./...` and the language server's workspace scan
// need them.
package workspace

import (
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomodls/gomodls/internal/inputs"
)

// Find returns the absolute paths of every go.mod and go.work file under
// root, sorted. Like the go command's ./... pattern, it skips vendor and
// testdata directories and directories whose names begin with "." or "_",
// and also node_modules. Unreadable directories are skipped; the first
// such error is returned alongside the files found.
func Find(ctx context.Context, root string) ([]string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var files []string
	var firstErr error
	err = inputs.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && Skip(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if name := d.Name(); name == "go.mod" || name == "go.work" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return files, err
	}
	sort.Strings(files)
	return files, firstErr
}

// Skip reports whether a directory with this name is skipped by Find.
func Skip(name string) bool {
	switch name {
	case "vendor", "testdata", "node_modules":
		return true
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}
