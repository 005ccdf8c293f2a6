// Package snapshot defines the immutable input of every analyzer: the
// files of one directory (go.mod, go.sum, go.work, go.work.sum) at one
// moment, the effective Go environment, the settings, and the module source
// for network checks.
//
// A Snapshot is never modified after it is built. The language server
// builds a new one for each document version; a request or a background
// check holds on to the snapshot it started with and never sees a
// half-applied edit.
package snapshot

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/gosum"
	"github.com/gomodls/gomodls/internal/inputs"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/span"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// FileKind names one of the files a snapshot may hold.
type FileKind int

const (
	GoMod FileKind = iota
	GoSum
	GoWork
	GoWorkSum
)

// Base returns the file's base name.
func (k FileKind) Base() string {
	switch k {
	case GoSum:
		return "go.sum"
	case GoWork:
		return "go.work"
	case GoWorkSum:
		return "go.work.sum"
	}
	return "go.mod"
}

func (k FileKind) String() string { return k.Base() }

// KindOf returns the FileKind for a base name.
func KindOf(base string) (FileKind, bool) {
	switch base {
	case "go.mod":
		return GoMod, true
	case "go.sum":
		return GoSum, true
	case "go.work":
		return GoWork, true
	case "go.work.sum":
		return GoWorkSum, true
	}
	return 0, false
}

// FS reads files other than the snapshot's own, such as the go.mod of a
// replacement directory. The language server layers unsaved editor buffers
// over the disk.
type FS interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
}

// OSFS is the FS of the local disk.
type OSFS struct{}

func (OSFS) ReadFile(name string) ([]byte, error)  { return inputs.ReadFile(name) }
func (OSFS) Stat(name string) (fs.FileInfo, error) { return inputs.Stat(name) }

// A Snapshot is the immutable input of the analyzers for one directory.
type Snapshot struct {
	// Dir is the absolute directory holding the files.
	Dir string
	// The parsed files; nil when absent from Dir.
	Mod     *gomod.File
	Sum     *gosum.File
	Work    *gomod.File
	WorkSum *gosum.File

	Env      *goenv.Env
	Settings *settings.Settings
	FS       FS
	// Source answers questions about modules (versions, go.mod files,
	// checksums) for network analyzers. Nil disables them.
	Source Source
	// Sums answers go.sum questions (checksum database lookups, hashes of
	// served content, cached answers for local analyzers): the Source, when
	// it implements SumSource. Nil disables those checks and fixes.
	Sums SumSource
	// Vulns gives the index of the Go vulnerability database (GOVULNDB)
	// for the vulnerability checks and hovers; nil disables them. Drivers
	// set it right after Build, before anyone else sees the snapshot.
	Vulns osv.Source

	memoState
}

// Path returns the absolute path of the snapshot's file of kind k.
func (s *Snapshot) Path(k FileKind) string { return filepath.Join(s.Dir, k.Base()) }

// Has reports whether the snapshot contains a file of kind k.
func (s *Snapshot) Has(k FileKind) bool { return s.Content(k) != nil }

// Content returns the text of the file of kind k, or nil when absent.
func (s *Snapshot) Content(k FileKind) []byte {
	switch k {
	case GoMod:
		if s.Mod != nil {
			return s.Mod.Content
		}
	case GoWork:
		if s.Work != nil {
			return s.Work.Content
		}
	case GoSum:
		if s.Sum != nil {
			return s.Sum.Content
		}
	case GoWorkSum:
		if s.WorkSum != nil {
			return s.WorkSum.Content
		}
	}
	return nil
}

// Mapper returns the position mapper of the file of kind k, or nil.
func (s *Snapshot) Mapper(k FileKind) *span.Mapper {
	switch k {
	case GoMod:
		if s.Mod != nil {
			return s.Mod.Mapper
		}
	case GoWork:
		if s.Work != nil {
			return s.Work.Mapper
		}
	case GoSum:
		if s.Sum != nil {
			return s.Sum.Mapper
		}
	case GoWorkSum:
		if s.WorkSum != nil {
			return s.WorkSum.Mapper
		}
	}
	return nil
}

// ModFile returns the go.mod or go.work file of kind k (GoMod or GoWork).
func (s *Snapshot) ModFile(k FileKind) *gomod.File {
	if k == GoWork {
		return s.Work
	}
	if k == GoMod {
		return s.Mod
	}
	return nil
}

// Files lists the kinds present in the snapshot.
func (s *Snapshot) Files() []FileKind {
	var ks []FileKind
	for _, k := range []FileKind{GoMod, GoSum, GoWork, GoWorkSum} {
		if s.Has(k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// Contents holds the raw text of the files of one directory; a nil entry
// means the file does not exist.
type Contents map[FileKind][]byte

// Build parses contents into a Snapshot.
func Build(dir string, contents Contents, env *goenv.Env, set *settings.Settings, fsys FS, src Source) *Snapshot {
	if fsys == nil {
		fsys = OSFS{}
	}
	if set == nil {
		set = settings.Default()
	}
	s := &Snapshot{Dir: dir, Env: env, Settings: set, FS: fsys, Source: src}
	if ss, ok := src.(SumSource); ok {
		s.Sums = ss
	}
	if c, ok := contents[GoMod]; ok && c != nil {
		s.Mod = gomod.Parse(gomod.GoMod, s.Path(GoMod), c)
	}
	if c, ok := contents[GoWork]; ok && c != nil {
		s.Work = gomod.Parse(gomod.GoWork, s.Path(GoWork), c)
	}
	if c, ok := contents[GoSum]; ok && c != nil {
		s.Sum = gosum.Parse(s.Path(GoSum), c)
	}
	if c, ok := contents[GoWorkSum]; ok && c != nil {
		s.WorkSum = gosum.Parse(s.Path(GoWorkSum), c)
	}
	return s
}

// ReadDir reads the snapshot files of dir from fsys. Missing files are
// absent from the result; other read errors are returned.
func ReadDir(fsys FS, dir string) (Contents, error) {
	if fsys == nil {
		fsys = OSFS{}
	}
	c := Contents{}
	for _, k := range []FileKind{GoMod, GoSum, GoWork, GoWorkSum} {
		data, err := fsys.ReadFile(filepath.Join(dir, k.Base()))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		if data == nil {
			data = []byte{}
		}
		c[k] = data
	}
	return c, nil
}
