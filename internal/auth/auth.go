// Copyright 2026 The gomodls Authors.
// The credential flow follows cmd/go/internal/auth (auth.go, gitauth.go,
// userauth.go) and cmd/go/internal/web, Copyright The Go Authors,
// BSD-style license.

// Package auth supplies HTTP credentials for module proxies and checksum
// databases the way the go command does, configured by GOAUTH (default
// "netrc"): .netrc entries, `git credential fill`, and user commands
// printing credential blocks.
//
// Credentials are only ever added to https requests, and only when a stored
// URL prefix (host[:port][/path], without scheme) is a prefix of the request
// URL at a '/' boundary. Nothing in this package logs or formats a secret:
// log fields hold redacted URLs, method names and exit statuses, and
// [Credentials] redacts itself in every fmt verb and in JSON.
package auth

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gomodls/gomodls/internal/redact"

	"go.uber.org/zap"
	"golang.org/x/sync/singleflight"
)

// Getter supplies the effective environment; *goenv.Env implements it.
// auth reads GOAUTH, NETRC and the home directory variable from it.
type Getter interface {
	Get(name string) string
}

// Options configures a Provider.
type Options struct {
	// Environ is the environment for git and GOAUTH commands; nil means
	// os.Environ(). (*goenv.Env).Environ() is the natural value.
	Environ []string
	// Logger receives debug/warn events; nil disables logging. Entries
	// never contain credentials, header values or URL passwords.
	Logger *zap.Logger
	// Timeout bounds each git or GOAUTH command; 0 means 10s.
	Timeout time.Duration
}

// Provider supplies credentials for requests. It is safe for concurrent
// use. Create a new one when the environment changes.
type Provider struct {
	methods []Method
	err     error // GOAUTH error the go command would stop with
	getenv  func(string) string
	environ []string
	log     *zap.Logger
	timeout time.Duration

	initOnce sync.Once
	flight   singleflight.Group

	mu       sync.Mutex
	cache    map[string]Credentials // prefix → credentials
	errs     []error                // from the most recent run of the methods
	netrc    []NetrcLine
	nrcErr   error
	nrcSet   bool
	nrcPath  string
	nrcStamp netrcStamp
}

// New returns a Provider for env's GOAUTH ("netrc" when empty). A GOAUTH the
// go command would reject leaves the Provider without credentials and the
// reason in Err.
func New(env Getter, opts Options) *Provider {
	p := &Provider{
		getenv:  env.Get,
		environ: opts.Environ,
		log:     opts.Logger,
		timeout: opts.Timeout,
		cache:   map[string]Credentials{},
	}
	if p.environ == nil {
		p.environ = os.Environ()
	}
	if p.log == nil {
		p.log = zap.NewNop()
	}
	if p.timeout <= 0 {
		p.timeout = 10 * time.Second
	}
	goauth := env.Get("GOAUTH")
	if goauth == "" {
		goauth = "netrc"
	}
	p.methods, p.err = ParseGOAUTH(goauth)
	if p.err == nil {
		// cmd/go checks the git directory when it runs the methods and
		// stops if it is unusable; we check once, up front.
		for _, m := range p.methods {
			if m.Kind != MethodGit {
				continue
			}
			fi, err := os.Stat(m.Dir)
			switch {
			case err != nil:
				p.err = fmt.Errorf("GOAUTH=git encountered an error; cannot stat %s: %v", m.Dir, err)
			case !fi.IsDir():
				p.err = fmt.Errorf("GOAUTH=git dir method requires an absolute path to the git working directory, dir is not a directory")
			}
		}
	}
	if p.err != nil {
		p.methods = nil
	}
	return p
}

// Methods returns the parsed GOAUTH methods.
func (p *Provider) Methods() []Method { return slices.Clone(p.methods) }

// Err returns the GOAUTH configuration error, if any.
func (p *Provider) Err() error { return p.err }

// Errors returns the problems of the most recent run of the GOAUTH methods
// (e.g. a command that failed); they never contain secrets or command
// output.
func (p *Provider) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.errs)
}

func (p *Provider) disabled() bool {
	return p.err != nil || len(p.methods) == 0 || p.methods[0].Kind == MethodOff
}

