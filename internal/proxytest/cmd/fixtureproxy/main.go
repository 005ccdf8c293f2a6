// Command fixtureproxy serves the gomodls test fixture (package proxytest:
// a Go module proxy and checksum database on loopback) for test harnesses
// not written in Go, such as the Neovim and VS Code end-to-end tests.
//
// Usage:
//
//	go run ./internal/proxytest/cmd/fixtureproxy [flags]
//
// It also serves a Go vulnerability database (-vulndb: empty by default, so
// that nothing run with "env" asks vuln.go.dev; "fixture" for the
// fixture's real reports).
//
// It prints one JSON object on stdout (see info below): the URLs, the
// checksum database name and key, and "env", the variables to set for the
// go command or gomodls (GOPROXY, GOSUMDB, a fresh GOPATH/GOMODCACHE, ...);
// "unset" lists variables to remove from the inherited environment.
//
// It then reads commands from stdin, one per line, answering each with one
// JSON line {"ok":true,...} or {"ok":false,"error":"..."}:
//
//	fault PATTERN SPEC     inject a fault (PATTERN "-" means every request;
//	                       SPEC as proxytest.ParseFault, e.g. "status 503 on=zip")
//	clear                  remove every fault
//	requests [MODULE]      the recorded requests (for MODULE only)
//	reset                  forget the recorded requests
//	tamper PATH VERSION    make the checksum database record wrong hashes
//	fork on|off            switch the checksum database to a fork
//	add FILE               add a txtar module file
//	env                    a new "env" (fresh GOPATH)
//	quit                   exit
//
// It exits when stdin reaches EOF (unless -stdin=false), on quit, or on
// SIGINT/SIGTERM, removing its temporary directories.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fixtureproxy:", err)
		os.Exit(1)
	}
}

// info is the JSON object printed at start.
type info struct {
	ProxyURL  string            `json:"proxyURL"`
	SumDBURL  string            `json:"sumdbURL"`
	SumDBName string            `json:"sumdbName"`
	SumDBKey  string            `json:"sumdbKey"`
	GOSUMDB   string            `json:"gosumdb"` // standalone form "key url"
	VulnDBURL string            `json:"vulndbURL,omitempty"`
	Tree      string            `json:"tree,omitempty"`
	Env       map[string]string `json:"env"`
	Unset     []string          `json:"unset"`
	PID       int               `json:"pid"`
}

type reply struct {
	OK       bool                `json:"ok"`
	Error    string              `json:"error,omitempty"`
	Requests []proxytest.Request `json:"requests,omitempty"`
	Env      map[string]string   `json:"env,omitempty"`
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("fixtureproxy", flag.ContinueOnError)
	var (
		addr      = fs.String("addr", "127.0.0.1:0", "listen address of the proxy")
		corpus    = fs.String("corpus", "", "extra directory of txtar module files")
		noDefault = fs.Bool("no-default-corpus", false, "do not serve the default corpus")
		private   = fs.Bool("private", false, "also serve the private corpus (git.corp.example.com)")
		synthetic = fs.String("synthetic", "", "add a synthetic corpus: MODULESxVERSIONS, e.g. 300x5 (under synth.example.com)")
		useTLS    = fs.Bool("tls", false, "serve HTTPS with a self-signed certificate (env gets SSL_CERT_FILE)")
		noLatest  = fs.Bool("no-latest", false, "answer 404 to every @latest")
		noSumdbPx = fs.Bool("no-sumdb-proxy", false, "do not pass the checksum database through /sumdb/")
		latency   = fs.Duration("latency", 0, "delay every response")
		serial    = fs.Duration("serial", -1, "serve one proxy request at a time, each taking this long (0: no extra delay; negative: not serial)")
		tree      = fs.String("tree", "", "also write the corpus in proxy layout to this directory (for file:// GOPROXY)")
		useStdin  = fs.Bool("stdin", true, "read commands from stdin and exit at EOF")
		vulnDB    = fs.String("vulndb", "empty", "the vulnerability database to serve (GOVULNDB in env): empty, fixture (its real reports) or none")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	opts := []proxytest.Option{proxytest.WithAddr(*addr)}
	if *noDefault {
		opts = append(opts, proxytest.WithoutDefaultCorpus())
	}
	if *private {
		opts = append(opts, proxytest.WithCorpusFS(proxytest.PrivateCorpus))
	}
	if *corpus != "" {
		opts = append(opts, proxytest.WithCorpusDir(*corpus))
	}
	if *useTLS {
		opts = append(opts, proxytest.WithTLS())
	}
	if *noLatest {
		opts = append(opts, proxytest.WithoutLatest())
	}
	if *noSumdbPx {
		opts = append(opts, proxytest.WithoutSumDBProxy())
	}
	if *latency > 0 {
		opts = append(opts, proxytest.WithLatency(*latency))
	}
	if *serial >= 0 {
		opts = append(opts, proxytest.WithSerial(*serial))
	}
	switch *vulnDB {
	case "empty":
		empty, err := osv.NewTree(nil)
		if err != nil {
			return err
		}
		opts = append(opts, proxytest.WithVulnDB(empty))
	case "fixture":
		opts = append(opts, proxytest.WithVulnDB(proxytest.VulnTree()))
	case "none":
	default:
		return fmt.Errorf("-vulndb %q: want empty, fixture or none", *vulnDB)
	}
	srv, err := proxytest.NewServer(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	if *synthetic != "" {
		var n, v int
		if _, err := fmt.Sscanf(*synthetic, "%dx%d", &n, &v); err != nil {
			return fmt.Errorf("-synthetic %q: want MODULESxVERSIONS", *synthetic)
		}
		if err := srv.AddSynthetic("synth.example.com", n, v); err != nil {
			return err
		}
	}
	if *tree != "" {
		if err := srv.WriteTree(*tree); err != nil {
			return fmt.Errorf("writing tree: %w", err)
		}
	}
	env, err := envMap(srv)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	if err := enc.Encode(info{
		ProxyURL:  srv.URL,
		SumDBURL:  srv.SumDBURL,
		SumDBName: srv.SumDBName(),
		SumDBKey:  srv.SumDBKey(),
		GOSUMDB:   srv.GOSUMDB(),
		VulnDBURL: srv.VulnDBURL,
		Tree:      *tree,
		Env:       env,
		Unset:     proxytest.ScrubbedEnv(),
		PID:       os.Getpid(),
	}); err != nil {
		return err
	}

	if !*useStdin {
		<-ctx.Done()
		return nil
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil // stdin closed: the harness is gone
			}
			r, quit := command(srv, line)
			if err := enc.Encode(r); err != nil {
				return err
			}
			if quit {
				return nil
			}
		}
	}
}

