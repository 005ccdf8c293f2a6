package analyzers

import "sort"

// A Code is a diagnostic code: a public, documented contract. Tests, the
// CLI's JSON and SARIF output, users' suppression comments and settings all
// rely on the names, so a code is never renamed.
type Code struct {
	// Name is the kebab-case code ("unknown-version").
	Name string
	// Severity is the default severity.
	Severity Severity
	// Summary is one sentence: what the code means.
	Summary string
	// Example is a go.mod (or go.sum, go.work) excerpt that triggers it,
	// followed by the message gomodls prints.
	Example string
	// Fix says how to fix it, and what gomodls' quick fix does.
	Fix string
	// Transient: a report of this code rests on an answer that may differ
	// when asked again (a proxy, repository or database that failed,
	// refused, or did not have it yet), not on the files and the
	// configuration alone.
	Transient bool
}

// DocsBaseURL is where docs/diagnostics.md is published; each code links to
// its section from the diagnostic's codeDescription.
const DocsBaseURL = "https://github.com/gomodls/gomodls/blob/main/docs/diagnostics.md"

// URL returns the documentation link for the code.
func (c *Code) URL() string { return DocsBaseURL + "#" + c.Name }

var codes = map[string]*Code{}

func newCode(c Code) *Code {
	if _, dup := codes[c.Name]; dup {
		panic("duplicate diagnostic code " + c.Name)
	}
	p := &c
	codes[c.Name] = p
	return p
}

// LookupCode returns the code with the given name.
func LookupCode(name string) (*Code, bool) {
	c, ok := codes[name]
	return c, ok
}

