// Package fixes builds the suggested fixes that analyzers attach to
// diagnostics: text edits in the snapshot's files and server commands.
//
// Every builder works on byte spans of the parsed files, so a fix applies
// to exactly the text version the diagnostic was computed from; the front
// ends translate spans to editor positions.
package fixes

import (
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

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
	want := map[string]bool{}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
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
		want[strings.Join(f, " ")] = true
	}
	if len(want) == 0 {
		return Fix{}, false
	}
	add := make([]string, 0, len(want))
	for l := range want {
		add = append(add, l)
	}
	sort.Slice(add, func(i, j int) bool { return sumLess(add[i], add[j]) })
	fix := Fix{Title: title}
	if sum == nil {
		fix.Edits = []Edit{{File: kind, Create: true, NewText: strings.Join(add, "\n") + "\n"}}
		return fix, true
	}
	// Insert each new line before the first existing line that sorts after
	// it; group lines that go to the same place into one edit.
	byPos := map[int][]string{}
	for _, l := range add {
		pos := len(sum.Content)
		for _, existing := range sum.Lines {
			if sumLess(l, existing.String()) {
				pos = sum.Mapper.LineStart(existing.Num - 1)
				break
			}
		}
		byPos[pos] = append(byPos[pos], l)
	}
	positions := make([]int, 0, len(byPos))
	for p := range byPos {
		positions = append(positions, p)
	}
	sort.Ints(positions)
	for _, p := range positions {
		text := strings.Join(byPos[p], "\n") + "\n"
		if p == len(sum.Content) && p > 0 && sum.Content[p-1] != '\n' {
			text = "\n" + text
		}
		fix.Edits = append(fix.Edits, Edit{File: kind, Span: span.Span{Start: p, End: p}, NewText: text})
	}
	return fix, true
}

// sumLess orders go.sum lines as the go command writes them.
func sumLess(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) < 2 || len(fb) < 2 {
		return a < b
	}
	ma := module.Version{Path: fa[0], Version: fa[1]}
	mb := module.Version{Path: fb[0], Version: fb[1]}
	if ma == mb {
		return a < b
	}
	list := []module.Version{mb, ma}
	module.Sort(list)
	return list[0] == ma
}

// Command names understood by the language server's executeCommand. They
// are part of the editor integrations' contract.
const (
	CmdGoEnvWrite    = "gomodls.goenvWrite"    // args: {"name": "GOPRIVATE", "value": "..."}
	CmdSetEnvSetting = "gomodls.setEnvSetting" // args: {"name": "GOPRIVATE", "value": "..."}
	CmdRecheck       = "gomodls.recheck"       // args: {"uri": "..."} (optional)
	CmdExplainEnv    = "gomodls.explainEnv"    // args: {"uri": "..."} (optional)
	CmdRunGoCommand  = "gomodls.runGoCommand"  // args: {"uri": "...", "args": ["mod", "tidy"]}
	CmdUpgradeAll    = "gomodls.upgradeAll"    // args: {"uri": "...", "level": "minor"}
)

// GoEnvWrite returns a command fix that runs `go env -w NAME=VALUE`.
func GoEnvWrite(name, value string) Fix {
	return Fix{
		Title:   "Run go env -w " + name + "=" + value,
		Command: &Command{Title: "go env -w " + name + "=" + value, Name: CmdGoEnvWrite, Args: []any{map[string]string{"name": name, "value": value}}},
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
