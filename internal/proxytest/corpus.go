package proxytest

import (
	"archive/zip"
	"bytes"
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

//go:embed testdata/mod/*.txt
var defaultCorpus embed.FS

//go:embed testdata/private/*.txt
var privateCorpus embed.FS

// DefaultCorpus is the corpus every Server serves unless WithoutDefaultCorpus
// is given: testdata/mod of this package. See README.md there for what each
// module exhibits.
var DefaultCorpus fs.FS = mustSub(defaultCorpus, "testdata/mod")

// PrivateCorpus holds modules under git.corp.example.com, for a second
// Server that plays a private proxy (WithoutDefaultCorpus(), WithCorpusFS(PrivateCorpus)).
var PrivateCorpus fs.FS = mustSub(privateCorpus, "testdata/private")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// baseTime is the .info Time of every non-pseudo version without an explicit
// .info: fixed, so repeated runs serve identical bytes, and earlier than the
// pseudo-versions in the corpus.
var baseTime = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// A corpus is the set of modules a Server serves. It is safe for concurrent use.
type corpus struct {
	mu   sync.RWMutex
	mods map[string]*modEntry // by unescaped module path
}

type modEntry struct {
	versions map[string]*modVersion
}

// modVersion is one served module version. Everything but the zip is
// computed when the version is added; the zip and its hash are built on
// first use and kept, so a large synthetic corpus costs little until read.
type modVersion struct {
	path, version string
	files         []File
	mod           []byte
	info          []byte

	zipOnce sync.Once
	zip     []byte
	zipHash string
	zipErr  error

	modHashOnce sync.Once
	modHash     string
}

func newCorpus() *corpus {
	return &corpus{mods: make(map[string]*modEntry)}
}

// add adds (or replaces) the module version described by mf.
func (c *corpus) add(mf *ModuleFile) error {
	mv, err := newModVersion(mf)
	if err != nil {
		return err
	}
	c.insert(mf.Path, mv)
	return nil
}

// newModVersion checks mf and prepares it for serving; nil for a known
// path without versions.
func newModVersion(mf *ModuleFile) (*modVersion, error) {
	if err := checkPathVersion(mf.Path, mf.Version); err != nil {
		return nil, err
	}
	if mf.Version == "" {
		return nil, nil
	}
	mv := &modVersion{
		path:    mf.Path,
		version: mf.Version,
		files:   mf.Files,
		mod:     mf.modData(),
	}
	if mf.Info != nil {
		mv.info = mf.Info
	} else {
		mv.info = synthInfo(mf.Path, mf.Version)
	}
	return mv, nil
}

// insert adds mv (nil: just the path) to the corpus.
func (c *corpus) insert(modPath string, mv *modVersion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.mods[modPath]
	if e == nil {
		e = &modEntry{versions: make(map[string]*modVersion)}
		c.mods[modPath] = e
	}
	if mv != nil {
		e.versions[mv.version] = mv
	}
}

// defaultVersions is DefaultCorpus parsed once per process. Its modVersions
// are shared by every Server: they are immutable but for the lazily built
// zip, which is the same for all, so tests that start many servers build
// each zip once.
var defaultVersions = sync.OnceValues(func() ([]pathVersion, error) {
	return loadFS(DefaultCorpus, "proxytest default corpus")
})

type pathVersion struct {
	path string
	mv   *modVersion // nil: known path without versions
}

func loadFS(fsys fs.FS, where string) ([]pathVersion, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.txt module files in %s", where)
	}
	var out []pathVersion
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := ParseModuleFile(name, data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		mv, err := newModVersion(mf)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", where, name, err)
		}
		out = append(out, pathVersion{mf.Path, mv})
	}
	return out, nil
}

func (c *corpus) addDefault() error {
	pvs, err := defaultVersions()
	if err != nil {
		return err
	}
	for _, pv := range pvs {
		c.insert(pv.path, pv.mv)
	}
	return nil
}

// addFS adds every *.txt file in the root of fsys.
func (c *corpus) addFS(fsys fs.FS, where string) error {
	pvs, err := loadFS(fsys, where)
	if err != nil {
		return err
	}
	for _, pv := range pvs {
		c.insert(pv.path, pv.mv)
	}
	return nil
}

func (c *corpus) addDir(dir string) error {
	return c.addFS(os.DirFS(dir), dir)
}

// lookup returns the version, and whether the module path is known at all.
func (c *corpus) lookup(modPath, version string) (mv *modVersion, known bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.mods[modPath]
	if e == nil {
		return nil, false
	}
	return e.versions[version], true
}

// list returns the versions the @v/list endpoint reports, in semver order:
// every version except pseudo-versions, as proxy.golang.org does.
func (c *corpus) list(modPath string) (versions []string, known bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.mods[modPath]
	if e == nil {
		return nil, false
	}
	for v := range e.versions {
		if !module.IsPseudoVersion(v) {
			versions = append(versions, v)
		}
	}
	semver.Sort(versions)
	return versions, true
}

