package lsp

import (
	"context"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/gosum"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

func (s *server) DocumentSymbol(ctx context.Context, params *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	path, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	_ = path
	switch kind {
	case snapshot.GoMod, snapshot.GoWork:
		return protocol.DocumentSymbolSlice(modSymbols(snap.ModFile(kind))), nil
	case snapshot.GoSum:
		return protocol.DocumentSymbolSlice(sumSymbols(snap.Sum)), nil
	case snapshot.GoWorkSum:
		return protocol.DocumentSymbolSlice(sumSymbols(snap.WorkSum)), nil
	}
	return protocol.DocumentSymbolSlice{}, nil
}

// fileSnapshot returns the snapshot holding the document u, which may be
// open or only on disk.
func (s *server) fileSnapshot(ctx context.Context, u interface{ FsPath() string }) (string, snapshot.FileKind, *snapshot.Snapshot, error) {
	p := filepath.Clean(u.FsPath())
	kind, ok := snapshot.KindOf(filepath.Base(p))
	if !ok {
		return "", 0, nil, invalidParams("%s is not a go.mod, go.sum, go.work or go.work.sum file", p)
	}
	snap, _, err := s.eng.Snapshot(ctx, p)
	if err != nil {
		return "", 0, nil, invalidParams("%s is neither open nor on disk", p)
	}
	return p, kind, snap, nil
}

func modSymbols(f *gomod.File) []protocol.DocumentSymbol {
	syms := []protocol.DocumentSymbol{}
	if f == nil {
		return syms
	}
	var stmts []modfile.Expr
	if f.Mod != nil && f.Mod.Syntax != nil {
		stmts = f.Mod.Syntax.Stmt
	} else if f.Work != nil && f.Work.Syntax != nil {
		stmts = f.Work.Syntax.Stmt
	}
	for _, st := range stmts {
		switch x := st.(type) {
		case *modfile.Line:
			if len(x.Token) == 0 {
				continue
			}
			if sym, ok := lineSymbol(f, x.Token[0], x.Token[1:], x); ok {
				syms = append(syms, sym)
			}
		case *modfile.LineBlock:
			if len(x.Token) == 0 {
				continue
			}
			verb := x.Token[0]
			start := x.Start.Byte
			end := x.RParen.Pos.Byte + 1
			block := protocol.DocumentSymbol{
				Name:           verb,
				Kind:           protocol.SymbolKindNamespace,
				Range:          toRange(f.Mapper, span.Span{Start: start, End: min(end, len(f.Content))}),
				SelectionRange: toRange(f.Mapper, span.Span{Start: start, End: start + len(verb)}),
				Children:       make([]protocol.DocumentSymbol, 0, len(x.Line)),
			}
			for _, l := range x.Line {
				if sym, ok := lineSymbol(f, verb, l.Token, l); ok {
					block.Children = append(block.Children, sym)
				}
			}
			syms = append(syms, block)
		}
	}
	return syms
}

// lineSymbol describes one directive line; args are its tokens after the
// verb.
func lineSymbol(f *gomod.File, verb string, args []string, l *modfile.Line) (protocol.DocumentSymbol, bool) {
	if len(args) == 0 {
		return protocol.DocumentSymbol{}, false
	}
	full := f.LineSpan(l)
	sel := full
	if t, ok := f.PathToken(l); ok {
		sel = t.Span
	}
	sym := protocol.DocumentSymbol{
		Range: toRange(f.Mapper, full),
		Kind:  protocol.SymbolKindPackage,
	}
	detail := ""
	switch verb {
	case "module":
		sym.Name, sym.Kind = unquote(args[0]), protocol.SymbolKindModule
		detail = "module"
		if dep := deprecation(l); dep != "" {
			detail = "Deprecated: " + dep
		}
	case "go", "toolchain":
		sym.Name, sym.Kind = verb, protocol.SymbolKindProperty
		detail = args[0]
	case "godebug":
		key, value, _ := strings.Cut(strings.Join(args, ""), "=")
		sym.Name, sym.Kind = key, protocol.SymbolKindKey
		detail = value
	case "require", "exclude":
		sym.Name = unquote(args[0])
		if len(args) > 1 {
			detail = unquote(args[1])
		}
		if verb == "exclude" {
			detail = "excluded " + detail
		} else if isIndirect(l) {
			detail += " // indirect"
		}
	case "replace":
		arrow := indexOf(args, "=>")
		if arrow < 0 || arrow+1 >= len(args) {
			return protocol.DocumentSymbol{}, false
		}
		sym.Name = unquote(args[0])
		if arrow == 2 {
			sym.Name += " " + unquote(args[1])
		}
		detail = "=> " + strings.Join(args[arrow+1:], " ")
	case "retract":
		sym.Name, sym.Kind = strings.Join(args, " "), protocol.SymbolKindConstant
		sym.Name = strings.ReplaceAll(strings.ReplaceAll(sym.Name, "[ ", "["), " ]", "]")
		sym.Name = strings.ReplaceAll(sym.Name, " ,", ",")
		detail = "retracted"
		if c := lineComment(l); c != "" {
			detail += ": " + c
		}
	case "tool", "ignore", "use":
		sym.Name = unquote(args[0])
		sym.Kind = protocol.SymbolKindFile
		if verb == "tool" {
			sym.Kind = protocol.SymbolKindPackage
		}
		detail = verb
	default:
		sym.Name = verb + " " + strings.Join(args, " ")
	}
	sym.SelectionRange = toRange(f.Mapper, sel)
	if detail != "" {
		sym.Detail = &detail
	}
	return sym, true
}

func unquote(s string) string { return gomod.Token{Text: s}.Unquoted() }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func isIndirect(l *modfile.Line) bool {
	for _, c := range l.Suffix {
		if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(c.Token, "//")), "indirect") {
			return true
		}
	}
	return false
}

