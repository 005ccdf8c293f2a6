// Package lsptest drives a gomodls language server as an editor would:
// over the same jsonrpc2 stack, with a client that answers the server's
// requests (configuration, progress, registrations, applyEdit) and records
// what the server publishes. Tests use it for end-to-end LSP scenarios.
package lsptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/gomodls/gomodls/internal/lspwire"
)

// Client is the editor side: it records notifications from the server and
// answers its requests.
type Client struct {
	protocol.UnimplementedClient

	mu          sync.Mutex
	cond        *sync.Cond
	diags       map[string][]*protocol.PublishDiagnosticsParams // by file path, in arrival order
	messages    []protocol.ShowMessageParams
	logs        []protocol.LogMessageParams
	progress    []protocol.ProgressParams
	created     []string
	registered  []protocol.Registration
	refreshes   int
	applied     []protocol.ApplyWorkspaceEditParams
	settings    json.RawMessage // answer to workspace/configuration
	configCalls int
}

func newClient() *Client {
	c := &Client{diags: map[string][]*protocol.PublishDiagnosticsParams{}}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// maxHistory bounds the publishDiagnostics kept per file.
const maxHistory = 1000

func (c *Client) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	path := filepath.Clean(p.URI.FsPath())
	list := append(c.diags[path], p)
	// Keep a bounded history, so long sessions measure the server, not us.
	if len(list) > maxHistory {
		list = append(list[:0:0], list[len(list)-maxHistory:]...)
	}
	c.diags[path] = list
	c.cond.Broadcast()
	return nil
}

func (c *Client) ShowMessage(ctx context.Context, p *protocol.ShowMessageParams) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages = append(c.messages, *p)
	c.cond.Broadcast()
	return nil
}

func (c *Client) LogMessage(ctx context.Context, p *protocol.LogMessageParams) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, *p)
	return nil
}

func (c *Client) Progress(ctx context.Context, p *protocol.ProgressParams) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.progress = append(c.progress, *p)
	c.cond.Broadcast()
	return nil
}

func (c *Client) WorkDoneProgressCreate(ctx context.Context, p *protocol.WorkDoneProgressCreateParams) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := p.Token.(protocol.String); ok {
		c.created = append(c.created, string(s))
	}
	return nil
}

func (c *Client) RegisterCapability(ctx context.Context, p *protocol.RegistrationParams) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.registered = append(c.registered, p.Registrations...)
	return nil
}

func (c *Client) Configuration(ctx context.Context, p *protocol.ConfigurationParams) ([]protocol.LSPAny, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.configCalls++
	out := make([]protocol.LSPAny, len(p.Items))
	for i := range out {
		if c.settings != nil {
			out[i] = protocol.LSPAny(c.settings)
		} else {
			out[i] = protocol.LSPAny("null")
		}
	}
	return out, nil
}

func (c *Client) DiagnosticRefresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshes++
	c.cond.Broadcast()
	return nil
}

func (c *Client) ApplyEdit(ctx context.Context, p *protocol.ApplyWorkspaceEditParams) (*protocol.ApplyWorkspaceEditResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.applied = append(c.applied, *p)
	return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
}

func (c *Client) ShowDocument(ctx context.Context, p *protocol.ShowDocumentParams) (*protocol.ShowDocumentResult, error) {
	return &protocol.ShowDocumentResult{Success: true}, nil
}

// Wait blocks until cond (called with no locks held) is true, re-checking
// whenever the server sends something, and reports whether it became true
// within timeout.
func (c *Client) Wait(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	for {
		if cond() {
			return true
		}
		c.mu.Lock()
		if time.Now().After(deadline) {
			c.mu.Unlock()
			return cond()
		}
		c.cond.Wait()
		c.mu.Unlock()
	}
}

// Messages returns the window/showMessage notifications received so far.
func (c *Client) Messages() []protocol.ShowMessageParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.ShowMessageParams(nil), c.messages...)
}

// Progress returns the $/progress notifications received so far.
func (c *Client) ProgressReports() []protocol.ProgressParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.ProgressParams(nil), c.progress...)
}

// AppliedEdits returns the workspace/applyEdit requests received so far.
func (c *Client) AppliedEdits() []protocol.ApplyWorkspaceEditParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.ApplyWorkspaceEditParams(nil), c.applied...)
}

