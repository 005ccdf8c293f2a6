// Copyright 2026 The gomodls Authors.

package osv

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/gomodls/gomodls/internal/atomicfile"
)

// The endpoints of the v1 layout (https://go.dev/security/vuln/database#api),
// relative to the database root and without the ".json" or ".json.gz"
// extension. These are the only requests a client ever makes: the index
// whole, and entries by ID, so no module path is ever sent.
const (
	DBEndpoint      = "index/db"
	ModulesEndpoint = "index/modules"
	entryDir        = "ID"
)

// EntryEndpoint is the endpoint of the entry with the given ID.
func EntryEndpoint(id string) string { return entryDir + "/" + id }

// DBMeta is index/db.json: when the database last changed.
type DBMeta struct {
	Modified time.Time `json:"modified"`
}

// ModuleMeta is one element of index/modules.json.
type ModuleMeta struct {
	Path  string       `json:"path"`
	Vulns []ModuleVuln `json:"vulns"`
}

// ModuleVuln is a vulnerability of a module in index/modules.json.
type ModuleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	// Fixed is the version (no "v") with the latest fix, omitted when the
	// vulnerability is not fixed in the latest versions.
	Fixed string `json:"fixed,omitempty"`
}

// ParseDBMeta parses index/db.json.
func ParseDBMeta(data []byte) (DBMeta, error) {
	var m DBMeta
	if err := strictDecode(data, &m); err != nil {
		return DBMeta{}, fmt.Errorf("malformed index/db.json: %w", err)
	}
	if m.Modified.IsZero() {
		return DBMeta{}, fmt.Errorf("malformed index/db.json: no modified time")
	}
	return m, nil
}

// ParseModules parses index/modules.json into a map from module path to
// its vulnerabilities. Every ID must be well-formed (the client fetches
// entries by it) and every path non-empty.
func ParseModules(data []byte) (map[string][]ModuleVuln, error) {
	var list []ModuleMeta
	if err := strictDecode(data, &list); err != nil {
		return nil, fmt.Errorf("malformed index/modules.json: %w", err)
	}
	out := make(map[string][]ModuleVuln, len(list))
	for _, m := range list {
		if m.Path == "" || strings.ContainsFunc(m.Path, unicode.IsSpace) {
			return nil, fmt.Errorf("malformed index/modules.json: module path %q", m.Path)
		}
		for _, v := range m.Vulns {
			if err := CheckID(v.ID); err != nil {
				return nil, fmt.Errorf("malformed index/modules.json: module %s: %w", m.Path, err)
			}
			if v.Fixed == "-" || strings.ContainsFunc(v.Fixed, unicode.IsSpace) {
				return nil, fmt.Errorf("malformed index/modules.json: module %s: fixed version %q", m.Path, v.Fixed)
			}
		}
		out[m.Path] = append(out[m.Path], m.Vulns...)
	}
	return out, nil
}

// A Tree is a database in the v1 layout held in memory: file contents by
// path relative to the root ("index/db.json", "index/modules.json",
// "ID/GO-2024-2687.json"). Test servers serve it; WriteTree writes it for
// file:// use.
type Tree map[string][]byte

// NewTree builds the v1 layout from raw OSV entries: each entry is kept
// byte for byte under ID/, and the indexes are computed from them as the
// Go database computes its own (db.json's modified is the latest entry's;
// a module's "fixed" is its latest fix, omitted when reintroduced).
func NewTree(entries [][]byte) (Tree, error) {
	t := Tree{}
	var modified time.Time
	modules := map[string]*ModuleMeta{}
	for _, raw := range entries {
		e, err := ParseEntry(raw)
		if err != nil {
			return nil, err
		}
		name := EntryEndpoint(e.ID) + ".json"
		if _, dup := t[name]; dup {
			return nil, fmt.Errorf("entry %s appears twice", e.ID)
		}
		t[name] = raw
		if e.Modified.After(modified) {
			modified = e.Modified
		}
		// One vuln per module, with a fix only if every affected element
		// of that module has one.
		fixed := map[string]string{}
		var order []string
		for _, a := range e.Affected {
			f := latestFixed(a.Ranges)
			prev, seen := fixed[a.Package.Name]
			switch {
			case !seen:
				order = append(order, a.Package.Name)
				fixed[a.Package.Name] = f
			case prev == "" || f == "":
				fixed[a.Package.Name] = ""
			case less(prev, f):
				fixed[a.Package.Name] = f
			}
		}
		for _, p := range order {
			m := modules[p]
			if m == nil {
				m = &ModuleMeta{Path: p}
				modules[p] = m
			}
			m.Vulns = append(m.Vulns, ModuleVuln{ID: e.ID, Modified: e.Modified, Fixed: fixed[p]})
		}
	}
	if modified.IsZero() {
		modified = time.Unix(0, 0).UTC()
	}
	list := make([]*ModuleMeta, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	var err error
	if t[ModulesEndpoint+".json"], err = json.Marshal(list); err != nil {
		return nil, err
	}
	if t[DBEndpoint+".json"], err = json.Marshal(DBMeta{Modified: modified.UTC()}); err != nil {
		return nil, err
	}
	return t, nil
}

// Write writes the tree under dir (created if needed), each file
// atomically.
func (t Tree) Write(dir string) error {
	names := make([]string, 0, len(t))
	for name := range t {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := atomicfile.Write(filepath.Join(dir, filepath.FromSlash(name)), t[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ReadOSVDir reads every *.json file directly in dir (a flat directory of
// OSV entries, such as golang.org/x/vulndb's data/osv) for NewTree.
func ReadOSVDir(dir string) ([][]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}
