// Copyright 2026 The gomodls Authors.
// FormatDetail is cmd/go/internal/web's formatErrorDetail, Copyright The
// Go Authors, BSD-style license.

package modsource

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What the implementations of the contract share when they build an
// Error: the form of ServerText, and the error of a caller's context that
// ended.

// Limits of the kept server text (cmd/go/internal/web).
const (
	MaxDetailLines = 8
	MaxDetailBytes = MaxDetailLines * 81
)

// FormatDetail is the form of Error.ServerText: the first lines of s, up
// to a blank one, at most MaxDetailLines of them and MaxDetailBytes in
// all, the lines after the first indented by a tab; "" if s is not valid
// UTF-8 or holds control characters (no terminal tricks).
func FormatDetail(s string) string {
	if !utf8.ValidString(s) {
		return ""
	}
	for _, r := range s {
		if !unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return "" // no terminal tricks
		}
	}
	var detail strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			break
		}
		if i > 0 {
			detail.WriteString("\n\t")
		}
		if i >= MaxDetailLines {
			detail.WriteString("[Truncated: too many lines.]")
			break
		}
		if detail.Len()+len(line) > MaxDetailBytes {
			detail.WriteString("[Truncated: too long.]")
			break
		}
		detail.WriteString(line)
	}
	return detail.String()
}

// ContextError is the error of op, asked of proxy, when ctx is done:
// Canceled if it was canceled, else Unreachable (its deadline passed
// first).
func ContextError(ctx context.Context, proxy, op string) *Error {
	err := context.Cause(ctx)
	if errors.Is(ctx.Err(), context.Canceled) {
		return &Error{Kind: Canceled, Proxy: proxy, Op: op, Err: err}
	}
	return &Error{Kind: Unreachable, Proxy: proxy, Op: op, Err: fmt.Errorf("no answer before the deadline: %w", err)}
}
