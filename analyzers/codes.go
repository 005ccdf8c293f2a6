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
		Name:     "unknown-version",
		Severity: Error,
		Summary:  "The module exists, but the required version does not (the proxy answered 404/410 for it and it is not in the version list).",
		Example: "require golang.org/x/text v0.99.0\n\n" +
			"go.mod:1:27: error: golang.org/x/text@v0.99.0: version does not exist (reading https://proxy.golang.org/golang.org/x/text/@v/v0.99.0.info: 404 Not Found); latest is v0.21.0 [unknown-version]",
		Fix: "Pick an existing version. The quick fixes change it to the nearest existing version in the same major, or to the latest.",
	})
	CodeUnknownModule = newCode(Code{
		Name:     "unknown-module",
		Severity: Error,
		Summary:  "No proxy in the GOPROXY chain knows the module at all.",
		Example: "require github.com/acme/nonexistent v1.0.0\n\n" +
			"go.mod:1:9: error: github.com/acme/nonexistent: module not found by any proxy (proxy.golang.org: 404 Not Found) [unknown-module]",
		Fix: "Check the path for typos and case (module paths are case-sensitive). If the module is private, see private-module-not-configured.",
	})
	CodeProxyUnreachable = newCode(Code{
		Name:     "proxy-unreachable",
		Severity: Error,
		Summary:  "A proxy in the chain could not be reached: DNS failure, connection refused or reset, TLS failure, or no answer within the deadline.",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:9: error: proxy https://goproxy.corp.example unreachable: dial tcp: lookup goproxy.corp.example: no such host [proxy-unreachable]",
		Fix: "Check VPN, DNS, HTTPS_PROXY and the GOPROXY value. The go command has no timeout and would hang; gomodls gives up after the configured deadline.",
	})
	CodeProxyAuthRequired = newCode(Code{
		Name:     "proxy-auth-required",
		Severity: Error,
		Summary:  "A proxy answered 401, or 403 with an authentication challenge or after credentials were sent.",
		Example: "require git.corp.example/lib v1.0.0\n\n" +
			"go.mod:1:9: error: proxy https://goproxy.corp.example requires credentials (401 Unauthorized); configure GOAUTH or ~/.netrc [proxy-auth-required]",
		Fix: "Add a `machine <host> login <user> password <token>` entry to ~/.netrc (or $NETRC), or configure GOAUTH. Credentials are only sent over https.",
	})
	CodeProxyError = newCode(Code{
		Name:     "proxy-error",
		Severity: Error,
		Summary:  "A proxy failed in another way: 5xx, an unexpected 4xx, a malformed or oversized response, a redirect loop, or an .info for the wrong version.",
		Example: "require golang.org/x/text v0.20.0\n\n" +
			"go.mod:1:9: error: proxy https://goproxy.corp.example: reading .../@v/v0.20.0.info: 502 Bad Gateway [proxy-error]",
		Fix: "Retry later or fix the proxy; the server's own text is included in the message. With `|` between proxies the go command falls through to the next one on any error, with `,` only on 404/410.",
	})
	CodeModuleNotServed = newCode(Code{
		Name:     "module-not-served",
		Severity: Error,
		Summary:  "A proxy refuses to serve the module or version (403/400 \"not available\", \"not permitted\") although it may exist; typical of filtered corporate mirrors (Artifactory, Nexus).",
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
		Name:     "sumdb-misbehavior",
		Severity: Error,
		Summary:  "The checksum database served a tree inconsistent with the one gomodls saw before (a forked log): the database, or a proxy or network in between, is misbehaving, and nothing it says can be trusted. The go command stops with \"SECURITY ERROR go.sum database server misbehavior detected\".",
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
)
