// Copyright 2026 The gomodls Authors.

//go:build !unix

package sumcheck

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// lockFile takes an exclusive lock by creating name exclusively, waiting
// for another holder for at most 5 seconds and then breaking the lock
// (a crashed process leaves it behind). The tree head it protects is
// still written atomically; a broken lock can at worst keep an older,
// consistent head, which the next lookup moves forward again.
func lockFile(name string) (unlock func(), err error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			f.Close()
			return func() { os.Remove(name) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if time.Now().After(deadline) {
			os.Remove(name)
			deadline = time.Now().Add(5 * time.Second)
			continue
		}
		time.Sleep(10 * time.Millisecond)
	}
}
