// Copyright 2026 The gomodls Authors.

// Package archtest holds the tests of gomodls' shape: the import graph
// follows the layers of ARCHITECTURE.md (TestLayers), and no shipped Go
// file grows past the size a reader can hold without saying why
// (TestFileSize). It has no code of its own.
package archtest
