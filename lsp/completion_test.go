package lsp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

func complete(t *testing.T, ed *lsptest.Editor, path string, line, col uint32) *protocol.CompletionList {
	t.Helper()
	res, err := ed.Server.Completion(ed.Context(), &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: docID(path), Position: protocol.Position{Line: line, Character: col}}})
	if err != nil {
		t.Fatal(err)
	}
	return res.(*protocol.CompletionList)
}

// labels renders items as "label[detail]{retracted}" in sort order.
func labels(list *protocol.CompletionList) string {
	items := append([]protocol.CompletionItem(nil), list.Items...)
	// Items come sorted by sortText already; check that they are.
	var out []string
	prev := ""
	for _, it := range items {
		st, _ := it.SortText.Get()
		if st < prev {
			return "unsorted"
		}
		prev = st
		s := it.Label
		if len(it.Tags) > 0 {
			s += "{retracted}"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestCompletion(t *testing.T) {
	srv := proxytest.New(t)
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/retract v\n\texample.com/basic \n\texample.com/pseudo v0.0.0-\n\tgit.corp.example/team/lib v\n\texam\n)\n\n"
	sum := "example.com/fromsum v1.0.0/go.mod h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=\n"
	other := "module example.com/other\n\ngo 1.22\n\nrequire example.com/fromworkspace v1.0.0\n"
	dir := writeFiles(t, map[string]string{"go.mod": text, "go.sum": sum, "other/go.mod": other})
	ed := start(t, withProxy(t, srv))
	// The fixture plays the public proxy: a path that looks private is
	// never sent to it (a company's proxy would get it).
	ed.Initialize(dir, lsptest.Caps{Config: publicSettings(srv)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ed.Open(filepath.Join(dir, "other", "go.mod"), "")

	// Versions: newest first, retracted last and tagged, the prerelease
	// of example.com/basic hidden. Ask twice: the first answer may come
	// before the budget's lookups did.
	var got string
	for i := 0; i < 20 && !strings.Contains(got, "v1.0.0 v1.5.0{retracted}"); i++ {
		got = labels(complete(t, ed, gomod, 5, 23))
	}
	if got != "v1.4.0 v1.0.0 v1.5.0{retracted} v1.3.0{retracted} v1.2.0{retracted} v1.1.0{retracted}" {
		t.Errorf("retract versions: %s", got)
	}
	if got := labels(complete(t, ed, gomod, 6, 19)); got != "v1.1.0 v1.0.0 v0.1.0" {
		t.Errorf("basic versions: %s", got)
	}
	// Pseudo-versions only when one is being typed.
	if got := labels(complete(t, ed, gomod, 7, 27)); !strings.Contains(got, "v0.0.0-20240102030405-abcdef012345") {
		t.Errorf("pseudo versions: %s", got)
	}
	// A private path is never looked up: nothing to propose.
	if got := labels(complete(t, ed, gomod, 8, 28)); got != "" {
		t.Errorf("private versions: %s", got)
	}
	srv.AssertNoRequestMentions(t, "git.corp.example")
	// Module paths from go.sum and from other go.mod files of the workspace.
	if got := labels(complete(t, ed, gomod, 9, 5)); got != "example.com/fromsum example.com/fromworkspace" {
		t.Errorf("module paths: %s", got)
	}
	// Keywords at the start of a line.
	if got := labels(complete(t, ed, gomod, 11, 0)); got != "module go toolchain godebug require replace exclude retract tool ignore" {
		t.Errorf("keywords: %s", got)
	}
	// go versions: the local toolchain first.
	if got := labels(complete(t, ed, gomod, 2, 3)); !strings.HasPrefix(got, "1.26.8 1.26.0 1.25.0") {
		t.Errorf("go versions: %s", got)
	}
	ed.Shutdown()
}
