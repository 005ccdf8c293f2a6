package proxytest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// DefaultSumDBName is the checksum database name a Server uses unless
// WithSumDBName is given. It is under .invalid (RFC 2606) so that a go
// command that falls back to https://<name> fails to resolve instead of
// reaching the internet.
const DefaultSumDBName = "sum.proxytest.invalid"

// checksumDB is a checksum database over the fixture corpus: a transparent
// log (golang.org/x/mod/sumdb/tlog) signed with a note key, served by
// golang.org/x/mod/sumdb.Server. Records are added on first lookup, as
// sum.golang.org does. It keeps two independent trees so tests can switch
// to a fork signed by the same key.
type checksumDB struct {
	name     string
	signer   note.Signer
	verifier string // verifier key text, "name+hash+key"
	corpus   *corpus

	mu       sync.Mutex
	tampered map[module.Version]bool
	main     *sumTree
	fork     *sumTree // nil until the first switch to the fork
	useFork  bool
}

func newChecksumDB(name, skey string, c *corpus) (*checksumDB, error) {
	if skey == "" {
		var err error
		skey, _, err = note.GenerateKey(rand.Reader, name)
		if err != nil {
			return nil, fmt.Errorf("generating checksum database key for %s: %w", name, err)
		}
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("checksum database signer key: %w", err)
	}
	if signer.Name() != name {
		return nil, fmt.Errorf("checksum database signer key is for %q, not %q", signer.Name(), name)
	}
	vkey, err := verifierFromSigner(skey)
	if err != nil {
		return nil, err
	}
	db := &checksumDB{
		name:     name,
		signer:   signer,
		verifier: vkey,
		corpus:   c,
		tampered: make(map[module.Version]bool),
	}
	db.main = &sumTree{db: db}
	return db, nil
}

// verifierFromSigner derives the verifier key "name+hash+pubkey" from a
// signer key "PRIVATE+KEY+name+hash+privkey" (the formats of
// golang.org/x/mod/sumdb/note.GenerateKey, whose Ed25519 private key is the seed).
func verifierFromSigner(skey string) (string, error) {
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+")
	if !ok {
		return "", fmt.Errorf("checksum database signer key does not start with PRIVATE+KEY+")
	}
	parts := strings.SplitN(rest, "+", 3) // base64 may contain "+"
	if len(parts) != 3 {
		return "", fmt.Errorf("checksum database signer key is not PRIVATE+KEY+name+hash+key")
	}
	name, hash, enc := parts[0], parts[1], parts[2]
	priv, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(priv) != 1+ed25519.SeedSize || priv[0] != 1 {
		return "", fmt.Errorf("checksum database signer key for %s: not an Ed25519 note key", name)
	}
	pub := ed25519.NewKeyFromSeed(priv[1:]).Public().(ed25519.PublicKey)
	vkey := name + "+" + hash + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, pub...))
	if _, err := note.NewVerifier(vkey); err != nil {
		return "", fmt.Errorf("checksum database key for %s: %w", name, err)
	}
	return vkey, nil
}

// wrongHash returns a well-formed h1: hash that matches no real content.
func wrongHash(seed string) string {
	sum := sha256.Sum256([]byte("proxytest tampered " + seed))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// ops returns the tree currently served.
func (db *checksumDB) tree() *sumTree {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.useFork {
		return db.fork
	}
	return db.main
}

// setFork switches between the main tree and the fork. The fork starts with
// a marker record and then holds the same records as the main tree had at
// the first switch, so its tree hashes differ from the main tree's at every
// size: a client that saw the main tree detects the fork on its next
// lookup.
func (db *checksumDB) setFork(on bool) {
	db.mu.Lock()
	if on && db.fork == nil {
		db.fork = &sumTree{db: db}
		marker := []byte("fork.proxytest.invalid v0.0.0 h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
		db.fork.appendLocked(module.Version{Path: "fork.proxytest.invalid", Version: "v0.0.0"}, marker)
		db.main.mu.Lock()
		for i, rec := range db.main.records {
			db.fork.appendLocked(db.main.keys[i], rec)
		}
		db.main.mu.Unlock()
	}
	db.useFork = on
	db.mu.Unlock()
}

// tamper makes future lookups of m record wrong hashes. It fails if the
// served tree already holds m: a log cannot change its past (use the fork).
func (db *checksumDB) tamper(m module.Version) error {
	t := db.tree()
	t.mu.Lock()
	_, logged := t.lookup[m.String()]
	t.mu.Unlock()
	if logged {
		return fmt.Errorf("proxytest: %s is already in checksum database %s; tamper before the first lookup, or use ForkSumDB", m, db.name)
	}
	db.mu.Lock()
	db.tampered[m] = true
	db.mu.Unlock()
	return nil
}

func (db *checksumDB) isTampered(m module.Version) bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.tampered[m]
}

// gosum returns the record for m: its go.sum lines.
func (db *checksumDB) gosum(m module.Version) ([]byte, error) {
	mv, _ := db.corpus.lookup(m.Path, m.Version)
	if mv == nil {
		return nil, &fs.PathError{Op: "lookup", Path: m.String(), Err: fs.ErrNotExist}
	}
	if db.isTampered(m) {
		// Well-formed hashes of other content, so only the comparison fails.
		return fmt.Appendf(nil, "%s %s %s\n%s %s/go.mod %s\n", m.Path, m.Version, wrongHash(m.String()), m.Path, m.Version, wrongHash(m.String()+"/go.mod")), nil
	}
	return mv.goSum()
}

// handler serves the checksum database protocol (the paths in
// sumdb.ServerPaths) relative to its root.
func (db *checksumDB) handler(notFound int) http.Handler {
	srv := sumdb.NewServer(sumOps{db})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/lookup/"); ok {
			// Answer unknown modules like sum.golang.org does (text
			// "not found: ..."), before sumdb.Server turns it into a bare 404.
			if m, err := parseLookup(rest); err == nil {
				if mv, _ := db.corpus.lookup(m.Path, m.Version); mv == nil {
					w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
					w.WriteHeader(notFound)
					fmt.Fprintf(w, "not found: %s@%s: invalid version: unknown revision %s\n", m.Path, m.Version, m.Version)
					return
				}
			}
		}
		srv.ServeHTTP(w, r)
	})
}

