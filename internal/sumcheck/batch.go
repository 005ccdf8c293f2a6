// Copyright 2026 The gomodls Authors.

package sumcheck

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// tileHeight is the height of the tiles the sumdb client reads and caches
// (its default, and sum.golang.org's).
const tileHeight = 8

// cachedBatch answers lookups of many module versions from the persistent
// cache in one verification: each cached record is proven to be in the
// latest tree head kept (a signed note, checked against the key), with the
// tiles proving it read from the cache and authenticated once for the
// whole batch. That is the check the sumdb client makes of a record
// (checkRecord), without re-verifying, record by record, the older tree
// head each cached record arrived with: those were checked against the
// kept head when they arrived, and the record's inclusion in the head is
// what matters. Module versions it cannot answer so (not cached, a tile
// missing) are absent from the result; the client answers them.
func (db *DB) cachedBatch(mods []module.Version) map[module.Version][]string {
	db.mu.Lock()
	insecure := db.security != nil
	db.mu.Unlock()
	if insecure || len(mods) == 0 {
		return nil
	}
	msg, err := db.store.readConfig(db.cfg.Name + "/latest")
	if err != nil || len(msg) == 0 {
		return nil
	}
	verifier, err := note.NewVerifier(db.cfg.Key)
	if err != nil {
		return nil
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return nil
	}
	tree, err := tlog.ParseTree([]byte(n.Text))
	if err != nil {
		return nil
	}
	type rec struct {
		mod  module.Version
		text []byte
	}
	var recs []rec
	var indexes []int64
	for _, m := range mods {
		if ok, _ := Allowed(db.env, m.Path); !ok || checkModule(m.Path, m.Version) != nil {
			continue
		}
		esc, _ := module.EscapePath(m.Path)
		escV, _ := module.EscapeVersion(m.Version)
		data, err := db.store.readCache(db.cfg.Name + "/lookup/" + esc + "@" + escV)
		if err != nil {
			continue
		}
		id, text, _, err := tlog.ParseRecord(data)
		if err != nil || id < 0 || id >= tree.N {
			continue
		}
		recs = append(recs, rec{m, text})
		indexes = append(indexes, tlog.StoredHashIndex(0, id))
	}
	if len(recs) == 0 {
		return nil
	}
	hashes, err := tlog.TileHashReader(tree, cachedTiles{db}).ReadHashes(indexes)
	if err != nil {
		db.log.Debug("sumdb: cached batch not verifiable; looking up one by one")
		return nil
	}
	out := make(map[module.Version][]string, len(recs))
	for i, r := range recs {
		if hashes[i] != tlog.RecordHash(r.text) {
			continue // the client will find out what is wrong
		}
		if lines := recordLines(r.text, r.mod); len(lines) == 2 {
			out[r.mod] = lines
		}
	}
	return out
}

// recordLines returns m's zip and go.mod lines from a record's text.
func recordLines(text []byte, m module.Version) []string {
	var zip, gomod string
	for line := range strings.SplitSeq(string(text), "\n") {
		switch {
		case strings.HasPrefix(line, m.Path+" "+m.Version+" "):
			zip = line
		case strings.HasPrefix(line, m.Path+" "+m.Version+"/go.mod "):
			gomod = line
		}
	}
	if zip == "" || gomod == "" {
		return nil
	}
	return []string{zip, gomod}
}

// cachedTiles reads hash tiles from the persistent cache only, as the
// sumdb client does before it asks the network: the tile itself, or the
// full tile it is a prefix of.
type cachedTiles struct{ db *DB }

func (cachedTiles) Height() int { return tileHeight }

func (c cachedTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := c.db.store.readCache(c.db.cfg.Name + "/" + t.Path())
		if err != nil {
			full := t
			full.W = 1 << uint(t.H)
			if full == t {
				return nil, err
			}
			if data, err = c.db.store.readCache(c.db.cfg.Name + "/" + full.Path()); err != nil {
				return nil, err
			}
			if len(data) < t.W*tlog.HashSize {
				return nil, fmt.Errorf("cached tile %s too short", full.Path())
			}
			data = data[:t.W*tlog.HashSize]
		}
		out[i] = data
	}
	return out, nil
}

func (cachedTiles) SaveTiles([]tlog.Tile, [][]byte) {}
