// Package benchfixture turns go.mod files into fixture module proxies and
// directory trees, for the tests and benchmarks that replay real-world and
// synthetic go.mod files against gomodls and the go command: the corpus
// test of package analyzers, the benchmarks, and internal/cmd/bench.
//
// A fixture built from a go.mod serves exactly what the go command will
// fetch for it (see [GoMod.Needed]) and nothing else, so every lookup of a
// correct file succeeds and every "newer version" is one the fixture was
// told to add ([Options.Newer]).
package benchfixture

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// A GoMod is one parsed go.mod file.
type GoMod struct {
	// Name is the file's base name (in testdata/realworld,
	// "<module path with / as _>@<version>.mod").
	Name string
	Data []byte
	File *modfile.File
}

// Path returns the module path the file declares.
func (g *GoMod) Path() string {
	if g.File.Module == nil {
		return ""
	}
	return g.File.Module.Mod.Path
}

// Load reads and parses one go.mod file (strictly, as the go command
// reads a main module's go.mod).
func Load(file string) (*GoMod, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(filepath.Base(file), data)
}

// Parse parses go.mod text.
func Parse(name string, data []byte) (*GoMod, error) {
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, err
	}
	return &GoMod{Name: name, Data: data, File: f}, nil
}

// LoadDir loads every *.mod file in dir, sorted by name.
func LoadDir(dir string) ([]*GoMod, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.mod"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.mod files in %s", dir)
	}
	slices.Sort(names)
	var out []*GoMod
	for _, n := range names {
		g, err := Load(n)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// FindRealWorld returns the testdata/realworld directory of the gomodls
// repository containing dir (or one of its parents).
func FindRealWorld(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "testdata", "realworld")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no testdata/realworld in %s or its parents", abs)
		}
	}
}

// Requires returns the module versions of the require lines that no
// replace redirects, in file order: what `go list -m <mod@ver>...` of the
// requires asks a proxy about.
func (g *GoMod) Requires() []module.Version {
	var out []module.Version
	snap := snapshot.Build("", snapshot.Contents{snapshot.GoMod: g.Data}, nil, nil, nil, nil)
	for _, l := range modplan.Of(snap).Lines {
		if l.Role == modplan.Require && l.ReplacedBy == nil {
			out = append(out, l.Mod)
		}
	}
	return out
}

// A Need is a module version the fixture must serve.
type Need struct {
	module.Version
	// Declares is the module path its go.mod declares: the path itself, or,
	// for the target of a replace that renames (a fork), the replaced path,
	// as forks usually keep their upstream's module line (the go command
	// accepts either: modload.rawGoModSummary).
	Declares string
}

// Needed returns, sorted and without duplicates, the module versions the
// go command fetches from a proxy for the file: every require not
// redirected by a replace, every replace target that is module@version,
// and every excluded version (they exist upstream, which is why projects
// exclude them).
func (g *GoMod) Needed() []Need {
	seen := map[module.Version]int{}
	var out []Need
	add := func(m module.Version, declares string) {
		if i, ok := seen[m]; ok {
			// A version needed under its own name keeps its own module line.
			if declares == m.Path {
				out[i].Declares = declares
			}
			return
		}
		seen[m] = len(out)
		out = append(out, Need{m, declares})
	}
	for _, m := range g.Requires() {
		add(m, m.Path)
	}
	for _, r := range g.File.Replace {
		if r.New.Version != "" {
			add(r.New, r.Old.Path)
		}
	}
	for _, x := range g.File.Exclude {
		add(x.Mod, x.Mod.Path)
	}
	slices.SortFunc(out, func(a, b Need) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return semver.Compare(a.Version.Version, b.Version.Version)
	})
	return out
}

// Options configure AddTo.
type Options struct {
	// Newer adds, for every second needed module path (in sorted order), a
	// release one patch above its highest needed release (pseudo-versions
	// excepted), so that upgrade discovery has something to find.
	Newer bool
}

// AddTo adds the file's needed module versions to srv and returns how
// many versions it added. Each gets a minimal go.mod ("module <Declares>"),
// except +incompatible versions, which have none (the proxy then serves
// the synthesised "module <path>", as real proxies do); pseudo-versions get
// the .info time and commit they encode.
func AddTo(srv *proxytest.Server, g *GoMod, opts Options) (int, error) {
	needs := g.Needed()
	n := 0
	for _, nd := range needs {
		if err := addVersion(srv, nd.Path, nd.Version.Version, nd.Declares); err != nil {
			return n, fmt.Errorf("%s: %w", g.Name, err)
		}
		n++
	}
	if !opts.Newer {
		return n, nil
	}
	highest := map[string]string{}
	var paths []string
	for _, nd := range needs {
		v := nd.Version.Version
		if _, ok := highest[nd.Path]; !ok {
			paths = append(paths, nd.Path)
		}
		if !module.IsPseudoVersion(v) && semver.Compare(v, highest[nd.Path]) > 0 {
			highest[nd.Path] = v
		}
	}
	for i, p := range paths {
		v := highest[p]
		if i%2 == 1 || v == "" {
			continue
		}
		next := NextPatch(v)
		if err := addVersion(srv, p, next, p); err != nil {
			return n, fmt.Errorf("%s: %w", g.Name, err)
		}
		n++
	}
	return n, nil
}

