package lsp

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/settings"
)

// lifecycle states, in order.
type state int

const (
	stateNew          state = iota // before initialize
	stateInitializing              // initialize answered, initialized not yet seen
	stateRunning
	stateShutdown // shutdown answered; only exit is accepted
)

// server implements protocol.Server. Methods it does not override answer
// "method not found" through the embedded UnimplementedServer.
type server struct {
	protocol.UnimplementedServer

	conn   jsonrpc2.Conn
	client protocol.Client
	log    *zap.Logger
	opts   Options

	mu     sync.Mutex
	state  state
	caps   clientCaps
	exited chan struct{}
	once   sync.Once

	docs     *documents
	progress *progressTracker
	// eng is the application: folders, views, checks and commands. Its
	// background work is the server's: once stop returns, nothing of the
	// server runs, or logs, any more.
	eng *engine.Session
	// bg is the context of background work; cancelled when the server stops.
	bg context.Context
}

func newServer(conn jsonrpc2.Conn, opts Options) *server {
	s := &server{
		conn:   conn,
		client: protocol.ClientDispatcher(conn),
		log:    opts.Logger,
		opts:   opts,
		exited: make(chan struct{}),
		docs:   newDocuments(),
	}
	s.progress = newProgressTracker(s)
	s.eng = engine.New(engine.Options{
		Client:    engineClient{s},
		Files:     s.docs,
		Logger:    opts.Logger,
		Environ:   opts.Environ,
		GoCommand: opts.GoCommand,
		CacheDir:  opts.CacheDir,
	})
	s.bg = s.eng.Background()
	return s
}

// stop ends the server's background work and waits for it to finish. It
// is idempotent.
func (s *server) stop() { s.eng.Close() }

// goBackground runs f on a goroutine of its own as background work, unless
// the server is stopping, and reports whether it did. f must return soon
// once s.bg is done.
func (s *server) goBackground(f func()) bool { return s.eng.Go(f) }

func (s *server) getState() state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *server) shutdownRequested() bool { return s.getState() == stateShutdown }

// handler builds the dispatch chain. Notifications are handled in wire
// order on the read loop: document changes must be applied in the order
// they were sent, which protocol.Handlers (fully asynchronous) does not
// guarantee. Requests are released to run concurrently, so that a slow
// request never delays the next keystroke's didChange, and may call back
// into the client.
func (s *server) handler() jsonrpc2.Handler {
	dispatch := protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)
	h := func(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
		if req.IsCall() {
			// Release the read loop first, on every path: the request's
			// context is pooled and recycled when an inline handler
			// returns, which a context derived from it (as CancelHandler
			// does) must not observe. The release also gives the request
			// its own copy of its method and params, which until then
			// point into the read buffer, where the released loop reads
			// the next message: take nothing from req before it.
			jsonrpc2.Async(ctx)
			if err := s.admit(req.Method()); err != nil {
				return nil, err
			}
		} else if !s.admitNotification(req.Method()) {
			return nil, nil
		}
		// A call's own copy; a notification's is the frame's, which stays
		// put while the read loop runs this handler.
		method := req.Method()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", zap.String("method", method), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
				err = jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("gomodls: internal error in %s: %v", method, r))
			}
			if err != nil && !req.IsCall() {
				// jsonrpc2 fails the whole connection when a notification
				// handler returns an error; a bad notification must not
				// take the server down.
				s.log.Warn("notification failed", zap.String("method", method), zap.Error(err))
				err = nil
			}
		}()
		result, err = dispatch(ctx, req)
		if err != nil && req.IsCall() {
			if ctx.Err() != nil {
				return nil, protocol.ErrRequestCancelled
			}
			var rpcErr *jsonrpc2.Error
			if !errors.As(err, &rpcErr) {
				s.log.Debug("request failed", zap.String("method", method), zap.Error(err))
			}
		}
		return result, err
	}
	return protocol.CancelHandler(h)
}

