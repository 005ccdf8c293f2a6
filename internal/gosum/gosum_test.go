package gosum

import (
	"strings"
	"testing"
)

const good = "golang.org/x/text v0.20.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
	"golang.org/x/text v0.20.0/go.mod h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=\n"

func TestParse(t *testing.T) {
	f := Parse("go.sum", []byte("\n"+good+"golang.org/x/mod v0.1.0/go.mod "+emptyGoModHash+"\n"))
	if len(f.Errors) != 0 || len(f.Lines) != 2 {
		t.Fatalf("lines=%d errors=%v", len(f.Lines), f.Errors)
	}
	if !f.Has("golang.org/x/text", "v0.20.0", true) || !f.Has("golang.org/x/text", "v0.20.0", false) {
		t.Error("Has")
	}
	if f.Has("golang.org/x/mod", "v0.1.0", true) {
		t.Error("the empty go.mod hash must be ignored like the go command does")
	}
	if l := f.LineAt(3); l == nil || !l.GoMod || l.Num != 3 {
		t.Errorf("LineAt(3) = %+v", l)
	}
}

func TestFormatSortsAndDedups(t *testing.T) {
	in := "b.com/x v1.10.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"b.com/x v1.2.0/go.mod  h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=\n" +
		"b.com/x v1.2.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"a.com/y v0.1.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"a.com/y v0.1.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"garbage\n"
	want := "a.com/y v0.1.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"b.com/x v1.2.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"b.com/x v1.2.0/go.mod h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=\n" +
		"b.com/x v1.10.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n" +
		"garbage\n"
	if got := string(Parse("go.sum", []byte(in)).Format()); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"a.com/x v1.0.0", "want 3 fields"},
		// The go command splits with strings.Fields: any Unicode space
		// separates, and a line of them is blank.
		{"a.com/x\u00a0v1.0.0\u2003h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=", ""},
		{"\u00a0\u0085", ""},
		{"a.com/x v1.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=", "malformed version"},
		{"a.com/x v1.0.0 h1:abc", "malformed hash"},
		{"a.com/x v1.0.0 h2:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=", "unknown hash algorithm"},
		{"-bad v1.0.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=", "malformed module path"},
		{"a.com/x v2.0.0+incompatible h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=", ""},
	} {
		f := Parse("go.sum", []byte(tc.line+"\n"))
		got := ""
		if len(f.Errors) > 0 {
			got = f.Errors[0].Msg
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%q: error %q, want %q", tc.line, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(good)
	f.Add("a b c d\n\n x")
	f.Fuzz(func(t *testing.T, src string) {
		file := Parse("go.sum", []byte(src))
		for _, l := range file.Lines {
			if l.Span.End > len(src) || file.LineAt(l.Num) != l {
				t.Fatalf("bad line %+v", l)
			}
		}
		// Formatting is idempotent and keeps every well-formed line.
		once := file.Format()
		twice := Parse("go.sum", once).Format()
		if string(once) != string(twice) {
			t.Fatalf("Format not idempotent:\n%q\n%q", once, twice)
		}
		if n := len(Parse("go.sum", once).Lines); n != len(file.Lines) {
			t.Fatalf("Format lost lines: %d -> %d", len(file.Lines), n)
		}
	})
}
