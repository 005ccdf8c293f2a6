package gomod

import (
	"strings"
	"testing"
)

func TestParseKeepsGoodLines(t *testing.T) {
	src := "module example.com/m\n\nrequire (\n\ta.com/x v1.0.0\n\tbad line here\n\tb.com/y v1.2\n)\n\nfoo bar\nrequire c.com/z v2.0.0\n"
	f := Parse(GoMod, "/tmp/go.mod", []byte(src))
	var got []string
	for _, r := range f.Mod.Require {
		got = append(got, r.Mod.String())
	}
	if strings.Join(got, " ") != "a.com/x@v1.0.0 b.com/y@v1.2" {
		t.Errorf("requires = %v", got)
	}
	var errs []string
	for _, e := range f.Errors {
		kind := "syntax"
		if e.Kind == VersionError {
			kind = "version"
		}
		errs = append(errs, kind+":"+e.Msg+"@"+string(f.Content[e.Span.Start:e.Span.End]))
	}
	want := []string{
		"syntax:usage: require module/path v1.2.3@bad line here",
		"syntax:unknown directive: foo@foo bar",
		"version:require c.com/z: version \"v2.0.0\" invalid: should be v0 or v1, not v2@v2.0.0",
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
}

func TestTokens(t *testing.T) {
	src := "replace \"a.com/x\" v1.0.0 => ../x // comment\n"
	f := Parse(GoMod, "go.mod", []byte("module m\n"+src))
	r := f.Mod.Replace[0]
	p, _ := f.PathToken(r.Syntax)
	v, _ := f.VersionToken(r.Syntax)
	np, _, hasV := f.ReplaceTargetTokens(r.Syntax)
	if p.Unquoted() != "a.com/x" || v.Text != "v1.0.0" || np.Text != "../x" || hasV {
		t.Errorf("tokens: %q %q %q %v", p.Text, v.Text, np.Text, hasV)
	}
	if got := string(f.Content[p.Span.Start:p.Span.End]); got != `"a.com/x"` {
		t.Errorf("path span covers %q", got)
	}
}

func TestWorkFile(t *testing.T) {
	f := Parse(GoWork, "go.work", []byte("go 1.22\n\nuse (\n\t./a\n\t./b c\n)\nuse ./d\n"))
	if len(f.Work.Use) != 2 || f.Work.Use[0].Path != "./a" || f.Work.Use[1].Path != "./d" {
		t.Errorf("use = %+v", f.Work.Use)
	}
	if len(f.Errors) != 1 || f.Errors[0].Line != 5 {
		t.Errorf("errors = %v", f.Errors)
	}
}

func FuzzParseGoMod(f *testing.F) {
	f.Add("module m\n\ngo 1.22\n\nrequire (\n\ta.com/x v1.0.0 // indirect\n)\nreplace a.com/x => ./x\n")
	f.Add("require (\n\tx\n")
	f.Add("module \"unterminated\nretract [v1.0.0, v1.1.0] // why\n")
	f.Fuzz(func(t *testing.T, src string) {
		file := Parse(GoMod, "go.mod", []byte(src))
		if file.Mod == nil {
			t.Fatal("nil Mod")
		}
		for _, e := range file.Errors {
			if e.Span.Start < 0 || e.Span.End > len(src) || e.Span.Start > e.Span.End {
				t.Fatalf("bad span %+v for %q", e.Span, src)
			}
		}
		for _, r := range file.Mod.Require {
			for _, tok := range file.LineTokens(r.Syntax) {
				if tok.Span.End > len(src) {
					t.Fatalf("token out of range")
				}
			}
		}
	})
}

func FuzzParseGoWork(f *testing.F) {
	f.Add("go 1.22\nuse ./a\nreplace x => ../y\n")
	f.Add("use (\n")
	f.Fuzz(func(t *testing.T, src string) {
		file := Parse(GoWork, "go.work", []byte(src))
		if file.Work == nil {
			t.Fatal("nil Work")
		}
		for _, e := range file.Errors {
			if e.Span.Start < 0 || e.Span.End > len(src) || e.Span.Start > e.Span.End {
				t.Fatalf("bad span %+v", e.Span)
			}
		}
	})
}
