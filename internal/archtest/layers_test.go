// Copyright 2026 The gomodls Authors.

package archtest

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/gomodls/gomodls/"

// layers are gomodls' packages from the bottom up (ARCHITECTURE.md's
// "Package order"). A package imports packages of its own layer or of
// layers below, never above.
var layers = []struct {
	name     string
	packages []string
}{
	{"foundations", []string{"internal/inputs", "internal/span", "internal/redact", "internal/quoted", "internal/atomicfile", "internal/settings",
		"internal/lspwire", "internal/godebugs", "internal/workspace", "internal/modcache", "internal/auth", "internal/goenv",
		"internal/gomod", "internal/gosum"}},
	{"contracts", []string{"internal/modsource", "internal/checksum", "internal/vulndb/osv"}},
	{"sources", []string{"internal/direct", "internal/modproxy", "internal/sumcheck", "internal/vulndb"}},
	{"snapshot", []string{"internal/snapshot"}},
	{"plan", []string{"internal/modplan", "internal/modinfo", "internal/modload"}},
	{"features", []string{"fixes", "analyzers", "internal/hover", "internal/completion"}},
	{"runner", []string{"internal/checker", "internal/report", "internal/docgen"}},
	{"engine", []string{"internal/engine"}},
	{"front ends", []string{"lsp", "cmd/gomodls"}},
}

// sources is the layer of the module source implementations: they are
// reached through the contracts, and only the engine builds them.
const sources = "sources"

// aside are packages outside the layers: test kits and development
// commands. They may import anything; no layered package imports them.
var aside = []string{
	"analyzers/analyzerstest", "lsp/lsptest", "internal/proxytest", "internal/proxytest/cmd/fixtureproxy",
	"internal/benchfixture", "internal/cmd/bench", "internal/cmd/crosscheck", "internal/cmd/gendocs",
	"internal/cmd/vulncrosscheck", "internal/cmd/vulndbgen", "internal/archtest", "editors/jetbrains",
}

// TestLayers checks the import graph (imports of non-test files): no
// package imports a layer above its own; no package but the engine (and the
// sources themselves, which build on each other) imports
// a module source implementation (so neither the snapshot, the analyzers,
// hover, completion nor a front end reaches the network by itself); no
// layered package imports a test kit or a development command; and every
// package of the module is placed.
func TestLayers(t *testing.T) {
	rank := map[string]int{}
	layer := map[string]string{}
	for i, l := range layers {
		for _, p := range l.packages {
			rank[p], layer[p] = i, l.name
		}
	}
	for _, p := range aside {
		rank[p] = -1
	}
	for pkg, imports := range modulePackages(t) {
		r, ok := rank[pkg]
		if !ok {
			t.Errorf("%s is in no layer: add it to layers (or to aside, for test kits and development commands) and to ARCHITECTURE.md", pkg)
			continue
		}
		if r < 0 {
			continue
		}
		for _, imp := range imports {
			ir, ok := rank[imp]
			switch {
			case !ok:
				// reported as a package of its own
			case ir < 0:
				t.Errorf("%s (%s) imports %s, a test kit or development command", pkg, layer[pkg], imp)
			case ir > r:
				t.Errorf("%s (%s) imports %s (%s): a layer reaches up", pkg, layer[pkg], imp, layer[imp])
			case layer[imp] == sources && layer[pkg] != sources && pkg != "internal/engine":
				t.Errorf("%s (%s) imports the module source implementation %s: only the engine builds sources; import the contracts (internal/modsource, internal/checksum, internal/vulndb/osv)", pkg, layer[pkg], imp)
			}
		}
	}
}

// modulePackages returns the module's packages (relative to the module
// root) and the module packages their non-test files import.
func modulePackages(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no module root at %s: %v", root, err)
	}
	out := map[string][]string{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "node_modules") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		if len(pkg.GoFiles)+len(pkg.CgoFiles) == 0 {
			return nil // tests only
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		var imports []string
		for _, imp := range pkg.Imports {
			if p, ok := strings.CutPrefix(imp, module); ok {
				imports = append(imports, p)
			}
		}
		slices.Sort(imports)
		out[filepath.ToSlash(rel)] = imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < len(layers) {
		t.Fatalf("found %d packages under %s", len(out), root)
	}
	return out
}
