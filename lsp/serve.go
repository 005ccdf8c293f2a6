// Package lsp is gomodls' language server: the protocol edge. It keeps the
// open documents, dispatches requests and notifications, and converts
// between LSP types and the engine's (package internal/engine), which
// holds the folders, views, checks and commands. It holds no checking
// logic and does no network I/O: it imports no module source.
package lsp

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/lspwire"
)

// Options configure a server.
type Options struct {
	// Logger receives the server's log; never stdout, which carries the
	// protocol. Nil discards.
	Logger *zap.Logger
	// Version is reported in serverInfo.
	Version string
	// Environ is the process environment used to compute the effective Go
	// environment; nil means os.Environ(). Tests set it for hermeticity.
	Environ []string
	// GoCommand is the go binary ("" looks it up in PATH, "-" never runs go).
	GoCommand string
	// CacheDir is gomodls' persistent cache directory; "" means
	// os.UserCacheDir()/gomodls.
	CacheDir string
}

// Serve runs a language server on rwc (usually stdin/stdout) until the
// client sends exit or closes the stream. It returns the process exit code
// the LSP specification asks for: 0 if shutdown was requested before exit
// (or before the stream closed), 1 otherwise.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) int {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	stream := newTolerantStream(lspwire.Frames(jsonrpc2.NewHeaderStream(rwc)), opts.Logger)
	// protocol.NewServer would install the protocol package's codec; we
	// build the connection ourselves to control dispatch order.
	conn := jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(lspwire.Codec{}))
	s := newServer(conn, opts)
	conn.Go(ctx, s.handler())
	select {
	case <-conn.Done():
	case <-s.exited:
		closeConn(conn)
	case <-ctx.Done():
		closeConn(conn)
	}
	s.stop()
	if err := conn.Err(); err != nil && !errors.Is(err, io.EOF) && !isClosedPipe(err) {
		opts.Logger.Info("connection ended", zap.Error(err))
	}
	if s.shutdownRequested() {
		return 0
	}
	return 1
}

// closeConn closes the connection, waiting a little for in-flight replies.
// It does not wait for the read loop: a reader blocked on stdin is not
// interrupted by closing it, and the client may keep stdin open after
// exit, so waiting could hang the process forever.
func closeConn(conn jsonrpc2.Conn) {
	go conn.Close()
	select {
	case <-conn.Done():
	case <-time.After(time.Second):
	}
}

func isClosedPipe(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "closed pipe") || strings.Contains(msg, "use of closed") || strings.Contains(msg, "file already closed")
}

// tolerantStream answers a frame that is not valid JSON-RPC with a parse
// error instead of tearing the connection down, as jsonrpc2 would. Like
// the stream it wraps, it lends: a request's method and params point into
// the frame, which the next Read overwrites (responses own their bytes).
type tolerantStream struct {
	inner  jsonrpc2.Stream
	frames interface {
		ReadFrame(context.Context) ([]byte, int64, error)
	}
	log *zap.Logger
	mu  sync.Mutex
}

func newTolerantStream(inner jsonrpc2.Stream, log *zap.Logger) jsonrpc2.Stream {
	fr, ok := inner.(interface {
		ReadFrame(context.Context) ([]byte, int64, error)
	})
	if !ok {
		return inner
	}
	return &tolerantStream{inner: inner, frames: fr, log: log}
}

func (s *tolerantStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		frame, n, err := s.frames.ReadFrame(ctx)
		if err != nil {
			return nil, n, err
		}
		msg, err := jsonrpc2.DecodeMessage(frame)
		if err == nil {
			return msg, n, nil
		}
		s.log.Warn("malformed JSON-RPC message", zap.Error(err), zap.Int("bytes", len(frame)))
		resp := jsonrpc2.NewResponse(jsonrpc2.ID{}, nil, jsonrpc2.NewError(jsonrpc2.ParseError, "malformed JSON-RPC message: "+err.Error()))
		if _, werr := s.Write(ctx, resp); werr != nil {
			return nil, n, werr
		}
	}
}

func (s *tolerantStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.Write(ctx, msg)
}

func (s *tolerantStream) Close() error { return s.inner.Close() }