// AddCredentials adds the stored credentials matching req's URL to its
// headers and reports whether there were any. The first call runs the GOAUTH
// methods without a URL (netrc, and user commands' first invocation; git
// waits for a URL). Requests that are not https never get credentials.
func (p *Provider) AddCredentials(ctx context.Context, req *http.Request) bool {
	if req.URL == nil || req.URL.Scheme != "https" || p.disabled() {
		return false
	}
	p.runInit(ctx)
	c, ok := p.Lookup(req.URL.String())
	if !ok {
		return false
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	p.log.Debug("added credentials", zap.String("prefix", redactPrefix(c.Prefix)), zap.String("source", c.Source), zap.String("url", redact.URL(req.URL)))
	return true
}

// OnUnauthorized runs the GOAUTH methods again for rawURL after resp, a 4xx
// answer to a request for it (the go command does this for any 4xx, not
// just 401): user commands get the URL as an argument and the response on
// stdin, git is asked for the URL. It reports whether credentials for rawURL
// are now available, i.e. whether a retry (a new request passed to
// AddCredentials) can be expected to differ. Concurrent calls for the same
// URL share one run.
func (p *Provider) OnUnauthorized(ctx context.Context, rawURL string, resp *http.Response) (retry bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || p.disabled() {
		return false
	}
	p.runInit(ctx)
	p.flight.Do(rawURL, func() (any, error) {
		// Shared by concurrent callers: one caller's cancellation must not
		// fail the others' run; p.timeout bounds it.
		p.run(context.WithoutCancel(ctx), resp, rawURL)
		return nil, nil
	})
	_, ok := p.Lookup(rawURL)
	return ok
}

// runInit runs the methods once without a URL. The run outlives a
// cancelled first request (it is bounded by the command timeout), so one
// abandoned request cannot leave the Provider without credentials.
func (p *Provider) runInit(ctx context.Context) {
	p.initOnce.Do(func() { p.run(context.WithoutCancel(ctx), nil, "") })
}

// Stale reports whether the netrc file read by this Provider changed since
// it was read (cheap: one stat). Create a new Provider when it has.
func (p *Provider) Stale() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.nrcSet || p.nrcPath == "" {
		return false
	}
	return statNetrc(p.nrcPath) != p.nrcStamp
}

// Lookup returns the stored credentials for rawURL without running
// anything: the longest stored prefix of the URL (without "https://")
// ending at a '/' boundary, as cmd/go's loadCredential walks it.
func (p *Provider) Lookup(rawURL string) (Credentials, bool) {
	prefix := strings.TrimPrefix(rawURL, "https://")
	prefix = strings.TrimSuffix(prefix, "/")
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if c, ok := p.cache[prefix]; ok {
			return c, true
		}
		i := strings.LastIndexByte(prefix, '/')
		if i < 0 {
			return Credentials{}, false
		}
		prefix = prefix[:i]
	}
}

// store records or (for an empty header) deletes credentials for prefix.
func (p *Provider) store(prefix string, header http.Header, source string) {
	prefix = strings.TrimPrefix(prefix, "https://")
	prefix = strings.TrimSuffix(prefix, "/")
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(header) == 0 {
		delete(p.cache, prefix)
		return
	}
	p.cache[prefix] = Credentials{Prefix: prefix, Source: source, header: header}
}

