package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is the outcome of one run.
type Report struct {
	Date      string        `json:"date"`
	Gomodls   string        `json:"gomodls"` // checkout and revision
	GoVersion string        `json:"goVersion"`
	GOPROXY   string        `json:"GOPROXY"`
	GOSUMDB   string        `json:"GOSUMDB"`
	GOFLAGS   string        `json:"GOFLAGS"`
	Jobs      int           `json:"jobs"`
	Wall      time.Duration `json:"wallNs"`
	Files     []*FileReport `json:"files"`
}

// FileReport is one go.mod's row and details.
type FileReport struct {
	Name        string        `json:"name"`
	Input       string        `json:"input"`
	Module      string        `json:"module,omitempty"`
	HasSum      bool          `json:"hasSum"`
	Error       string        `json:"error,omitempty"` // the check could not run
	Notes       []string      `json:"notes,omitempty"`
	GomodlsExit int           `json:"gomodlsExit"`
	GomodlsWall time.Duration `json:"gomodlsWallNs"`
	GoWall      time.Duration `json:"goWallNs"`
	Wall        time.Duration `json:"wallNs"`
	*Comparison
}

// Summary is a one-line account for progress output.
func (fr *FileReport) Summary() string {
	if fr.Error != "" {
		return "ERROR " + firstLine(fr.Error)
	}
	c := fr.Comparison
	return fmt.Sprintf("%d requires, go fails on %d lines, both fail %d, false errors %d, misses %d, wrong causes %d (gomodls %v, go %v)",
		c.Requires, c.GoFailLines, c.BothFail, c.FalseErrors, c.Misses, c.WrongCauses, fr.GomodlsWall.Round(100*time.Millisecond), fr.GoWall.Round(time.Second))
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteMarkdown writes the results table, then every disagreement with
// both verdicts side by side.
func WriteMarkdown(w io.Writer, rep *Report) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "# gomodls vs the go command\n\n")
	fmt.Fprintf(b, "%s; gomodls %s; %s; GOPROXY=%s GOSUMDB=%s GOFLAGS=%s; %d files, -j %d, %v.\n\n",
		rep.Date, rep.Gomodls, rep.GoVersion, rep.GOPROXY, rep.GOSUMDB, rep.GOFLAGS, len(rep.Files), rep.Jobs, rep.Wall.Round(time.Second))
	b.WriteString("| file | requires | go fails (lines) | both fail | false errors | misses | wrong causes | go fails on no line | gomodls warnings / infos / hints | gomodls | go |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var tot Comparison
	for _, fr := range rep.Files {
		if fr == nil {
			continue
		}
		if fr.Error != "" {
			fmt.Fprintf(b, "| %s | could not run: %s |||||||||\n", fr.Name, mdCell(firstLine(fr.Error)))
			continue
		}
		c := fr.Comparison
		sum := ""
		if !fr.HasSum {
			sum = " (no go.sum)"
		}
		fmt.Fprintf(b, "| %s%s | %d | %d | %d | %s | %s | %s | %d | %d / %d / %d | %s | %s |\n", fr.Name, sum, c.Requires, c.GoFailLines, c.BothFail,
			bold(c.FalseErrors), bold(c.Misses), bold(c.WrongCauses), c.Unattributed, c.Warnings, c.Infos, c.Hints,
			fr.GomodlsWall.Round(100*time.Millisecond), fr.GoWall.Round(time.Second))
		tot.Requires += c.Requires
		tot.GoFailLines += c.GoFailLines
		tot.BothFail += c.BothFail
		tot.FalseErrors += c.FalseErrors
		tot.Misses += c.Misses
		tot.WrongCauses += c.WrongCauses
		tot.Unattributed += c.Unattributed
		tot.Warnings += c.Warnings
		tot.Infos += c.Infos
		tot.Hints += c.Hints
	}
	fmt.Fprintf(b, "| **total** | %d | %d | %d | %d | %d | %d | %d | %d / %d / %d | | |\n\n", tot.Requires, tot.GoFailLines, tot.BothFail,
		tot.FalseErrors, tot.Misses, tot.WrongCauses, tot.Unattributed, tot.Warnings, tot.Infos, tot.Hints)

	// Disagreements by gomodls code, for triage.
	byCode := map[string]map[string]int{}
	for _, fr := range rep.Files {
		if fr == nil || fr.Comparison == nil {
			continue
		}
		for _, d := range fr.Disagreements {
			codes := d.Codes
			if len(codes) == 0 {
				codes = []string{"(none)"}
			}
			for _, code := range codes {
				if byCode[code] == nil {
					byCode[code] = map[string]int{}
				}
				byCode[code][d.Kind]++
			}
		}
	}
	if len(byCode) > 0 {
		b.WriteString("Disagreements by gomodls code (\"(none)\": gomodls had no error):\n\n| code | false errors | misses | wrong causes |\n|---|--:|--:|--:|\n")
		for _, code := range slices.Sorted(maps.Keys(byCode)) {
			k := byCode[code]
			fmt.Fprintf(b, "| %s | %d | %d | %d |\n", code, k[FalseError], k[Miss], k[WrongCause])
		}
		b.WriteString("\n")
	}

	for _, fr := range rep.Files {
		if fr == nil {
			continue
		}
		if fr.Error != "" {
			fmt.Fprintf(b, "## %s\n\nCould not run:\n\n```\n%s\n```\n\n", fr.Name, fr.Error)
			continue
		}
		c := fr.Comparison
		if len(c.Disagreements) == 0 && len(c.GoOnly) == 0 && len(fr.Notes) == 0 && len(c.Agreements) == 0 {
			continue
		}
		fmt.Fprintf(b, "## %s\n\n", fr.Name)
		for _, n := range fr.Notes {
			fmt.Fprintf(b, "- note: %s\n", mdCell(n))
		}
		if len(c.Disagreements) > 0 {
			b.WriteString("\n| kind | line | gomodls | go command | go list -m outside the module |\n|---|---|---|---|---|\n")
			for _, d := range c.Disagreements {
				goCell := d.Go
				if d.Note != "" {
					goCell += " — " + d.Note
				}
				fmt.Fprintf(b, "| %s | %s:%d `%s` | %s | %s | %s |\n", d.Kind, d.File, d.Line, mdCode(d.Text), mdCell(d.Gomodls), mdCell(goCell), mdCell(d.Probe))
			}
		}
		if len(c.GoOnly) > 0 {
			b.WriteString("\nGo command failures on no line of the file:\n\n")
			for _, d := range c.GoOnly {
				fmt.Fprintf(b, "- `%s`: %s (%s)\n", d.Text, mdCell(d.Go), mdCell(d.Note))
			}
		}
		if len(c.Agreements) > 0 {
			b.WriteString("\nBoth fail (agreeing):\n\n")
			for _, d := range c.Agreements {
				fmt.Fprintf(b, "- %s:%d `%s`: gomodls %s; go: %s\n", d.File, d.Line, mdCode(d.Text), mdCell(strings.Join(d.Codes, ", ")), mdCell(firstLine(d.Go)))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func bold(n int) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("**%d**", n)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// mdCell makes text fit one table cell.
func mdCell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n\t", " ")
	s = strings.ReplaceAll(s, "\n", "<br>")
	s = strings.ReplaceAll(s, "\t", " ")
	return s
}

func mdCode(s string) string {
	return strings.ReplaceAll(s, "`", "'")
}