func addVersion(srv *proxytest.Server, path, version, declares string) error {
	pkg := "doc.go"
	files := map[string]string{pkg: "// Package fixture stands in for " + path + "@" + version + ".\npackage fixture\n"}
	if semver.Build(version) != "+incompatible" {
		files["go.mod"] = "module " + modfile.AutoQuote(declares) + "\n"
	}
	return srv.AddModule(path, version, files)
}

// NextPatch returns the release one patch above v (v1.2.3 → v1.2.4,
// v1.2.3-rc.1 → v1.2.4, v2.0.0+incompatible → v2.0.1+incompatible).
func NextPatch(v string) string {
	base := strings.TrimSuffix(semver.Canonical(v), semver.Prerelease(v))
	base = strings.TrimSuffix(base, semver.Build(v))
	var maj, min, pat int
	fmt.Sscanf(base, "v%d.%d.%d", &maj, &min, &pat)
	return fmt.Sprintf("v%d.%d.%d%s", maj, min, pat+1, semver.Build(v))
}

// LayOut writes the go.mod under root and creates the local directories
// its replaces point at, each with a go.mod declaring the replaced module
// path (the repository layout the file comes from: k8s.io/kubernetes'
// ./staging/src/k8s.io/..., Vault's ./api and ./sdk, etcd's ../api). When
// replaces climb out with "../", the go.mod is put that many directories
// deep. It returns the directory holding the go.mod.
//
// Directories whose names say they must not exist (etcd's
// ./FORBIDDEN_DEPENDENCY, which points modules that must never be required
// at nothing) are not created, as in the real repository.
func (g *GoMod) LayOut(root string) (string, error) {
	depth := 0
	for _, r := range g.File.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		d := 0
		for p := filepath.ToSlash(r.New.Path); strings.HasPrefix(p, "../"); p = p[3:] {
			d++
		}
		depth = max(depth, d)
	}
	dir := root
	for i := range depth {
		dir = filepath.Join(dir, fmt.Sprintf("sub%d", i+1))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), g.Data, 0o644); err != nil {
		return "", err
	}
	for _, r := range g.File.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) || Forbidden(r.New.Path) {
			continue
		}
		rd := filepath.Join(dir, filepath.FromSlash(r.New.Path))
		if filepath.IsAbs(r.New.Path) {
			return "", fmt.Errorf("%s: replace %s => %s: absolute replacement directories are not laid out", g.Name, r.Old.Path, r.New.Path)
		}
		if err := os.MkdirAll(rd, 0o755); err != nil {
			return "", err
		}
		gm := filepath.Join(rd, "go.mod")
		if old, err := os.ReadFile(gm); err == nil {
			if modfile.ModulePath(old) != r.Old.Path {
				return "", fmt.Errorf("%s: %s is the replacement of both %s and %s", g.Name, r.New.Path, modfile.ModulePath(old), r.Old.Path)
			}
			continue
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if err := os.WriteFile(gm, []byte("module "+modfile.AutoQuote(r.Old.Path)+"\n\ngo 1.21\n"), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// Forbidden reports whether a replacement directory is one a project
// points at on purpose so that it does not exist.
func Forbidden(dir string) bool {
	return strings.Contains(strings.ToUpper(filepath.Base(dir)), "FORBIDDEN")
}

// GoSum returns go.sum text for the file as `go mod tidy` would leave it
// against srv: both lines for every needed version except excluded ones,
// with the hashes the fixture (and its checksum database) serves.
func GoSum(srv *proxytest.Server, g *GoMod) ([]byte, error) {
	excluded := map[module.Version]bool{}
	for _, x := range g.File.Exclude {
		excluded[x.Mod] = true
	}
	var b strings.Builder
	for _, nd := range g.Needed() {
		if excluded[nd.Version] && !slices.Contains(g.Requires(), nd.Version) {
			continue
		}
		lines := srv.GoSumLines(nd.Path, nd.Version.Version)
		if len(lines) != 2 {
			return nil, fmt.Errorf("%s: no go.sum lines for %s@%s", g.Name, nd.Path, nd.Version.Version)
		}
		b.WriteString(lines[0] + "\n" + lines[1] + "\n")
	}
	return []byte(b.String()), nil
}
