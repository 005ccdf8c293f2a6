//go:build jsonrpc2poison

package lspwire

import (
	"context"

	"go.lsp.dev/jsonrpc2"
)

// framePoison is what a frame is overwritten with once it is dead.
const framePoison = "POISONED-FRAME:"

// frameStream is the frame access jsonrpc2's connection and the server's
// tolerant stream use when a stream has it.
type frameStream interface {
	ReadFrame(ctx context.Context) ([]byte, int64, error)
	WriteFrame(ctx context.Context, data []byte) (int64, error)
}

// poisonStream overwrites the frame it returned last before it reads the
// next, when the frame's contract ("valid only until the next read") ends.
// jsonrpc2poison makes jsonrpc2 scribble over recycled requests; this does
// the same for the bytes they borrowed, so a method, params span or result
// still pointing into a frame reads as poison, instead of as whatever the
// next message happens to hold at that offset (and the race detector sees
// the write).
type poisonStream struct {
	jsonrpc2.Stream
	frames frameStream
	last   []byte
}

// Frames returns a stream that poisons each frame when the next is read.
// A stream without frame access is returned as it is.
func Frames(s jsonrpc2.Stream) jsonrpc2.Stream {
	fs, ok := s.(frameStream)
	if !ok {
		return s
	}
	return &poisonStream{Stream: s, frames: fs}
}

// ReadFrame is called by one reader at a time (jsonrpc2 hands the reader
// role from goroutine to goroutine with a go statement).
func (p *poisonStream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	p.poison()
	frame, n, err := p.frames.ReadFrame(ctx)
	p.last = frame
	return frame, n, err
}

// Read ends the last frame's life too; what it decodes from the stream's
// own buffer is not poisoned.
func (p *poisonStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	p.poison()
	return p.Stream.Read(ctx)
}

func (p *poisonStream) poison() {
	for i := range p.last {
		p.last[i] = framePoison[i%len(framePoison)]
	}
	p.last = nil
}

func (p *poisonStream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	return p.frames.WriteFrame(ctx, data)
}
