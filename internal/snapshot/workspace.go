package snapshot

import (
	"path/filepath"
	"sync"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/settings"
)

// WorkFile returns the go.work that governs the snapshot's directory when
// the go command runs there in workspace mode, and its path: the snapshot's
// own go.work, else the one GOWORK names or the nearest one above the
// directory (cmd/go/internal/modload.FindGoWork), read through the FS so
// that an unsaved editor buffer counts. Whether that go.work uses the
// directory's module is a separate question (see package modplan).
func (s *Snapshot) WorkFile() (*gomod.File, string) {
	if s.Work != nil {
		return s.Work, s.Path(GoWork)
	}
	s.workOnce.Do(func() {
		p := s.findWorkFile()
		if p == "" {
			return
		}
		data, err := s.FS.ReadFile(p)
		if err != nil {
			return
		}
		s.workAbove, s.workAbovePath = gomod.Parse(gomod.GoWork, p, data), p
	})
	return s.workAbove, s.workAbovePath
}

// findWorkFile is modload.FindGoWork: GOWORK=off disables workspaces, an
// absolute GOWORK names the file, and otherwise the nearest go.work at or
// above the directory is used (the search stops at GOROOT).
func (s *Snapshot) findWorkFile() string {
	if s.Dir == "" {
		return "" // files without a directory (a go.mod read from elsewhere)
	}
	goroot := ""
	if s.Env != nil {
		goroot = s.Env.Get("GOROOT")
		// A GOWORK the environment sets is used as given; the default
		// one was found above the environment's directory, not ours.
		switch v := s.Env.Lookup("GOWORK"); {
		case v.Value == "off":
			return ""
		case v.Origin != goenv.OriginDefault && v.Value != "" && v.Value != "auto":
			if filepath.IsAbs(v.Value) {
				return v.Value
			}
			return "" // the go command refuses to run; goenv reports it
		}
	}
	for dir := filepath.Clean(s.Dir); ; {
		p := filepath.Join(dir, "go.work")
		if fi, err := s.FS.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir || (goroot != "" && parent == filepath.Clean(goroot)) {
			return ""
		}
		dir = parent
	}
}

// Memo returns the value build computes for key, computing it once per
// snapshot. Derived views of a snapshot (package modplan's plan) use it so
// that every analyzer of a run shares one. build may ask Memo for other
// keys (never for its own).
func (s *Snapshot) Memo(key any, build func() any) any {
	s.memoMu.Lock()
	e, ok := s.memo[key]
	if !ok {
		if s.memo == nil {
			s.memo = map[any]*memoEntry{}
		}
		e = &memoEntry{}
		s.memo[key] = e
	}
	s.memoMu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v
}

type memoEntry struct {
	once sync.Once
	v    any
}

// memoState is embedded in Snapshot: lazily derived values, guarded, so
// that the snapshot stays immutable in what it says.
type memoState struct {
	workOnce      sync.Once
	workAbove     *gomod.File
	workAbovePath string

	memoMu sync.Mutex
	memo   map[any]*memoEntry
}

// WithSettings returns a copy of s with other settings. Values derived
// from s are computed anew for it.
func (s *Snapshot) WithSettings(set *settings.Settings) *Snapshot {
	c := s.WithSource(s.Source)
	c.Settings = set
	return c
}

// WithSource returns a copy of s whose module source is src (the go.sum
// source stays s.Sums, the vulnerability database s.Vulns). Values derived
// from s are computed anew for it.
func (s *Snapshot) WithSource(src Source) *Snapshot {
	return &Snapshot{Dir: s.Dir, Mod: s.Mod, Sum: s.Sum, Work: s.Work, WorkSum: s.WorkSum,
		Env: s.Env, Settings: s.Settings, FS: s.FS, Source: src, Sums: s.Sums, Vulns: s.Vulns}
}
