// Copyright 2026 The gomodls Authors.

package engine

import (
	"io/fs"
	"path/filepath"
	"time"

	"github.com/gomodls/gomodls/internal/snapshot"
)

// overlayFS is the snapshot.FS that sees open documents over the disk, so
// that a replacement directory's go.mod being edited counts as it is typed.
type overlayFS struct {
	files Files
	disk  snapshot.FS
}

func (o overlayFS) ReadFile(name string) ([]byte, error) {
	if content, _, ok := o.files.Open(filepath.Clean(name)); ok {
		return content, nil
	}
	return o.disk.ReadFile(name)
}

func (o overlayFS) Stat(name string) (fs.FileInfo, error) {
	if content, _, ok := o.files.Open(filepath.Clean(name)); ok {
		return overlayInfo{name: filepath.Base(name), size: int64(len(content))}, nil
	}
	return o.disk.Stat(name)
}

type overlayInfo struct {
	name string
	size int64
}

func (i overlayInfo) Name() string       { return i.name }
func (i overlayInfo) Size() int64        { return i.size }
func (i overlayInfo) Mode() fs.FileMode  { return 0o644 }
func (i overlayInfo) ModTime() time.Time { return time.Time{} }
func (i overlayInfo) IsDir() bool        { return false }
func (i overlayInfo) Sys() any           { return nil }

var _ snapshot.FS = overlayFS{}