func envMap(srv *proxytest.Server) (map[string]string, error) {
	vars, err := srv.GoEnvVars()
	if err != nil {
		return nil, err
	}
	m := make(map[string]string)
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m, nil
}

// command runs one control command.
func command(srv *proxytest.Server, line string) (r reply, quit bool) {
	fail := func(format string, args ...any) (reply, bool) {
		return reply{Error: fmt.Sprintf(format, args...)}, false
	}
	words := strings.Fields(line)
	if len(words) == 0 {
		return fail("empty command")
	}
	switch cmd, args := words[0], words[1:]; cmd {
	case "fault":
		if len(args) < 2 {
			return fail("usage: fault PATTERN SPEC")
		}
		pattern := args[0]
		if pattern == "-" {
			pattern = ""
		}
		f, err := proxytest.ParseFault(strings.Join(args[1:], " "))
		if err != nil {
			return fail("%v", err)
		}
		srv.Fault(pattern, f)
	case "clear":
		srv.ClearFaults()
	case "requests":
		if len(args) > 1 {
			return fail("usage: requests [MODULE]")
		}
		reqs := srv.Requests()
		if len(args) == 1 {
			reqs = srv.RequestsFor(args[0])
		}
		return reply{OK: true, Requests: reqs}, false
	case "reset":
		srv.Reset()
	case "tamper":
		if len(args) != 2 {
			return fail("usage: tamper PATH VERSION")
		}
		if err := srv.TamperSumDB(args[0], args[1]); err != nil {
			return fail("%v", err)
		}
	case "fork":
		if len(args) != 1 || (args[0] != "on" && args[0] != "off") {
			return fail("usage: fork on|off")
		}
		srv.ForkSumDB(args[0] == "on")
	case "add":
		if len(args) != 1 {
			return fail("usage: add FILE")
		}
		data, err := os.ReadFile(args[0])
		if err != nil {
			return fail("%v", err)
		}
		mf, err := proxytest.ParseModuleFile(args[0], data)
		if err != nil {
			return fail("%v", err)
		}
		if err := srv.AddModuleFile(mf); err != nil {
			return fail("%v", err)
		}
	case "env":
		env, err := envMap(srv)
		if err != nil {
			return fail("%v", err)
		}
		return reply{OK: true, Env: env}, false
	case "quit":
		return reply{OK: true}, true
	default:
		return fail("unknown command %q", cmd)
	}
	return reply{OK: true}, false
}
