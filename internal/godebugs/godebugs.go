// Package godebugs reads the GODEBUG settings a Go toolchain knows from the
// toolchain itself: the table in $GOROOT/src/internal/godebugs/table.go,
// parsed with go/parser (never a list kept here, which would go stale with
// each release). A table is read once per GOROOT and read again when the
// file changes.
package godebugs

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gomodls/gomodls/internal/inputs"
)

// A Setting is one GODEBUG setting the toolchain knows (godebugs.Info).
type Setting struct {
	Name    string // "panicnil"
	Package string // the package that uses it ("runtime")
	Changed int    // the minor Go version whose default changed, 0 if none
	Old     string // the value that restores the behaviour before Changed
}

// A Table is the GODEBUG settings of one toolchain.
type Table struct {
	// File is the table.go it was read from.
	File    string
	known   map[string]Setting
	removed map[string]int
}

// Lookup returns the setting called name.
func (t *Table) Lookup(name string) (Setting, bool) {
	s, ok := t.known[name]
	return s, ok
}

// Removed returns the minor Go version that removed the setting called
// name (24 for Go 1.24), if the toolchain lists it as removed.
func (t *Table) Removed(name string) (int, bool) {
	v, ok := t.removed[name]
	return v, ok
}

// Names returns the names of the known settings, sorted.
func (t *Table) Names() []string {
	names := make([]string, 0, len(t.known))
	for n := range t.known {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Len returns the number of known settings.
func (t *Table) Len() int { return len(t.known) }

type cacheEntry struct {
	size  int64
	mtime time.Time
	table *Table
	err   error
}

var (
	mu    sync.Mutex
	cache = map[string]cacheEntry{} // by GOROOT
)

// Load returns the table of the toolchain in goroot. It fails when the
// toolchain has no table.go (a Go older than 1.21, or an installation
// without sources) or the file has an unexpected shape.
func Load(goroot string) (*Table, error) {
	if goroot == "" {
		return nil, errors.New("godebugs: no GOROOT")
	}
	file := filepath.Join(goroot, "src", "internal", "godebugs", "table.go")
	fi, err := inputs.Stat(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("godebugs: the toolchain in %s has no table of GODEBUG settings (%s)", goroot, file)
		}
		return nil, fmt.Errorf("godebugs: %w", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if e, ok := cache[goroot]; ok && e.size == fi.Size() && e.mtime.Equal(fi.ModTime()) {
		return e.table, e.err
	}
	t, err := parse(file)
	cache[goroot] = cacheEntry{size: fi.Size(), mtime: fi.ModTime(), table: t, err: err}
	return t, err
}

// parse reads the composite literals of the variables All ([]Info) and
// Removed ([]RemovedInfo) in table.go.
func parse(file string) (*Table, error) {
	src, err := inputs.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("godebugs: %w", err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("godebugs: %w", err)
	}
	t := &Table{File: file, known: map[string]Setting{}, removed: map[string]int{}}
	found := false
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.CompositeLit)
				if !ok {
					continue
				}
				switch name.Name {
				case "All":
					found = true
					for _, elt := range lit.Elts {
						fields := fieldsOf(elt)
						s := Setting{Name: fields["Name"], Package: fields["Package"], Old: fields["Old"]}
						s.Changed, _ = strconv.Atoi(fields["Changed"])
						if s.Name != "" {
							t.known[s.Name] = s
						}
					}
				case "Removed":
					for _, elt := range lit.Elts {
						fields := fieldsOf(elt)
						if n := fields["Name"]; n != "" {
							t.removed[n], _ = strconv.Atoi(fields["Removed"])
						}
					}
				}
			}
		}
	}
	if !found || len(t.known) == 0 {
		return nil, fmt.Errorf("godebugs: no table of settings (var All) in %s", file)
	}
	return t, nil
}

// fieldsOf returns the keyed fields of a composite literal whose values are
// basic literals (strings unquoted).
func fieldsOf(e ast.Expr) map[string]string {
	out := map[string]string{}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return out
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		switch v := kv.Value.(type) {
		case *ast.BasicLit:
			if v.Kind == token.STRING {
				if s, err := strconv.Unquote(v.Value); err == nil {
					out[key.Name] = s
				}
			} else {
				out[key.Name] = v.Value
			}
		case *ast.Ident:
			out[key.Name] = v.Name // true, false
		}
	}
	return out
}
