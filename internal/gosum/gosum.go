// Package gosum parses go.sum (and go.work.sum) files with positions.
//
// The go command reads go.sum leniently (cmd/go/internal/modfetch.readGoSum):
// blank lines are skipped and any other line must have exactly three
// fields. Parse accepts the same files, and additionally records every
// problem that would make the go command fail or that hides a mistake:
// wrong field counts, hashes that are not h1: digests, invalid module paths
// or versions, and duplicate or conflicting lines.
package gosum

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/span"
)

// A Line is one well-formed go.sum line.
type Line struct {
	Num     int       // 1-based line number
	Span    span.Span // the line without its newline
	Path    string
	Version string // without the "/go.mod" suffix
	GoMod   bool   // the line hashes the go.mod file, not the zip
	Hash    string // "h1:..."
	// Spans of the three fields.
	PathSpan, VersionSpan, HashSpan span.Span
}

// Mod returns the module version the line is about.
func (l *Line) Mod() module.Version { return module.Version{Path: l.Path, Version: l.Version} }

// Key returns "path version" or "path version/go.mod", the go.sum key.
func (l *Line) Key() string {
	if l.GoMod {
		return l.Path + " " + l.Version + "/go.mod"
	}
	return l.Path + " " + l.Version
}

// String returns the line as go writes it.
func (l *Line) String() string { return l.Key() + " " + l.Hash }

// An Error is a malformed, duplicate or conflicting line.
type Error struct {
	Num  int
	Span span.Span
	Msg  string
	// Duplicate is set when the line repeats an earlier identical line:
	// harmless to the go command, and safe to delete.
	Duplicate bool
}

func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Num, e.Msg) }

// A File is a parsed go.sum.
type File struct {
	Name    string
	Content []byte
	Mapper  *span.Mapper
	Lines   []*Line // well-formed lines in file order (duplicates excluded)
	Errors  []*Error

	index map[string][]*Line // Key() -> lines (more than one when conflicting)
}

// emptyGoModHash is the hash of a 1-file tree containing a 0-length go.mod.
// A bug caused us to write these into go.sum files for non-modules; the go
// command ignores such lines, and so do we.
const emptyGoModHash = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="

// Parse parses a go.sum file. It never fails; problems are in File.Errors.
func Parse(name string, content []byte) *File {
	f := &File{Name: name, Content: content, Mapper: span.NewMapper(content), index: map[string][]*Line{}}
	for n := 0; n < f.Mapper.LineCount(); n++ {
		start, end := f.Mapper.LineStart(n), f.Mapper.LineEnd(n)
		toks := fields(content[start:end], start)
		if len(toks) == 0 {
			continue
		}
		lineSpan := span.Span{Start: toks[0].Span.Start, End: toks[len(toks)-1].Span.End}
		bad := func(sp span.Span, format string, args ...any) {
			f.Errors = append(f.Errors, &Error{Num: n + 1, Span: sp, Msg: fmt.Sprintf(format, args...)})
		}
		if len(toks) != 3 {
			bad(lineSpan, "malformed go.sum line: want 3 fields (module version hash), have %d", len(toks))
			continue
		}
		if toks[2].Text == emptyGoModHash {
			continue
		}
		l := &Line{
			Num: n + 1, Span: lineSpan,
			Path: toks[0].Text, Version: toks[1].Text, Hash: toks[2].Text,
			PathSpan: toks[0].Span, VersionSpan: toks[1].Span, HashSpan: toks[2].Span,
		}
		if v, ok := strings.CutSuffix(l.Version, "/go.mod"); ok {
			l.Version, l.GoMod = v, true
		}
		if err := module.CheckPath(l.Path); err != nil {
			// Import paths of GOPATH-era modules (gopkg.in, old-style
			// paths) are still valid go.sum keys; only flag what the go
			// command itself could never have written.
			if err2 := module.CheckImportPath(l.Path); err2 != nil {
				bad(l.PathSpan, "malformed module path %q: %v", l.Path, err)
				continue
			}
		}
		if c := semver.Canonical(l.Version); c == "" || (c != l.Version && c+"+incompatible" != l.Version) {
			bad(l.VersionSpan, "malformed version %q: must be a canonical semantic version like v1.2.3 (optionally followed by /go.mod)", toks[1].Text)
			continue
		}
		if msg := checkHash(l.Hash); msg != "" {
			bad(l.HashSpan, "%s", msg)
			continue
		}
		key := l.Key()
		if prev := f.index[key]; len(prev) > 0 {
			dup := false
			for _, p := range prev {
				if p.Hash == l.Hash {
					dup = true
					f.Errors = append(f.Errors, &Error{Num: l.Num, Span: l.Span, Duplicate: true,
						Msg: fmt.Sprintf("duplicate go.sum line: %s is already on line %d", key, p.Num)})
					break
				}
			}
			if dup {
				continue
			}
			bad(l.HashSpan, "conflicting hashes for %s: line %d has %s; the go command will fail verification with one of them", key, prev[0].Num, prev[0].Hash)
		}
		f.index[key] = append(f.index[key], l)
		f.Lines = append(f.Lines, l)
	}
	return f
}