// Registrations returns the capabilities the server registered.
func (c *Client) Registrations() []protocol.Registration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.Registration(nil), c.registered...)
}

// AllDiagnostics returns every publishDiagnostics received for path.
func (c *Client) AllDiagnostics(path string) []*protocol.PublishDiagnosticsParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*protocol.PublishDiagnosticsParams(nil), c.diags[filepath.Clean(path)]...)
}

// TB is the part of testing.TB an Editor uses. *testing.T and *testing.B
// satisfy it, and so can a harness outside `go test` (the benchmark
// command), which cannot implement testing.TB itself.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Editor is a connected client with the server dispatcher.
type Editor struct {
	T      TB
	Client *Client
	Server protocol.Server
	conn   jsonrpc2.Conn
	exit   chan int
	ctx    context.Context

	mu       sync.Mutex
	versions map[string]int32
	texts    map[string]string
}

// ServeFunc runs a server on a stream and returns its exit code, like
// lsp.Serve.
type ServeFunc func(ctx context.Context, rwc io.ReadWriteCloser) int

// Start connects a new editor to a server run by serve over an in-memory
// pipe.
func Start(t TB, serve ServeFunc) *Editor {
	t.Helper()
	serverSide, clientSide := net.Pipe()
	exit := make(chan int, 1)
	go func() { exit <- serve(context.Background(), serverSide) }()
	return connect(t, clientSide, exit)
}

// Connect connects an editor to a server at the other end of rwc (a real
// process's stdio); exit receives its exit code.
func Connect(t TB, rwc io.ReadWriteCloser, exit chan int) *Editor {
	return connect(t, rwc, exit)
}

func connect(t TB, rwc io.ReadWriteCloser, exit chan int) *Editor {
	c := newClient()
	// As protocol.NewClient, but with the codec whose results own their
	// bytes: the connection decodes a response while its frame is still
	// the read buffer's, and the protocol package's codec may leave strings
	// of the result pointing there, to be overwritten by the next message.
	conn := jsonrpc2.NewConn(lspwire.Frames(jsonrpc2.NewHeaderStream(rwc)), jsonrpc2.WithCodec(lspwire.Codec{}))
	ctx := protocol.WithClient(context.Background(), c)
	conn.Go(ctx, protocol.Handlers(protocol.ClientHandler(c, jsonrpc2.MethodNotFoundHandler)))
	srv := protocol.ServerDispatcher(conn)
	e := &Editor{T: t, Client: c, Server: srv, conn: conn, exit: exit, ctx: ctx, versions: map[string]int32{}, texts: map[string]string{}}
	t.Cleanup(func() {
		conn.Close()
		select {
		case <-exit:
		case <-time.After(5 * time.Second):
			t.Errorf("server did not stop after the connection closed")
		}
	})
	return e
}

// Caps are client capabilities for Initialize.
type Caps struct {
	Pull     bool // textDocument/diagnostic with refresh support
	Progress bool
	Config   json.RawMessage // answer to workspace/configuration; nil: no configuration support
	Resolve  bool            // codeAction/resolve of the edit property
}

// DefaultCapabilities mirrors a modern editor's.
func (caps Caps) protocol() protocol.ClientCapabilities {
	t := true
	cc := protocol.ClientCapabilities{
		TextDocument: &protocol.TextDocumentClientCapabilities{
			PublishDiagnostics: &protocol.PublishDiagnosticsClientCapabilities{VersionSupport: &t},
			Hover:              &protocol.HoverClientCapabilities{ContentFormat: []protocol.MarkupKind{protocol.MarkupKindMarkdown, protocol.MarkupKindPlainText}},
			DocumentSymbol:     &protocol.DocumentSymbolClientCapabilities{HierarchicalDocumentSymbolSupport: &t},
		},
		Workspace: &protocol.WorkspaceClientCapabilities{
			ApplyEdit:             &t,
			WorkspaceEdit:         &protocol.WorkspaceEditClientCapabilities{DocumentChanges: &t, ResourceOperations: []protocol.ResourceOperationKind{protocol.ResourceOperationKindCreate}},
			DidChangeWatchedFiles: &protocol.DidChangeWatchedFilesClientCapabilities{DynamicRegistration: &t},
		},
		Window: &protocol.WindowClientCapabilities{},
	}
	if caps.Pull {
		cc.TextDocument.Diagnostic = &protocol.DiagnosticClientCapabilities{}
		cc.Workspace.Diagnostics = &protocol.DiagnosticWorkspaceClientCapabilities{RefreshSupport: &t}
	}
	if caps.Progress {
		cc.Window.WorkDoneProgress = &t
	}
	if caps.Resolve {
		cc.TextDocument.CodeAction = &protocol.CodeActionClientCapabilities{ResolveSupport: protocol.ClientCodeActionResolveOptions{Properties: []string{"edit"}}}
	}
	if caps.Config != nil {
		cc.Workspace.Configuration = &t
	}
	return cc
}

