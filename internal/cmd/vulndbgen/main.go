// Copyright 2026 The gomodls Authors.

// Command vulndbgen builds Go vulnerability databases for development and
// tests from the real one: the module golang.org/x/vulndb, which the module
// proxy serves, holds every report as data/osv/GO-*.json. It needs the
// network only to download that module (with the go command, into the
// module cache) when it is not there yet.
//
//	go run ./internal/cmd/vulndbgen -tree /tmp/vulndb
//	    writes the whole database in the v1 layout, for GOVULNDB=file:///tmp/vulndb
//	    (gomodls and govulncheck alike)
//	go run ./internal/cmd/vulndbgen -subset internal/proxytest/testdata/vulndb/osv -ids GO-2022-0969,...
//	    writes the chosen reports as flat OSV files: the committed test data
//	go run ./internal/cmd/vulndbgen -list -gomod testdata/realworld/x.mod
//	    prints the reports that affect the requires of a go.mod, to choose from
//
// The repository leaves each report's "modified" (and often "published")
// stamp zero; the deployed database fills them from its git history. Here
// a zero stamp becomes the report's published time if it has one, else the
// commit time of the golang.org/x/vulndb version used, so that the stamps
// are real times and the same on every run.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/atomicfile"
	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// Version is the golang.org/x/vulndb version the committed test data comes
// from (its @v/list on the module proxy; @latest is not served).
const Version = "v0.0.0-20261105234957-e22db6528018"

const zeroStamp = `"0001-01-01T00:00:00Z"`

func main() {
	log.SetFlags(0)
	log.SetPrefix("vulndbgen: ")
	version := flag.String("version", Version, "the golang.org/x/vulndb `version` to read")
	from := flag.String("from", "", "read the reports from this data/osv `directory` instead of the module cache")
	tree := flag.String("tree", "", "write the selected reports (default: all) in the v1 layout under `dir`")
	subset := flag.String("subset", "", "write the selected reports as flat OSV files into `dir` (replacing its *.json)")
	ids := flag.String("ids", "", "select these comma-separated report `IDs`")
	gomods := flag.String("gomod", "", "select the reports affecting the requires of these comma-separated go.mod `files`")
	goVersions := flag.String("go", "", "select the reports affecting these comma-separated Go releases (go1.22.3)")
	list := flag.Bool("list", false, "print the selected reports, one per line")
	flag.Parse()
	if *tree == "" && *subset == "" && !*list {
		flag.Usage()
		os.Exit(2)
	}

	dir := *from
	if dir == "" {
		var err error
		if dir, err = moduleDir(*version); err != nil {
			log.Fatal(err)
		}
	}
	stamp, err := module.PseudoVersionTime(*version)
	if err != nil && *from == "" {
		log.Fatalf("version %s: %v", *version, err)
	}
	raws, err := osv.ReadOSVDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	if len(raws) == 0 {
		log.Fatalf("no reports in %s", dir)
	}
	entries := map[string]*osv.Entry{}
	rawByID := map[string][]byte{}
	for _, raw := range raws {
		filled, err := fillStamps(raw, stamp)
		if err != nil {
			log.Fatal(err)
		}
		e, err := osv.ParseEntry(filled)
		if err != nil {
			log.Fatal(err)
		}
		entries[e.ID], rawByID[e.ID] = e, filled
	}

	selected := map[string]bool{}
	all := *ids == "" && *gomods == "" && *goVersions == ""
	for _, id := range splitList(*ids) {
		if entries[id] == nil {
			log.Fatalf("no report %s in %s", id, dir)
		}
		selected[id] = true
	}
	for _, f := range splitList(*gomods) {
		mods, err := requires(f)
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range mods {
			for id, e := range entries {
				if !e.IsWithdrawn(time.Now()) && e.Affects(m.Path, m.Version) {
					selected[id] = true
					if *list {
						fmt.Printf("%s\t%s@%s\t%s\n", id, m.Path, m.Version, e.Title())
					}
				}
			}
		}
	}
	for _, g := range splitList(*goVersions) {
		v := osv.GoToSemver(g)
		if v == "" {
			log.Fatalf("%q is not a Go release", g)
		}
		for id, e := range entries {
			if !e.IsWithdrawn(time.Now()) && (e.Affects(osv.StdlibModule, v) || e.Affects(osv.ToolchainModule, v)) {
				selected[id] = true
				if *list {
					fmt.Printf("%s\t%s\t%s\n", id, g, e.Title())
				}
			}
		}
	}
	var chosen []string
	for id := range rawByID {
		if all || selected[id] {
			chosen = append(chosen, id)
		}
	}
	sort.Strings(chosen)
	if *list && *ids != "" {
		for _, id := range splitList(*ids) {
			fmt.Printf("%s\t%s\n", id, entries[id].Title())
		}
	}

	if *tree != "" {
		var sel [][]byte
		for _, id := range chosen {
			sel = append(sel, rawByID[id])
		}
		t, err := osv.NewTree(sel)
		if err != nil {
			log.Fatal(err)
		}
		if err := t.Write(*tree); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote %d reports in the v1 layout to %s (GOVULNDB=%s)", len(chosen), *tree, vulndb.FileURL(*tree))
	}
	if *subset != "" {
		old, _ := filepath.Glob(filepath.Join(*subset, "*.json"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				log.Fatal(err)
			}
		}
		for _, id := range chosen {
			if err := atomicfile.Write(filepath.Join(*subset, id+".json"), rawByID[id], 0o644); err != nil {
				log.Fatal(err)
			}
		}
		log.Printf("wrote %d reports to %s", len(chosen), *subset)
	}
}

