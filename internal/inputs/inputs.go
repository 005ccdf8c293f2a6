// Copyright 2026 The gomodls Authors.

// Package inputs records which files a check read and what they looked
// like, so that a later check in a new process can tell whether anything
// it depended on changed (as the go command's test cache does with the
// files a test opened). Every file access of the checking layers (the
// snapshot's disk, the module loader, workspace discovery, the module
// cache, the toolchain's tables) goes through ReadFile, Stat, ReadDir,
// WalkDir or Note; archtest.TestInputsRecorded keeps it so.
//
// Recording is off unless a Recorder is started (gomodls check does; the
// language server does not), and costs one atomic load per access then.
// Answers of the module source and the vulnerability database are not
// inputs: they have their own freshness (settings.ListTTL and the
// database's TTL).
package inputs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
)

// A Stamp is what was seen of one path.
type Stamp struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists,omitempty"`
	Dir    bool   `json:"dir,omitempty"`
	// Size and MTime (nanoseconds) are compared for files, and for
	// directories whose entries were listed (Listed): adding, removing or
	// renaming an entry changes a directory's modification time.
	Size   int64 `json:"size,omitempty"`
	MTime  int64 `json:"mtime,omitempty"`
	Listed bool  `json:"listed,omitempty"`
}

// A Recorder collects the stamps of one check.
type Recorder struct {
	mu sync.Mutex
	m  map[string]Stamp
}

var active atomic.Pointer[Recorder]

// Start starts recording into a new Recorder, which it returns; Stop ends
// it. Only one Recorder records at a time (the process's check).
func Start() *Recorder {
	r := &Recorder{m: map[string]Stamp{}}
	active.Store(r)
	return r
}

// Stop ends the recording of r.
func (r *Recorder) Stop() { active.CompareAndSwap(r, nil) }

// Stamps returns what was recorded, sorted by path.
func (r *Recorder) Stamps() []Stamp {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Stamp, 0, len(r.m))
	for _, s := range r.m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (r *Recorder) put(s Stamp) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.m[s.Path]; ok && old.Listed && !s.Listed {
		return // a listed directory keeps its modification time
	}
	r.m[s.Path] = s
}

// stampOf describes fi (nil: the path does not exist).
func stampOf(path string, fi fs.FileInfo, listed bool) Stamp {
	s := Stamp{Path: path}
	if fi == nil {
		return s
	}
	s.Exists, s.Dir = true, fi.IsDir()
	if !s.Dir || listed {
		s.Size, s.MTime, s.Listed = fi.Size(), fi.ModTime().UnixNano(), listed
	}
	return s
}

// note records path as fi shows it (nil: absent), when recording.
func note(path string, fi fs.FileInfo, listed bool) {
	if r := active.Load(); r != nil {
		r.put(stampOf(abs(path), fi, listed))
	}
}

func abs(path string) string {
	if p, err := filepath.Abs(path); err == nil {
		return p
	}
	return path
}

// Note records a file whose information the caller already has (from a
// directory listing), without another system call.
func Note(path string, fi fs.FileInfo) { note(path, fi, false) }

// Recording reports whether a Recorder records.
func Recording() bool { return active.Load() != nil }

// ReadFile is os.ReadFile, recorded.
func ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if Recording() {
		note(name, statOrNil(name), false)
	}
	return data, err
}

// Stat is os.Stat, recorded.
func Stat(name string) (fs.FileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		fi = nil
	}
	note(name, fi, false)
	return fi, err
}

// ReadDir is os.ReadDir, recorded: the directory's modification time
// stands for its list of entries.
func ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(name)
	if Recording() {
		note(name, statOrNil(name), true)
	}
	return entries, err
}

// WalkDir is filepath.WalkDir, recording every directory it lists.
func WalkDir(root string, fn fs.WalkDirFunc) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if Recording() {
			if d != nil && d.IsDir() && err == nil {
				fi, ierr := d.Info()
				if ierr != nil {
					fi = nil
				}
				note(p, fi, true)
			} else if d == nil && errors.Is(err, fs.ErrNotExist) {
				note(p, nil, false)
			}
		}
		return fn(p, d, err)
	})
}

// Changed returns the first of stamps that no longer describes its path,
// or "" if none changed.
func Changed(stamps []Stamp) string {
	for _, s := range stamps {
		if stampOf(s.Path, statOrNil(s.Path), s.Listed) != s {
			return s.Path
		}
	}
	return ""
}

// statOrNil is os.Stat's information, nil when the path cannot be stat'ed.
func statOrNil(name string) fs.FileInfo {
	fi, err := os.Stat(name)
	if err != nil {
		return nil
	}
	return fi
}
