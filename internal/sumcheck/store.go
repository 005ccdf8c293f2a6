// Copyright 2026 The gomodls Authors.

package sumcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb"

	"github.com/gomodls/gomodls/internal/atomicfile"
)

// store keeps what the checksum database client remembers: the latest
// signed tree head ("config") and verified lookups and tiles ("cache").
// With a directory they persist across runs and are shared by processes:
// every write is a temporary file renamed into place, so a reader sees the
// old or the new content, never a part; the tree head is replaced with a
// compare-and-swap under a file lock. Without a directory they live in
// memory.
type store struct {
	dir string // "" keeps everything in memory

	mu  sync.Mutex
	mem map[string][]byte // config and cache files when dir == ""
}

// newStore returns a store under dir/<key hash>: one per verifier key, so
// two databases of the same name (tests make many) never mix their trees.
func newStore(dir, keyHash string) *store {
	s := &store{mem: map[string][]byte{}}
	if dir != "" {
		s.dir = filepath.Join(dir, keyHash)
	}
	return s
}

// file maps a config or cache name from the sumdb client ("name/latest",
// "name/lookup/path@v", "name/tile/8/0/x001/234") to a file below root.
// Names come from the client, built from escaped module paths that the
// caller checked, but are still refused if they could escape the root.
func (s *store) file(root, name string) (string, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, "\x00") {
		return "", fmt.Errorf("invalid sumdb file name %q", name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return "", fmt.Errorf("invalid sumdb file name %q", name)
		}
	}
	return filepath.Join(s.dir, root, filepath.FromSlash(name)), nil
}

// readConfig returns the named config file; a missing file is empty (the
// sumdb client then starts from the empty tree).
func (s *store) readConfig(name string) ([]byte, error) {
	if s.dir == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		return bytes.Clone(s.mem["config/"+name]), nil
	}
	file, err := s.file("config", name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return []byte{}, nil
	}
	return data, err
}

// writeConfig replaces old with new, or fails with sumdb.ErrWriteConflict
// when the stored content is neither empty nor old (another process moved
// the tree head on; the client merges and tries again).
func (s *store) writeConfig(name string, old, new []byte) error {
	if s.dir == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		if cur := s.mem["config/"+name]; len(cur) > 0 && !bytes.Equal(cur, old) {
			return sumdb.ErrWriteConflict
		}
		s.mem["config/"+name] = bytes.Clone(new)
		return nil
	}
	file, err := s.file("config", name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return err
	}
	unlock, err := lockFile(file + ".lock")
	if err != nil {
		return fmt.Errorf("locking %s: %w", file, err)
	}
	defer unlock()
	cur, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if len(cur) > 0 && !bytes.Equal(cur, old) {
		return sumdb.ErrWriteConflict
	}
	return atomicfile.Write(file, new, 0o600)
}

// readCache returns a cached lookup or tile; any error means "not cached".
func (s *store) readCache(name string) ([]byte, error) {
	if s.dir == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		data, ok := s.mem["cache/"+name]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return bytes.Clone(data), nil
	}
	file, err := s.file("cache", name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err == nil && len(data) == 0 {
		return nil, fs.ErrNotExist
	}
	return data, err
}

// writeCache stores a verified lookup or tile. Failures only cost a
// download later, so they are ignored.
func (s *store) writeCache(name string, data []byte) {
	if s.dir == "" {
		s.mu.Lock()
		s.mem["cache/"+name] = bytes.Clone(data)
		s.mu.Unlock()
		return
	}
	file, err := s.file("cache", name)
	if err != nil {
		return
	}
	atomicfile.Write(file, data, 0o600)
}