// checkHash returns why h is not a valid go.sum hash, or "".
func checkHash(h string) string {
	alg, digest, ok := strings.Cut(h, ":")
	if !ok {
		return fmt.Sprintf("malformed hash %q: want h1:<base64 SHA-256>", h)
	}
	if alg != "h1" {
		return fmt.Sprintf("unknown hash algorithm %q in %q: the go command only writes h1: hashes", alg, h)
	}
	b, err := base64.StdEncoding.DecodeString(digest)
	if err != nil || len(b) != 32 {
		return fmt.Sprintf("malformed hash %q: h1: must be followed by the base64 encoding of a 32-byte SHA-256 digest", h)
	}
	return ""
}

func fields(line []byte, base int) []gomod.Token {
	var toks []gomod.Token
	for i := 0; i < len(line); {
		if n := spaceAt(line, i); n > 0 {
			i += n
			continue
		}
		j := i
		for j < len(line) && spaceAt(line, j) == 0 {
			_, n := utf8.DecodeRune(line[j:])
			j += n
		}
		toks = append(toks, gomod.Token{Text: string(line[i:j]), Span: span.Span{Start: base + i, End: base + j}})
		i = j
	}
	return toks
}

// spaceAt returns the length of the separator at line[i], 0 if there is
// none: the go command splits go.sum lines with strings.Fields, so every
// Unicode space separates (U+00A0 and U+0085 too).
func spaceAt(line []byte, i int) int {
	if c := line[i]; c < utf8.RuneSelf {
		if c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n' {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRune(line[i:])
	if unicode.IsSpace(r) {
		return n
	}
	return 0
}

// Lookup returns the hash lines for path@version: the zip hash when gomod
// is false, the go.mod hash when it is true. More than one line means the
// file has conflicting hashes.
func (f *File) Lookup(path, version string, gomod bool) []*Line {
	key := path + " " + version
	if gomod {
		key += "/go.mod"
	}
	return f.index[key]
}

// Has reports whether the file has a line for path@version of the given kind.
func (f *File) Has(path, version string, gomod bool) bool {
	return len(f.Lookup(path, version, gomod)) > 0
}

// LineAt returns the well-formed line on the 1-based line number, if any.
func (f *File) LineAt(num int) *Line {
	i := sort.Search(len(f.Lines), func(i int) bool { return f.Lines[i].Num >= num })
	if i < len(f.Lines) && f.Lines[i].Num == num {
		return f.Lines[i]
	}
	return nil
}

// Format returns the file's lines in the order and form the go command
// writes them (module.Sort order, zip hash before go.mod hash, one space
// between fields), without duplicate lines. Malformed lines are kept, in
// their original relative order, at the end, so formatting never loses
// text the user wrote.
func (f *File) Format() []byte {
	lines := append([]*Line(nil), f.Lines...)
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if c := semver.Compare(a.Version, b.Version); c != 0 {
			return c < 0
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		if a.GoMod != b.GoMod {
			return !a.GoMod
		}
		return a.Hash < b.Hash
	})
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l.String())
		buf.WriteByte('\n')
	}
	for _, e := range f.Errors {
		if e.Duplicate {
			continue
		}
		if f.LineAt(e.Num) != nil {
			continue // a conflicting line: it is in Lines already
		}
		start, end := f.Mapper.LineStart(e.Num-1), f.Mapper.LineEnd(e.Num-1)
		buf.Write(bytes.TrimSpace(f.Content[start:end]))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
