package proxytest

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/txtar"
)

// A ModuleFile is one module version as written in a txtar fixture file,
// or a module path that is known but has no versions at all.
//
// The archive's comment starts with a header line "path@version" (or just
// "path" for a known module without versions); the rest of the comment is
// free text describing what the fixture is for. Sections whose names start
// with a dot are metadata:
//
//	.mod   the go.mod served at @v/$version.mod (default: the zip's go.mod,
//	       or "module $path" when the zip has none, as the go command does)
//	.info  the JSON served at @v/$version.info, verbatim (default: synthesised)
//
// Every other section is a file of the module zip, relative to the module root.
type ModuleFile struct {
	Path    string // module path, unescaped
	Version string // canonical semantic version; "" for a known path without versions
	Comment string // the archive comment after the header line
	Mod     []byte // nil: derived as described above
	Info    []byte // nil: synthesised
	Files   []File // zip contents, in archive order
}

// A File is one file of a module zip.
type File struct {
	Name string // slash-separated, relative to the module root
	Data []byte
}

// ParseModuleFile parses a txtar fixture file. name is the file's base name,
// used in errors and, when the archive has no header line, to derive the
// module path and version: the escaped path with "/" written as "_",
// then "_", then the escaped version, then ".txt"
// (example.com_!upper_mod_v1.0.0.txt is example.com/Upper/mod@v1.0.0).
// When both are present they must agree.
func ParseModuleFile(name string, data []byte) (*ModuleFile, error) {
	a := txtar.Parse(data)
	mf := &ModuleFile{}

	comment := string(a.Comment)
	header, rest, _ := strings.Cut(comment, "\n")
	header = strings.TrimSpace(header)
	mf.Comment = strings.TrimLeft(rest, "\n")

	if header != "" && !strings.ContainsAny(header, " \t") {
		p, v, _ := strings.Cut(header, "@")
		mf.Path, mf.Version = p, v
	} else {
		// No header: the whole comment is description.
		mf.Comment = strings.TrimLeft(comment, "\n")
		if name == "" {
			return nil, fmt.Errorf("module file has no \"path@version\" header line and no file name to derive it from")
		}
		p, v, err := splitFileName(name)
		if err != nil {
			return nil, err
		}
		mf.Path, mf.Version = p, v
	}
	if name != "" && header != "" {
		// Both present: they must agree, so a renamed file cannot silently
		// serve a different module than its name says.
		if p, v, err := splitFileName(name); err == nil && (p != mf.Path || v != mf.Version) {
			return nil, fmt.Errorf("%s: header says %s but file name says %s", name, joinPV(mf.Path, mf.Version), joinPV(p, v))
		}
	}
	if err := checkPathVersion(mf.Path, mf.Version); err != nil {
		return nil, wrapName(name, err)
	}

	seen := make(map[string]bool)
	for _, f := range a.Files {
		if !strings.HasPrefix(f.Name, ".") {
			if seen[f.Name] {
				return nil, wrapName(name, fmt.Errorf("file %q appears twice", f.Name))
			}
			seen[f.Name] = true
		}
		if err := mf.addSection(f.Name, f.Data); err != nil {
			return nil, wrapName(name, err)
		}
	}
	if err := mf.checkContent(); err != nil {
		return nil, wrapName(name, err)
	}
	return mf, nil
}

// addSection adds one txtar section (or AddModule map entry) to mf:
// metadata for .mod and .info, a zip file otherwise.
func (mf *ModuleFile) addSection(name string, data []byte) error {
	switch {
	case name == ".mod":
		mf.Mod = data
	case name == ".info":
		mf.Info = data
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("unknown metadata section %q (want .mod or .info)", name)
	default:
		if err := checkFileName(name); err != nil {
			return err
		}
		mf.Files = append(mf.Files, File{Name: name, Data: data})
	}
	return nil
}

// checkContent rejects content for a known path without versions.
func (mf *ModuleFile) checkContent() error {
	if mf.Version == "" && (len(mf.Files) > 0 || mf.Mod != nil || mf.Info != nil) {
		return fmt.Errorf("%s has no version but has content", mf.Path)
	}
	return nil
}

