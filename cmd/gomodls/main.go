// Command gomodls is a language server and checker for go.mod, go.sum and
// go.work files. It explains, while you type or in CI, why `go mod tidy`
// and `go mod download` will fail on your machine, and how to fix it.
//
// Usage:
//
//	gomodls [serve] [-logfile FILE] [-v]     language server on stdin/stdout
//	gomodls check [-format text|json|sarif] [-fix] [-verify] [PATH ...]
//	gomodls env [-json] [DIR]
//	gomodls version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gomodls/gomodls/lsp"
)

const usage = `gomodls checks go.mod, go.sum and go.work files against your Go environment
and GOPROXY chain, and explains why "go mod tidy" would fail.

Usage:
  gomodls [serve] [flags]       run the language server on stdin/stdout
  gomodls check [flags] [PATH]  check go.mod/go.work files (PATH, or PATH/... for a tree)
  gomodls env [-json] [DIR]     show the effective Go environment and its problems
  gomodls version               print the version

Run "gomodls <command> -h" for a command's flags.
`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "check" && os.Getenv("GOGC") == "" {
		// A check is a short process with a small heap (tens of MB): the
		// default GOGC collects every few MB and costs a warm check about
		// a fifth of its time. The server keeps the default.
		debug.SetGCPercent(400)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !isFlag(args[0]) {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stdin, stdout, stderr)
	case "check":
		return check(args, stdout, stderr)
	case "env":
		return env(args, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "gomodls %s (built with %s, %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "gomodls: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func isFlag(s string) bool { return len(s) > 0 && s[0] == '-' }

// version returns the module version gomodls was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func serve(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gomodls serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	logfile := fs.String("logfile", "", "write the log to `FILE` instead of stderr")
	verbose := fs.Bool("v", false, "log debug messages")
	fs.Bool("stdio", true, "communicate over stdin/stdout (the only transport; accepted for editor clients)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logOut := stderr
	if *logfile != "" {
		f, err := os.OpenFile(*logfile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "gomodls: %v\n", err)
			return 2
		}
		defer f.Close()
		logOut = f
	}
	logger := newLogger(logOut, *verbose)
	defer logger.Sync()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Info("gomodls starting", zap.String("version", version()), zap.String("go", runtime.Version()))
	return lsp.Serve(ctx, stdio{stdin, stdout}, lsp.Options{Logger: logger, Version: version()})
}

// newLogger logs human-readable lines; debug level with -v.
func newLogger(w io.Writer, verbose bool) *zap.Logger {
	level := zapcore.InfoLevel
	if verbose {
		level = zapcore.DebugLevel
	}
	cfg := zap.NewDevelopmentEncoderConfig()
	cfg.EncodeLevel = zapcore.CapitalLevelEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(cfg), zapcore.AddSync(w), level)
	return zap.New(core)
}

// stdio joins stdin and stdout into the stream the server speaks on.
type stdio struct {
	io.Reader
	io.Writer
}

func (s stdio) Close() error {
	var errs []error
	if c, ok := s.Reader.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	if c, ok := s.Writer.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
