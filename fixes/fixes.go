// Package fixes builds the suggested fixes that analyzers attach to
// diagnostics: text edits in the snapshot's files and server commands.
//
// Every builder works on byte spans of the parsed files, so a fix applies
// to exactly the text version the diagnostic was computed from; the front
// ends translate spans to editor positions.
package fixes

import (
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/gosum"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// A Fix is a suggested fix: text edits, a command, or both.
type Fix struct {
	Title string
	// Preferred marks the fix an editor may apply on "fix all", because it
	// certainly resolves the diagnostic and loses nothing.
	Preferred bool
	Edits     []Edit
	Command   *Command
}

// An Edit replaces Span in File with NewText. Create is set when the file
// does not exist yet (a go.sum to be written for the first time).
type Edit struct {
	File    snapshot.FileKind
	Span    span.Span
	NewText string
	Create  bool
}

// A Command is a server command (workspace/executeCommand) with
// JSON-encodable arguments.
type Command struct {
	Title string
	Name  string
	Args  []any
}

// Apply applies edits (all to the same file) to content and returns the
// result. Edits must not overlap.
func Apply(content []byte, edits []Edit) []byte {
	sorted := append([]Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Span.Start < sorted[j].Span.Start })
	var b strings.Builder
	last := 0
	for _, e := range sorted {
		if e.Span.Start < last || e.Span.End > len(content) {
			continue // overlapping or stale edit: skip rather than corrupt
		}
		b.Write(content[last:e.Span.Start])
		b.WriteString(e.NewText)
		last = e.Span.End
	}
	b.Write(content[last:])
	return []byte(b.String())
}

// ReplaceToken replaces one token's text.
func ReplaceToken(kind snapshot.FileKind, tok gomod.Token, text, title string) Fix {
	return Fix{Title: title, Edits: []Edit{{File: kind, Span: tok.Span, NewText: text}}}
}

// SetVersion replaces the version token of a require, exclude or replace
// line.
func SetVersion(kind snapshot.FileKind, tok gomod.Token, version string) Fix {
	return ReplaceToken(kind, tok, version, "Change version to "+version)
}

// DeleteLine removes a whole line (with its comments and newline) from a
// go.mod or go.work file.
func DeleteLine(kind snapshot.FileKind, f *gomod.File, l *modfile.Line, title string) Fix {
	return Fix{Title: title, Edits: []Edit{{File: kind, Span: f.FullLineSpan(l)}}}
}

// DeleteLineNum removes the 1-based line num of a file.
func DeleteLineNum(kind snapshot.FileKind, m *span.Mapper, num int, title string) Fix {
	sp := span.Span{Start: m.LineStart(num - 1), End: m.LineStart(num)}
	return Fix{Title: title, Edits: []Edit{{File: kind, Span: sp}}}
}

// ReplaceLineNum replaces the text of the 1-based line num (not its
// newline) with text.
func ReplaceLineNum(kind snapshot.FileKind, m *span.Mapper, num int, text, title string) Fix {
	sp := span.Span{Start: m.LineStart(num - 1), End: m.LineEnd(num - 1)}
	return Fix{Title: title, Edits: []Edit{{File: kind, Span: sp, NewText: text}}}
}

// AddSumLines inserts go.sum lines at their sorted positions in sum (which
// may be nil when go.sum does not exist yet). Lines already present are
// skipped. It returns false when there is nothing to add.
func AddSumLines(kind snapshot.FileKind, sum *gosum.File, lines []string, title string) (Fix, bool) {
	seen := map[string]bool{}
	var add []sumKey
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		if sum != nil {
			v, gm := strings.CutSuffix(f[1], "/go.mod")
			if sum.Has(f[0], v, gm) {
				continue
			}
		}
		if text := strings.Join(f, " "); !seen[text] {
			seen[text] = true
			add = append(add, newSumKey(f[0], f[1], f[2], text))
		}
	}
	if len(add) == 0 {
		return Fix{}, false
	}
	sort.Slice(add, func(i, j int) bool { return add[i].less(add[j]) })
	fix := Fix{Title: title}
	if sum == nil {
		var b strings.Builder
		for _, k := range add {
			b.WriteString(k.text + "\n")
		}
		fix.Edits = []Edit{{File: kind, Create: true, NewText: b.String()}}
		return fix, true
	}
	// Insert each new line before the first existing line that sorts after
	// it; group lines that go to the same place into one edit. That line
	// is never earlier for a later new line, so one walk finds them all.
	var edits []Edit
	i := 0
	for _, k := range add {
		for i < len(sum.Lines) && !k.less(lineKey(sum.Lines[i])) {
			i++
		}
		pos := len(sum.Content)
		if i < len(sum.Lines) {
			pos = sum.Mapper.LineStart(sum.Lines[i].Num - 1)
		}
		if n := len(edits); n > 0 && edits[n-1].Span.Start == pos {
			edits[n-1].NewText += k.text + "\n"
			continue
		}
		text := k.text + "\n"
		if pos == len(sum.Content) && pos > 0 && sum.Content[pos-1] != '\n' {
			text = "\n" + text
		}
		edits = append(edits, Edit{File: kind, Span: span.Span{Start: pos, End: pos}, NewText: text})
	}
	fix.Edits = edits
	return fix, true
}