// FormatModuleFile returns the txtar form of mf, which ParseModuleFile reads back.
func FormatModuleFile(mf *ModuleFile) []byte {
	a := &txtar.Archive{Comment: []byte(joinPV(mf.Path, mf.Version) + "\n" + mf.Comment)}
	if mf.Mod != nil {
		a.Files = append(a.Files, txtar.File{Name: ".mod", Data: mf.Mod})
	}
	if mf.Info != nil {
		a.Files = append(a.Files, txtar.File{Name: ".info", Data: mf.Info})
	}
	for _, f := range mf.Files {
		a.Files = append(a.Files, txtar.File{Name: f.Name, Data: f.Data})
	}
	return txtar.Format(a)
}

// FileName returns the conventional fixture file name for path@version.
func FileName(modPath, version string) (string, error) {
	enc, err := module.EscapePath(modPath)
	if err != nil {
		return "", err
	}
	if version == "" {
		return strings.ReplaceAll(enc, "/", "_") + ".txt", nil
	}
	encV, err := module.EscapeVersion(version)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(enc, "/", "_") + "_" + encV + ".txt", nil
}

func splitFileName(name string) (modPath, version string, err error) {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), ".txt")
	i := strings.LastIndex(base, "_v")
	var encPath, encVers string
	if i >= 0 && semver.IsValid(base[i+1:]) {
		encPath, encVers = base[:i], base[i+1:]
	} else {
		encPath = base // a known path without versions
	}
	modPath, err = module.UnescapePath(strings.ReplaceAll(encPath, "_", "/"))
	if err != nil {
		return "", "", fmt.Errorf("%s: file name does not encode a module path: %v", name, err)
	}
	if encVers != "" {
		version, err = module.UnescapeVersion(encVers)
		if err != nil {
			return "", "", fmt.Errorf("%s: file name does not encode a version: %v", name, err)
		}
	}
	return modPath, version, nil
}

func checkPathVersion(modPath, version string) error {
	if err := module.CheckPath(modPath); err != nil {
		return err
	}
	if version == "" {
		return nil
	}
	if !semver.IsValid(version) || module.CanonicalVersion(version) != version {
		return fmt.Errorf("%s@%s: version is not a canonical semantic version", modPath, version)
	}
	// module.Check also rejects a major version that does not match the
	// path's /vN suffix, which neither the zip nor the go command accepts.
	return module.Check(modPath, version)
}

func checkFileName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return fmt.Errorf("invalid zip file name %q (want a clean slash-separated relative path)", name)
	}
	return nil
}

func joinPV(p, v string) string {
	if v == "" {
		return p
	}
	return p + "@" + v
}

func wrapName(name string, err error) error {
	if name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// modData returns the go.mod content served for mf, following the defaults
// documented on ModuleFile.
func (mf *ModuleFile) modData() []byte {
	if mf.Mod != nil {
		return mf.Mod
	}
	for _, f := range mf.Files {
		if f.Name == "go.mod" {
			return f.Data
		}
	}
	// Like the go command for a version without go.mod (e.g. +incompatible).
	return []byte("module " + modfileQuote(mf.Path) + "\n")
}

func modfileQuote(p string) string {
	if strings.ContainsAny(p, " \t\"'`") {
		return fmt.Sprintf("%q", p)
	}
	return p
}

// filesFromMap converts AddModule's map form to a ModuleFile.
func filesFromMap(modPath, version string, files map[string]string) (*ModuleFile, error) {
	if err := checkPathVersion(modPath, version); err != nil {
		return nil, err
	}
	mf := &ModuleFile{Path: modPath, Version: version}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := mf.addSection(name, []byte(files[name])); err != nil {
			return nil, fmt.Errorf("%s: %w", joinPV(modPath, version), err)
		}
	}
	if err := mf.checkContent(); err != nil {
		return nil, err
	}
	return mf, nil
}
