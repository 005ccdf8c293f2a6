package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"

	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/inputs"
	"github.com/gomodls/gomodls/internal/report"
	"github.com/gomodls/gomodls/internal/settings"
)

const checkUsage = `usage: gomodls check [flags] [PATH ...]

Check go.mod, go.sum, go.work and go.work.sum files. PATH is a directory
(default ".") or a file in it; PATH/... checks every module and workspace
below PATH, skipping vendor, testdata and hidden directories. Findings are
printed as "file:line:col: severity: message [code]". The exit status is 1
if any finding is an error, 2 if the check could not run.

With -fix, the go.sum lines that go build, go test and go list -m all
need and go.sum lacks are added first (and reported on standard error),
creating go.sum if there is none: only hashes verified by the checksum
database, or, for modules GOSUMDB=off or GONOSUMDB/GOPRIVATE keep from it,
hashes of what the GOPROXY chain serves. Existing lines are never changed:
a checksum mismatch needs a human.

With -verify, the zip of every module version go.sum has a zip line for
is hashed too (the module cache's, or one downloaded through the GOPROXY
chain), so that a tampered hash is found even under GOSUMDB=off or
GONOSUMDB, and the module cache's copies are hashed as go mod verify does
(modcache-modified). It downloads modules; nothing else does.

A check repeats the previous identical check's findings (saying so on
standard error) when no file it read, listed or looked for has changed,
nothing in the environment has, and none of its network answers is older
than listTTL (default 1h); a check that found errors is never repeated.
-cache=false always checks anew.

-settings FILE reads the same JSON object of settings that the editors send
(docs/settings.md: severity, disable, publicProxies, upgrades, ...); the
flags below override it.

Flags:
`

