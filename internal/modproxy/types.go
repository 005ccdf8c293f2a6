// Copyright 2026 The gomodls Authors.

package modproxy

import "github.com/gomodls/gomodls/internal/modsource"

// The answers and errors of the Client are the module source contract's
// (package internal/modsource); these names keep them at hand here.
type (
	Provenance      = modsource.Provenance
	Info            = modsource.Info
	Origin          = modsource.Origin
	VersionList     = modsource.VersionList
	GoModFile       = modsource.GoModFile
	ZipHash         = modsource.ZipHash
	Error           = modsource.Error
	Kind            = modsource.Kind
	ModuleExistence = modsource.ModuleExistence
)

// Names of answer sources that are not proxies.
const (
	SourceModCache = modsource.SourceModCache
	SourceDisk     = modsource.SourceDisk
	SourceDirect   = modsource.SourceDirect
)

// The kinds of Error.
const (
	NotFound     = modsource.NotFound
	AuthRequired = modsource.AuthRequired
	NotServed    = modsource.NotServed
	Unreachable  = modsource.Unreachable
	ProxyError   = modsource.ProxyError
	Offline      = modsource.Offline
	Direct       = modsource.Direct
	Invalid      = modsource.Invalid
	Canceled     = modsource.Canceled
)

// What is known of a module path when a version of it was not found.
const (
	ExistenceUnknown = modsource.ExistenceUnknown
	ModuleKnown      = modsource.ModuleKnown
	ModuleUnknown    = modsource.ModuleUnknown
)

// KindOf returns the Kind of err if it is (or wraps) an *Error, else 0.
func KindOf(err error) Kind { return modsource.KindOf(err) }

// IsNotExist reports whether err says the module or version does not exist.
func IsNotExist(err error) bool { return modsource.IsNotExist(err) }

// IsTransient reports whether retrying later could give another answer
// without any configuration change (Unreachable, ProxyError, Canceled).
func IsTransient(err error) bool { return modsource.IsTransient(err) }

// cloneErr returns a shallow copy of e without Attempts.
func cloneErr(e *Error) *Error {
	c := *e
	c.Attempts = nil
	return &c
}

// cloneWithAttempts returns a copy of e with a list of attempts of its own.
func cloneWithAttempts(e *Error) *Error {
	c := *e
	c.Attempts = append([]*Error(nil), e.Attempts...)
	return &c
}

// firstLine is modsource.FirstLine.
func firstLine(s string) string { return modsource.FirstLine(s) }

// Direct-mode refusals are the contract's too.
type (
	VCSError  = modsource.VCSError
	VCSReason = modsource.VCSReason
)

// The reasons of VCSError.
const (
	VCSAuthRequired = modsource.VCSAuthRequired
	VCSMissing      = modsource.VCSMissing
	VCSRefused      = modsource.VCSRefused
)