// admit enforces the lifecycle for requests.
func (s *server) admit(method string) error {
	st := s.getState()
	switch {
	case method == protocol.MethodInitialize:
		if st != stateNew {
			return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize may only be sent once")
		}
	case st == stateNew:
		return jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized: send initialize first")
	case st == stateShutdown:
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, method+" after shutdown: only exit is accepted")
	}
	return nil
}

// admitNotification enforces the lifecycle for notifications: before
// initialize and after shutdown, only exit is processed.
func (s *server) admitNotification(method string) bool {
	if method == protocol.MethodExit {
		return true
	}
	st := s.getState()
	return st != stateNew && st != stateShutdown
}

// clientCaps is what we need to know of the client's capabilities.
type clientCaps struct {
	pullDiagnostics     bool
	diagnosticRefresh   bool
	versionedDiagnostic bool
	workDoneProgress    bool
	configuration       bool
	watchedFiles        bool // dynamic registration of didChangeWatchedFiles
	applyEdit           bool
	documentChanges     bool
	createFile          bool
	markdownHover       bool
	codeActionLiterals  bool
	codeActionResolve   bool
	showDocument        bool
	hierarchicalSymbols bool
}

func readCaps(c protocol.ClientCapabilities) clientCaps {
	var cc clientCaps
	if td := c.TextDocument; td != nil {
		if td.Diagnostic != nil {
			cc.pullDiagnostics = true
		}
		if pd := td.PublishDiagnostics; pd != nil && pd.VersionSupport != nil {
			cc.versionedDiagnostic = *pd.VersionSupport
		}
		if h := td.Hover; h != nil {
			for _, k := range h.ContentFormat {
				if k == protocol.MarkupKindMarkdown {
					cc.markdownHover = true
				}
			}
		}
		if ca := td.CodeAction; ca != nil {
			cc.codeActionLiterals = len(ca.CodeActionLiteralSupport.CodeActionKind.ValueSet) > 0
			for _, p := range ca.ResolveSupport.Properties {
				if p == "edit" {
					cc.codeActionResolve = true
				}
			}
		}
		if ds := td.DocumentSymbol; ds != nil && ds.HierarchicalDocumentSymbolSupport != nil {
			cc.hierarchicalSymbols = *ds.HierarchicalDocumentSymbolSupport
		}
	}
	if w := c.Workspace; w != nil {
		cc.configuration = w.Configuration != nil && *w.Configuration
		cc.applyEdit = w.ApplyEdit != nil && *w.ApplyEdit
		if we := w.WorkspaceEdit; we != nil {
			cc.documentChanges = we.DocumentChanges != nil && *we.DocumentChanges
			for _, k := range we.ResourceOperations {
				if k == protocol.ResourceOperationKindCreate {
					cc.createFile = true
				}
			}
		}
		if wf := w.DidChangeWatchedFiles; wf != nil && wf.DynamicRegistration != nil {
			cc.watchedFiles = *wf.DynamicRegistration
		}
		if d := w.Diagnostics; d != nil && d.RefreshSupport != nil {
			cc.diagnosticRefresh = *d.RefreshSupport
		}
	}
	if wi := c.Window; wi != nil {
		cc.workDoneProgress = wi.WorkDoneProgress != nil && *wi.WorkDoneProgress
		cc.showDocument = wi.ShowDocument != nil && wi.ShowDocument.Support
	}
	// Pull diagnostics only pay off when we can also tell the client that
	// background results arrived; otherwise push.
	if cc.pullDiagnostics && !cc.diagnosticRefresh {
		cc.pullDiagnostics = false
	}
	return cc
}

