package proxytest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/tlog"
)

// WriteTree writes the corpus to dir in the on-disk proxy layout, for
// GOPROXY=file://<dir>: <escaped path>/@v/list, @v/<version>.info, .mod,
// .zip and <escaped path>/@latest (unless WithoutLatest). Faults, filters
// and WithHosts do not apply to the tree.
//
// Unless WithoutSumDBProxy is given it also writes a snapshot of the
// checksum database at dir/sumdb/<name>/ (supported, latest, lookup/…,
// tile/…) after logging every version, so GoEnv("GOPROXY=file://"+dir)
// verifies checksums offline. Versions added later are not in the snapshot,
// and the versions written can no longer be tampered with (TamperSumDB).
func (s *Server) WriteTree(dir string) error {
	var all []module.Version
	for _, p := range s.corpus.paths() {
		enc, err := module.EscapePath(p)
		if err != nil {
			return err
		}
		mdir := filepath.Join(dir, filepath.FromSlash(enc))
		versions, _ := s.corpus.list(p)
		if err := writeFile(filepath.Join(mdir, "@v", "list"), []byte(joinLines(versions))); err != nil {
			return err
		}
		for _, mv := range s.corpus.allVersions(p) {
			encV, err := module.EscapeVersion(mv.version)
			if err != nil {
				return err
			}
			zip, _, err := mv.zipData()
			if err != nil {
				return err
			}
			base := filepath.Join(mdir, "@v", encV)
			for ext, data := range map[string][]byte{".info": mv.info, ".mod": mv.mod, ".zip": zip} {
				if err := writeFile(base+ext, data); err != nil {
					return err
				}
			}
			all = append(all, module.Version{Path: mv.path, Version: mv.version})
		}
		if latest, _ := s.corpus.latest(p); latest != nil && !s.cfg.noLatest {
			if err := writeFile(filepath.Join(mdir, "@latest"), latest.info); err != nil {
				return err
			}
		}
	}
	if !s.cfg.sumdbProxy {
		return nil
	}
	return s.writeSumDBSnapshot(filepath.Join(dir, "sumdb", filepath.FromSlash(s.db.name)), all)
}

func (s *Server) writeSumDBSnapshot(dir string, mods []module.Version) error {
	t := s.db.tree()
	ids := make([]int64, len(mods))
	for i, m := range mods {
		id, err := t.lookupID(m)
		if err != nil {
			return fmt.Errorf("logging %s in checksum database: %w", m, err)
		}
		ids[i] = id
	}
	// Snapshot under the lock so the tree head, records and tiles agree.
	t.mu.Lock()
	defer t.mu.Unlock()
	n := int64(len(t.records))
	signed, err := t.signedLocked()
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "supported"), nil); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "latest"), signed); err != nil {
		return err
	}
	for i, m := range mods {
		rec, err := tlog.FormatRecord(ids[i], t.records[ids[i]])
		if err != nil {
			return err
		}
		encP, _ := module.EscapePath(m.Path)
		encV, _ := module.EscapeVersion(m.Version)
		if err := writeFile(filepath.Join(dir, "lookup", filepath.FromSlash(encP)+"@"+encV), append(rec, signed...)); err != nil {
			return err
		}
	}
	// The go command's sumdb client reads hash tiles of height 8.
	for _, tile := range tlog.NewTiles(8, 0, n) {
		data, err := tlog.ReadTileData(tile, t.hashes)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(tile.Path())), data); err != nil {
			return err
		}
	}
	return nil
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o777); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o666)
}
