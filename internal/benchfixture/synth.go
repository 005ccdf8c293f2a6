package benchfixture

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// SyntheticPrefix is the module path prefix of the synthetic corpus.
const SyntheticPrefix = "bench.example"

// SyntheticVersions is how many versions each synthetic module has
// (v1.0.0 … v1.<SyntheticVersions-1>.0).
const SyntheticVersions = 3

// AddSynthetic adds modules synthetic modules to srv (see
// proxytest.Server.AddSynthetic), each with SyntheticVersions versions.
func AddSynthetic(srv *proxytest.Server, modules int) error {
	return srv.AddSynthetic(SyntheticPrefix, modules, SyntheticVersions)
}

// SyntheticRequires returns n requires of the synthetic modules
// start … start+n-1 (modulo modules): module i at
// v1.((i+shift)%SyntheticVersions).0, so that two thirds of them have an
// upgrade (and files with different shifts pin different versions).
func SyntheticRequires(start, n, modules, shift int) []module.Version {
	out := make([]module.Version, 0, n)
	for k := range n {
		i := (start + k) % modules
		out = append(out, module.Version{Path: proxytest.SyntheticPath(SyntheticPrefix, i), Version: fmt.Sprintf("v1.%d.0", (i+shift)%SyntheticVersions)})
	}
	return out
}

// GoModText returns a go.mod for modPath requiring reqs.
func GoModText(modPath string, reqs []module.Version) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "module %s\n\ngo 1.22\n\nrequire (\n", modPath)
	for _, r := range reqs {
		fmt.Fprintf(&b, "\t%s %s\n", r.Path, r.Version)
	}
	b.WriteString(")\n")
	return []byte(b.String())
}

// A Monorepo is a tree of go.mod files sharing the synthetic modules.
type Monorepo struct {
	Root  string
	Files int
	// Unique are the distinct module versions required across all files.
	Unique []module.Version
	// Paths are the distinct module paths required.
	Paths []string
}

// WriteMonorepo writes files go.mod files under root (root/svc000/go.mod
// …), file k requiring perFile consecutive synthetic modules starting at
// k*stride (modulo modules), at the versions SyntheticRequires gives with
// shift k%2: the files share modules heavily, every module is used, and
// most are pinned at two different versions across the tree.
func WriteMonorepo(root string, files, modules, perFile, stride int) (*Monorepo, error) {
	m := &Monorepo{Root: root, Files: files}
	seen := map[module.Version]bool{}
	paths := map[string]bool{}
	for k := range files {
		reqs := SyntheticRequires(k*stride, perFile, modules, k%2)
		for _, r := range reqs {
			if !seen[r] {
				seen[r] = true
				m.Unique = append(m.Unique, r)
			}
			if !paths[r.Path] {
				paths[r.Path] = true
				m.Paths = append(m.Paths, r.Path)
			}
		}
		dir := filepath.Join(root, fmt.Sprintf("svc%03d", k))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), GoModText(fmt.Sprintf("example.org/mono/svc%03d", k), reqs), 0o644); err != nil {
			return nil, err
		}
	}
	return m, nil
}
