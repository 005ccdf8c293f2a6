// Copyright 2026 The gomodls Authors.

// Package osv is the model of the Go vulnerability database
// (https://go.dev/security/vuln/database) that gomodls' checks use: its
// reports in the OSV schema, its v1 layout (the module index and the
// entries by ID), govulncheck's matching of module versions and Go
// releases, the lowest version that fixes every known report, and an
// index at one moment (DB), whose entries a Reader reads.
//
// Matching follows govulncheck: an entry affects module M at version V when
// one of its affected[] elements names M and has a SEMVER range holding V
// (or no SEMVER range at all); versions compare as Go's semver with or
// without the "v" prefix, and Go releases (go1.22.3) as v1.22.3 against the
// "stdlib" and "toolchain" modules.
//
// It does no network I/O and knows no client: package internal/vulndb
// reads the database (GOVULNDB) and implements Source; the snapshot, the
// vulns analyzer and hover import only this package.
package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// An Entry is one report of the database in the OSV schema
// (https://ossf.github.io/osv-schema/) with the Go database's meanings
// (https://go.dev/security/vuln/database#schema). Fields gomodls does not
// use (credits, references, symbols) are dropped when parsing.
type Entry struct {
	ID        string     `json:"id"`
	Modified  time.Time  `json:"modified"`
	Published time.Time  `json:"published"`
	Withdrawn *time.Time `json:"withdrawn,omitempty"`
	Aliases   []string   `json:"aliases,omitempty"`
	Summary   string     `json:"summary,omitempty"`
	Details   string     `json:"details,omitempty"`
	Affected  []Affected `json:"affected"`
	// DatabaseSpecific holds the report's page (https://pkg.go.dev/vuln/ID)
	// and whether the Go security team reviewed it.
	DatabaseSpecific *DatabaseSpecific `json:"database_specific,omitempty"`
}

// Affected names a module ("stdlib" for the standard library, "toolchain"
// for the go command) and the versions of it the vulnerability affects.
type Affected struct {
	Package           Package            `json:"package"`
	Ranges            []Range            `json:"ranges,omitempty"`
	EcosystemSpecific *EcosystemSpecific `json:"ecosystem_specific,omitempty"`
}

// Package is an OSV package: for the Go ecosystem, a module path.
type Package struct {
	Name      string `json:"name"`
	Ecosystem string `json:"ecosystem"`
}

// RangeSemver is the only range type gomodls (like govulncheck)
// evaluates; entries may also carry ECOSYSTEM ranges in
// ecosystem_specific.custom_ranges, which are informational.
const RangeSemver = "SEMVER"

// A Range is a list of events: a version is affected from an
// "introduced" event (inclusive; "0" is the beginning of time) up to the
// next "fixed" event (exclusive). Versions have no "v" prefix.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`

	// sorted is Events in version order with canonical versions ("v"
	// prefix), computed once by ParseEntry.
	sorted []Event
}

// An Event sets one of its fields.
type Event struct {
	Introduced string `json:"introduced,omitempty"`
	Fixed      string `json:"fixed,omitempty"`
}

// EcosystemSpecific lists the packages (and symbols) of the module that
// contain the vulnerability.
type EcosystemSpecific struct {
	Imports []Import `json:"imports,omitempty"`
}

// Import is one affected package. Its symbols are not read: gomodls
// works at the module level, and skipping them makes parsing a quarter
// faster.
type Import struct {
	Path   string   `json:"path"`
	GOOS   []string `json:"goos,omitempty"`
	GOARCH []string `json:"goarch,omitempty"`
}

// DatabaseSpecific is the Go database's own part of an entry.
type DatabaseSpecific struct {
	URL          string `json:"url,omitempty"`
	ReviewStatus string `json:"review_status,omitempty"`
}

// ParseEntry parses an OSV entry and checks what the client relies on:
// a well-formed ID and a package name in every affected element.
func ParseEntry(data []byte) (*Entry, error) {
	var e Entry
	if err := strictDecode(data, &e); err != nil {
		return nil, fmt.Errorf("malformed OSV entry: %w", err)
	}
	if err := CheckID(e.ID); err != nil {
		return nil, fmt.Errorf("malformed OSV entry: %w", err)
	}
	for i, a := range e.Affected {
		if a.Package.Name == "" {
			return nil, fmt.Errorf("malformed OSV entry %s: affected[%d] names no package", e.ID, i)
		}
		for j, r := range a.Ranges {
			for k, ev := range r.Events {
				// An event of another kind (OSV's last_affected, limit)
				// sets neither and is ignored, as govulncheck does.
				if ev.Introduced != "" && ev.Fixed != "" {
					return nil, fmt.Errorf("malformed OSV entry %s: affected[%d].ranges[%d].events[%d] sets both introduced and fixed", e.ID, i, j, k)
				}
			}
			e.Affected[i].Ranges[j].sorted = sortedEvents(r.Events)
		}
	}
	return &e, nil
}

// strictDecode decodes one JSON value and rejects trailing data.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// CheckID accepts IDs that are safe as a URL path element and a file name:
// letters, digits, '-', '_' and '.', not starting with '.', at most 64
// bytes ("GO-2024-2687"). The index names the IDs the client fetches, so
// this is what keeps a hostile index from reaching other paths.
func CheckID(id string) error {
	if id == "" {
		return errors.New("empty ID")
	}
	if len(id) > 64 || id[0] == '.' {
		return fmt.Errorf("invalid ID %q", id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("invalid ID %q", id)
		}
	}
	return nil
}

// IsWithdrawn reports whether the entry was withdrawn at or before now;
// withdrawn entries no longer describe a vulnerability.
func (e *Entry) IsWithdrawn(now time.Time) bool {
	return e.Withdrawn != nil && !e.Withdrawn.After(now)
}

// URL returns the report's page on pkg.go.dev.
func (e *Entry) URL() string {
	if e.DatabaseSpecific != nil && e.DatabaseSpecific.URL != "" {
		return e.DatabaseSpecific.URL
	}
	return "https://pkg.go.dev/vuln/" + e.ID
}

// Title returns the summary, or the first line of the details when there
// is no summary.
func (e *Entry) Title() string {
	if e.Summary != "" {
		return e.Summary
	}
	d, _, _ := bytes.Cut([]byte(e.Details), []byte("\n"))
	return string(d)
}

// Packages returns the affected import paths of module path, sorted and
// without duplicates; none when the entry does not say (then every package
// of the module is to be considered affected).
func (e *Entry) Packages(path string) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range e.Affected {
		if a.Package.Name != path || a.EcosystemSpecific == nil {
			continue
		}
		for _, imp := range a.EcosystemSpecific.Imports {
			if imp.Path != "" && !seen[imp.Path] {
				seen[imp.Path] = true
				out = append(out, imp.Path)
			}
		}
	}
	sort.Strings(out)
	return out
}
