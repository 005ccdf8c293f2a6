// Package span converts between byte offsets in a text and the line/column
// positions that editors and terminals use.
//
// The analyzers work in byte offsets because that is what golang.org/x/mod
// reports. The LSP counts columns in UTF-16 code units; the CLI prints
// 1-based byte columns like the go command. A Mapper translates between
// them once per file version, so each conversion is a binary search.
package span

import (
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// A Span is a half-open byte range [Start, End) in a file's content.
type Span struct {
	Start, End int
}

// Empty reports whether s covers no bytes.
func (s Span) Empty() bool { return s.Start >= s.End }

// Contains reports whether the byte offset off lies in s (inclusive of End so
// that a cursor at the end of a token still counts as on it).
func (s Span) Contains(off int) bool { return s.Start <= off && off <= s.End }

// A Mapper converts positions for one immutable text.
type Mapper struct {
	content []byte
	lines   []int // byte offset of the start of each line
}

// NewMapper returns a Mapper for content. The content must not change
// afterwards.
func NewMapper(content []byte) *Mapper {
	lines := make([]int, 1, 1+len(content)/40)
	for i, b := range content {
		if b == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &Mapper{content: content, lines: lines}
}

// Content returns the text the Mapper was built for.
func (m *Mapper) Content() []byte { return m.content }

// LineCount returns the number of lines (a text ending in a newline has an
// empty last line).
func (m *Mapper) LineCount() int { return len(m.lines) }

// LineStart returns the byte offset where the 0-based line begins; lines
// past the end clamp to the end of the content.
func (m *Mapper) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(m.lines) {
		return len(m.content)
	}
	return m.lines[line]
}

// LineEnd returns the byte offset of the end of the 0-based line, before
// its "\n" (and before a "\r" preceding it).
func (m *Mapper) LineEnd(line int) int {
	end := len(m.content)
	if line+1 < len(m.lines) {
		end = m.lines[line+1] - 1
	}
	if end > m.LineStart(line) && m.content[end-1] == '\r' {
		end--
	}
	return end
}

// Line returns the 0-based line containing the byte offset off.
func (m *Mapper) Line(off int) int {
	off = m.clamp(off)
	return sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > off }) - 1
}

func (m *Mapper) clamp(off int) int {
	if off < 0 {
		return 0
	}
	if off > len(m.content) {
		return len(m.content)
	}
	return off
}

// UTF16Position returns the 0-based line and the UTF-16 column of the byte
// offset off, as the LSP wants them. An offset inside a multi-byte rune is
// moved back to the rune's start.
func (m *Mapper) UTF16Position(off int) (line, col int) {
	off = m.clamp(off)
	line = m.Line(off)
	for i := m.lines[line]; i < off; {
		r, size := utf8.DecodeRune(m.content[i:])
		if i+size > off {
			break
		}
		if r >= 0x10000 && r != utf8.RuneError {
			col += 2
		} else {
			col++
		}
		i += size
	}
	return line, col
}

// OffsetUTF16 returns the byte offset of a 0-based line and UTF-16 column.
// Positions past the end of a line clamp to its end, and lines past the end
// of the text clamp to its end, as the LSP specification asks.
func (m *Mapper) OffsetUTF16(line, col int) int {
	if line < 0 {
		return 0
	}
	if line >= len(m.lines) {
		return len(m.content)
	}
	i := m.lines[line]
	end := len(m.content)
	if line+1 < len(m.lines) {
		end = m.lines[line+1] - 1 // the '\n'
	}
	for n := 0; n < col && i < end; {
		r, size := utf8.DecodeRune(m.content[i:])
		w := 1
		if r >= 0x10000 && r != utf8.RuneError {
			w = utf16.RuneLen(r)
		}
		if n+w > col {
			break // col points into the middle of a surrogate pair
		}
		n += w
		i += size
	}
	return i
}

// BytePosition returns the 1-based line and 1-based byte column of off, the
// form the go command prints ("go.mod:7:2").
func (m *Mapper) BytePosition(off int) (line, col int) {
	off = m.clamp(off)
	l := m.Line(off)
	return l + 1, off - m.lines[l] + 1
}
