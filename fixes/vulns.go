// Copyright 2026 The gomodls Authors.

package fixes

// CmdGovulncheck runs govulncheck (when installed) on the module in a
// directory: args {"dir": "/abs/dir"} or {"uri": "file:///abs/dir/go.mod"},
// and optionally "scan": "symbol" (default), "package" or "module".
const CmdGovulncheck = "gomodls.govulncheck"

// Govulncheck returns a command fix that runs govulncheck in dir, to learn
// whether the code reaches the vulnerable symbols a module-level finding
// names.
func Govulncheck(dir string) Fix {
	return Fix{
		Title:   "Run govulncheck: does the code call it?",
		Command: &Command{Title: "Run govulncheck", Name: CmdGovulncheck, Args: []any{map[string]string{"dir": dir}}},
	}
}
