package snapshot

import (
	"github.com/gomodls/gomodls/internal/checksum"
	"github.com/gomodls/gomodls/internal/modsource"
)

// Source answers questions about modules for the network analyzers (see
// package modsource, the contract its implementation, package modproxy,
// fulfils).
type Source = modsource.Source

// SumSource answers the go.sum questions of the analyzers (see package
// checksum, the contract its implementation, package sumcheck, fulfils).
// Build takes it from the Source when the Source implements it.
type SumSource = checksum.Source
