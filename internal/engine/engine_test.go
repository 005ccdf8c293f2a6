// Copyright 2026 The gomodls Authors.

package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// fakeClient records what the engine asks of its front end.
type fakeClient struct {
	mu        sync.Mutex
	published chan engine.FileDiagnostics
	messages  []string
}

func (c *fakeClient) PublishDiagnostics(_ context.Context, d engine.FileDiagnostics) error {
	c.published <- d
	return nil
}
func (c *fakeClient) RefreshDiagnostics(context.Context) error { return nil }
func (c *fakeClient) ShowMessage(_ engine.MessageType, msg string) {
	c.mu.Lock()
	c.messages = append(c.messages, msg)
	c.mu.Unlock()
}
func (c *fakeClient) LogMessage(engine.MessageType, string) {}
func (c *fakeClient) Announce([]engine.Announcement)        {}
func (c *fakeClient) StartProgress(ctx context.Context, _, _ string, _ bool) (engine.Progress, context.Context) {
	return noProgress{}, ctx
}

type noProgress struct{}

func (noProgress) Report(string, int) {}
func (noProgress) End(string)         {}

// files are open documents by path.
type files map[string]string

func (f files) Open(path string) ([]byte, int32, bool) {
	text, ok := f[path]
	return []byte(text), 1, ok
}

// TestViewWithoutProtocol drives a session as a front end would, with no
// LSP anywhere: an open document's text (not the disk's) is checked by
// the local analyzers and published to the client with its version;
// commands are plain functions.
func TestViewWithoutProtocol(t *testing.T) {
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte("module example.com/m\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &fakeClient{published: make(chan engine.FileDiagnostics, 16)}
	open := files{gomod: "module example.com/m\n\ngo 1.22\n\nrequire example.com/x v1.0\n"}
	home := t.TempDir()
	ss := engine.New(engine.Options{
		Client:    c,
		Files:     open,
		GoCommand: "-",
		Environ:   []string{"HOME=" + home, "GOENV=off", "PATH=", "GOPROXY=off", "GOTOOLCHAIN=local", "GOVERSION=go1.26.8", "GOPATH=" + filepath.Join(home, "go"), "GOFLAGS=-mod=mod"},
		CacheDir:  filepath.Join(home, "cache"),
	})
	defer ss.Close()
	set := settings.Default()
	set.Network = false
	ss.Init([]string{dir}, set, false)
	ss.Configured()
	ss.DidModify(gomod)

	deadline := time.After(20 * time.Second)
	for {
		select {
		case d := <-c.published:
			if d.Kind != snapshot.GoMod {
				continue
			}
			if !d.HasVersion || d.Version != 1 {
				t.Errorf("published for version %d (open: %v), want the open document's 1", d.Version, d.HasVersion)
			}
			for _, diag := range d.Diagnostics {
				if diag.Code.Name == "invalid-version" {
					if _, err := ss.RunGoCommand(context.Background(), gomod, []string{"run", "evil.go"}); err == nil {
						t.Error("RunGoCommand ran a go command that is not allowed")
					}
					return
				}
			}
			t.Fatalf("diagnostics of the open document lack invalid-version: %+v", d.Diagnostics)
		case <-deadline:
			t.Fatal("nothing published for the open go.mod")
		}
	}
}
