package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/benchfixture"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-quick"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.runs != 1 || len(cfg.files) != 1 || cfg.files[0] != quickFile || cfg.keystrokes > 10 || cfg.latency != 50*time.Millisecond {
		t.Errorf("-quick: %+v", cfg)
	}
	cfg, err = parseFlags([]string{"-latency", "20ms", "-runs", "5", "-files", "a.mod,b.mod"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.runs != 5 || cfg.latency != 20*time.Millisecond || strings.Join(cfg.files, ",") != "a.mod,b.mod" {
		t.Errorf("flags: %+v", cfg)
	}
	for _, bad := range [][]string{{"-runs", "0"}, {"extra"}, {"-latency", "soon"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) succeeded", bad)
		}
	}
}

// TestEditTarget finds, in every real-world file, a require the
// keystroke measurement can edit: its version token, at the right column.
func TestEditTarget(t *testing.T) {
	files, err := benchfixture.LoadDir(filepath.Join("..", "..", "..", "testdata", "realworld"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range files {
		text := string(g.Data)
		line, col, width := editTarget(g, text)
		if line < 0 {
			t.Errorf("%s: no edit target", g.Name)
			continue
		}
		l := strings.Split(text, "\n")[line]
		v := l[col : col+width]
		if !strings.HasPrefix(v, "v0.") && !strings.HasPrefix(v, "v1.") || col < 2 || l[col-1] != ' ' {
			t.Errorf("%s:%d: edit target %q in %q", g.Name, line+1, v, l)
		}
		if n := len(requireLines(text)); n != len(g.File.Require) {
			t.Errorf("%s: %d require lines found, the file has %d requires", g.Name, n, len(g.File.Require))
		}
	}
}

// TestQuickRun runs the whole command on the quick file without latency.
func TestQuickRun(t *testing.T) {
	if testing.Short() || os.Getenv("GOMODLS_SLOW") == "" {
		t.Skip("builds gomodls and runs the go command; set GOMODLS_SLOW=1")
	}
	cfg, err := parseFlags([]string{"-quick", "-latency", "0s", "-hovers", "20"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| go.etcd.io/etcd/server/v3 (70 requires) | cold check", "(agree)", "hover on a require"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
