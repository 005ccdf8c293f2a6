// Copyright 2026 The gomodls Authors.

package engine

import "github.com/gomodls/gomodls/analyzers"

// announceFailures shows one message per kind of proxy failure when it
// first appears (not for every line and every check), and forgets it when
// a check sees no such failure.
func (ss *Session) announceFailures(diags []analyzers.Diagnostic) {
	counts := map[*analyzers.Code]int{}
	first := map[*analyzers.Code]string{}
	for _, d := range diags {
		switch d.Code {
		case analyzers.CodeProxyUnreachable, analyzers.CodeProxyAuthRequired, analyzers.CodeProxyError, analyzers.CodeSumDBMisbehavior:
			counts[d.Code]++
			if _, ok := first[d.Code]; !ok {
				first[d.Code] = d.Message
			}
		}
	}
	ss.mu.Lock()
	var show []Announcement
	for _, c := range []*analyzers.Code{analyzers.CodeProxyUnreachable, analyzers.CodeProxyAuthRequired, analyzers.CodeProxyError, analyzers.CodeSumDBMisbehavior} {
		if counts[c] == 0 {
			delete(ss.announced, c.Name)
			continue
		}
		if ss.announced[c.Name] {
			continue
		}
		ss.announced[c.Name] = true
		show = append(show, Announcement{Code: c, Count: counts[c], Example: first[c]})
	}
	ss.mu.Unlock()
	if len(show) > 0 {
		ss.client.Announce(show)
	}
}

// forgetFailures drops cached negative answers of every folder's module
// source, so the next check asks the proxies again.
func (ss *Session) forgetFailures() {
	for _, f := range ss.allFolders() {
		f.mu.Lock()
		src := f.source
		f.mu.Unlock()
		if c, ok := src.(interface{ Invalidate() }); ok {
			c.Invalidate()
		}
	}
}
