package span

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestUTF16RoundTrip(t *testing.T) {
	text := "module a // 🎉 é\n\n日本 x\r\nlast"
	m := NewMapper([]byte(text))
	// Walk every rune boundary and check both directions against a
	// straightforward computation.
	line, col := 0, 0
	for off := 0; off <= len(text); {
		gl, gc := m.UTF16Position(off)
		if gl != line || gc != col {
			t.Fatalf("UTF16Position(%d) = %d:%d, want %d:%d", off, gl, gc, line, col)
		}
		if back := m.OffsetUTF16(line, col); back != off {
			t.Fatalf("OffsetUTF16(%d, %d) = %d, want %d", line, col, back, off)
		}
		if off == len(text) {
			break
		}
		r, size := utf8.DecodeRuneInString(text[off:])
		if r == '\n' {
			line, col = line+1, 0
		} else {
			col += len(utf16.Encode([]rune{r}))
		}
		off += size
	}
}

func TestClamping(t *testing.T) {
	m := NewMapper([]byte("ab\ncd"))
	if got := m.OffsetUTF16(0, 99); got != 2 {
		t.Errorf("past end of line: %d, want 2", got)
	}
	if got := m.OffsetUTF16(9, 0); got != 5 {
		t.Errorf("past last line: %d, want 5", got)
	}
	// A column inside a surrogate pair stays before the pair.
	m = NewMapper([]byte("a🎉b"))
	if got := m.OffsetUTF16(0, 2); got != 1 {
		t.Errorf("inside surrogate pair: %d, want 1", got)
	}
	if l, c := m.BytePosition(5); l != 1 || c != 6 {
		t.Errorf("BytePosition = %d:%d, want 1:6", l, c)
	}
	m = NewMapper([]byte("x\r\ny"))
	if got := m.LineEnd(0); got != 1 {
		t.Errorf("LineEnd with CRLF = %d, want 1", got)
	}
}

func FuzzMapper(f *testing.F) {
	f.Add("module a\n// 🎉\n", 1, 3)
	f.Fuzz(func(t *testing.T, text string, line, col int) {
		m := NewMapper([]byte(text))
		off := m.OffsetUTF16(line, col)
		if off < 0 || off > len(text) {
			t.Fatalf("offset %d out of range", off)
		}
		l, c := m.UTF16Position(off)
		if back := m.OffsetUTF16(l, c); back != off && utf8.ValidString(text) {
			t.Fatalf("round trip %d -> %d:%d -> %d", off, l, c, back)
		}
	})
}
