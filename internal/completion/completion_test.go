package completion

import (
	"context"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
)

func TestPosition(t *testing.T) {
	for _, tc := range []struct {
		text   string // | marks the cursor
		verb   string
		arg    int
		prefix string
	}{
		{"requ|", "", 0, "requ"},
		{"require golang.org/x/te|", "require", 0, "golang.org/x/te"},
		{"require golang.org/x/text v0.|", "require", 1, "v0."},
		{"require (\n\tgolang.org/x/text |\n)", "require", 1, ""},
		{"require (\n\tgolang.org/x/text v1\n)\n|", "", 0, ""},
		{"replace a.com/x => |", "replace", 2, ""},
		{"replace a.com/x => b.com/y v|", "replace", 3, "v"},
		{"go 1.2|", "go", 0, "1.2"},
		{"require a.com/x v1.0.0 // comm|", "comment", 0, ""},
	} {
		i := strings.Index(tc.text, "|")
		src := tc.text[:i] + tc.text[i+1:]
		f := gomod.Parse(gomod.GoMod, "go.mod", []byte(src))
		c := position(f, i)
		if c.verb != tc.verb || c.arg != tc.arg || c.prefix != tc.prefix {
			t.Errorf("%q: verb=%q arg=%d prefix=%q, want %q %d %q", tc.text, c.verb, c.arg, c.prefix, tc.verb, tc.arg, tc.prefix)
		}
	}
}

// FuzzCompletion completes at every offset of arbitrary text: no panics,
// and every edit span lies within the file.
func FuzzCompletion(f *testing.F) {
	f.Add("module m\n\ngo 1.22\n\nrequire (\n\ta.com/x v\n)\nreplace a.com/x => ")
	f.Add("use (\n\t./a\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
			snap := snapshot.Build("/x", snapshot.Contents{kind: []byte(text)}, nil, nil, nil, nil)
			for off := 0; off <= len(text); off++ {
				res := At(context.Background(), snap, kind, off, Options{})
				for _, it := range res.Items {
					if it.Span.Start < 0 || it.Span.End > len(text) || it.Span.Start > it.Span.End {
						t.Fatalf("item %q span %+v outside %d bytes", it.Label, it.Span, len(text))
					}
				}
			}
		}
	})
}
