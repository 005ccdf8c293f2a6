// Package gomod parses go.mod and go.work files the way an editor needs:
// tolerantly, so that one broken line does not hide the rest of the file,
// and with the byte span of every token.
//
// golang.org/x/mod/modfile stops at the first syntax error and returns no
// file at all when any line is invalid. Parse reports each error and then
// blanks the offending line (replacing its bytes with spaces, which keeps
// every other offset valid) and parses again, until what remains is valid.
package gomod

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/span"
)

// Kind tells which grammar a file uses.
type Kind int

const (
	GoMod  Kind = iota // go.mod
	GoWork             // go.work
)

func (k Kind) String() string {
	if k == GoWork {
		return "go.work"
	}
	return "go.mod"
}

// ErrorKind classifies a parse error so that it can be reported under the
// right diagnostic code.
type ErrorKind int

const (
	SyntaxError  ErrorKind = iota // reported as parse-error
	VersionError                  // reported as invalid-version
)

// An Error is one problem found while parsing, positioned on its line.
type Error struct {
	Kind    ErrorKind
	Line    int       // 1-based line number
	Span    span.Span // the bytes to underline
	Verb    string    // directive, when known ("require")
	ModPath string    // module path, when known
	Version string    // the offending version, for VersionError
	Msg     string    // without the "go.mod:7:" prefix
	Tokens  []Token   // the line's tokens, for fixes and symbols
}

func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Line, e.Msg) }

// A File is a parsed go.mod or go.work file. Mod (for go.mod) or Work (for
// go.work) holds every line that parsed; lines with errors are in Errors
// and absent from Mod/Work. Neither Mod nor Work is ever nil for its kind.
type File struct {
	Kind    Kind
	Name    string // file name used in messages, usually an absolute path
	Content []byte
	Mapper  *span.Mapper
	text    string // Content as a string, for allocation-free token texts
	Mod     *modfile.File
	Work    *modfile.WorkFile
	Errors  []*Error
}

// maxRepairs bounds the parse-and-blank loop; each round removes at least
// one line, so a file with more bad lines than this keeps the rest as errors.
const maxRepairs = 200

// Parse parses a go.mod (kind GoMod) or go.work (kind GoWork) file.
// Parse never fails: problems are returned in File.Errors.
func Parse(kind Kind, name string, content []byte) *File {
	f := &File{Kind: kind, Name: name, Content: content, Mapper: span.NewMapper(content), text: string(content)}
	data := bytes.Clone(content)
	blanked := map[int]bool{}
	seen := map[string]bool{}
	appended := false
	for round := 0; ; round++ {
		var err error
		switch kind {
		case GoWork:
			f.Work, err = modfile.ParseWork(name, data, keepVersion)
		default:
			f.Mod, err = modfile.Parse(name, data, keepVersion)
		}
		if err == nil {
			break
		}
		progressed := false
		for _, e := range errorList(err) {
			line := e.Pos.Line
			if m := unterminatedRE.FindStringSubmatch(errText(e)); m != nil {
				// Point at the line that opened the block.
				line, _ = strconv.Atoi(m[1])
			}
			if last := lastLine(f.Mapper); line <= 0 || line > last {
				line = last
			}
			pe := f.newError(e, line)
			key := fmt.Sprintf("%d\x00%s", pe.Line, pe.Msg)
			if !seen[key] {
				seen[key] = true
				f.Errors = append(f.Errors, pe)
			}
			if isUnexpectedEOF(e) && !appended {
				// An unclosed block: close it after the real content so
				// that the lines inside are still parsed.
				data = append(data, "\n)\n"...)
				appended = true
				progressed = true
				continue
			}
			if !blanked[line] && blankLine(data, f.Mapper, line-1) {
				blanked[line] = true
				progressed = true
			}
		}
		if !progressed || round >= maxRepairs {
			f.Mod, f.Work = nil, nil
			break
		}
	}
	if kind == GoWork && f.Work == nil {
		f.Work = &modfile.WorkFile{Syntax: &modfile.FileSyntax{Name: name}}
	}
	if kind == GoMod && f.Mod == nil {
		f.Mod = &modfile.File{Syntax: &modfile.FileSyntax{Name: name}}
	}
	if kind == GoMod && f.Mod.Module == nil && len(bytes.TrimSpace(content)) > 0 && !f.hasModuleError() {
		f.Errors = append(f.Errors, &Error{
			Kind: SyntaxError, Line: 1, Span: span.Span{Start: 0, End: f.Mapper.LineEnd(0)},
			Msg: "missing module declaration; to specify the module path: go mod edit -module=example/mod",
		})
	}
	return f
}

