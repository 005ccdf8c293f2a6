package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// buildBinary builds gomodls once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gomodls")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// pipeRWC joins a process's stdout (read) and stdin (write).
type pipeRWC struct {
	io.ReadCloser
	io.WriteCloser
}

func (p pipeRWC) Close() error {
	return errors.Join(p.WriteCloser.Close(), p.ReadCloser.Close())
}

func startBinary(t *testing.T, bin string, args ...string) (*lsptest.Editor, *exec.Cmd, string) {
	t.Helper()
	home := lsptest.LooseDir(t)
	return startBinaryEnv(t, bin, []string{"HOME=" + home, "GOENV=off", "PATH=" + os.Getenv("PATH"), "GOPROXY=off", "GOVULNDB=" + proxytest.VulnDBFileURL(t, nil), "GOTOOLCHAIN=local", "GOFLAGS=-modcacherw", "GOPATH=" + filepath.Join(home, "go"), "XDG_CACHE_HOME=" + filepath.Join(home, "cache")}, args...)
}

func startBinaryEnv(t *testing.T, bin string, env []string, args ...string) (*lsptest.Editor, *exec.Cmd, string) {
	t.Helper()
	home := lsptest.LooseDir(t)
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logfile := filepath.Join(home, "gomodls.log")
	cmd.Args = append(cmd.Args, "-logfile", logfile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exit := make(chan int, 1)
	go func() {
		err := cmd.Wait()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		exit <- code
	}()
	return lsptest.Connect(t, pipeRWC{stdout, stdin}, exit), cmd, logfile
}

// TestServeBinary drives the built binary over stdio as an editor would.
func TestServeBinary(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	text := "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text    v0.20.0\n\nreplace golang.org/x/text => ./missing\n"
	if err := os.WriteFile(gomod, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ed, _, logfile := startBinary(t, bin, "serve", "--stdio", "-v")
	ed.Initialize(dir, lsptest.Caps{})
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, 20*time.Second, lsptest.AtVersion(1))
	if d := lsptest.Describe(got.Diagnostics); !strings.HasPrefix(d, "6:29-6:38 replace-dir-missing: replacement directory ./missing does not exist") {
		t.Errorf("diagnostics: %s", d)
	}
	syms, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}})
	if err != nil || len(syms.(protocol.DocumentSymbolSlice)) != 4 {
		t.Errorf("documentSymbol: %v %v", syms, err)
	}
	edits, err := ed.Server.Formatting(ed.Context(), &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}})
	if err != nil {
		t.Fatal(err)
	}
	if formatted := lsptest.ApplyEdits(text, edits); !strings.Contains(formatted, "require golang.org/x/text v0.20.0\n") {
		t.Errorf("formatted:\n%s", formatted)
	}
	if code := ed.Shutdown(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	log, _ := os.ReadFile(logfile)
	if !strings.Contains(string(log), "gomodls starting") {
		t.Errorf("log file lacks the start line:\n%s", log)
	}
}

func TestServeBinaryExitWithoutShutdown(t *testing.T) {
	bin := buildBinary(t)
	ed, _, _ := startBinary(t, bin)
	ed.Initialize(t.TempDir(), lsptest.Caps{})
	if code := ed.Exit(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}
