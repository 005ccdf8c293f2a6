// Copyright 2026 The gomodls Authors.

package goenv

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gomodls/gomodls/internal/redact"
)

// Report is what `gomodls env` prints: effective values with their origins,
// the parsed GOPROXY chain and GOSUMDB, and the findings. URLs in it are
// redacted (no passwords).
type Report struct {
	GoCommand  string       `json:"goCommand,omitempty"` // the go binary, if `go env` answered
	GoError    string       `json:"goError,omitempty"`   // why `go env` was not used
	EnvFile    string       `json:"envFile,omitempty"`
	EnvFileOff bool         `json:"envFileOff,omitempty"`
	Values     []Value      `json:"values"`
	Proxies    []ProxyEntry `json:"proxies,omitempty"`
	ProxyError string       `json:"proxyError,omitempty"`
	SumDB      *SumDBConfig `json:"sumdb,omitempty"`
	SumDBError string       `json:"sumdbError,omitempty"`
	Offline    bool         `json:"offline,omitempty"`
	Findings   []Finding    `json:"findings"`
}

// urlVars hold URLs that may carry credentials.
var urlVars = map[string]bool{"GOPROXY": true, "GOSUMDB": true}

// Report builds the `gomodls env` report.
func (e *Env) Report() Report {
	r := Report{Values: e.All(), Offline: e.Offline(), Findings: e.Findings()}
	if e.goRan {
		r.GoCommand = e.goBin
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if e.goErr != nil {
		r.GoError = e.goErr.Error()
	}
	r.EnvFile, r.EnvFileOff = e.EnvFile()
	for i, v := range r.Values {
		if urlVars[v.Name] {
			r.Values[i].Value = redactList(v.Value)
		}
	}
	if chain, err := e.ProxyChain(); err != nil {
		r.ProxyError = err.Error()
	} else {
		for _, p := range chain {
			p.URL = p.Redacted()
			r.Proxies = append(r.Proxies, p)
		}
	}
	if db, err := e.SumDB(); err != nil {
		r.SumDBError = err.Error()
	} else {
		db.URL = redact.String(db.URL)
		r.SumDB = &db
	}
	return r
}

// redactList redacts passwords in every URL of a GOPROXY/GOSUMDB value,
// keeping the separators.
func redactList(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' || s[i] == '|' || s[i] == ' ' {
			if tok := s[start:i]; tok != "" {
				b.WriteString(redact.String(tok))
			}
			if i < len(s) {
				b.WriteByte(s[i])
			}
			start = i + 1
		}
	}
	return b.String()
}

// WriteText writes the report for humans.
func (r Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	for _, v := range r.Values {
		origin := string(v.Origin)
		if v.File != "" {
			origin += " " + v.File
			if v.Line > 0 {
				origin += fmt.Sprintf(":%d", v.Line)
			}
		}
		if v.Note != "" {
			origin += " (" + v.Note + ")"
		}
		fmt.Fprintf(tw, "%s=%s\t# %s\n", v.Name, quoteIfNeeded(v.Value), origin)
	}
	tw.Flush()
	fmt.Fprintln(ew)
	switch {
	case r.GoError != "":
		fmt.Fprintf(ew, "go env: not used: %s (values read from the files directly)\n", r.GoError)
	case r.GoCommand != "":
		fmt.Fprintf(ew, "go env: values confirmed by %s\n", r.GoCommand)
	default:
		fmt.Fprintln(ew, "go env: not run (values read from the files directly)")
	}

	fmt.Fprintln(ew, "\nProxy chain (GOPROXY):")
	if r.ProxyError != "" {
		fmt.Fprintf(ew, "  error: %s\n", r.ProxyError)
	}
	for i, p := range r.Proxies {
		desc := p.URL
		switch p.URL {
		case ProxyNoProxy:
			desc = "noproxy (modules matching GONOPROXY are fetched directly)"
		case ProxyDirect:
			desc = "direct (fetch from version control)"
		case ProxyOff:
			desc = "off (downloads disallowed)"
		}
		next := ""
		if i < len(r.Proxies)-1 && p.URL != ProxyNoProxy {
			if p.FallBackOnAnyError {
				next = "  | on any error try the next"
			} else {
				next = "  , on 404/410 try the next"
			}
		}
		fmt.Fprintf(ew, "  %d. %s%s\n", i+1, desc, next)
	}
	if r.Offline {
		fmt.Fprintln(ew, "  (offline: GOPROXY=off or -mod=vendor in GOFLAGS)")
	}

	fmt.Fprintln(ew, "\nChecksum database (GOSUMDB):")
	switch {
	case r.SumDBError != "":
		fmt.Fprintf(ew, "  error: %s\n", r.SumDBError)
	case r.SumDB.Off:
		fmt.Fprintln(ew, "  off (go.sum lines are not verified)")
	default:
		fmt.Fprintf(ew, "  name: %s\n  key:  %s\n", r.SumDB.Name, r.SumDB.Key)
		if r.SumDB.URL != "" {
			fmt.Fprintf(ew, "  url:  %s\n", r.SumDB.URL)
		} else {
			fmt.Fprintf(ew, "  url:  via each proxy's /sumdb/%s/supported, else %s\n", r.SumDB.Name, r.SumDB.DirectURL())
		}
	}

	fmt.Fprintln(ew, "\nFindings:")
	if len(r.Findings) == 0 {
		fmt.Fprintln(ew, "  none")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(ew, "  %s\n", f)
	}
	return ew.err
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t'\"\\$`") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