// Initialize performs initialize and initialized for a workspace rooted at
// root.
func (e *Editor) Initialize(root string, caps Caps) *protocol.InitializeResult {
	e.T.Helper()
	e.Client.mu.Lock()
	e.Client.settings = caps.Config
	e.Client.mu.Unlock()
	u := uri.File(root)
	params := &protocol.InitializeParams{
		RootURI:      &u,
		Capabilities: caps.protocol(),
		ClientInfo:   protocol.ClientInfo{Name: "lsptest"},
	}
	params.WorkspaceFolders = protocol.NewNullable([]protocol.WorkspaceFolder{{URI: u, Name: filepath.Base(root)}})
	res, err := e.Server.Initialize(e.ctx, params)
	if err != nil {
		e.T.Fatalf("initialize: %v", err)
	}
	if err := e.Server.Initialized(e.ctx, &protocol.InitializedParams{}); err != nil {
		e.T.Fatalf("initialized: %v", err)
	}
	return res
}

// URI returns the file URI of path.
func URI(path string) uri.URI { return uri.File(path) }

// Open opens path with text (or its disk content when text is "").
func (e *Editor) Open(path, text string) {
	e.T.Helper()
	if text == "" {
		data, err := os.ReadFile(path)
		if err != nil {
			e.T.Fatal(err)
		}
		text = string(data)
	}
	e.mu.Lock()
	e.versions[path] = 1
	e.texts[path] = text
	e.mu.Unlock()
	lang := map[string]string{"go.mod": "go.mod", "go.sum": "go.sum", "go.work": "go.work", "go.work.sum": "go.sum"}[filepath.Base(path)]
	err := e.Server.DidOpen(e.ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: URI(path), LanguageID: protocol.LanguageKind(lang), Version: 1, Text: text,
	}})
	if err != nil {
		e.T.Fatalf("didOpen: %v", err)
	}
}

// Version returns the current version of an open document.
func (e *Editor) Version(path string) int32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.versions[path]
}

// Text returns the editor's text of an open document.
func (e *Editor) Text(path string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.texts[path]
}

// Replace sends a full-text change and returns the new version.
func (e *Editor) Replace(path, text string) int32 {
	e.T.Helper()
	e.mu.Lock()
	e.versions[path]++
	v := e.versions[path]
	e.texts[path] = text
	e.mu.Unlock()
	err := e.Server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: URI(path)}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}},
	})
	if err != nil {
		e.T.Fatalf("didChange: %v", err)
	}
	return v
}

// Edit sends an incremental change replacing rng with text, computes the
// new text locally (so tests can compare) and returns the new version.
func (e *Editor) Edit(path string, rng protocol.Range, text string) int32 {
	e.T.Helper()
	e.mu.Lock()
	e.versions[path]++
	v := e.versions[path]
	e.texts[path] = ApplyEdits(e.texts[path], []protocol.TextEdit{{Range: rng, NewText: text}})
	e.mu.Unlock()
	err := e.Server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: URI(path)}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: rng, Text: text}},
	})
	if err != nil {
		e.T.Fatalf("didChange: %v", err)
	}
	return v
}

// Close closes a document.
func (e *Editor) Close(path string) {
	e.T.Helper()
	if err := e.Server.DidClose(e.ctx, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: URI(path)}}); err != nil {
		e.T.Fatalf("didClose: %v", err)
	}
}

// Diagnostics waits until the latest publishDiagnostics for path satisfies
// ok and returns it.
func (e *Editor) Diagnostics(path string, timeout time.Duration, ok func(*protocol.PublishDiagnosticsParams) bool) *protocol.PublishDiagnosticsParams {
	e.T.Helper()
	c := e.Client
	path = filepath.Clean(path)
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if list := c.diags[path]; len(list) > 0 && ok(list[len(list)-1]) {
			return list[len(list)-1]
		}
		if time.Now().After(deadline) {
			var last string
			if list := c.diags[path]; len(list) > 0 {
				last = Describe(list[len(list)-1].Diagnostics)
			}
			e.T.Fatalf("timed out after %v waiting for diagnostics of %s; last: %s", timeout, path, last)
		}
		c.cond.Wait()
	}
}