// A sumKey is a go.sum line split as module.Sort compares it: the version
// up to its first "/", and the rest ("/go.mod").
type sumKey struct {
	path, version, file, hash string
	text                      string // the line
}

func newSumKey(path, version, hash, text string) sumKey {
	k := sumKey{path: path, version: version, hash: hash, text: text}
	if i := strings.Index(version, "/"); i >= 0 {
		k.version, k.file = version[:i], version[i:]
	}
	return k
}

// lineKey is the sumKey of an existing line, without its text.
func lineKey(l *gosum.Line) sumKey {
	k := sumKey{path: l.Path, version: l.Version, hash: l.Hash}
	if l.GoMod {
		k.file = "/go.mod"
	}
	return k
}

// less orders go.sum lines as the go command writes them: module.Sort
// order of "path version[/go.mod]", then by hash.
func (a sumKey) less(b sumKey) bool {
	switch {
	case a.path != b.path:
		return a.path < b.path
	case a.version == b.version && a.file == b.file:
		return a.hash < b.hash
	case a.version != b.version:
		return semver.Compare(a.version, b.version) < 0
	}
	return a.file < b.file
}

// Command names understood by the language server's executeCommand. They
// are part of the editor integrations' contract.
const (
	CmdGoEnvWrite    = "gomodls.goenvWrite"    // args: {"name": "GOPRIVATE", "value": "..."}
	CmdGoEnvUnset    = "gomodls.goenvUnset"    // args: {"name": "GO111MODULE"}
	CmdSetEnvSetting = "gomodls.setEnvSetting" // args: {"name": "GOPRIVATE", "value": "..."}
	CmdRecheck       = "gomodls.recheck"       // args: {"uri": "..."} (optional)
	CmdExplainEnv    = "gomodls.explainEnv"    // args: {"uri": "..."} (optional)
	CmdRunGoCommand  = "gomodls.runGoCommand"  // args: {"uri": "...", "args": ["mod", "tidy"]}
	CmdUpgradeAll    = "gomodls.upgradeAll"    // args: {"uri": "...", "level": "minor"}
	CmdVerifySums    = "gomodls.verifySums"    // args: {"uri": "..."} (optional)
)

// RunGoCommand returns a command fix that runs `go ARGS...` in dir (the
// language server allows only a few: see lsp/gocommands.go).
func RunGoCommand(dir string, args ...string) Fix {
	title := "go " + strings.Join(args, " ")
	return Fix{
		Title:   "Run " + title,
		Command: &Command{Title: title, Name: CmdRunGoCommand, Args: []any{map[string]any{"uri": fileURI(dir), "args": args}}},
	}
}

// fileURI is the file: URI of an absolute path.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// GoEnvWrite returns a command fix that runs `go env -w NAME=VALUE`.
func GoEnvWrite(name, value string) Fix {
	return Fix{
		Title:   "Run go env -w " + name + "=" + value,
		Command: &Command{Title: "go env -w " + name + "=" + value, Name: CmdGoEnvWrite, Args: []any{map[string]string{"name": name, "value": value}}},
	}
}

// GoEnvUnset returns a command fix that runs `go env -u NAME`: it removes
// NAME from the go env -w file, so that $GOROOT/go.env or the default
// applies.
func GoEnvUnset(name string) Fix {
	return Fix{
		Title:   "Run go env -u " + name,
		Command: &Command{Title: "go env -u " + name, Name: CmdGoEnvUnset, Args: []any{map[string]string{"name": name}}},
	}
}

// SetEnvSetting returns a command fix that sets gomodls.env[NAME] in the
// workspace settings.
func SetEnvSetting(name, value string) Fix {
	return Fix{
		Title:   "Set " + name + "=" + value + " in workspace settings (gomodls.env)",
		Command: &Command{Title: "Set gomodls.env." + name, Name: CmdSetEnvSetting, Args: []any{map[string]string{"name": name, "value": value}}},
	}
}
