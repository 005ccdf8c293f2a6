package analyzers_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// The cross-check of direct mode: a module fetched from its repository
// (GOPRIVATE, or a GOPROXY chain reaching direct) on a real git server
// (git http-backend over https, with Basic authentication, behind
// proxytest.GitOrigin). For each scenario the real go command builds a
// module that imports it (`go build -mod=mod ./...`, fresh module cache)
// and gomodls checks the same go.mod in the same environment: where go
// fails, gomodls reports an error with the code the scenario expects (and
// the message names what it must: the URL git tried, the fix); where go
// succeeds, gomodls reports no lookup failure. Then the fix that gomodls
// names is applied, and both run again: go build must succeed, and gomodls
// must be silent.

const vcsHost = "git.secure.example.com"

// vcsWorld is one scenario's machine: the public proxy, the git host, the
// module that imports the private one, and the environment both run in.
type vcsWorld struct {
	t      *testing.T
	pub    *proxytest.Server
	origin *proxytest.GitOrigin
	dir    string   // the main module
	extra  []string // KEY=value on top of the fixtures' environment
	netrc  string   // the go command's $NETRC (GoEnv's; absent until written)
}

func newVCSWorld(t *testing.T, path string) *vcsWorld {
	t.Helper()
	w := &vcsWorld{t: t, pub: proxytest.New(t), origin: proxytest.NewGitOrigin(t, vcsHost)}
	w.netrc = filepath.Join(t.TempDir(), "netrc")
	o := w.origin
	for _, r := range []struct{ name, path string }{
		{"team/secret", "team/secret"}, {"team/open", "team/open"}, {"team/forbidden", "team/forbidden"},
		{"team/dotsecret", "team/dotsecret.git"}, {"private/moved", "team/moved"}, {"gated/lib", "gated/lib"}, {"team/plainhttp", "team/plainhttp"},
	} {
		o.NewGitRepo(t, r.name, vcsHost+"/"+r.path)
	}
	o.RequireBasicAuth(vcsHost+"/team/secret", "alice", "s3cret", false)
	o.RequireBasicAuth(vcsHost+"/team/dotsecret", "alice", "s3cret", false)
	o.RequireBasicAuth(vcsHost+"/private", "alice", "s3cret", false)
	o.RequireBasicAuth(vcsHost+"/gated", "alice", "s3cret", true) // the go-get page too
	o.Forbid(vcsHost+"/team/forbidden", 403, "token lacks scope")
	o.Forbid(vcsHost+"/team/hidden", 404, "Repository not found.")
	for _, m := range []string{"secret", "open", "forbidden", "hidden", "moved"} {
		o.AddMeta(vcsHost + "/team/" + m + " git https://" + vcsHost + "/team/" + m + ".git")
	}
	o.AddMeta(
		vcsHost+"/gated/lib git https://"+vcsHost+"/gated/lib.git",
		vcsHost+"/team/plainhttp git http://"+vcsHost+"/team/plainhttp.git",
		vcsHost+"/team/ext git ext::sh",
		vcsHost+"/team/weird git weird://"+vcsHost+"/team/open.git",
		vcsHost+"/team/fileroot git file:///etc",
	)
	w.dir = t.TempDir()
	analyzerstest.WriteFiles(t, w.dir, map[string]string{
		"go.mod":  fmt.Sprintf("module example.com/m\n\ngo 1.22\n\nrequire %s v1.0.0\n", path),
		"main.go": fmt.Sprintf("package main\n\nimport lib %q\n\nfunc main() { println(lib.Version) }\n", path),
	})
	return w
}

// env is the environment of both, with a fresh module cache.
func (w *vcsWorld) env() []string {
	base := append([]string{"GOPRIVATE=" + vcsHost, "NETRC=" + w.netrc}, w.origin.GoEnv()...)
	return w.pub.GoEnv(append(base, w.extra...)...)
}

