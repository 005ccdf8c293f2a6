// Copyright 2026 The gomodls Authors.

package vulndb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/atomicfile"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// diskCache keeps what was read from one database under
// <CacheDir>/vulndb/v1/<hash of the URL>/, so that a new process (and an
// offline one) starts from it:
//
//	source            the database URL (redacted), for people looking
//	index/modules.idx index/modules.json, digested (see encodeIndex): a new
//	                  process reads it in a fraction of the JSON's time
//	state.json        {"modified": db.json's stamp, "checked": when it was read}
//	ID/<id>.json      entries as served; re-fetched when the index gives
//	                  the ID another modified stamp
//
// Files are replaced atomically, so processes sharing the directory see
// whole files. modules.json is written before state.json: a crash in
// between leaves an old stamp, and the next run fetches the index again.
// (modules.idx is written before state.json for the same reason.)
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
	data, err := os.ReadFile(d.path(osv.ModulesEndpoint + ".idx"))
	if err != nil {
		return state{}, nil, false
	}
	modules, err = decodeIndex(data)
	if err != nil {
		return state{}, nil, false
	}
	return st, modules, true
}

// saveIndex stores a freshly read index; modules is nil when only the
// check time changed.
func (d *diskCache) saveIndex(st state, modules map[string][]ModuleVuln, source string) error {
	if modules != nil {
		if err := atomicfile.Write(d.path(osv.ModulesEndpoint+".idx"), encodeIndex(modules), 0o644); err != nil {
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
	data, err := os.ReadFile(d.path(osv.EntryEndpoint(id) + ".json"))
	if err != nil {
		return nil
	}
	e, err := osv.ParseEntry(data)
	if err != nil || e.ID != id {
		return nil
	}
	return e
}

func (d *diskCache) saveEntry(id string, data []byte) error {
	return atomicfile.Write(d.path(osv.EntryEndpoint(id)+".json"), data, 0o644)
}

// indexHeader starts modules.idx; a file with another first line is
// ignored (and rewritten by the next fetch).
const indexHeader = "gomodls vulndb index v1\n"

// encodeIndex writes the module index as lines of space-separated fields:
// the module path, then for each vulnerability its ID, its modified stamp
// as Unix seconds and nanoseconds ("1730851797.000000000"; any time, the
// zero one included, round-trips) and its fixed version ("-" for none). Paths, IDs and
// versions never contain spaces; ParseModules has checked the IDs.
func encodeIndex(modules map[string][]ModuleVuln) []byte {
	paths := make([]string, 0, len(modules))
	for p := range modules {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	b := []byte(indexHeader)
	for _, p := range paths {
		b = append(b, p...)
		for _, v := range modules[p] {
			fixed := v.Fixed
			if fixed == "" {
				fixed = "-"
			}
			b = append(b, ' ')
			b = append(b, v.ID...)
			b = append(b, ' ')
			b = strconv.AppendInt(b, v.Modified.Unix(), 10)
			b = fmt.Appendf(b, ".%09d", v.Modified.Nanosecond())
			b = append(b, ' ')
			b = append(b, fixed...)
		}
		b = append(b, '\n')
	}
	return b
}

// decodeIndex reads what encodeIndex wrote.
func decodeIndex(data []byte) (map[string][]ModuleVuln, error) {
	rest, ok := bytes.CutPrefix(data, []byte(indexHeader))
	if !ok {
		return nil, errors.New("not a gomodls vulndb index")
	}
	modules := map[string][]ModuleVuln{}
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		rest = next
		fields := strings.Fields(string(line))
		if len(fields) == 0 || (len(fields)-1)%3 != 0 {
			return nil, fmt.Errorf("malformed index line %q", line)
		}
		vulns := make([]ModuleVuln, 0, (len(fields)-1)/3)
		for i := 1; i < len(fields); i += 3 {
			secs, nanos, _ := strings.Cut(fields[i+1], ".")
			sec, err1 := strconv.ParseInt(secs, 10, 64)
			ns, err2 := strconv.ParseInt(nanos, 10, 64)
			if err1 != nil || err2 != nil || ns < 0 || ns > 999999999 || len(nanos) != 9 || osv.CheckID(fields[i]) != nil {
				return nil, fmt.Errorf("malformed index line %q", line)
			}
			fixed := fields[i+2]
			if fixed == "-" {
				fixed = ""
			}
			vulns = append(vulns, ModuleVuln{ID: fields[i], Modified: time.Unix(sec, ns).UTC(), Fixed: fixed})
		}
		modules[fields[0]] = vulns
	}
	return modules, nil
}
