// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gomodls/gomodls/internal/atomicfile"
)

// diskCache keeps what was read from one database under
// <CacheDir>/vulndb/v1/<hash of the URL>/, so that a new process (and an
// offline one) starts from it:
//
//	source            the database URL (redacted), for people looking
//	index/modules.json as served
//	state.json        {"modified": db.json's stamp, "checked": when it was read}
//	ID/<id>.json      entries as served; re-fetched when the index gives
//	                  the ID another modified stamp
//
// Files are replaced atomically, so processes sharing the directory see
// whole files. modules.json is written before state.json: a crash in
// between leaves an old stamp, and the next run fetches the index again.
type diskCache struct{ dir string }

func newDiskCache(root, dbURL string) *diskCache {
	sum := sha256.Sum256([]byte(dbURL))
	return &diskCache{dir: filepath.Join(root, "vulndb", "v1", hex.EncodeToString(sum[:8]))}
}

// state is state.json.
type state struct {
	Modified time.Time `json:"modified"`
	Checked  time.Time `json:"checked"`
}

func (d *diskCache) path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

// loadIndex returns the cached index, or ok=false when there is none or
// it cannot be read.
func (d *diskCache) loadIndex() (st state, modules map[string][]ModuleVuln, ok bool) {
	raw, err := os.ReadFile(d.path("state.json"))
	if err != nil || json.Unmarshal(raw, &st) != nil || st.Modified.IsZero() {
		return state{}, nil, false
	}
	data, err := os.ReadFile(d.path(modulesEndpoint + ".json"))
	if err != nil {
		return state{}, nil, false
	}
	modules, err = ParseModules(data)
	if err != nil {
		return state{}, nil, false
	}
	return st, modules, true
}

// saveIndex stores a freshly read index; modules is nil when only the
// check time changed.
func (d *diskCache) saveIndex(st state, modules []byte, source string) error {
	if modules != nil {
		if err := atomicfile.Write(d.path(modulesEndpoint+".json"), modules, 0o644); err != nil {
			return err
		}
		if _, err := os.Stat(d.path("source")); errors.Is(err, fs.ErrNotExist) {
			atomicfile.Write(d.path("source"), []byte(source+"\n"), 0o644)
		}
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return atomicfile.Write(d.path("state.json"), raw, 0o644)
}

// loadEntry returns the cached entry id, or nil.
func (d *diskCache) loadEntry(id string) *Entry {
	data, err := os.ReadFile(d.path(entryEndpoint(id) + ".json"))
	if err != nil {
		return nil
	}
	e, err := ParseEntry(data)
	if err != nil || e.ID != id {
		return nil
	}
	return e
}

func (d *diskCache) saveEntry(id string, data []byte) error {
	return atomicfile.Write(d.path(entryEndpoint(id)+".json"), data, 0o644)
}
