package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// uriFor returns the URI to use for a path: the client's own spelling when
// the document is open, otherwise the canonical file URI.
func (s *server) uriFor(path string) uri.URI {
	if doc, ok := s.docs.get(path); ok {
		return doc.uri
	}
	return fileURI(path)
}

func fileURI(path string) uri.URI { return uri.File(path) }

// toRange converts a byte span to an LSP range (UTF-16 columns).
func toRange(m *span.Mapper, sp span.Span) protocol.Range {
	sl, sc := m.UTF16Position(sp.Start)
	el, ec := m.UTF16Position(sp.End)
	return protocol.Range{
		Start: protocol.Position{Line: uint32(sl), Character: uint32(sc)},
		End:   protocol.Position{Line: uint32(el), Character: uint32(ec)},
	}
}

// fromRange converts an LSP range to a byte span.
func fromRange(m *span.Mapper, r protocol.Range) span.Span {
	return span.Span{
		Start: m.OffsetUTF16(int(r.Start.Line), int(r.Start.Character)),
		End:   m.OffsetUTF16(int(r.End.Line), int(r.End.Character)),
	}
}

func toProtocolDiagnostics(snap *snapshot.Snapshot, diags []analyzers.Diagnostic) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(diags))
	for _, d := range diags {
		out = append(out, toProtocolDiagnostic(snap, d))
	}
	return out
}

func toProtocolDiagnostic(snap *snapshot.Snapshot, d analyzers.Diagnostic) protocol.Diagnostic {
	m := snap.Mapper(d.File)
	pd := protocol.Diagnostic{
		Range:    toRange(m, d.Span),
		Severity: protocol.DiagnosticSeverity(d.Severity),
		Code:     protocol.String(d.Code.Name),
		Source:   protocol.NewOptional("gomodls"),
		Message:  protocol.String(d.Message),
	}
	if u, err := uri.Parse(d.Code.URL()); err == nil {
		pd.CodeDescription = protocol.CodeDescription{Href: u}
	}
	if len(d.Tags) > 0 {
		tags := make([]protocol.DiagnosticTag, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = protocol.DiagnosticTag(t)
		}
		pd.Tags = protocol.NewDiagnosticTags(tags...)
	}
	for _, r := range d.Related {
		loc := protocol.Location{}
		if r.Path != "" {
			loc.URI = fileURI(r.Path)
		} else {
			loc.URI = fileURI(snap.Path(r.File))
			if rm := snap.Mapper(r.File); rm != nil {
				loc.Range = toRange(rm, r.Span)
			}
		}
		pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{Location: loc, Message: r.Message})
	}
	return pd
}

// resultID identifies a diagnostics report, so that a client pulling again
// for unchanged results gets an "unchanged" report.
func resultID(version int32, diags []protocol.Diagnostic) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", version)
	for _, d := range diags {
		msg, _ := d.Message.(protocol.String)
		code, _ := d.Code.(protocol.String)
		fmt.Fprintf(h, "%v|%d|%s|%s\n", d.Range, d.Severity, code, msg)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Diagnostic answers a pull request (textDocument/diagnostic).
func (s *server) Diagnostic(ctx context.Context, params *protocol.DocumentDiagnosticParams) (protocol.DocumentDiagnosticReport, error) {
	path, err := pathOf(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	kind, ok := snapshot.KindOf(filepath.Base(path))
	if !ok {
		return fullReport("", nil), nil
	}
	v := s.eng.View(filepath.Dir(path))
	snap, versions := v.Current(ctx)
	if !snap.Has(kind) {
		return fullReport("", nil), nil
	}
	items := toProtocolDiagnostics(snap, v.Diagnostics(kind))
	id := resultID(versions[kind], items)
	if prev := params.PreviousResultID; prev != nil && *prev == id {
		return &protocol.RelatedUnchangedDocumentDiagnosticReport{
			UnchangedDocumentDiagnosticReport: protocol.UnchangedDocumentDiagnosticReport{Kind: "unchanged", ResultID: id},
		}, nil
	}
	return fullReport(id, items), nil
}

func fullReport(id string, items []protocol.Diagnostic) *protocol.RelatedFullDocumentDiagnosticReport {
	if items == nil {
		items = []protocol.Diagnostic{}
	}
	r := &protocol.RelatedFullDocumentDiagnosticReport{
		FullDocumentDiagnosticReport: protocol.FullDocumentDiagnosticReport{Kind: "full", Items: items},
	}
	if id != "" {
		r.ResultID = &id
	}
	return r
}

// showMessage shows a message to the user and logs it.
func (s *server) showMessage(typ protocol.MessageType, msg string) {
	ctx := s.bg
	_ = s.client.ShowMessage(ctx, &protocol.ShowMessageParams{Type: typ, Message: msg})
	_ = s.client.LogMessage(ctx, &protocol.LogMessageParams{Type: typ, Message: msg})
}
