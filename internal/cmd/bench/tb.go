package main

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// benchTB is the testing.TB that lsp/lsptest needs, outside `go test`.
// testing.TB cannot be implemented outside package testing (it has an
// unexported method), so the interface is embedded as nil and every method
// lsptest calls is defined here; a method not defined here would panic,
// which the measurement that called it reports as a failure.
type benchTB struct {
	testing.TB // nil

	name     string
	verbose  bool
	mu       sync.Mutex
	cleanups []func()
	failed   bool
	dirs     []string
}

// benchFailure is the panic value of Fatal/FailNow.
type benchFailure string

func newTB(name string, verbose bool) *benchTB { return &benchTB{name: name, verbose: verbose} }

func (t *benchTB) Name() string { return t.name }
func (t *benchTB) Helper()      {}

func (t *benchTB) Log(args ...any) {
	if t.verbose {
		fmt.Fprintln(os.Stderr, append([]any{t.name + ":"}, args...)...)
	}
}

func (t *benchTB) Logf(format string, args ...any) { t.Log(fmt.Sprintf(format, args...)) }

func (t *benchTB) Error(args ...any) {
	t.Fail()
	fmt.Fprintln(os.Stderr, append([]any{t.name + ": error:"}, args...)...)
}

func (t *benchTB) Errorf(format string, args ...any) { t.Error(fmt.Sprintf(format, args...)) }

func (t *benchTB) Fatal(args ...any) {
	t.Fail()
	panic(benchFailure(fmt.Sprint(args...)))
}

func (t *benchTB) Fatalf(format string, args ...any) { t.Fatal(fmt.Sprintf(format, args...)) }

func (t *benchTB) Fail() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
}

func (t *benchTB) FailNow() { t.Fatal("FailNow") }

func (t *benchTB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *benchTB) Cleanup(f func()) {
	t.mu.Lock()
	t.cleanups = append(t.cleanups, f)
	t.mu.Unlock()
}

func (t *benchTB) TempDir() string {
	d, err := os.MkdirTemp("", "gomodls-bench-")
	if err != nil {
		t.Fatal(err)
	}
	t.mu.Lock()
	t.dirs = append(t.dirs, d)
	t.mu.Unlock()
	return d
}

// finish runs the cleanups, last registered first, and removes the
// temporary directories.
func (t *benchTB) finish() {
	t.mu.Lock()
	cs, ds := t.cleanups, t.dirs
	t.cleanups, t.dirs = nil, nil
	t.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
	for _, d := range ds {
		os.RemoveAll(d)
	}
}

// guard runs f with a fresh benchTB and turns its Fatal into an error.
func guard(name string, verbose bool, f func(t *benchTB)) (err error) {
	t := newTB(name, verbose)
	defer func() {
		r := recover()
		t.finish()
		switch r := r.(type) {
		case nil:
			if t.Failed() {
				err = fmt.Errorf("%s failed", name)
			}
		case benchFailure:
			err = fmt.Errorf("%s: %s", name, string(r))
		default:
			panic(r)
		}
	}()
	f(t)
	return nil
}
