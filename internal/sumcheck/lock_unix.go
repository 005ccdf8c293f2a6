// Copyright 2026 The gomodls Authors.

//go:build unix

package sumcheck

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on name (created if needed)
// and returns the function that releases it. Other gomodls processes
// sharing the cache take the same lock before replacing the tree head.
func lockFile(name string) (unlock func(), err error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
