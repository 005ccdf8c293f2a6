// Copyright 2026 The gomodls Authors.

package direct

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/modsource"
)

// What a refusal of git's says besides git's words: the URL git tried
// after the user's url.<base>.insteadOf rules, the rule, and whether the
// .netrc git reads has an entry for the host.

// describeRefusal completes ve, a refusal of git's for repo: the URL git
// actually tried (after the user's url.<base>.insteadOf rules, as git
// itself rewrites it: `git ls-remote --get-url`), the rule that rewrote
// it, and whether the .netrc git reads has an entry for the host.
func (d *Resolver) describeRefusal(ctx context.Context, git string, env []string, repo string, ve *modsource.VCSError) {
	ve.Repo, ve.URL = modsource.RedactGitURL(repo), modsource.RedactGitURL(repo)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	run := func(args ...string) string {
		cmd := exec.CommandContext(ctx, git, args...)
		cmd.Dir = os.TempDir()
		cmd.Env = env
		cmd.WaitDelay = time.Second
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		d.gitCommands.Add(1)
		return string(out)
	}
	tried := strings.TrimSpace(run("ls-remote", "--get-url", "--", repo))
	if tried != "" && tried != repo {
		ve.URL = modsource.RedactGitURL(tried)
		ve.Rule = insteadOfRule(run("config", "--show-origin", "--get-regexp", `^url\..*\.insteadof$`), repo, tried)
	}
	if tried == "" {
		tried = repo
	}
	if ve.Reason == modsource.VCSAuthRequired {
		if scheme, host := modsource.SplitGitURL(tried); host != "" && (scheme == "https" || scheme == "http") {
			ve.NetrcEntry = d.gitNetrcHas(host)
		}
	}
}

// insteadOfRule finds, in `git config --show-origin --get-regexp` output,
// the url.<base>.insteadOf rule that rewrote repo to tried: the longest
// prefix of repo (git's choice) whose base gives tried. It is shown as the
// command that sets it, with the file it is in.
func insteadOfRule(config, repo, tried string) string {
	best, bestLen := "", -1
	for line := range strings.SplitSeq(config, "\n") {
		origin, entry, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		key, prefix, ok := strings.Cut(entry, " ")
		if !ok || !strings.HasPrefix(repo, prefix) || len(prefix) <= bestLen {
			continue
		}
		base, ok := strings.CutPrefix(key, "url.")
		if !ok {
			continue
		}
		base, ok = strings.CutSuffix(base, ".insteadof")
		if !ok || base+repo[len(prefix):] != tried {
			continue
		}
		best, bestLen = fmt.Sprintf("url.%q.insteadOf %q (%s)", modsource.RedactGitURL(base), prefix, strings.TrimPrefix(origin, "file:")), len(prefix)
	}
	return best
}

// gitNetrcHas reports whether the .netrc that git (curl) reads,
// $HOME/.netrc, has an entry for host.
func (d *Resolver) gitNetrcHas(host string) bool {
	path, err := auth.NetrcPath(func(k string) string {
		if k == "NETRC" {
			return "" // the go command's variable; curl does not read it
		}
		return d.env.Get(k)
	})
	if err != nil {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	name, _, _ := strings.Cut(host, ":")
	for _, l := range auth.ParseNetrc(string(data)) {
		if l.Machine == host || l.Machine == name {
			return true
		}
	}
	return false
}