// keepVersion accepts every version as written, so that the file keeps
// non-canonical versions for the invalid-version analyzer to explain and
// fix, instead of modfile silently canonicalising "v1.2" to "v1.2.0".
func keepVersion(path, vers string) (string, error) { return vers, nil }

func (f *File) hasModuleError() bool {
	for _, e := range f.Errors {
		if e.Verb == "module" || strings.HasPrefix(strings.TrimSpace(string(f.lineText(e.Line))), "module") {
			return true
		}
	}
	return false
}

func errorList(err error) []modfile.Error {
	var list modfile.ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *modfile.Error
	if errors.As(err, &one) {
		return []modfile.Error{*one}
	}
	return []modfile.Error{{Err: err}}
}

var unterminatedRE = regexp.MustCompile(`unterminated block started at .*:(\d+):\d+\)`)

func errText(e modfile.Error) string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func isUnexpectedEOF(e modfile.Error) bool {
	t := errText(e)
	return strings.Contains(t, "unexpected EOF") || strings.Contains(t, "unterminated block")
}

func lastLine(m *span.Mapper) int {
	n := m.LineCount()
	// A trailing newline makes an empty last line; point at the last real one.
	for n > 1 && m.LineStart(n-1) == m.LineEnd(n-1) {
		n--
	}
	return n
}

func (f *File) lineText(line int) []byte {
	return f.Content[f.Mapper.LineStart(line-1):f.Mapper.LineEnd(line-1)]
}

func (f *File) newError(e modfile.Error, line int) *Error {
	pe := &Error{Kind: SyntaxError, Line: line, Verb: e.Verb, ModPath: e.ModPath}
	// Messages name the file by base name: the editor already shows which
	// file it is, and absolute temp paths make messages unstable.
	pe.Msg = strings.ReplaceAll(errText(e), f.Name, filepath.Base(f.Name))
	if e.Verb != "" {
		if e.ModPath != "" {
			pe.Msg = e.Verb + " " + e.ModPath + ": " + pe.Msg
		} else {
			pe.Msg = e.Verb + ": " + pe.Msg
		}
	}
	var ive *module.InvalidVersionError
	if errors.As(e.Err, &ive) {
		pe.Kind = VersionError
		pe.Version = ive.Version
	}
	start, end := f.Mapper.LineStart(line-1), f.Mapper.LineEnd(line-1)
	pe.Tokens = tokenize(f.text, start, end, start)
	pe.Span = span.Span{Start: start, End: end}
	if len(pe.Tokens) > 0 {
		pe.Span = span.Span{Start: pe.Tokens[0].Span.Start, End: pe.Tokens[len(pe.Tokens)-1].Span.End}
	}
	if pe.Kind == VersionError {
		for _, t := range pe.Tokens {
			if t.Text == pe.Version || t.Unquoted() == pe.Version {
				pe.Span = t.Span
				break
			}
		}
	} else if e.Pos.Line == line && e.Pos.LineRune > 1 {
		// Scanner errors carry a column: underline from there to the end
		// of the token that starts there.
		off := start
		for col := 1; col < e.Pos.LineRune && off < end; col++ {
			_, size := utf8.DecodeRune(f.Content[off:])
			off += size
		}
		// Errors about the line as a whole point at its first token;
		// scanner errors point into the line.
		if len(pe.Tokens) == 0 || off != pe.Tokens[0].Span.Start {
			pe.Span = span.Span{Start: off, End: end}
			for _, t := range pe.Tokens {
				if t.Span.Start <= off && off < t.Span.End {
					pe.Span.End = t.Span.End
				}
			}
		}
	}
	if pe.Span.Empty() {
		pe.Span.End = pe.Span.Start
	}
	return pe
}

// blankLine replaces the bytes of the 0-based line with spaces. It reports
// whether anything was blanked.
func blankLine(data []byte, m *span.Mapper, line int) bool {
	start, end := m.LineStart(line), m.LineEnd(line)
	changed := false
	for i := start; i < end && i < len(data); i++ {
		if data[i] != ' ' {
			data[i] = ' '
			changed = true
		}
	}
	return changed
}
