// Copyright 2026 The gomodls Authors.

package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomodls/gomodls/analyzers"
)

// severityFlag collects -severity code=level flags into the severity
// setting: CI can make a warning (vulnerable-version, say) fail the check.
type severityFlag map[string]string

func (f severityFlag) String() string {
	var list []string
	for k, v := range f {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return strings.Join(list, ",")
}

func (f severityFlag) Set(s string) error {
	code, level, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want code=level, e.g. vulnerable-version=error")
	}
	if _, known := analyzers.LookupCode(code); !known {
		return fmt.Errorf("unknown diagnostic code %q (see docs/diagnostics.md)", code)
	}
	if _, ok := analyzers.ParseSeverity(level); !ok {
		return fmt.Errorf("severity %q is not error, warning, info or hint", level)
	}
	f[code] = level
	return nil
}
