package analyzers

import (
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// ParseError reports syntax errors in go.mod and go.work.
var ParseError = &Analyzer{
	Name: "parseerror",
	Doc: `report lines of go.mod and go.work that do not parse

The go command refuses a go.mod or go.work with any invalid line. Each
invalid line is reported at its own position, and the rest of the file is
still analysed: gomodls parses around broken lines instead of stopping at
the first one. Version errors (non-canonical versions, a major version that
does not match the module path) are reported by the invalidversion analyzer
instead.`,
	Codes: []*Code{CodeParseError},
	Run: func(pass *Pass) error {
		for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
			f := pass.Snapshot.ModFile(kind)
			if f == nil {
				continue
			}
			for _, e := range f.Errors {
				if e.Kind != gomod.SyntaxError {
					continue
				}
				pass.Reportf(kind, e.Span, CodeParseError, "%s", e.Msg)
			}
		}
		return nil
	},
}