// run executes the methods in reverse order so that the first one written
// wins for a prefix (cmd/go's runGoAuth).
func (p *Provider) run(ctx context.Context, resp *http.Response, rawURL string) {
	var errs []error
	for _, m := range slices.Backward(p.methods) {
		switch m.Kind {
		case MethodOff:
			return
		case MethodNetrc:
			lines, err := p.readNetrc()
			if err != nil {
				errs = append(errs, fmt.Errorf("GOAUTH=%s: %v", m.Text, err))
				continue
			}
			// In reverse, so that the first entry for a machine wins.
			for _, l := range slices.Backward(lines) {
				r := http.Request{Header: make(http.Header)}
				r.SetBasicAuth(l.Login, l.Password)
				p.store(l.Machine, r.Header, "netrc")
			}
		case MethodGit:
			if rawURL == "" {
				continue // git cannot enumerate credentials; wait for a URL
			}
			prefix, header, err := p.runGit(ctx, m.Dir, rawURL)
			if err != nil {
				errs = append(errs, fmt.Errorf("GOAUTH=%s: %v", m.Text, err))
				continue
			}
			p.store(prefix, header, "git")
		case MethodCommand:
			creds, err := p.runCommand(ctx, m, rawURL, resp)
			if err != nil {
				errs = append(errs, fmt.Errorf("GOAUTH=%s: %v", redactArgs(m), err))
				continue
			}
			for prefix, h := range creds {
				p.store(prefix, h, "command "+commandName(m))
			}
		}
	}
	p.mu.Lock()
	p.errs = errs
	p.mu.Unlock()
	for _, err := range errs {
		p.log.Warn("GOAUTH method failed", zap.String("url", redact.String(rawURL)), zap.Error(err))
	}
}

// readNetrc reads the netrc file once per Provider, like cmd/go per process.
func (p *Provider) readNetrc() ([]NetrcLine, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.nrcSet {
		p.nrcSet = true
		path, err := NetrcPath(p.getenv)
		if err == nil {
			p.nrcPath, p.nrcStamp = path, statNetrc(path)
			p.netrc, err = readNetrc(path)
		}
		p.nrcErr = err
	}
	return p.netrc, p.nrcErr
}

// runGit asks `git credential fill` in dir for rawURL. Unlike cmd/go it does
// not then validate the credential with a HEAD request and call `git
// credential approve/reject`: a language server should not change the
// user's credential store on a transient failure.
func (p *Provider) runGit(ctx context.Context, dir, rawURL string) (string, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "credential", "fill")
	cmd.Dir = dir
	// Never prompt: there is no terminal behind a language server.
	cmd.Env = append(slices.Clone(p.environ), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never")
	cmd.Stdin = strings.NewReader("url=" + rawURL + "\n")
	cmd.WaitDelay = time.Second
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("no answer within %v", p.timeout)
		}
		return "", nil, fmt.Errorf("'git credential fill' failed (url=%s): %v", redact.String(rawURL), err)
	}
	prefix, username, password := parseGitAuth(stdout.Bytes())
	if prefix == "" {
		return "", nil, fmt.Errorf("'git credential fill' failed for url=%s, could not parse url", redact.String(rawURL))
	}
	if !strings.HasPrefix(rawURL, prefix) {
		return "", nil, fmt.Errorf("requested a credential for %s, but 'git credential fill' provided one for %s", redact.String(rawURL), redact.String(prefix))
	}
	r := http.Request{Header: make(http.Header)}
	r.SetBasicAuth(username, password)
	return prefix, r.Header, nil
}

// runCommand runs a user GOAUTH command: without a URL on the first
// invocation, with the URL as last argument and the response on stdin
// after a failed request.
func (p *Provider) runCommand(ctx context.Context, m Method, rawURL string, resp *http.Response) (map[string]http.Header, error) {
	if m.Err != nil {
		return nil, m.Err
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	args := slices.Clone(m.Args)
	if rawURL != "" {
		args = append(args, rawURL)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = p.environ
	if resp != nil {
		cmd.Stdin = strings.NewReader(formatResponse(resp))
	}
	cmd.WaitDelay = time.Second
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("no answer within %v", p.timeout)
		}
		// The command's stderr is not included: it may echo secrets.
		return nil, fmt.Errorf("could not run command %s: %v", commandName(m), err)
	}
	creds, err := ParseUserAuth(stdout.String())
	if err != nil {
		return nil, fmt.Errorf("cannot parse output of GOAUTH command %s: %v", commandName(m), err)
	}
	return creds, nil
}

// commandName is the program of a command method, for messages.
func commandName(m Method) string {
	if len(m.Args) > 0 {
		return m.Args[0]
	}
	return strings.Fields(m.Text)[0]
}

// redactArgs shows a command method without its arguments, which might be
// tokens.
func redactArgs(m Method) string {
	if n := len(m.Args); n > 1 {
		return fmt.Sprintf("%s (+%d args)", commandName(m), n-1)
	}
	return commandName(m)
}
