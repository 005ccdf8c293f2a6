// Copyright 2026 The gomodls Authors.

package goenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// runGoEnv runs `go env -json names...` in dir with environ and returns the
// reported values. GOFLAGS and GOTOOLCHAIN are passed through untouched so
// that the answer is what the user's go command would say (cmd/go ignores
// bad GOFLAGS in `go env`).
func runGoEnv(ctx context.Context, goBin, dir string, environ []string, timeout time.Duration, names []string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append([]string{"env", "-json"}, names...)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	// os/exec sets PWD only when Env is nil; the go command trusts PWD for
	// its working directory (and so for the go.work search) when it is valid.
	cmd.Env = append(environ[:len(environ):len(environ)], "PWD="+dir)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("%s env -json: no answer within %v", goBin, timeout)
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return nil, fmt.Errorf("%s env -json: %v", goBin, err)
		}
		return nil, fmt.Errorf("%s env -json: %v: %s", goBin, err, msg)
	}
	var m map[string]string
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		return nil, fmt.Errorf("%s env -json: bad output: %v", goBin, err)
	}
	return m, nil
}