func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gomodls check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, checkUsage); fs.PrintDefaults() }
	format := fs.String("format", "text", "output `format`: text, json or sarif")
	offline := fs.Bool("offline", false, "answer network checks from caches only")
	network := fs.Bool("network", true, "run the checks that consult proxies and the checksum database")
	timeout := fs.Duration("timeout", settings.Default().CheckDeadline.D(), "give up after this long")
	requestTimeout := fs.Duration("request-timeout", settings.Default().RequestTimeout.D(), "timeout of connecting to a proxy; a connected request without an answer by then is slow, not failed")
	proxyDeadline := fs.Duration("proxy-deadline", settings.Default().ProxyDeadline.D(), "how long a slow proxy is waited for before it is reported unreachable (the go command waits forever)")
	concurrency := fs.Int("concurrency", settings.Default().Concurrency, "most requests in flight to one proxy host (adapted to the host within it)")
	settingsFile := fs.String("settings", "", "read gomodls settings (a JSON object, as in docs/settings.md) from `file`")
	vulncheck := fs.Bool("vulncheck", true, "report known vulnerabilities from the Go vulnerability database (GOVULNDB, default https://vuln.go.dev)")
	severity := severityFlag{}
	fs.Var(severity, "severity", "`code=level`: report a code at another severity (error, warning, info, hint), e.g. vulnerable-version=error to fail on known vulnerabilities; repeatable, over the settings file's")
	fix := fs.Bool("fix", false, "add the go.sum lines go build, go test and go list -m all need, verified by the checksum database (or hashed from the proxy under GOSUMDB=off/GONOSUMDB); never changes existing lines")
	verify := fs.Bool("verify", false, "hash the zip of every module go.sum lists (downloading it through GOPROXY if needed) and the module cache's copies, as go mod verify does")
	useCache := fs.Bool("cache", true, "repeat the previous identical check's findings when no file it read has changed and none of its network answers is older than listTTL (checks with errors are never repeated)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the check to `file` (for gomodls' developers)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "gomodls check: -cpuprofile: %v\n", err)
			return 2
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(stderr, "gomodls check: unknown -format %q (want text, json or sarif)\n", *format)
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "gomodls check: %v\n", err)
		return 2
	}
	set := settings.Default()
	if *settingsFile != "" {
		raw, err := os.ReadFile(*settingsFile)
		if err != nil {
			fmt.Fprintf(stderr, "gomodls check: -settings: %v\n", err)
			return 2
		}
		var problems []string
		set, problems = settings.Decode(set, raw)
		for _, p := range problems {
			fmt.Fprintf(stderr, "gomodls check: %s: %s\n", *settingsFile, p)
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "offline":
			set.Offline = *offline
		case "network":
			set.Network = *network
		case "concurrency":
			set.Concurrency = *concurrency
		case "request-timeout":
			set.RequestTimeout = settings.Duration(*requestTimeout)
		case "proxy-deadline":
			set.ProxyDeadline = settings.Duration(*proxyDeadline)
		case "timeout":
			set.CheckDeadline = settings.Duration(*timeout)
		case "vulncheck":
			set.Vulncheck = *vulncheck
		case "severity":
			if set.Severity == nil {
				set.Severity = map[string]string{}
			}
			for code, level := range severity {
				set.Severity[code] = level
			}
		case "verify":
			set.VerifyZips = *verify
		}
	})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, set.CheckDeadline.D())
	defer cancel()

	cacheDir, _ := engine.DefaultCacheDir()
	envOpts := goenv.Options{Dir: cwd, LocalToolchain: true}
	if cacheDir != "" {
		// A warm check must not pay for `go env`; the cache is keyed by
		// everything its answer depends on.
		envOpts.CacheFile = filepath.Join(cacheDir, "goenv.json")
	}
	env, err := goenv.Load(ctx, envOpts)
	if err != nil {
		fmt.Fprintf(stderr, "gomodls check: computing the Go environment: %v\n", err)
		return 2
	}
	if *fix && !set.Network {
		fmt.Fprintln(stderr, "gomodls check: -fix needs the network checks (it looks go.sum hashes up); drop -network=false")
		return 2
	}
	if set.VerifyZips && !set.Network {
		fmt.Fprintln(stderr, "gomodls check: -verify needs the network checks (it downloads and hashes module zips); drop -network=false")
		return 2
	}
	// A warm check repeats the previous identical one when nothing it
	// depended on changed (replay.go).
	start := replayNow()
	lastReplayed = false
	var key string
	var rec *inputs.Recorder
	if *useCache && !*fix && !set.VerifyZips && !set.Offline && !env.Offline() && cacheDir != "" {
		if k, err := replayKey(args, cwd, set, env); err == nil {
			if exit, ok := replay(cacheDir, k, stdout, stderr); ok {
				lastReplayed = true
				return exit
			}
			key, rec = k, inputs.Start()
			defer rec.Stop()
		}
	}
	srcs, err := engine.OpenSources(engine.SourceOptions{Env: env, Settings: set, CacheDir: cacheDir})
	if err != nil {
		fmt.Fprintf(stderr, "gomodls check: %v\n", err)
		return 2
	}
	src, sums, vulns := srcs.Modules, srcs.Sums, srcs.Vulns
	results, err := checker.CheckPaths(ctx, fs.Args(), checker.TreeOptions{Env: env, Settings: set, Source: src, Vulns: vulns})
	if err != nil {
		fmt.Fprintf(stderr, "gomodls check: %v\n", err)
		return 2
	}
	if *fix {
		n, err := fixSums(ctx, results, sums, cwd, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "gomodls check: -fix: %v\n", err)
			return 2
		}
		if n > 0 {
			// Report what is left.
			results, err = checker.CheckPaths(ctx, fs.Args(), checker.TreeOptions{Env: env, Settings: set, Source: src, Vulns: vulns})
			if err != nil {
				fmt.Fprintf(stderr, "gomodls check: %v\n", err)
				return 2
			}
		}
	}
	findings := report.Findings(results, cwd)
	var failures []string
	for _, r := range results {
		for _, f := range r.Failures {
			failures = append(failures, f.Error())
			fmt.Fprintf(stderr, "gomodls check: internal error: %s\n", f.Error())
		}
	}
	var out bytes.Buffer
	switch *format {
	case "json":
		err = report.JSON(&out, findings, failures)
	case "sarif":
		err = report.SARIF(&out, findings, version())
	default:
		err = report.Text(&out, findings)
	}
	if err == nil {
		_, err = stdout.Write(out.Bytes())
	}
	if err != nil {
		fmt.Fprintf(stderr, "gomodls check: writing output: %v\n", err)
		return 2
	}
	exit := 0
	switch {
	case len(failures) > 0:
		exit = 2
	case report.Errors(findings) > 0:
		exit = 1
	}
	if rec != nil {
		rec.Stop()
		keep(cacheDir, key, start, set.ListTTL.D(), rec, findings, failures, out.Bytes(), exit)
	}
	return exit
}
