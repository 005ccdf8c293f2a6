package analyzers

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// ReplaceConflict reports replace directives the go command refuses
// because they contradict each other.
var ReplaceConflict = &Analyzer{
	Name: "replaceconflict",
	Doc: `report conflicting replace directives

The go command stops with "conflicting replacements" when:

- one go.mod or go.work replaces the same module (and version) twice, with
  different targets (cmd/go/internal/modload: toReplaceMap), whether or not
  the replace is used;
- two modules of a workspace replace the same module (and version)
  differently and the go.work does not replace that module itself
  (makeMainModules: relative directories are compared as absolute paths,
  so the same directory written two ways is no conflict);
- a later module of the workspace replaces a required version that an
  earlier module replaces differently ("conflicting replacements found for
  ... in workspace modules defined by ...", modload.replacementFrom; only
  the versions the workspace's modules require are checked here).

The error is reported on the second replace (where it is in the
snapshot's files; else on the use line of its module in go.work, or the
module line). The fixes remove one of two duplicates, or, between
workspace modules, add a replace to go.work that decides ("go work edit
-replace").`,
	Codes: []*Code{CodeReplaceConflict},
	Run:   runReplaceConflict,
}

func runReplaceConflict(pass *Pass) error {
	snap := pass.Snapshot
	plan := modplan.Of(snap)
	for _, c := range plan.Conflicts() {
		// The second replace, else the first, where the snapshot has it.
		a, ok := anchorAt(snap, plan, c.Second.File, c.Second.Syntax)
		other := c.First
		if !a.Exact {
			if b, okFirst := anchorAt(snap, plan, c.First.File, c.First.Syntax); okFirst && b.Exact {
				a, ok, other = b, true, c.Second
			}
		}
		if !ok {
			continue
		}
		d := Diagnostic{File: a.File, Span: a.Span, Code: CodeReplaceConflict, Severity: Error}
		msg := strings.ReplaceAll(c.Message, "\n\t", " ")
		msg = strings.ReplaceAll(msg, "\nuse", " use")
		if a.Exact {
			d.Message = fmt.Sprintf("%s (the other: %s:%d)", msg, plan.ShortPath(other.File), other.Syntax.Start.Line)
		} else {
			d.Message = msg + a.Where
		}
		if c.Workspace {
			d.Message += ": the go command refuses the workspace"
		} else {
			d.Message += ": the go command refuses the file until one is removed"
		}
		d.Fixes = conflictFixes(snap, plan, c)
		if af, ok := anchorAt(snap, plan, other.File, other.Syntax); ok && af.Exact && af.File == a.File {
			d.Related = []Related{{File: af.File, Span: af.Span, Message: "the other replace"}}
		}
		pass.Report(d)
	}
	return nil
}

// conflictFixes offers to remove either duplicate of one file, or, for a
// conflict between workspace modules in the snapshot's go.work, a replace
// in go.work for each target.
func conflictFixes(snap *snapshot.Snapshot, plan *modplan.Plan, c *modplan.Conflict) []fixes.Fix {
	if !c.Workspace {
		var out []fixes.Fix
		for _, r := range []*modplan.Replacement{c.Second, c.First} {
			if b, ok := anchorAt(snap, plan, r.File, r.Syntax); ok && b.Exact {
				f := snap.ModFile(b.File)
				out = append(out, fixes.DeleteLine(b.File, f, r.Syntax, fmt.Sprintf("Remove the replace on line %d (%s)", r.Syntax.Start.Line, r)))
			}
		}
		return out
	}
	w := snap.Work
	if path, ws := plan.InWorkspace(); w == nil || !ws || !samePath(path, snap.Path(snapshot.GoWork)) {
		return nil
	}
	var out []fixes.Fix
	root := snap.Dir
	for _, r := range []*modplan.Replacement{c.First, c.Second} {
		target := r.New
		if r.Dir != "" {
			rel, err := filepath.Rel(root, r.Dir)
			if err != nil {
				continue
			}
			target = module.Version{Path: dirPath(rel)}
		}
		line := "replace " + describeOld(c.Mod) + " => " + describeOld(target)
		out = append(out, fixes.Fix{Title: fmt.Sprintf("Decide in go.work: %s", line),
			Edits: []fixes.Edit{appendLine(w.Content, line)}})
	}
	return out
}

// describeOld is "path" or "path version", as a directive writes it.
func describeOld(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + " " + m.Version
}

// dirPath writes a relative directory as a replace target must ("./x").
func dirPath(rel string) string {
	rel = filepath.ToSlash(rel)
	if strings.HasPrefix(rel, "../") || rel == ".." || strings.HasPrefix(rel, "./") {
		return rel
	}
	return "./" + rel
}

// appendLine is the edit that adds a line at the end of a go.work.
func appendLine(content []byte, line string) fixes.Edit {
	text := "\n" + line + "\n"
	if len(content) > 0 && content[len(content)-1] != '\n' {
		text = "\n" + text
	}
	return fixes.Edit{File: snapshot.GoWork, Span: span.Span{Start: len(content), End: len(content)}, NewText: text}
}