// AtVersion is a predicate for Diagnostics: published for version v.
func AtVersion(v int32) func(*protocol.PublishDiagnosticsParams) bool {
	return func(p *protocol.PublishDiagnosticsParams) bool {
		got, ok := p.Version.Get()
		return ok && got == v
	}
}

// Describe renders diagnostics as "line:col-line:col code: message" lines
// (0-based, UTF-16 columns as on the wire).
func Describe(diags []protocol.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		code, _ := d.Code.(protocol.String)
		msg, _ := d.Message.(protocol.String)
		fmt.Fprintf(&b, "%d:%d-%d:%d %s: %s\n", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, code, msg)
	}
	return b.String()
}

// Codes returns the diagnostics' codes in order.
func Codes(diags []protocol.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		code, _ := d.Code.(protocol.String)
		out = append(out, string(code))
	}
	return out
}

// Shutdown sends shutdown and exit and returns the server's exit code.
func (e *Editor) Shutdown() int {
	e.T.Helper()
	if err := e.Server.Shutdown(e.ctx); err != nil {
		e.T.Fatalf("shutdown: %v", err)
	}
	return e.Exit()
}

// Exit sends exit and returns the server's exit code.
func (e *Editor) Exit() int {
	e.T.Helper()
	_ = e.Server.Exit(e.ctx)
	select {
	case code := <-e.exit:
		e.exit <- code // for Cleanup
		return code
	case <-time.After(10 * time.Second):
		e.T.Fatal("server did not exit")
		return -1
	}
}

// CallRaw sends a request and returns the raw JSON result, without
// decoding it: benchmarks use it to measure the server, not the client.
func (e *Editor) CallRaw(method string, params any) (json.RawMessage, error) {
	var raw jsonrpc2.RawMessage
	_, err := e.conn.Call(e.ctx, method, params, &raw)
	return json.RawMessage(raw), err
}

// CallRawContext is CallRaw with a context: when ctx is cancelled before
// the answer, $/cancelRequest is sent for the call, as editors do.
func (e *Editor) CallRawContext(ctx context.Context, method string, params any) (json.RawMessage, error) {
	var raw jsonrpc2.RawMessage
	err := protocol.Call(ctx, e.conn, method, params, &raw)
	return json.RawMessage(raw), err
}

// Notify sends a notification with arbitrary params.
func (e *Editor) Notify(method string, params any) error {
	return e.conn.Notify(e.ctx, method, params)
}

// Context returns the editor's context for direct server calls.
func (e *Editor) Context() context.Context { return e.ctx }

// ApplyEdits applies LSP text edits (UTF-16 positions) to text.
func ApplyEdits(text string, edits []protocol.TextEdit) string {
	type off struct {
		start, end int
		text       string
	}
	var offs []off
	for _, ed := range edits {
		offs = append(offs, off{offset(text, ed.Range.Start), offset(text, ed.Range.End), ed.NewText})
	}
	// Apply from the end so earlier offsets stay valid.
	for i := 0; i < len(offs); i++ {
		for j := i + 1; j < len(offs); j++ {
			if offs[j].start > offs[i].start {
				offs[i], offs[j] = offs[j], offs[i]
			}
		}
	}
	for _, o := range offs {
		text = text[:o.start] + o.text + text[o.end:]
	}
	return text
}

func offset(text string, p protocol.Position) int {
	line := 0
	i := 0
	for line < int(p.Line) && i < len(text) {
		if text[i] == '\n' {
			line++
		}
		i++
	}
	col := 0
	for i < len(text) && text[i] != '\n' && col < int(p.Character) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
		i += size
	}
	return i
}

// LooseDir returns a new directory outside t.TempDir, removed (with
// retries) when the test ends. Use it for HOME and caches: background work
// may still write there when the code under test returns (the module
// source storing an answer, the go command's telemetry child process),
// which would make t.TempDir's cleanup fail.
func LooseDir(t TB) string {
	dir, err := os.MkdirTemp("", "gomodls-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 50 && os.RemoveAll(dir) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}
