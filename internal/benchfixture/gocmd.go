package benchfixture

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// GoTool returns the go command of the toolchain that built the running
// program ($GOROOT/bin/go), or else the one in PATH.
func GoTool() (string, error) {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); isFile(p) {
			return p, nil
		}
	}
	// The toolchain that built us (runtime.GOROOT is deprecated for other
	// uses, but this is exactly its meaning).
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); isFile(p) {
		return p, nil
	}
	return exec.LookPath("go")
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// A GoRun is the outcome of one run of the go command.
type GoRun struct {
	Stdout, Stderr string
	// Err is the run's error (an *exec.ExitError for a non-zero exit).
	Err error
	// Hung reports that the command was killed at the timeout.
	Hung bool
	Wall time.Duration
	// MaxRSS is the peak resident set size of the go process in bytes, as
	// Measured.PeakRSS.
	MaxRSS int64
}

// RunGo runs the go command with env (complete, as from
// proxytest.Server.GoEnv) in dir, killing it at timeout.
func RunGo(ctx context.Context, env []string, dir string, timeout time.Duration, args ...string) GoRun {
	goBin, err := GoTool()
	if err != nil {
		return GoRun{Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	m, err := Run(cmd)
	return GoRun{Stdout: stdout.String(), Stderr: stderr.String(), Err: err, Wall: m.Wall, MaxRSS: m.PeakRSS,
		Hung: errors.Is(ctx.Err(), context.DeadlineExceeded)}
}