func parseLookup(rest string) (module.Version, error) {
	escPath, escVers, ok := strings.Cut(rest, "@")
	if !ok {
		return module.Version{}, fmt.Errorf("no @")
	}
	p, err := module.UnescapePath(escPath)
	if err != nil {
		return module.Version{}, err
	}
	v, err := module.UnescapeVersion(escVers)
	if err != nil {
		return module.Version{}, err
	}
	return module.Version{Path: p, Version: v}, nil
}

// sumOps implements sumdb.ServerOps over whichever tree is current.
type sumOps struct{ db *checksumDB }

func (o sumOps) Signed(ctx context.Context) ([]byte, error) { return o.db.tree().signed() }
func (o sumOps) ReadRecords(ctx context.Context, id, n int64) ([][]byte, error) {
	return o.db.tree().readRecords(id, n)
}
func (o sumOps) Lookup(ctx context.Context, m module.Version) (int64, error) {
	return o.db.tree().lookupID(m)
}
func (o sumOps) ReadTileData(ctx context.Context, t tlog.Tile) ([]byte, error) {
	return o.db.tree().readTileData(t)
}

// A sumTree is one append-only log: records, their stored hashes and an
// index by module@version. (Like golang.org/x/mod/sumdb.TestServer, which
// cannot be forked or tampered with.)
type sumTree struct {
	db *checksumDB

	mu      sync.Mutex
	hashes  tlogHashes
	records [][]byte
	keys    []module.Version
	lookup  map[string]int64
}

type tlogHashes []tlog.Hash

func (h tlogHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	list := make([]tlog.Hash, 0, len(indexes))
	for _, id := range indexes {
		if id < 0 || id >= int64(len(h)) {
			return nil, fmt.Errorf("hash %d out of range", id)
		}
		list = append(list, h[id])
	}
	return list, nil
}

func (t *sumTree) signed() ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.signedLocked()
}

// signedLocked returns the signed tree head; t.mu must be held.
func (t *sumTree) signedLocked() ([]byte, error) {
	size := int64(len(t.records))
	h, err := tlog.TreeHash(size, t.hashes)
	if err != nil {
		return nil, err
	}
	return note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: size, Hash: h}))}, t.db.signer)
}

func (t *sumTree) readRecords(id, n int64) ([][]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id < 0 || n < 0 || id+n > int64(len(t.records)) {
		return nil, fmt.Errorf("records %d..%d: %w", id, id+n-1, fs.ErrNotExist)
	}
	return slices.Clone(t.records[id : id+n]), nil
}

func (t *sumTree) lookupID(m module.Version) (int64, error) {
	key := m.String()
	t.mu.Lock()
	id, ok := t.lookup[key]
	t.mu.Unlock()
	if ok {
		return id, nil
	}
	data, err := t.db.gosum(m) // may build a zip: not under the lock
	if err != nil {
		return 0, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.lookup[key]; ok {
		return id, nil
	}
	return t.appendLocked(m, data), nil
}

// appendLocked adds a record; t.mu must be held (or t unpublished).
func (t *sumTree) appendLocked(m module.Version, data []byte) int64 {
	id := int64(len(t.records))
	hashes, err := tlog.StoredHashesForRecordHash(id, tlog.RecordHash(data), t.hashes)
	if err != nil {
		panic(err) // only fails on a corrupt hash store
	}
	t.hashes = append(t.hashes, hashes...)
	t.records = append(t.records, data)
	t.keys = append(t.keys, m)
	if t.lookup == nil {
		t.lookup = make(map[string]int64)
	}
	t.lookup[m.String()] = id
	return id
}

func (t *sumTree) readTileData(tile tlog.Tile) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return tlog.ReadTileData(tile, t.hashes)
}
