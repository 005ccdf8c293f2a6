package report

import (
	"encoding/json"
	"io"

	"github.com/gomodls/gomodls/analyzers"
)

// SARIF 2.1.0, the subset GitHub code scanning reads. Columns are UTF-16
// code units (the SARIF default columnKind).

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	HelpURI              string             `json:"helpUri"`
	Help                 sarifText          `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func sarifLevel(s analyzers.Severity) string {
	switch s {
	case analyzers.Error:
		return "error"
	case analyzers.Warning:
		return "warning"
	}
	return "note"
}

// SARIF writes findings as a SARIF 2.1.0 log. Every code is listed as a
// rule so that code scanning can show its documentation.
func SARIF(w io.Writer, findings []Finding, version string) error {
	var rules []sarifRule
	index := map[string]int{}
	for _, c := range analyzers.Codes() {
		index[c.Name] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   c.Name,
			Name:                 c.Name,
			ShortDescription:     sarifText{c.Summary},
			FullDescription:      sarifText{c.Summary + " " + c.Fix},
			HelpURI:              c.URL(),
			Help:                 sarifText{c.Fix},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(c.Severity)},
		})
	}
	results := []sarifResult{}
	for _, f := range findings {
		sev, _ := analyzers.ParseSeverity(f.Severity)
		results = append(results, sarifResult{
			RuleID:    f.Code,
			RuleIndex: index[f.Code],
			Level:     sarifLevel(sev),
			Message:   sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: f.Path, URIBaseID: "%SRCROOT%"},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Column16, EndLine: f.EndLine, EndColumn: f.EndCol16},
			}}},
		})
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "gomodls",
				Version:        version,
				InformationURI: "https://github.com/gomodls/gomodls",
				Rules:          rules,
			}},
			ColumnKind: "utf16CodeUnits",
			Results:    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
