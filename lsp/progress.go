package lsp

import (
	"context"
	"fmt"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progressTracker reports long-running work with window/workDoneProgress.
// It must only be used from background goroutines: creating a token is a
// request to the client.
type progressTracker struct {
	srv *server

	mu      sync.Mutex
	next    int
	cancels map[string]context.CancelFunc
}

func newProgressTracker(srv *server) *progressTracker {
	return &progressTracker{srv: srv, cancels: map[string]context.CancelFunc{}}
}

// workDone is one progress report. A nil *workDone is valid and does
// nothing, for clients without progress support.
type workDone struct {
	t     *progressTracker
	token string
	ctx   context.Context
}

// start begins a progress report titled title. The returned context is
// cancelled when the user cancels the work from the editor (if
// cancellable) or when ctx is.
func (t *progressTracker) start(ctx context.Context, title, message string, cancellable bool) (*workDone, context.Context) {
	if !t.srv.caps.workDoneProgress {
		return nil, ctx
	}
	t.mu.Lock()
	t.next++
	token := fmt.Sprintf("gomodls-%d", t.next)
	t.mu.Unlock()
	if err := t.srv.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: protocol.String(token)}); err != nil {
		t.srv.log.Debug("workDoneProgress/create refused", zap.Error(err))
		return nil, ctx
	}
	wctx, cancel := context.WithCancel(ctx)
	t.mu.Lock()
	t.cancels[token] = cancel
	t.mu.Unlock()
	w := &workDone{t: t, token: token, ctx: wctx}
	w.send(&protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Cancellable: ptr(cancellable), Message: ptr(message)})
	return w, wctx
}

func (t *progressTracker) cancel(token protocol.ProgressToken) {
	key := ""
	switch tok := token.(type) {
	case protocol.String:
		key = string(tok)
	case protocol.Integer:
		key = fmt.Sprint(int32(tok))
	}
	t.mu.Lock()
	cancel := t.cancels[key]
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (w *workDone) send(v any) {
	raw, err := protocol.Marshal(v)
	if err != nil {
		return
	}
	_ = w.t.srv.client.Progress(context.WithoutCancel(w.ctx), &protocol.ProgressParams{Token: protocol.String(w.token), Value: raw})
}

// Report updates the message and percentage (0-100).
func (w *workDone) Report(message string, pct int) {
	if w == nil {
		return
	}
	p := uint32(max(0, min(pct, 100)))
	w.send(&protocol.WorkDoneProgressReport{Kind: "report", Message: ptr(message), Percentage: &p})
}

// End finishes the report.
func (w *workDone) End(message string) {
	if w == nil {
		return
	}
	w.send(&protocol.WorkDoneProgressEnd{Kind: "end", Message: ptr(message)})
	w.t.mu.Lock()
	if cancel := w.t.cancels[w.token]; cancel != nil {
		cancel()
	}
	delete(w.t.cancels, w.token)
	w.t.mu.Unlock()
}
