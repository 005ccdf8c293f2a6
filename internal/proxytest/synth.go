package proxytest

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

// AddSynthetic adds a generated corpus for benchmarks: modules
// prefix/m000 … prefix/m<n-1>, each with versions v1.0.0 … v1.<versions-1>.0.
// The go.mod of every version of module i requires modules 2i+1 and 2i+2
// (when they exist) at their latest version, and its package imports
// theirs, so the requirement and import graphs are a binary tree of depth
// log2(n) under prefix/m000. Zips are built on first
// request and cached, so adding 300×5 versions takes milliseconds.
func (s *Server) AddSynthetic(prefix string, modules, versions int) error {
	if modules < 1 || versions < 1 {
		return fmt.Errorf("AddSynthetic(%q, %d, %d): want at least one module and one version", prefix, modules, versions)
	}
	if err := module.CheckPath(SyntheticPath(prefix, 0)); err != nil {
		return fmt.Errorf("AddSynthetic: %w", err)
	}
	latest := fmt.Sprintf("v1.%d.0", versions-1)
	for i := range modules {
		p := SyntheticPath(prefix, i)
		var req, imports strings.Builder
		for _, j := range []int{2*i + 1, 2*i + 2} {
			if j < modules {
				fmt.Fprintf(&req, "require %s %s\n", SyntheticPath(prefix, j), latest)
				fmt.Fprintf(&imports, "import _ %q\n", SyntheticPath(prefix, j))
			}
		}
		mod := fmt.Sprintf("module %s\n\ngo 1.21\n\n%s", p, req.String())
		pkg := fmt.Sprintf("m%03d", i)
		for v := range versions {
			mf := &ModuleFile{
				Path:    p,
				Version: fmt.Sprintf("v1.%d.0", v),
				Files: []File{
					{Name: "go.mod", Data: []byte(mod)},
					{Name: pkg + ".go", Data: fmt.Appendf(nil, "// Package %s is synthetic module %d, version %d.\npackage %s\n\n%s\nconst Version = %d\n", pkg, i, v, pkg, imports.String(), v)},
				},
			}
			if err := s.corpus.add(mf); err != nil {
				return err
			}
		}
	}
	return nil
}

// SyntheticPath returns the path of synthetic module i under prefix.
func SyntheticPath(prefix string, i int) string {
	return fmt.Sprintf("%s/m%03d", strings.TrimSuffix(prefix, "/"), i)
}
