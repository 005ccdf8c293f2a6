package gomod

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/span"
)

// A Token is one lexical token of a line, with its byte span in the file.
type Token struct {
	Text string
	Span span.Span
}

// Unquoted returns the token's text with Go string quotes removed, as
// modfile does for quoted module paths and versions.
func (t Token) Unquoted() string {
	if len(t.Text) >= 2 && (t.Text[0] == '"' || t.Text[0] == '`') {
		if s, err := strconv.Unquote(t.Text); err == nil {
			return s
		}
	}
	return t.Text
}

// Tokenize splits one line of go.mod text into tokens using the modfile
// lexer's rules: punctuation "()[]{}," stands alone, quoted strings are one
// token, "//" starts a comment that ends the line. base is the offset of
// line[0] in the file.
func Tokenize(line []byte, base int) []Token {
	return tokenize(string(line), 0, len(line), base)
}

// tokenize tokenizes text[start:end]; token texts are substrings of text,
// so a file converted to a string once costs no allocation per token.
func tokenize(text string, start, end, base int) []Token {
	toks := make([]Token, 0, 4)
	mk := func(i, j int) Token {
		return Token{Text: text[i:j], Span: span.Span{Start: base + i - start, End: base + j - start}}
	}
	for i := start; i < end; {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
			continue
		case c == '/' && i+1 < end && text[i+1] == '/':
			return toks
		case c < utf8.RuneSelf && isPunct(rune(c)):
			toks = append(toks, mk(i, i+1))
			i++
			continue
		case c == '"' || c == '`':
			j := i + 1
			for j < end {
				d := text[j]
				j++
				if d == c {
					break
				}
				if d == '\\' && c == '"' && j < end {
					j++
				}
			}
			toks = append(toks, mk(i, j))
			i = j
			continue
		}
		j := i
		for j < end {
			r, size := utf8.DecodeRuneInString(text[j:end])
			if isPunct(r) || unicode.IsSpace(r) || (r == '/' && j+1 < end && text[j+1] == '/') {
				break
			}
			j += size
		}
		if j == i { // an unprintable rune: take it alone so we progress
			_, size := utf8.DecodeRuneInString(text[i:end])
			j = i + size
		}
		toks = append(toks, mk(i, j))
		i = j
	}
	return toks
}

func isPunct(r rune) bool {
	switch r {
	case '(', ')', '[', ']', '{', '}', ',':
		return true
	}
	return false
}

// LineTokens returns the tokens of a parsed line, including the directive
// keyword for a line that is not inside a block.
func (f *File) LineTokens(l *modfile.Line) []Token {
	if l == nil {
		return nil
	}
	start, end := l.Start.Byte, l.End.Byte
	if start < 0 || end > len(f.Content) || start > end {
		return nil
	}
	return tokenize(f.text, start, end, start)
}

// LineSpan returns the span of a parsed line, without its comments: from
// its first token to the end of its last.
func (f *File) LineSpan(l *modfile.Line) span.Span {
	return span.Span{Start: l.Start.Byte, End: l.End.Byte}
}

// FullLineSpan returns the span from the start of l's first line to the
// start of the next line: what to delete to remove the line entirely.
func (f *File) FullLineSpan(l *modfile.Line) span.Span {
	line := f.Mapper.Line(l.Start.Byte)
	endLine := f.Mapper.Line(l.End.Byte)
	return span.Span{Start: f.Mapper.LineStart(line), End: f.Mapper.LineStart(endLine + 1)}
}

// argTokens returns the tokens of l that follow the directive keyword (for
// a line outside a block, its first token).
func (f *File) argTokens(l *modfile.Line) []Token {
	toks := f.LineTokens(l)
	if len(toks) > 0 && !l.InBlock {
		return toks[1:]
	}
	return toks
}

// PathToken returns the token holding the module path of a require,
// exclude or replace line (for replace, the old path).
func (f *File) PathToken(l *modfile.Line) (Token, bool) {
	args := f.argTokens(l)
	if len(args) == 0 {
		return Token{}, false
	}
	return args[0], true
}

// VersionToken returns the token holding the version of a require or
// exclude line, or the old version of a replace line (if any).
func (f *File) VersionToken(l *modfile.Line) (Token, bool) {
	args := f.argTokens(l)
	if len(args) < 2 || args[1].Text == "=>" {
		return Token{}, false
	}
	return args[1], true
}

// ReplaceTargetTokens returns the tokens after "=>" of a replace line: the
// new path and, for a module replacement, its version.
func (f *File) ReplaceTargetTokens(l *modfile.Line) (path Token, version Token, hasVersion bool) {
	args := f.argTokens(l)
	for i, t := range args {
		if t.Text == "=>" {
			rest := args[i+1:]
			if len(rest) == 0 {
				return Token{}, Token{}, false
			}
			if len(rest) >= 2 {
				return rest[0], rest[1], true
			}
			return rest[0], Token{}, false
		}
	}
	return Token{}, Token{}, false
}