func (w *vcsWorld) set(kv ...string) { w.extra = append(w.extra, kv...) }

func (w *vcsWorld) writeHome(name, data string) { w.origin.WriteHome(w.t, name, data) }
func (w *vcsWorld) gitConfig(args ...string)    { w.origin.GitConfig(w.t, args...) }

// ssh starts sshd and makes the user's git reach the host over SSH:
// url."ssh://HOST<root>/".insteadOf "https://HOST/", as users do.
func (w *vcsWorld) ssh() *proxytest.GitSSH {
	s := w.origin.StartSSH(w.t)
	w.gitConfig("url.ssh://"+vcsHost+s.Root+"/.insteadOf", "https://"+vcsHost+"/")
	return s
}

const aliceNetrc = "machine " + vcsHost + " login alice password s3cret\n"

// goBuild runs the real go command; "" means it succeeded, else its error.
func (w *vcsWorld) goBuild() string {
	w.t.Helper()
	r := benchfixture.RunGo(context.Background(), w.env(), w.dir, 2*time.Minute, "build", "-mod=mod", "-o", os.DevNull, "./...")
	w.t.Logf("go build: %v\n%s", r.Err, strings.TrimSpace(r.Stderr))
	if r.Err == nil {
		return ""
	}
	return strings.TrimSpace(r.Stderr)
}

