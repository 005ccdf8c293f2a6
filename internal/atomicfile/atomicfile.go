// Package atomicfile writes files so that readers, including other
// gomodls processes sharing a cache directory, see either the old or the
// new content, never a partial one.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to a temporary file in file's directory (created if
// needed) and renames it into place.
func Write(file string, data []byte) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
