// Copyright 2026 The gomodls Authors.
// The selection follows cmd/go/internal/toolchain (select.go), Copyright
// The Go Authors, BSD-style license.

package goenv

import (
	"go/version"
	"strings"
)

// A Toolchain is the Go release the go command runs for a module here.
type Toolchain struct {
	// Name is the release ("go1.26.8").
	Name string
	// Why says where it comes from, for messages: "the local toolchain",
	// "named by GOTOOLCHAIN=go1.25.1", "named by the toolchain line",
	// "required by the go line".
	Why string
	// FromToolchainLine is set when the toolchain line selects it.
	FromToolchainLine bool
	// CanSwitch is set when a newer toolchain line would make the go
	// command download and run that release (GOTOOLCHAIN=auto or
	// <name>+auto, and GOPROXY is not off).
	CanSwitch bool
}

// SelectToolchain applies the go command's toolchain selection to the
// environment and a module's (or workspace's) go and toolchain lines
// (without the "go" prefix for goLine, with it for toolchainLine; "" when
// absent): GOTOOLCHAIN's minimum (the local GOVERSION, or a named release),
// then, under +auto or +path, the toolchain line if it is newer, then the
// go line if it is newer still, a language version such as 1.22 meaning
// its first release, go1.22.0. It returns false when the release is
// unknown (no go binary, a malformed GOTOOLCHAIN).
func (e *Env) SelectToolchain(goLine, toolchainLine string) (Toolchain, bool) {
	gt := e.Get("GOTOOLCHAIN")
	if gt == "" {
		gt = "auto"
	}
	minTC, mode, _ := strings.Cut(gt, "+")
	switch minTC {
	case "auto", "path":
		minTC, mode = "local", minTC
	}
	t := Toolchain{Name: firstField(e.Get("GOVERSION")), Why: "the local toolchain"}
	if minTC != "local" {
		t = Toolchain{Name: minTC, Why: "named by GOTOOLCHAIN=" + gt}
	}
	if !version.IsValid(t.Name) {
		return Toolchain{}, false
	}
	if mode != "auto" && mode != "path" {
		return t, true
	}
	if toolchainLine != "" && toolchainLine != "default" && version.IsValid(toolchainLine) && version.Compare(toolchainLine, t.Name) > 0 {
		t = Toolchain{Name: toolchainLine, Why: "named by the toolchain line", FromToolchainLine: true}
	}
	if g := "go" + goLine; goLine != "" && version.IsValid(g) && version.Compare(g, t.Name) > 0 {
		if version.Lang(g) == g && version.Compare(g, "go1.21") >= 0 {
			g += ".0"
		}
		t = Toolchain{Name: g, Why: "required by the go line"}
	}
	t.CanSwitch = mode == "auto" && e.Get("GOPROXY") != "off"
	return t, true
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
