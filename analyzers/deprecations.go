package analyzers

import (
	"context"
	"fmt"

	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Deprecations reports required modules whose authors deprecated them.
var Deprecations = &Analyzer{
	Name: "deprecations",
	Doc: `report required modules that their authors deprecated

A module is deprecated when the module line of its latest version's go.mod
(chosen as for retractions) carries a "// Deprecated:" comment. The
diagnostic quotes the text (first line, at most 500 bytes) and is tagged
Deprecated, so editors strike the path through.`,
	Codes:   []*Code{CodeDeprecatedModule},
	Network: true,
	Run: func(pass *Pass) error {
		return eachLookup(pass, notExcluded, func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
			f, _, _, err := modinfo.LatestGoMod(ctx, src, u.mod.Path)
			if err != nil || f.Module == nil || f.Module.Deprecated == "" {
				return
			}
			d := Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeDeprecatedModule, Severity: CodeDeprecatedModule.Severity,
				Tags:    []Tag{Deprecated},
				Message: fmt.Sprintf("%s is deprecated: %s", u.mod.Path, modinfo.ShortMessage(f.Module.Deprecated, "(no explanation given)"))}
			pass.Report(d)
		})
	},
}