func lineComment(l *modfile.Line) string {
	var parts []string
	for _, c := range append(append([]modfile.Comment{}, l.Before...), l.Suffix...) {
		parts = append(parts, strings.TrimSpace(strings.TrimPrefix(c.Token, "//")))
	}
	return strings.Join(parts, " ")
}

func deprecation(l *modfile.Line) string {
	for _, c := range append(append([]modfile.Comment{}, l.Before...), l.Suffix...) {
		t := strings.TrimSpace(strings.TrimPrefix(c.Token, "//"))
		if d, ok := strings.CutPrefix(t, "Deprecated:"); ok {
			return strings.TrimSpace(d)
		}
	}
	return ""
}

// sumSymbols returns one symbol per module version, with a child per hash
// line.
func sumSymbols(f *gosum.File) []protocol.DocumentSymbol {
	syms := []protocol.DocumentSymbol{}
	if f == nil {
		return syms
	}
	index := map[string]int{}
	for _, l := range f.Lines {
		key := l.Path + " " + l.Version
		what := "zip hash"
		if l.GoMod {
			what = "go.mod hash"
		}
		child := protocol.DocumentSymbol{
			Name:           what,
			Detail:         ptr(l.Hash),
			Kind:           protocol.SymbolKindKey,
			Range:          toRange(f.Mapper, l.Span),
			SelectionRange: toRange(f.Mapper, l.HashSpan),
		}
		i, ok := index[key]
		if !ok {
			i = len(syms)
			index[key] = i
			syms = append(syms, protocol.DocumentSymbol{
				Name:           l.Path,
				Detail:         ptr(l.Version),
				Kind:           protocol.SymbolKindModule,
				Range:          toRange(f.Mapper, l.Span),
				SelectionRange: toRange(f.Mapper, l.PathSpan),
			})
		}
		sym := &syms[i]
		sym.Children = append(sym.Children, child)
		if r := child.Range; r.End.Line > sym.Range.End.Line || (r.End.Line == sym.Range.End.Line && r.End.Character > sym.Range.End.Character) {
			sym.Range.End = r.End
		}
	}
	return syms
}