func (s *server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	caps := readCaps(params.Capabilities)
	var folders []string
	if wf, ok := params.WorkspaceFolders.Get(); ok {
		for _, f := range wf {
			if p, err := pathOf(f.URI); err == nil {
				folders = append(folders, p)
			}
		}
	}
	if len(folders) == 0 && params.RootURI != nil {
		if p, err := pathOf(*params.RootURI); err == nil {
			folders = append(folders, p)
		}
	}
	init := settings.Default()
	if len(params.InitializationOptions) > 0 {
		var problems []string
		init, problems = settings.Decode(init, unwrapSection(params.InitializationOptions))
		for _, p := range problems {
			s.log.Warn("initializationOptions: " + p)
		}
	}
	s.mu.Lock()
	s.caps = caps
	s.state = stateInitializing
	s.mu.Unlock()
	s.eng.Init(folders, init, caps.pullDiagnostics)

	name := "gomodls"
	if ci := params.ClientInfo; ci.Name != "" {
		v, _ := ci.Version.Get()
		s.log.Info("initialize", zap.String("client", ci.Name), zap.String("clientVersion", v), zap.Strings("folders", folders),
			zap.Bool("pullDiagnostics", caps.pullDiagnostics))
	}
	return &protocol.InitializeResult{
		Capabilities: s.capabilities(caps, init),
		ServerInfo:   protocol.ServerInfo{Name: name, Version: protocol.NewOptional(s.opts.Version)},
	}, nil
}

func (s *server) Initialized(ctx context.Context, params *protocol.InitializedParams) error {
	s.mu.Lock()
	if s.state == stateInitializing {
		s.state = stateRunning
	}
	s.mu.Unlock()
	// Calls back into the client must not run on the read loop.
	s.goBackground(func() { s.initialized(s.bg) })
	return nil
}

func (s *server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	// Answer once the background work has stopped: nothing is published
	// after the shutdown response.
	s.stop()
	return nil
}

func (s *server) Exit(ctx context.Context) error {
	s.once.Do(func() { close(s.exited) })
	return nil
}

func (s *server) SetTrace(ctx context.Context, params *protocol.SetTraceParams) error { return nil }

func (s *server) WorkDoneProgressCancel(ctx context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	s.progress.cancel(params.Token)
	return nil
}

// Text synchronisation. These run on the read loop, in order.

func (s *server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	td := params.TextDocument
	doc, err := s.docs.open(td.URI, td.Version, td.Text)
	if err != nil {
		return err
	}
	s.eng.DidModify(doc.path)
	return nil
}

func (s *server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	doc, err := s.docs.change(params.TextDocument.URI, params.TextDocument.Version, params.ContentChanges)
	if err != nil {
		if errors.Is(err, errStaleVersion) {
			s.log.Warn("ignored change", zap.Error(err))
			return nil
		}
		return err
	}
	s.eng.DidModify(doc.path)
	return nil
}

func (s *server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	if p, err := pathOf(params.TextDocument.URI); err == nil {
		s.eng.DidModify(p)
	}
	return nil
}

func (s *server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	doc, ok := s.docs.close(params.TextDocument.URI)
	if !ok {
		return nil
	}
	s.eng.DidClose(doc.path)
	return nil
}

func (s *server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	var paths []string
	for _, ch := range params.Changes {
		if p, err := pathOf(ch.URI); err == nil {
			paths = append(paths, p)
		}
	}
	s.eng.DidChangeFiles(paths)
	return nil
}

func (s *server) DidChangeConfiguration(ctx context.Context, params *protocol.DidChangeConfigurationParams) error {
	raw := []byte(params.Settings)
	s.goBackground(func() { s.configurationChanged(s.bg, raw) })
	return nil
}

func (s *server) DidChangeWorkspaceFolders(ctx context.Context, params *protocol.DidChangeWorkspaceFoldersParams) error {
	var added, removed []string
	for _, f := range params.Event.Added {
		if p, err := pathOf(f.URI); err == nil {
			added = append(added, p)
		}
	}
	for _, f := range params.Event.Removed {
		if p, err := pathOf(f.URI); err == nil {
			removed = append(removed, p)
		}
	}
	s.goBackground(func() { s.foldersChanged(s.bg, added, removed) })
	return nil
}

// docFor returns the open document, or a not-open error that clients show
// sensibly.
func (s *server) docFor(u uri.URI) (*document, error) {
	doc, ok := s.docs.getURI(u)
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("document %s is not open", u))
	}
	return doc, nil
}