// moduleDir returns the extracted golang.org/x/vulndb@version in the module
// cache, downloading it with the go command if needed.
func moduleDir(version string) (string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMODCACHE: %v", err)
	}
	esc, err := module.EscapeVersion(version)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "golang.org", "x", "vulndb@"+esc, "data", "osv")
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	log.Printf("downloading golang.org/x/vulndb@%s (about 10 MB) with the go command", version)
	cmd := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+version)
	cmd.Stderr = os.Stderr
	cmd.Dir = os.TempDir() // outside any module: the download is not a requirement
	raw, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download golang.org/x/vulndb@%s: %v", version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(raw, &info); err != nil || info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download golang.org/x/vulndb@%s: %s", version, strings.TrimSpace(info.Error+" "+string(raw)))
	}
	return filepath.Join(info.Dir, "data", "osv"), nil
}

// fillStamps gives a report whose modified (or published) stamp is zero
// a real one, editing only those values so the file stays as published.
func fillStamps(raw []byte, fallback time.Time) ([]byte, error) {
	var top struct {
		ID        string    `json:"id"`
		Modified  time.Time `json:"modified"`
		Published time.Time `json:"published"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	stamp := top.Published
	if stamp.IsZero() {
		stamp = fallback
	}
	if stamp.IsZero() {
		return raw, nil
	}
	q := []byte(`"` + stamp.UTC().Format(time.RFC3339) + `"`)
	out := raw
	if top.Modified.IsZero() {
		out = bytes.Replace(out, []byte(`"modified": `+zeroStamp), append([]byte(`"modified": `), q...), 1)
	}
	if top.Published.IsZero() {
		out = bytes.Replace(out, []byte(`"published": `+zeroStamp), append([]byte(`"published": `), q...), 1)
	}
	return out, nil
}

// requires returns the module versions a go.mod requires, with replacements
// by module versions applied (local replacements drop the module).
func requires(file string) ([]module.Version, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := modfile.ParseLax(file, data, nil)
	if err != nil {
		return nil, err
	}
	var out []module.Version
	for _, r := range f.Require {
		m := r.Mod
		for _, rep := range f.Replace {
			if rep.Old.Path == m.Path && (rep.Old.Version == "" || rep.Old.Version == m.Version) {
				m = rep.New
			}
		}
		if m.Version != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
