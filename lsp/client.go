package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/engine"
)

// engineClient gives the engine its effects on the editor, in protocol
// terms.
type engineClient struct{ s *server }

var _ engine.Client = engineClient{}

func (c engineClient) PublishDiagnostics(ctx context.Context, d engine.FileDiagnostics) error {
	params := &protocol.PublishDiagnosticsParams{
		URI:         c.s.uriFor(d.Snapshot.Path(d.Kind)),
		Diagnostics: toProtocolDiagnostics(d.Snapshot, d.Diagnostics),
	}
	if d.HasVersion {
		params.Version = protocol.NewOptional(d.Version)
	}
	return c.s.client.PublishDiagnostics(ctx, params)
}

func (c engineClient) RefreshDiagnostics(ctx context.Context) error {
	return c.s.client.DiagnosticRefresh(ctx)
}

func (c engineClient) ShowMessage(typ engine.MessageType, msg string) {
	c.s.showMessage(messageType(typ), msg)
}

func (c engineClient) LogMessage(typ engine.MessageType, msg string) {
	_ = c.s.client.LogMessage(c.s.eng.Background(), &protocol.LogMessageParams{Type: messageType(typ), Message: msg})
}

// Announce shows one message per kind of proxy failure.
func (c engineClient) Announce(list []engine.Announcement) {
	for _, a := range list {
		c.s.showMessage(protocol.MessageTypeWarning, a.String())
	}
}

func (c engineClient) StartProgress(ctx context.Context, title, message string, cancellable bool) (engine.Progress, context.Context) {
	w, wctx := c.s.progress.start(ctx, title, message, cancellable)
	if w == nil {
		return noProgress{}, wctx
	}
	return w, wctx
}

// noProgress is the progress of clients without progress support.
type noProgress struct{}

func (noProgress) Report(string, int) {}
func (noProgress) End(string)         {}

func messageType(t engine.MessageType) protocol.MessageType {
	switch t {
	case engine.MessageError:
		return protocol.MessageTypeError
	case engine.MessageWarning:
		return protocol.MessageTypeWarning
	case engine.MessageInfo:
		return protocol.MessageTypeInfo
	}
	return protocol.MessageTypeLog
}
