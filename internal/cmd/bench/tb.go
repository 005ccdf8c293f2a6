package main

import (
	"fmt"
	"os"
	"sync"

	"github.com/gomodls/gomodls/lsp/lsptest"
)

// benchTB is the lsptest.TB the editor of the LSP measurements needs,
// outside `go test`: failures become the measurement's error.
type benchTB struct {
	name     string
	mu       sync.Mutex
	cleanups []func()
	failed   bool
}

// benchFailure is the panic value of Fatal/FailNow.
type benchFailure string

func newTB(name string) *benchTB { return &benchTB{name: name} }

var _ lsptest.TB = (*benchTB)(nil)

func (t *benchTB) Helper() {}

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

// finish runs the cleanups, last registered first.
func (t *benchTB) finish() {
	t.mu.Lock()
	cs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

// guard runs f with a fresh benchTB and turns its Fatal into an error.
func guard(name string, f func(t *benchTB)) (err error) {
	t := newTB(name)
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