// latest returns what @latest answers: the highest release, else the
// highest prerelease, else the newest pseudo-version.
func (c *corpus) latest(modPath string) (*modVersion, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.mods[modPath]
	if e == nil {
		return nil, false
	}
	var rel, pre, pseudo *modVersion
	better := func(cur *modVersion, v *modVersion) bool {
		return cur == nil || semver.Compare(v.version, cur.version) > 0
	}
	for _, mv := range e.versions {
		switch {
		case module.IsPseudoVersion(mv.version):
			if better(pseudo, mv) {
				pseudo = mv
			}
		case semver.Prerelease(mv.version) != "":
			if better(pre, mv) {
				pre = mv
			}
		default:
			if better(rel, mv) {
				rel = mv
			}
		}
	}
	switch {
	case rel != nil:
		return rel, true
	case pre != nil:
		return pre, true
	default:
		return pseudo, true // may be nil: known module without versions
	}
}

// paths returns every known module path, sorted.
func (c *corpus) paths() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ps := make([]string, 0, len(c.mods))
	for p := range c.mods {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// allVersions returns every version of modPath including pseudo-versions, sorted.
func (c *corpus) allVersions(modPath string) []*modVersion {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.mods[modPath]
	if e == nil {
		return nil
	}
	var out []*modVersion
	for _, mv := range e.versions {
		out = append(out, mv)
	}
	slices.SortFunc(out, func(a, b *modVersion) int { return semver.Compare(a.version, b.version) })
	return out
}

// infoJSON is the shape of a proxy's .info answer (cmd/go's RevInfo).
type infoJSON struct {
	Version string
	Time    time.Time
	Origin  *originJSON `json:",omitempty"`
}

type originJSON struct {
	VCS  string `json:",omitempty"`
	URL  string `json:",omitempty"`
	Hash string `json:",omitempty"`
	Ref  string `json:",omitempty"`
}

// synthInfo builds the .info of a version that has no explicit one. A
// pseudo-version gets the time and commit prefix it encodes, so the go
// command's consistency checks hold; every version gets a deterministic
// fake git origin like proxy.golang.org reports.
func synthInfo(modPath, version string) []byte {
	t := baseTime
	sum := sha1.Sum([]byte(modPath + "@" + version))
	hash := hex.EncodeToString(sum[:])
	ref := "refs/tags/" + version
	if module.IsPseudoVersion(version) {
		if pt, err := module.PseudoVersionTime(version); err == nil {
			t = pt
		}
		if rev, err := module.PseudoVersionRev(version); err == nil && len(rev) <= len(hash) {
			hash = rev + hash[len(rev):]
		}
		ref = ""
	}
	// Tags of a /vN module live in the repository of its prefix.
	repo := modPath
	if p, _, ok := module.SplitPathVersion(modPath); ok {
		repo = p
	}
	info := infoJSON{
		Version: version,
		Time:    t,
		Origin:  &originJSON{VCS: "git", URL: "https://" + repo, Hash: hash, Ref: ref},
	}
	data, err := json.Marshal(info)
	if err != nil {
		panic(err) // cannot happen: plain struct
	}
	return data
}

// zipData returns the module zip, built with golang.org/x/mod/zip on first
// use, and its h1: hash.
func (mv *modVersion) zipData() ([]byte, string, error) {
	mv.zipOnce.Do(func() {
		mv.zip, mv.zipErr = buildZip(mv.path, mv.version, mv.files)
		if mv.zipErr == nil {
			mv.zipHash, mv.zipErr = hashZipBytes(mv.zip)
		}
	})
	return mv.zip, mv.zipHash, mv.zipErr
}

// modHash returns the h1: hash of the go.mod, as go.sum's "/go.mod" line has it.
func (mv *modVersion) goModHash() string {
	mv.modHashOnce.Do(func() {
		h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(mv.mod)), nil
		})
		if err != nil {
			panic(err) // Hash1 only fails when open fails
		}
		mv.modHash = h
	})
	return mv.modHash
}

// goSum returns the two go.sum lines for the version, newline-terminated,
// exactly as the checksum database records them.
func (mv *modVersion) goSum() ([]byte, error) {
	_, h, err := mv.zipData()
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%s %s %s\n%s %s/go.mod %s\n", mv.path, mv.version, h, mv.path, mv.version, mv.goModHash()), nil
}

func buildZip(modPath, version string, files []File) ([]byte, error) {
	zf := make([]modzip.File, len(files))
	for i, f := range files {
		zf[i] = memFile(f)
	}
	var buf bytes.Buffer
	if err := modzip.Create(&buf, module.Version{Path: modPath, Version: version}, zf); err != nil {
		return nil, fmt.Errorf("building zip for %s@%s: %w", modPath, version, err)
	}
	return buf.Bytes(), nil
}

// hashZipBytes is dirhash.HashZip(…, dirhash.Hash1) for an in-memory zip.
func hashZipBytes(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var names []string
	byName := make(map[string]*zip.File)
	for _, f := range zr.File {
		names = append(names, f.Name)
		byName[f.Name] = f
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return byName[name].Open()
	})
}

// memFile adapts a File to golang.org/x/mod/zip.File.
type memFile File

func (f memFile) Path() string                 { return f.Name }
func (f memFile) Lstat() (fs.FileInfo, error)  { return memInfo{f}, nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.Data)), nil }

type memInfo struct{ f memFile }

func (i memInfo) Name() string       { return path.Base(i.f.Name) }
func (i memInfo) Size() int64        { return int64(len(i.f.Data)) }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return baseTime }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
