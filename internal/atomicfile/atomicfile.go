// Package atomicfile writes files so that readers, including other
// gomodls processes sharing a cache directory and the go command reading a
// go.sum, see either the old or the new content, never a partial one.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to a temporary file in file's directory (created if
// needed) and renames it into place. An existing file keeps its
// permissions; a new one gets perm (not reduced by the umask).
func Write(file string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if fi, err := os.Stat(file); err == nil {
		perm = fi.Mode().Perm()
	}
	// os.CreateTemp makes the file 0600 whatever perm is: hence the Chmod.
	f, err := os.CreateTemp(dir, "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
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