// Codes returns every registered code, sorted by name.
func Codes() []*Code {
	list := make([]*Code, 0, len(codes))
	for _, c := range codes {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

// The codes. Keep each Example real: TestCodeExamples (structure_test.go)
// checks that it produces the code it documents where that can be done
// without a network.
var (
	CodeParseError = newCode(Code{
		Name:     "parse-error",
		Severity: Error,
		Summary:  "A line of go.mod, go.work or go.sum cannot be parsed; the go command refuses the whole file.",
		Example: "require (\n\tgolang.org/x/text\n)\n\n" +
			"go.mod:2:2: error: require: usage: require module/path v1.2.3 [parse-error]",
		Fix: "Correct the line as the message says. The rest of the file is still checked, so other diagnostics stay accurate while you type.",
	})
	CodeInvalidVersion = newCode(Code{
		Name:     "invalid-version",
		Severity: Error,
		Summary:  "A version is not canonical semver, is a malformed or inconsistent pseudo-version, or does not match the module path's major version.",
		Example: "require github.com/pkg/errors v0.9\n\n" +
			"go.mod:1:34: error: version \"v0.9\" is not canonical; the go command will rewrite it to the latest v0.9.x [invalid-version]",
		Fix: "Use the canonical form (v0.9 → v0.9.0). For v2 and later, the module path must end in /vN, or the version must carry +incompatible when the module has no go.mod. The quick fix rewrites the version.",
	})
	CodeGoVersionUnsupported = newCode(Code{
		Name:     "go-version-unsupported",
		Severity: Error,
		Summary:  "The go or toolchain line asks for a newer Go than the local toolchain, and the go command is not allowed to download one (GOTOOLCHAIN=local, or a +path / local suffix).",
		Example: "go 1.99\n\n" +
			"go.mod:3:1: error: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local) [go-version-unsupported]",
		Fix: "Install a newer Go, allow toolchain switching (GOTOOLCHAIN=auto), or lower the go line if the module does not need the newer language version.",
	})
	CodeReplaceDirMissing = newCode(Code{
		Name:     "replace-dir-missing",
		Severity: Error,
		Summary:  "A replace directive points at a local directory that does not exist.",
		Example: "replace golang.org/x/text => ./missing\n\n" +
			"go.mod:1:32: error: replacement directory ./missing does not exist [replace-dir-missing]",
		Fix: "Create or check out the directory, correct the path (relative paths are relative to the go.mod's directory), or remove the replace. The quick fix removes the replace.",
	})
	CodeReplaceDirNoGoMod = newCode(Code{
		Name:     "replace-dir-no-gomod",
		Severity: Error,
		Summary:  "A replace directive points at a directory that has no go.mod file.",
		Example: "replace golang.org/x/text => ../text\n\n" +
			"go.mod:1:32: error: replacement directory ../text has no go.mod file [replace-dir-no-gomod]",
		Fix: "Point the replace at the module root (the directory that contains go.mod), or run `go mod init` there.",
	})
	CodeReplaceModuleMismatch = newCode(Code{
		Name:     "replace-module-mismatch",
		Severity: Warning,
		Summary:  "The go.mod in a replacement directory declares a different module path than the one it replaces (or none), or cannot be parsed.",
		Example: "replace golang.org/x/text => ../mytext\n\n" +
			"go.mod:1:32: warning: ../mytext/go.mod declares module example.com/mytext, but it replaces golang.org/x/text; the go command accepts this for a directory, and then looks for golang.org/x/text's packages in that module [replace-module-mismatch]",
		Fix: "Usually the replace points at the wrong directory: correct it, or change the replacement's module line. The go command accepts a directory replacement whatever module it declares (unlike a module@version replacement), so this is a warning; a go.mod that cannot be parsed is an error, since the go command then fails.",
	})
	CodeSumMalformed = newCode(Code{
		Name:     "sum-malformed",
		Severity: Error,
		Summary:  "A go.sum line is malformed (wrong field count, bad hash, invalid path or version), duplicated, or conflicts with another line.",
		Example: "golang.org/x/text v0.20.0 h1:notahash\n\n" +
			"go.sum:1:27: error: malformed hash \"h1:notahash\": h1: must be followed by the base64 encoding of a 32-byte SHA-256 digest [sum-malformed]",
		Fix: "Delete the line and let `go mod tidy` (or gomodls' sum-missing fix) write it again. Duplicate lines are harmless warnings; the quick fix deletes them.",
	})
	CodeUseDirMissing = newCode(Code{
		Name:     "use-dir-missing",
		Severity: Error,
		Summary:  "A go.work use directive names a directory that does not exist or has no go.mod file.",
		Example: "use ./svc\n\n" +
			"go.work:3:5: error: directory ./svc does not exist [use-dir-missing]",
		Fix: "Create the module there (`go mod init`), correct the path, or remove the use line (the quick fix).",
	})
	CodeUnknownVersion = newCode(Code{
		Name:      "unknown-version",
		Transient: true,
		Severity:  Error,
		Summary:   "The module exists, but the required version does not (the proxy answered 404/410 for it and it is not in the version list).",
		Example: "require golang.org/x/text v0.99.0\n\n" +
			"go.mod:1:27: error: golang.org/x/text@v0.99.0: version does not exist (reading https://proxy.golang.org/golang.org/x/text/@v/v0.99.0.info: 404 Not Found); latest is v0.21.0 [unknown-version]",
		Fix: "Pick an existing version. The quick fixes change it to the nearest existing version in the same major, or to the latest.",
	})
	CodeUnknownModule = newCode(Code{
		Name:      "unknown-module",
		Transient: true,
		Severity:  Error,
		Summary:   "No proxy in the GOPROXY chain knows the module at all.",
		Example: "require github.com/acme/nonexistent v1.0.0\n\n" +
			"go.mod:1:9: error: github.com/acme/nonexistent: module not found by any proxy (proxy.golang.org: 404 Not Found) [unknown-module]",
		Fix: "Check the path for typos and case (module paths are case-sensitive). If the module is private, see private-module-not-configured.",
	})
	CodeProxyUnreachable = newCode(Code{
		Name:      "proxy-unreachable",
		Transient: true,
		Severity:  Error,
		Summary:   "A proxy in the chain, or the origin the chain reached with direct, could not be reached: DNS failure, connection refused or reset, TLS failure, or no answer within the proxy deadline (a slow proxy is waited for, as the go command waits).",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:9: error: proxy https://goproxy.corp.example unreachable: dial tcp: lookup goproxy.corp.example: no such host [proxy-unreachable]",
		Fix: "Check VPN, DNS, HTTPS_PROXY and the GOPROXY value. The go command has no timeout and would hang; gomodls gives up after gomodls.proxyDeadline. When direct failed, the message is the go command's (git's words) and says what the proxies said before: after a 404, the path may be a package inside a module rather than a module; require the module.",
	})
	CodeProxyAuthRequired = newCode(Code{
		Name:      "proxy-auth-required",
		Transient: true,
		Severity:  Error,
		Summary:   "A proxy answered 401, or 403 with an authentication challenge or after credentials were sent.",
		Example: "require git.corp.example/lib v1.0.0\n\n" +
			"go.mod:1:9: error: proxy https://goproxy.corp.example requires credentials (401 Unauthorized); configure GOAUTH or ~/.netrc [proxy-auth-required]",
		Fix: "Add a `machine <host> login <user> password <token>` entry to ~/.netrc (or $NETRC), or configure GOAUTH. Credentials are only sent over https.",
	})
	CodeVCSAuthRequired = newCode(Code{
		Name:      "vcs-auth-required",
		Transient: true,
		Severity:  Error,
		Summary:   "The go command fetches the module from its repository (GOPRIVATE/GONOPROXY, or a GOPROXY chain that reaches direct), and the host refuses git's credentials: none (\"could not read Username\", \"terminal prompts disabled\"), refused ones (HTTP 401/403, \"Authentication failed\", \"Permission denied (publickey)\", \"Repository not found\" from a host that hides private repositories), or an unknown ssh host key; or the host refuses the go command's own request for the go-get page (401/403).",
		Example: "require git.corp.example.com/team/lib v1.0.0\n\n" +
			"go.mod:1:9: error: git.corp.example.com/team/lib@v1.0.0: git was refused by git.corp.example.com: could not read Username for 'https://git.corp.example.com': terminal prompts disabled; the go command fetches this module with git from https://git.corp.example.com/team/lib.git (GOPRIVATE=git.corp.example.com sends it there) and fails the same way. Give git a token for git.corp.example.com: a line `machine git.corp.example.com login USER password TOKEN` in ~/.netrc (git reads $HOME/.netrc, not $NETRC) or a git credential helper; or use SSH: `git config --global url.\"git@git.corp.example.com:\".insteadOf \"https://git.corp.example.com/\"` with a key that `ssh -T git@git.corp.example.com` accepts [vcs-auth-required]",
		Fix: "The message names the URL git actually tried: after your `url.<base>.insteadOf` rules (`git ls-remote --get-url URL` shows it; the rule and its file are named), with git's own words. " +
			"Over https, git reads credentials from `$HOME/.netrc` (`machine HOST login USER password TOKEN`; the NETRC variable is the go command's only) or a credential helper (`git config --global credential.helper store`, then `git credential approve`); GIT_ASKPASS works too. " +
			"Over SSH (`git config --global url.\"git@HOST:\".insteadOf \"https://HOST/\"`), ssh needs a key the host accepts: check with `ssh -T git@HOST`, which also records the host key. " +
			"When the go-get page itself is refused, the go command's credentials apply: GOAUTH (netrc: $NETRC or ~/.netrc; `git DIR` asks git's credential helper; the quick fix adds it). " +
			"gomodls never writes credentials. When only a proxy chain reaching direct sends the module to git, also set GOPRIVATE: the checksum database cannot verify a private module.",
	})
	CodeVCSMissing = newCode(Code{
		Name:      "vcs-missing",
		Transient: true,
		Severity:  Error,
		Summary:   "The go command must fetch the module from its repository with git (GOPRIVATE/GONOPROXY, or a GOPROXY chain that reaches direct) and git is not installed, or not in PATH.",
		Example: "require git.corp.example.com/team/lib v1.0.0\n\n" +
			"go.mod:1:9: error: git.corp.example.com/team/lib@v1.0.0: git is not installed (not in PATH), and the go command fetches this module with git from https://git.corp.example.com/team/lib.git (GOPRIVATE=git.corp.example.com sends it there): it fails with: unable to resolve git version: failed to execute git version: exec: \"git\": executable file not found in $PATH; install git [vcs-missing]",
		Fix: "Install git (apt-get install git, apk add git, brew install git, https://git-scm.com) where the go command runs: CI images based on golang:*-alpine or distroless often lack it. A module that a proxy serves needs no git: only modules fetched directly do.",
	})
	CodeVCSRefused = newCode(Code{
		Name:      "vcs-refused",
		Transient: true,
		Severity:  Error,
		Summary:   "The go command refuses the repository that the module's go-get page names (no scheme, file:, not a URL such as ext::cmd or host:path, an unknown VCS, two pages that disagree), GOVCS forbids its VCS, or git's protocol policy (GIT_ALLOW_PROTOCOL, protocol.allow) or a missing remote helper refuses its transport. gomodls runs no git command on a repository the go command refuses.",
		Example: "require git.corp.example.com/team/tool v1.0.0\n\n" +
			"go.mod:1:9: error: git.corp.example.com/team/tool@v1.0.0: the go command refuses the repository of this module: git remote (ext::sh) must not be local directory (use URL syntax not host:path syntax); the go-get page names ext::sh, which is not a URL (git would read it as a local path, or as a transport such as ext::, which runs a command); gomodls did not run git on it; the page must name an https:// or ssh:// URL, or a replace directive must point the module elsewhere [vcs-refused]",
		Fix: "A wrong go-get page is its owners' to fix (it must name an https:// or ssh:// repository URL); meanwhile a replace directive can point the module at a good copy. For GOVCS, allow the VCS for the path (`go env -w GOVCS=...`; see `go help vcs`). For git's policy, allow the transport (GIT_ALLOW_PROTOCOL, `git config --global protocol.<name>.allow always`) only if the page is trustworthy. The go command does not check the scheme of a go-get page's repository (http:// and git:// reach git, whose policy decides); it checks schemes only for paths that name their VCS (host/repo.git), where GOINSECURE allows http and git://.",
	})
	CodeProxyError = newCode(Code{
		Name:      "proxy-error",
		Transient: true,
		Severity:  Error,
		Summary:   "A proxy failed in another way: 5xx, an unexpected 4xx, a malformed or oversized response, a redirect loop, or an .info for the wrong version.",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:9: error: proxy https://goproxy.corp.example: reading .../@v/v0.20.0.info: 502 Bad Gateway [proxy-error]",
		Fix: "Retry later or fix the proxy; the server's own text is included in the message. With `|` between proxies the go command falls through to the next one on any error, with `,` only on 404/410.",
	})
	CodeModuleNotServed = newCode(Code{
		Name:      "module-not-served",
		Transient: true,
		Severity:  Error,
		Summary:   "A proxy refuses to serve the module or version (403/400 \"not available\", \"not permitted\") although it may exist; typical of filtered corporate mirrors (Artifactory, Nexus).",
		Example: "require github.com/acme/lib v1.2.3\n\n" +
			"go.mod:1:9: error: github.com/acme/lib@v1.2.3: not served by https://goproxy.corp.example (403 Forbidden: This module version is not available.) [module-not-served]",
		Fix: "Ask the proxy's owners to allow the module, use a version they serve (the quick fix offers the nearest one from the proxy's list), or route the module around the proxy with GONOPROXY.",
	})
	CodePrivateModuleNotConfigured = newCode(Code{
		Name:     "private-module-not-configured",
		Severity: Error,
		Summary:  "A module that looks private (or that the public proxy refuses) is not matched by GOPRIVATE/GONOPROXY, so its path is sent to the public proxy and checksum database; or it is in GONOPROXY but not GONOSUMDB, so checksum verification will fail.",
		Example: "require git.corp.example/team/lib v1.4.0\n\n" +
			"go.mod:1:9: error: git.corp.example/team/lib is private but GOPRIVATE does not match it: `go mod tidy` will ask proxy.golang.org and fail with 404 Not Found, and leak the path; set GOPRIVATE=git.corp.example [private-module-not-configured]",
		Fix: "The quick fixes merge a pattern into GOPRIVATE with `go env -w` (keeping existing patterns) or into the workspace settings.",
	})
	CodeEnvPattern = newCode(Code{
		Name:     "env-pattern",
		Severity: Warning,
		Summary:  "A GOPRIVATE/GONOPROXY/GONOSUMDB/GOINSECURE pattern can never match what was meant (spaces, a URL scheme, a trailing slash, a bad glob), or is so broad that it disables checksum verification for public hosts.",
		Example: "GOPRIVATE=\"git.corp.example, github.com/acme\"\n\n" +
			"go.mod:1:1: warning: GOPRIVATE pattern \" github.com/acme\" has a leading space and never matches; use \"git.corp.example,github.com/acme\" [env-pattern]",
		Fix: "Correct the variable (`gomodls env` shows every finding with a corrected value).",
	})
	CodeModulePathMismatch = newCode(Code{
		Name:     "module-path-mismatch",
		Severity: Error,
		Summary:  "The go.mod of the required version declares a different module path (a case change, a fork, a missing /vN suffix).",
		Example: "require github.com/Sirupsen/logrus v1.9.3\n\n" +
			"go.mod:1:9: error: github.com/Sirupsen/logrus@v1.9.3: module declares its path as: github.com/sirupsen/logrus but was required as: github.com/Sirupsen/logrus [module-path-mismatch]",
		Fix: "Require the declared path (quick fix), or keep the path and add a replace to the fork.",
	})
	CodeRetractedVersion = newCode(Code{
		Name:     "retracted-version",
		Severity: Warning,
		Summary:  "The module's author retracted the required version (a retract directive in the go.mod of the module's latest release).",
		Example: "require example.com/lib v1.0.1\n\n" +
			"go.mod:1:24: warning: example.com/lib@v1.0.1 is retracted by the module author: \"published with a data race\"; latest is v1.0.2 [retracted-version]",
		Fix: "Upgrade to the latest non-retracted version (quick fix). The user's own retract directives are checked too (malformed ranges, versions never published).",
	})
	CodeDeprecatedModule = newCode(Code{
		Name:     "deprecated-module",
		Severity: Warning,
		Summary:  "The module's latest go.mod carries a `// Deprecated:` comment.",
		Example: "require example.com/old v1.2.0\n\n" +
			"go.mod:1:9: warning: example.com/old is deprecated: use example.com/new instead [deprecated-module]",
		Fix: "Follow the deprecation text, usually by moving to the named replacement module.",
	})
	CodeUpgradeAvailable = newCode(Code{
		Name:     "upgrade-available",
		Severity: Hint,
		Summary:  "A newer release exists in the same major version (and, as information, a newer major module path).",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:27: hint: golang.org/x/text v0.21.0 is available [upgrade-available]",
		Fix: "The quick fix upgrades this require; a source action upgrades all direct requires. The setting gomodls.upgrades chooses off / patch / minor / major.",
	})
	CodeSumMissing = newCode(Code{
		Name:     "sum-missing",
		Severity: Error,
		Summary:  "go.sum lacks a line the go command reads: the go.mod hash of a module in the module graph (go list -m all; every command below go 1.17), or the zip and go.mod hashes of a module that provides or may provide an imported package (go build, or go test for test imports), so it stops with \"missing go.sum entry\". A warning when a dependency's source is not in the module cache and gomodls cannot tell whether its packages need the line.",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:9: error: missing go.sum entry for golang.org/x/text v0.20.0/go.mod: go list -m all fails with \"missing go.sum entry for go.mod file\": it reads the go.mod of every module this go.mod requires; go build and go test do not need it: none of their packages comes from golang.org/x/text (go mod download golang.org/x/text) [sum-missing]",
		Fix: "The quick fix adds the exact lines, taken from the checksum database (or, when GONOSUMDB/GOSUMDB=off applies, by hashing what the proxy serves); `gomodls check -fix` adds every one, creating go.sum if needed, so that go build, go test and go list -m all find what they read. It never invents a hash. `go mod download <module>` adds a module's lines too; `go mod tidy` rewrites go.sum whole.",
	})
	CodeSumMismatch = newCode(Code{
		Name:     "sum-mismatch",
		Severity: Error,
		Summary:  "A go.sum hash disagrees with the checksum database, the module cache, or what the GOPROXY chain serves (the go.mod; with gomodls check -verify or the gomodls.verifySums command, also the zip, downloaded and hashed): the go command stops with SECURITY ERROR.",
		Example: "golang.org/x/text v0.20.0 h1:AAAA...=\n\n" +
			"go.sum:1:27: error: checksum mismatch for golang.org/x/text v0.20.0: go.sum has h1:AAAA...=, sum.golang.org has h1:Xyz...=; this can mean the module was tampered with [sum-mismatch]",
		Fix: "Find out why first. The explicit quick fix replaces the line with the verified value; it is never applied automatically.",
	})
	CodeModCacheModified = newCode(Code{
		Name:     "modcache-modified",
		Severity: Error,
		Summary:  "A module cache directory (or zip) no longer hashes to what was downloaded: go mod verify fails with \"dir has been modified\", and go build uses the modified files without checking them. Found by gomodls check -verify and the gomodls.verifySums command, which hash the module cache as go mod verify does.",
		Example: "require example.com/lib v1.2.0\n\n" +
			"go.mod:1:9: error: the module cache's copy of example.com/lib v1.2.0 no longer matches what was downloaded: dir has been modified (/home/me/go/pkg/mod/example.com/lib@v1.2.0 hashes to h1:AAAA...=, its .ziphash records h1:Xyz...=); go mod verify fails, and go build uses the modified files without checking them. Remove it and download it again: go clean -modcache (removes every module), or delete /home/me/go/pkg/mod/example.com/lib@v1.2.0 and run go mod download example.com/lib [modcache-modified]",
		Fix: "Remove the copy and download it again: `go clean -modcache` removes the whole module cache; to remove one module, make its directory writable (`chmod -R u+w`), delete it and its cache/download files, then `go mod download <module>`. Find out first what changed the files (an editor that followed a definition into the module cache, a build script, -modcacherw).",
	})
	CodeSumUnverified = newCode(Code{
		Name:     "sum-unverified",
		Severity: Information,
		Summary:  "A go.sum line could not be verified: the checksum database is unreachable, disabled (GOSUMDB=off), or the module is excluded by GONOSUMDB/GOPRIVATE.",
		Example: "git.corp.example/lib v1.0.0 h1:...=\n\n" +
			"go.sum:1:1: info: git.corp.example/lib v1.0.0 not verified: GONOSUMDB matches (pattern git.corp.example) [sum-unverified]",
		Fix: "Nothing to fix when the exclusion is intended.",
	})
	CodeSumDBMisbehavior = newCode(Code{
		Name:      "sumdb-misbehavior",
		Transient: true,
		Severity:  Error,
		Summary:   "The checksum database served a tree inconsistent with the one gomodls saw before (a forked log): the database, or a proxy or network in between, is misbehaving, and nothing it says can be trusted. The go command stops with \"SECURITY ERROR go.sum database server misbehavior detected\".",
		Example: "golang.org/x/text v0.20.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\n\n" +
			"go.sum:1:1: error: SECURITY ERROR: checksum database sum.golang.org (via https://proxy.golang.org/sumdb/sum.golang.org) served a tree inconsistent with the one seen before ... proof of misbehavior: ... [sumdb-misbehavior]",
		Fix: "Do not edit go.sum to make it go away. Find out who serves the checksum database (a GOPROXY entry that proxies /sumdb/, GOSUMDB's URL, a TLS-intercepting network) and report the message, which holds both signed tree heads and the proof, to its operators. gomodls keeps the tree head it trusts in its cache directory (sumdb/); deleting that makes it trust whatever is served next, so do not unless you know why the log changed.",
	})
	CodePseudoVersionTagged = newCode(Code{
		Name:     "pseudo-version-tagged",
		Severity: Information,
		Summary:  "A pseudo-version names a commit that one of the module's releases now tags; the go command accepts it, but the tag is what everyone else requires.",
		Example: "require example.com/lib v1.4.1-0.20240102030405-abcdef012345\n\n" +
			"go.mod:1:25: info: example.com/lib@v1.4.1-0.20240102030405-abcdef012345 names commit abcdef012345, which is now tagged v1.5.0; require the tag [pseudo-version-tagged]",
		Fix: "Require the tag (the quick fix does).",
	})
	CodeInvalidModulePath = newCode(Code{
		Name:     "invalid-module-path",
		Severity: Error,
		Summary:  "A required module path is one the go command cannot download from anywhere (no dot in its first path element, bad characters), and no replace provides it.",
		Example: "require mycompany/lib v1.0.0\n\n" +
			"go.mod:1:9: error: mycompany/lib@v1.0.0: malformed module path \"mycompany/lib\": missing dot in first path element; the go command can only use it through a replace [invalid-module-path]",
		Fix: "Require the module by its real path (with a host name), or add a replace that points it at a directory or at a module path that can be downloaded. GOPRIVATE does not help: the go command rejects the path before it looks for it.",
	})
	CodeRetractInvalid = newCode(Code{
		Name:     "retract-invalid",
		Severity: Warning,
		Summary:  "A retract directive in the module's own go.mod has an inverted range or retracts versions that were never published.",
		Example: "retract [v1.5.0, v1.2.0]\n\n" +
			"go.mod:1:9: warning: retract range [v1.5.0, v1.2.0] is empty: the low end is above the high end [retract-invalid]",
		Fix: "Correct the range.",
	})
	CodeVendorInconsistent = newCode(Code{
		Name:     "vendor-inconsistent",
		Severity: Error,
		Summary:  "The go command builds from the vendor directory (a vendor directory and go 1.14 or later, or -mod=vendor in GOFLAGS), and vendor/modules.txt disagrees with go.mod or go.work: the go command stops with \"inconsistent vendoring\" (or, for a vendored module go.mod does not require, \"updates to go.mod needed\").",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:9: error: inconsistent vendoring: golang.org/x/text@v0.20.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt; run `go mod vendor` (or build with -mod=readonly or -mod=mod to ignore the vendor directory) [vendor-inconsistent]",
		Fix: "Run `go mod vendor` (`go work vendor` for a workspace) to write the vendor directory again from go.mod and go.work: the quick fix runs it. For a vendored module go.mod does not require, run `go mod tidy` first. Each of the go command's reasons is reported on the line it concerns: the require or replace, or for a module only vendor/modules.txt names, the require of the same path (else the module line).",
	})
	CodeDuplicateRequire = newCode(Code{
		Name:     "duplicate-require",
		Severity: Error,
		Summary:  "go.mod requires one module path on two lines. At different versions the go command stops with \"updates to go.mod needed\" (unless -mod=mod lets it rewrite go.mod, or in a workspace); at the same version it accepts them.",
		Example: "require (\n\tgolang.org/x/text v0.19.0\n\tgolang.org/x/text v0.20.0\n)\n\n" +
			"go.mod:2:2: error: golang.org/x/text is required twice, at v0.19.0 here and at v0.20.0 on line 3: the go command stops with \"updates to go.mod needed\" (go mod tidy keeps v0.20.0); remove this line [duplicate-require]",
		Fix: "Remove the lower requirement (the quick fix), as `go mod tidy` would: the module graph selects the higher version anyway.",
	})
	CodeExcludedRequire = newCode(Code{
		Name:     "excluded-require",
		Severity: Error,
		Summary:  "go.mod requires a version that its own exclude excludes: the go command ignores the requirement and, since go mod tidy would drop it, stops with \"updates to go.mod needed\" (unless -mod=mod lets it rewrite go.mod, or in a workspace).",
		Example: "require golang.org/x/text v0.20.0\nexclude golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:1: error: golang.org/x/text v0.20.0 is excluded (line 2): the go command ignores this requirement and stops with \"updates to go.mod needed\" (go mod tidy drops it); remove this line [excluded-require]",
		Fix: "Remove the requirement (the quick fix), or the exclude, or require another version.",
	})
	CodeToolNotRequired = newCode(Code{
		Name:     "tool-not-required",
		Severity: Error,
		Summary:  "A tool directive names a package that no module go.mod requires can provide (no require, and no main module, is a path prefix of it): `go tool`, `go list tool`, `go mod vendor` and `go build all` fail with \"no required module provides package\".",
		Example: "go 1.24\ntool golang.org/x/tools/cmd/stringer\n\n" +
			"go.mod:2:1: error: tool golang.org/x/tools/cmd/stringer: no required module provides package golang.org/x/tools/cmd/stringer; to add it: go get golang.org/x/tools/cmd/stringer (or go mod tidy): `go tool stringer`, `go list tool`, `go mod vendor` and `go build all` fail until then (`go build ./...` does not load tools) [tool-not-required]",
		Fix: "Run `go get <package>` (what `go get -tool` does) or `go mod tidy` (the quick fix) to add the module that provides the package, or remove the tool line.",
	})
	CodeReplaceConflict = newCode(Code{
		Name:     "replace-conflict",
		Severity: Error,
		Summary:  "Two replace directives for the same module (and version) point to different places: in one go.mod or go.work, or in two modules of a workspace. The go command stops with \"conflicting replacements\".",
		Example: "replace golang.org/x/text => ../text\nreplace golang.org/x/text => ../text2\n\n" +
			"go.mod:2:1: error: conflicting replacements for golang.org/x/text: ../text ../text2 (the other: go.mod:1): the go command refuses the file until one is removed [replace-conflict]",
		Fix: "Keep one of the two (the quick fixes remove either). Between workspace modules, add a replace to go.work that decides (`go work edit -replace old=new`): the quick fixes in go.work offer each target.",
	})
	CodeWorkspaceDuplicate = newCode(Code{
		Name:     "workspace-duplicate",
		Severity: Error,
		Summary:  "go.work uses one directory twice (\"path ... appears multiple times in workspace\"), or two directories whose go.mod declare the same module path (\"module ... appears multiple times in workspace\"): the go command refuses the workspace.",
		Example: "use (\n\t./a\n\t./a/\n)\n\n" +
			"go.work:3:2: error: path /home/me/ws/a appears multiple times in workspace (also on line 2 of go.work): the go command refuses go.work [workspace-duplicate]",
		Fix: "Remove one of the use lines (the quick fix removes the later one), or give the module its own path.",
	})
	CodeWorkGoTooOld = newCode(Code{
		Name:     "work-go-too-old",
		Severity: Error,
		Summary:  "A module of the workspace has a go line (1.21 or later) newer than go.work's: the go command stops with \"module ... listed in go.work file requires go >= X, but go.work lists go Y\".",
		Example: "go 1.22\nuse ./svc\n\n" +
			"go.work:1:1: error: module svc listed in go.work file requires go >= 1.23, but go.work lists go 1.22; to update it: go work use [work-go-too-old]",
		Fix: "Raise go.work's go line to the highest go line of its modules (the quick fix; `go work use` does the same).",
	})
	CodeOutsideWorkspace = newCode(Code{
		Name:     "outside-workspace",
		Severity: Error,
		Summary:  "A go.work above the module (or the one GOWORK names) does not use it: the go command refuses to build there (\"current directory is contained in a module that is not one of the workspace modules listed in go.work\").",
		Example: "module example.com/m\n\n" +
			"go.mod:1:1: error: current directory is contained in a module that is not one of the workspace modules listed in go.work. You can add the module to the workspace using: go work use . (go.work: ../go.work; or set GOWORK=off to build the module on its own) [outside-workspace]",
		Fix: "Run `go work use .` in the module (the quick fix), or build with GOWORK=off.",
	})
	CodeReplaceMainModule = newCode(Code{
		Name:     "replace-main-module",
		Severity: Error,
		Summary:  "go.work replaces a module of the workspace at all versions: the go command refuses the workspace.",
		Example: "use ./a\nreplace example.com/a => ../fork\n\n" +
			"go.work:2:1: error: workspace module example.com/a is replaced at all versions in the go.work file. To fix, remove the replacement from the go.work file or specify the version at which to replace the module. [replace-main-module]",
		Fix: "Remove the replace (the quick fix), or give it the version to replace.",
	})
)

// The codes of the vulnerability checks (analyzer vulns).
var (
	CodeVulnerableVersion = newCode(Code{
		Name:     "vulnerable-version",
		Severity: Warning,
		Summary:  "A required module version (or a replacement's) has a known vulnerability in the Go vulnerability database. The finding is module-level: whether your code calls the vulnerable code is not checked.",
		Example: "require golang.org/x/text v0.3.6\n\n" +
			"go.mod:1:27: warning: golang.org/x/text@v0.3.6 has a known vulnerability: GO-2021-0113 (CVE-2021-38561, GHSA-ppp9-7jff-5vj2): Out-of-bounds read in golang.org/x/text/language; in package golang.org/x/text/language; fixed in v0.3.7; module-level finding: whether your code calls it is not checked (govulncheck does); https://pkg.go.dev/vuln/GO-2021-0113 [vulnerable-version]",
		Fix: "Upgrade. The quick fix changes the version to the lowest one of the same major that fixes every known vulnerability of the module and is not retracted; a source action does so for every vulnerable require; run `go mod tidy` afterwards. Another quick fix runs govulncheck, which tells whether your code reaches the vulnerable symbols. gomodls.vulncheck turns the check off, gomodls.vulncheckDirectOnly limits it to direct requires, gomodls.severity changes its severity.",
	})
	CodeVulnerableToolchain = newCode(Code{
		Name:     "vulnerable-toolchain",
		Severity: Warning,
		Summary:  "The Go release the go command runs for this module here (the local toolchain, or the one the go and toolchain lines make it switch to) has known vulnerabilities in its standard library or in the go command. One diagnostic lists them all.",
		Example: "go 1.26\n\n" +
			"go.mod:1:4: warning: go1.26.8 (the local toolchain), which the go command runs for this go.mod, has 4 known vulnerabilities in the standard library or the go command: GO-2026-6599 (html/template), GO-2026-6603 (net/http, net/http/internal/http2), GO-2026-6611 (net/http, net/http/internal/http2), GO-2026-6602 (cmd/go); go1.26.9 fixes them all; module-level finding: whether your code calls them is not checked (govulncheck does) [vulnerable-toolchain]",
		Fix: "Install a newer Go release. With GOTOOLCHAIN=auto (the default) the quick fix adds or raises the toolchain line to a release that fixes them all, and the go command downloads it. Programs built with a vulnerable standard library carry its vulnerabilities.",
	})
	CodeVulnDBUnavailable = newCode(Code{
		Name:      "vulndb-unavailable",
		Transient: true,
		Severity:  Warning,
		Summary:   "The Go vulnerability database (GOVULNDB, default https://vuln.go.dev) could not be read: known vulnerabilities were not checked, or were checked against an older cached copy, whose age the message gives.",
		Example: "module example.com/m\n\n" +
			"go.mod:1:1: warning: known vulnerabilities not checked: vulnerability database: reading https://vuln.go.dev/index/db.json.gz: dial tcp: lookup vuln.go.dev: no such host [vulndb-unavailable]",
		Fix: "Check the network, the proxy settings (HTTPS_PROXY) and GOVULNDB (an https://, http:// or file:// mirror in the layout of https://go.dev/security/vuln/database). gomodls keeps the last copy it read in its cache directory and uses it when the database cannot be reached.",
	})
	CodeModulesDisabled = newCode(Code{
		Name:     "modules-disabled",
		Severity: Error,
		Summary:  "GO111MODULE is off (or not one of on, off, auto): the go command ignores go.mod, and every module command fails.",
		Example: "GO111MODULE=off\n\n" +
			"go.mod:1:1: error: GO111MODULE=\"off\" (GOENV file /home/u/.config/go/env:1): the go command ignores this go.mod: go mod tidy, go mod download and go get fail with \"modules disabled by GO111MODULE=off\", go list -m with \"list -m cannot be used with GO111MODULE=off\", and go build looks for imports in GOROOT and GOPATH only; remove it with `go env -u GO111MODULE` [modules-disabled]",
		Fix: "Unset GO111MODULE: the quick fix runs `go env -u GO111MODULE` when the go env -w file sets it (`go env -w` over $GOROOT/go.env; the gomodls.env setting when that sets it); a variable of the process environment must be unset where it is set. Module mode is the default since Go 1.16.",
	})
	CodeGoFlagsInvalid = newCode(Code{
		Name:     "goflags-invalid",
		Severity: Error,
		Summary:  "GOFLAGS holds something the go command refuses (a word that is not a flag, a flag no go command has, an unbalanced quote, a -mod or -modfile it rejects), or a -modfile that makes the go command read another file than this go.mod (a warning).",
		Example: "GOFLAGS=-mod=mod bogus\n\n" +
			"go.mod:1:1: error: GOFLAGS=\"-mod=mod bogus\" (GOENV file /home/u/.config/go/env:1): every go command except go env fails (go: parsing $GOFLAGS: non-flag \"bogus\"); corrected: GOFLAGS=\"-mod=mod\"; set it with `go env -w GOFLAGS=-mod=mod` [goflags-invalid]",
		Fix: "Correct GOFLAGS: each word must be a flag of some go command, written -flag or -flag=value (quote a value with spaces: '-ldflags=-s -w'). The quick fix writes the corrected value where GOFLAGS is set (go env -w, or the gomodls.env setting). Unknown flags are found by asking the local go command (`go version` parses GOFLAGS first), so they follow its version.",
	})
	CodeGoSumDBInvalid = newCode(Code{
		Name:     "gosumdb-invalid",
		Severity: Error,
		Summary:  "GOSUMDB cannot be parsed, so the go command fails whenever it must verify a go.sum line it does not have yet: an error when go.sum lacks one now, else a warning.",
		Example: "GOSUMDB=sum.example.com+bad\nrequire golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:1: error: GOSUMDB=\"sum.example.com+bad\" (GOENV file /home/u/.config/go/env:1): invalid GOSUMDB: malformed verifier id; there is no go.sum to hold golang.org/x/text v0.20.0/go.mod, so go mod tidy and go mod download fail with \"golang.org/x/text@v0.20.0: verifying go.mod: invalid GOSUMDB: malformed verifier id\"; remove it with `go env -u GOSUMDB` [gosumdb-invalid]",
		Fix: "Unset GOSUMDB (the default sum.golang.org then applies), or write a valid verifier key (name+hash+key, optionally followed by a URL). The quick fix runs `go env -u GOSUMDB` when the go env -w file sets it.",
	})
	CodeLookupDisabled = newCode(Code{
		Name:      "lookup-disabled",
		Transient: true,
		Severity:  Error,
		Summary:   "The go command may not look the module version up (GOPROXY=off, or a GOPROXY it cannot parse) and the module cache does not hold its go.mod (or the go.mod of a module the graph needs through it).",
		Example: "GOPROXY=off\nrequire golang.org/x/text v0.20.0\n\n" +
			"go.mod:5:9: error: golang.org/x/text@v0.20.0: module lookup disabled by GOPROXY=off, and the module cache (/home/u/go/pkg/mod) does not hold its go.mod: go build, go list and go mod tidy fail; fill the cache while a proxy is reachable (go mod download); or let the go command download: remove it with `go env -u GOPROXY` [lookup-disabled]",
		Fix: "Fill the module cache while a proxy is reachable (`go mod download` with a working GOPROXY; the cache is shared by every module on the machine), vendor the dependencies (`go mod vendor`, then -mod=vendor needs no cache), or let the go command download. The quick fix removes GOPROXY=off from the go env -w file when it is set there. A module whose source is missing while its go.mod is cached is a warning: go build fails only if it builds packages of it.",
	})
	CodeGodebugInvalid = newCode(Code{
		Name:     "godebug-invalid",
		Severity: Error,
		Summary:  "A godebug line names a setting the toolchain that runs does not know (or has removed), or a default=go1.X it cannot honour: the go command refuses to load the file.",
		Example: "godebug panicnill=1\n\n" +
			"go.mod:1:9: error: unknown godebug \"panicnill\": go1.26.8 does not know it (its settings are listed in /usr/local/go/src/internal/godebugs/table.go), so every go command fails to load go.mod; did you mean panicnil? [godebug-invalid]",
		Fix: "Correct the key (the quick fix offers the nearest known setting) or delete the line. The known settings are read from the local toolchain's own table ($GOROOT/src/internal/godebugs/table.go), so they follow its version; see https://go.dev/doc/godebug. Values are not checked by the go command, except default=, which must be go1.X no newer than the toolchain.",
	})
	CodeToolchainInvalid = newCode(Code{
		Name:     "toolchain-invalid",
		Severity: Error,
		Summary:  "GOTOOLCHAIN or the toolchain line is one the go command refuses, or the toolchain line of go.mod is one it drops (toolchain default, older than go1.21, or the same as the go line), so builds stop with \"updates to go.mod needed\".",
		Example: "toolchain default\n\n" +
			"go.mod:5:11: error: toolchain default: the go command drops this line (toolchain default is only for go get and go env; in go.mod it says nothing), so go build, go list and go test fail with \"updates to go.mod needed\" until go mod tidy removes it [toolchain-invalid]",
		Fix: "Delete the toolchain line (the quick fix; `go mod tidy` does the same), or name a toolchain newer than the go line (toolchain go1.22.3). Correct an invalid GOTOOLCHAIN: local, auto, path, or a toolchain name (go1.22.3) optionally followed by +auto or +path.",
	})
	CodeToolchainUnavailable = newCode(Code{
		Name:      "toolchain-unavailable",
		Transient: true,
		Severity:  Error,
		Summary:   "The go or toolchain line makes the go command switch to a newer toolchain (GOTOOLCHAIN=auto), which it would download as golang.org/toolchain through the GOPROXY chain, and the chain does not serve it for this platform.",
		Example: "toolchain go1.99.0\n\n" +
			"go.mod:5:11: error: the toolchain line asks for go1.99.0 (running go 1.26.8; GOTOOLCHAIN=auto): the go command would download golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64, which https://proxy.golang.org does not serve (404 Not Found): it fails with \"download go1.99.0 for linux/amd64: toolchain not available\" [toolchain-unavailable]",
		Fix: "Name a toolchain the proxy serves (the quick fixes offer the nearest ones that satisfy the go line), delete the toolchain line when the local Go satisfies the go line, install the toolchain on PATH (go install golang.org/dl/go1.99.0@latest), or set GOTOOLCHAIN=local to stay on the local Go.",
	})
)