// check runs every analyzer on the main module and returns the lookup
// failures it reports.
func (w *vcsWorld) check() []analyzers.Diagnostic {
	w.t.Helper()
	env, err := goenv.Load(context.Background(), goenv.Options{Environ: w.env(), GoCommand: "-", Dir: w.t.TempDir()})
	if err != nil {
		w.t.Fatal(err)
	}
	src, err := sumcheck.New(modproxy.Options{Env: env, HTTPClient: w.origin.HTTPClient(), NoModCache: true,
		RequestTimeout: 2 * time.Second, ProxyDeadline: 10 * time.Second, MaxRetries: -1})
	if err != nil {
		w.t.Fatal(err)
	}
	contents, err := snapshot.ReadDir(nil, w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	snap := snapshot.Build(w.dir, contents, env, settings.Default(), nil, src)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	diags, failures := checker.Run(ctx, snap, analyzers.All())
	for _, f := range failures {
		w.t.Errorf("analyzer failed: %v", f)
	}
	var out []analyzers.Diagnostic
	for _, d := range diags {
		w.t.Logf("ours: %s", analyzerstest.Format(snap, d))
		if vcsLookupCodes[d.Code] && d.Severity == analyzers.Error {
			out = append(out, d)
		}
	}
	return out
}

var vcsLookupCodes = map[*analyzers.Code]bool{
	analyzers.CodeVCSAuthRequired: true, analyzers.CodeVCSMissing: true, analyzers.CodeVCSRefused: true,
	analyzers.CodeUnknownVersion: true, analyzers.CodeUnknownModule: true, analyzers.CodeModuleNotServed: true,
	analyzers.CodeProxyAuthRequired: true, analyzers.CodeProxyUnreachable: true, analyzers.CodeProxyError: true,
	analyzers.CodePrivateModuleNotConfigured: true,
}

type vcsCase struct {
	name  string
	path  string
	setup func(w *vcsWorld)
	// goErr matches the go command's error; "" means it succeeds.
	goErr string
	// code is ours (nil: no lookup failure), and msg what its message must
	// contain (%s is the git host's home directory).
	code *analyzers.Code
	msg  []string
	// fix applies the fix our message names (d is our diagnostic); nil
	// when there is none on this machine (the host must grant access).
	fixText string
	fix     func(w *vcsWorld, d analyzers.Diagnostic)
}

func TestCrossCheckVCS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs git and the go command")
	}
	if _, err := benchfixture.GoTool(); err != nil {
		t.Fatalf("no go command: %v", err)
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	secret := vcsHost + "/team/secret"
	secretURL := "https://" + vcsHost + "/team/secret.git"
	writeNetrc := func(w *vcsWorld, _ analyzers.Diagnostic) { w.writeHome(".netrc", aliceNetrc) }
	cases := []vcsCase{
		{name: "https, no credentials", path: secret,
			goErr:   `could not read Username for 'https://` + vcsHost + `': terminal prompts disabled`,
			code:    analyzers.CodeVCSAuthRequired,
			msg:     []string{"git was refused by " + vcsHost + ": could not read Username", "with git from " + secretURL + " (GOPRIVATE=" + vcsHost + " sends it there)", "`machine " + vcsHost + " login USER password TOKEN` in ~/.netrc", `url."git@` + vcsHost + `:".insteadOf "https://` + vcsHost + `/"`},
			fixText: "~/.netrc: machine " + vcsHost + " login alice password s3cret", fix: writeNetrc},
		{name: "path naming its VCS (.git), no credentials", path: vcsHost + "/team/dotsecret.git",
			goErr: `no secure protocol found for repository`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"git was refused by " + vcsHost + ": could not read Username", "fails with \"no secure protocol found for repository\" (https://" + vcsHost + "/team/dotsecret: "},
			fixText: "~/.netrc line", fix: writeNetrc},
		{name: "https, token in $NETRC only (git reads ~/.netrc)", path: secret,
			setup: func(w *vcsWorld) { os.WriteFile(w.netrc, []byte(aliceNetrc), 0o600) },
			goErr: `could not read Username`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"is read by the go command only"},
			fixText: "the same line in ~/.netrc", fix: writeNetrc},
		{name: "https, wrong token in ~/.netrc", path: secret,
			setup: func(w *vcsWorld) { w.writeHome(".netrc", "machine "+vcsHost+" login alice password expired\n") },
			goErr: `could not read Username`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"~/.netrc has an entry for " + vcsHost + ", which the host refused: renew its token"},
			fixText: "a valid token in ~/.netrc", fix: writeNetrc},
		{name: "https, 403 (token without access)", path: vcsHost + "/team/forbidden",
			goErr: `remote: token lacks scope\s+fatal: unable to access 'https://` + vcsHost + `/team/forbidden.git/': The requested URL returned error: 403`,
			code:  analyzers.CodeVCSAuthRequired, msg: []string{"The requested URL returned error: 403 (the host: token lacks scope)"},
			fixText: "none here: the host must grant the token access"},
		{name: "\"Repository not found.\" (a host hiding a private repository)", path: vcsHost + "/team/hidden",
			goErr: `remote: Repository not found.`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"says the repository does not exist, which is also its answer when the credentials git sent cannot see a private repository"},
			fixText: "none here: check the path, then the token's access"},
		{name: "insteadOf sends git to a private repository", path: vcsHost + "/team/moved",
			setup: func(w *vcsWorld) {
				w.gitConfig("url.https://"+vcsHost+"/private/.insteadOf", "https://"+vcsHost+"/team/")
			},
			goErr: `could not read Username`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"with git from https://" + vcsHost + "/private/moved.git (your git configuration's url.\"https://" + vcsHost + "/private/\".insteadOf \"https://" + vcsHost + "/team/\" (%s/.gitconfig) rewrote https://" + vcsHost + "/team/moved.git)"},
			fixText: "~/.netrc line for the host the rule names", fix: writeNetrc},
		{name: "insteadOf to SSH, host key not known", path: secret,
			setup: func(w *vcsWorld) {
				w.ssh().AuthorizeKey(w.t)
			},
			goErr: `Host key verification failed.`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"git was refused by " + vcsHost + ": Host key verification failed.", "ssh does not know " + vcsHost + "'s host key: connect once with `ssh -T git@" + vcsHost + "`"},
			fixText: "the host key in ~/.ssh/known_hosts (what the first `ssh -T` records)",
			fix: func(w *vcsWorld, _ analyzers.Diagnostic) {
				w.writeHome(".ssh/known_hosts", w.origin.SSH().KnownHostsLine())
			}},
		{name: "insteadOf to SSH, key not authorized", path: secret,
			setup: func(w *vcsWorld) {
				w.writeHome(".ssh/known_hosts", w.ssh().KnownHostsLine())
			},
			goErr: `Permission denied \(publickey\)`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"Permission denied (publickey)", "ssh offered no key " + vcsHost + " accepts", "or remove the rule (`git config --global --unset url.\"ssh://" + vcsHost},
			fixText: "the key added to the account (authorized_keys)",
			fix:     func(w *vcsWorld, _ analyzers.Diagnostic) { w.origin.SSH().AuthorizeKey(w.t) }},
		{name: "GIT_ASKPASS supplies the token", path: secret,
			setup: func(w *vcsWorld) {
				askpass := filepath.Join(w.t.TempDir(), "askpass.sh")
				os.WriteFile(askpass, []byte("#!/bin/sh\ncase \"$1\" in Username*) echo alice;; *) echo s3cret;; esac\n"), 0o755)
				w.set("GIT_ASKPASS=" + askpass)
			}},
		{name: "git credential helper (store)", path: secret,
			setup: func(w *vcsWorld) {
				w.gitConfig("credential.helper", "store")
				w.writeHome(".git-credentials", "https://alice:s3cret@"+vcsHost+"\n")
			}},
		{name: "go-get page needs credentials", path: vcsHost + "/gated/lib",
			goErr:   `reading https://` + vcsHost + `/gated/lib\?go-get=1: 401 Unauthorized`,
			code:    analyzers.CodeVCSAuthRequired,
			msg:     []string{"refused the go command's request for the module's go-get page (401 Unauthorized)", "add `machine " + vcsHost + " login USER password TOKEN` to "},
			fixText: "the line in $NETRC (the go command's) and ~/.netrc (git's)",
			fix: func(w *vcsWorld, _ analyzers.Diagnostic) {
				os.WriteFile(w.netrc, []byte(aliceNetrc), 0o600)
				w.writeHome(".netrc", aliceNetrc)
			}},
		{name: "go-get page needs credentials, git has a credential helper", path: vcsHost + "/gated/lib",
			setup: func(w *vcsWorld) {
				w.gitConfig("credential.helper", "store")
				w.writeHome(".git-credentials", "https://alice:s3cret@"+vcsHost+"\n")
			},
			goErr: `401 Unauthorized`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"or let it ask git's credential helper (GOAUTH=git DIR)"},
			fixText: "the quick fix: GOAUTH=\"netrc;git $HOME\"",
			fix: func(w *vcsWorld, d analyzers.Diagnostic) {
				for _, fx := range d.Fixes {
					if fx.Command != nil && len(fx.Command.Args) == 1 {
						if a, ok := fx.Command.Args[0].(map[string]string); ok && a["name"] == "GOAUTH" {
							w.set("GOAUTH=" + a["value"])
							return
						}
					}
				}
				w.t.Errorf("no GOAUTH fix in %+v", d.Fixes)
			}},
		{name: "go-get page names an http:// repository (no GOINSECURE)", path: vcsHost + "/team/plainhttp"},
		{name: "go-get page names ext::sh", path: vcsHost + "/team/ext",
			goErr:   `git remote \(ext::sh\) must not be local directory \(use URL syntax not host:path syntax\)`,
			code:    analyzers.CodeVCSRefused,
			msg:     []string{"the go command refuses the repository of this module: git remote (ext::sh) must not be local directory", "gomodls did not run git on it"},
			fixText: "a replace directive to a good copy (the page's owners must fix it)",
			fix: func(w *vcsWorld, _ analyzers.Diagnostic) {
				f := filepath.Join(w.dir, "go.mod")
				data, _ := os.ReadFile(f)
				os.WriteFile(f, append(data, "\nreplace "+vcsHost+"/team/ext => "+vcsHost+"/team/open v1.0.0\n"...), 0o644)
			}},
		{name: "go-get page names a file: repository", path: vcsHost + "/team/fileroot",
			goErr: `invalid repo root "file:///etc": file scheme disallowed`, code: analyzers.CodeVCSRefused,
			msg:     []string{`invalid repo root "file:///etc": file scheme disallowed`},
			fixText: "none here: the page's owners must fix it"},
		{name: "GIT_ALLOW_PROTOCOL forbids the page's http://", path: vcsHost + "/team/plainhttp",
			setup: func(w *vcsWorld) { w.set("GIT_ALLOW_PROTOCOL=https:ssh") },
			goErr: `fatal: transport 'http' not allowed`, code: analyzers.CodeVCSRefused,
			msg:     []string{"GIT_ALLOW_PROTOCOL=https:ssh forbids this transport"},
			fixText: "GIT_ALLOW_PROTOCOL=https:ssh:http",
			fix:     func(w *vcsWorld, _ analyzers.Diagnostic) { w.set("GIT_ALLOW_PROTOCOL=https:ssh:http") }},
		{name: "go-get page names weird:// (no remote helper)", path: vcsHost + "/team/weird",
			goErr: `git: 'remote-weird' is not a git command`, code: analyzers.CodeVCSRefused,
			msg:     []string{"git has no helper for this URL's scheme"},
			fixText: "none here: the page's owners must fix it"},
		{name: "GOVCS forbids git", path: vcsHost + "/team/open",
			setup: func(w *vcsWorld) { w.set("GOVCS=" + vcsHost + ":hg") },
			goErr: `GOVCS disallows using git for private ` + vcsHost + `/team/open; see 'go help vcs'`, code: analyzers.CodeVCSRefused,
			msg:     []string{"allow git for the path in GOVCS"},
			fixText: "GOVCS=" + vcsHost + ":git",
			fix:     func(w *vcsWorld, _ analyzers.Diagnostic) { w.set("GOVCS=" + vcsHost + ":git") }},
		{name: "git not installed", path: vcsHost + "/team/open",
			setup:   func(w *vcsWorld) { w.set("PATH=" + w.t.TempDir()) },
			goErr:   `unable to resolve git version: failed to execute git version: exec: "git": executable file not found in \$PATH`,
			code:    analyzers.CodeVCSMissing,
			msg:     []string{"git is not installed (not in PATH), and the go command fetches this module with git from https://" + vcsHost + "/team/open.git"},
			fixText: "install git (PATH with git)",
			fix:     func(w *vcsWorld, _ analyzers.Diagnostic) { w.set("PATH=" + filepath.Dir(gitPath)) }},
		{name: "git not installed, path naming its VCS (.git)", path: vcsHost + "/team/dotsecret.git",
			setup: func(w *vcsWorld) {
				w.set("PATH=" + w.t.TempDir())
				w.writeHome(".netrc", aliceNetrc)
			},
			goErr: `no secure protocol found for repository`, code: analyzers.CodeVCSMissing,
			msg:     []string{"git is not installed (not in PATH)", "it fails with: no secure protocol found for repository; install git"},
			fixText: "install git (PATH with git)",
			fix:     func(w *vcsWorld, _ analyzers.Diagnostic) { w.set("PATH=" + filepath.Dir(gitPath)) }},
		{name: "chain reaches direct (no GOPRIVATE), no credentials", path: secret,
			setup: func(w *vcsWorld) { w.set("GOPRIVATE=", "GOPROXY="+w.pub.URL+",direct") },
			goErr: `could not read Username`, code: analyzers.CodeVCSAuthRequired,
			msg:     []string{"(the GOPROXY chain reached direct)", "also set GOPRIVATE to include " + vcsHost},
			fixText: "~/.netrc line and GOPRIVATE=" + vcsHost + " (the quick fix)",
			fix: func(w *vcsWorld, _ analyzers.Diagnostic) {
				w.writeHome(".netrc", aliceNetrc)
				// Credentials alone: the checksum database refuses next.
				if out := w.goBuild(); out == "" || !strings.Contains(out, "verifying") {
					w.t.Errorf("with credentials and no GOPRIVATE, go build: %q, want a checksum database failure", out)
				}
				w.set("GOPRIVATE=" + vcsHost)
			}},
	}

	var mu sync.Mutex
	rows := map[string]string{}
	t.Cleanup(func() {
		var b strings.Builder
		b.WriteString("\n| scenario | the go command | gomodls | fix | go build after the fix |\n|---|---|---|---|---|\n")
		for _, c := range cases {
			if r, ok := rows[c.name]; ok {
				b.WriteString(r)
			}
		}
		t.Log(b.String())
	})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newVCSWorld(t, tc.path)
			if tc.setup != nil {
				tc.setup(w)
			}
			goOut := w.goBuild()
			diags := w.check()
			goCell, usCell, fixCell, afterCell := "builds", "no lookup failure", tc.fixText, "-"
			switch {
			case tc.goErr == "" && goOut != "":
				t.Errorf("go build failed, want success:\n%s", goOut)
			case tc.goErr != "" && !regexp.MustCompile(tc.goErr).MatchString(goOut):
				t.Errorf("go build: %q, want an error matching %q", goOut, tc.goErr)
			}
			if goOut != "" {
				goCell = "`" + goErrorLine(goOut) + "`"
			}
			var d analyzers.Diagnostic
			switch {
			case tc.code == nil && len(diags) > 0:
				t.Errorf("gomodls reports %s where go succeeds: %s", diags[0].Code.Name, diags[0].Message)
			case tc.code != nil && (len(diags) != 1 || diags[0].Code != tc.code):
				t.Errorf("gomodls reports %v, want one %s", diags, tc.code.Name)
			case tc.code != nil:
				d = diags[0]
				usCell = fmt.Sprintf("%s: %s", d.Code.Name, d.Message)
				for _, m := range tc.msg {
					if strings.Contains(m, "%s") {
						m = fmt.Sprintf(m, w.origin.Home)
					}
					if !strings.Contains(d.Message, m) {
						t.Errorf("message lacks %q:\n%s", m, d.Message)
					}
				}
				for _, s := range []string{"s3cret", "expired"} {
					if strings.Contains(d.Message, s) {
						t.Errorf("message shows a credential: %s", d.Message)
					}
				}
			}
			if tc.fix != nil && d.Code != nil {
				tc.fix(w, d)
				after := w.goBuild()
				if after != "" {
					t.Errorf("after the fix (%s), go build fails:\n%s", tc.fixText, after)
					afterCell = "no: `" + goErrorLine(after) + "`"
				} else {
					afterCell = "yes"
				}
				if diags := w.check(); len(diags) > 0 {
					t.Errorf("after the fix, gomodls still reports %s: %s", diags[0].Code.Name, diags[0].Message)
				}
			} else if tc.code != nil {
				afterCell = "n/a"
			}
			if tc.code == nil {
				fixCell = ""
			}
			mu.Lock()
			rows[tc.name] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n", tc.name, goCell, strings.ReplaceAll(usCell, "|", `\|`), fixCell, afterCell)
			mu.Unlock()
		})
	}
}

// goErrorLine is the go command's error, on one line, without the
// temporary directory of its VCS cache.
func goErrorLine(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "go: downloading ") &&
			!strings.HasPrefix(l, "Confirm the import path") && !strings.HasPrefix(l, "If this is a private repository") {
			lines = append(lines, l)
		}
	}
	s := strings.Join(lines, " ")
	s = regexp.MustCompile(` in /\S+/cache/vcs/[0-9a-f]+`).ReplaceAllString(s, "")
	return strings.ReplaceAll(s, "|", `\|`)
}
