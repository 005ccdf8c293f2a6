package analyzers

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/snapshot"
)

// latestVersion returns the version whose go.mod holds the module's
// retractions and deprecation, as the go command chooses it
// (modload.queryLatestVersionIgnoringRetractions): the highest release in
// the version list; if there is none, the highest prerelease; if the list
// is empty, @latest (which may be a pseudo-version).
func latestVersion(ctx context.Context, src snapshot.Source, path string) (string, []string, error) {
	vl, err := src.Versions(ctx, path)
	if err != nil {
		return "", nil, err
	}
	best, bestPre := "", ""
	for _, v := range vl.Versions {
		if semver.Prerelease(v) == "" {
			if best == "" || semver.Compare(v, best) > 0 {
				best = v
			}
		} else if bestPre == "" || semver.Compare(v, bestPre) > 0 {
			bestPre = v
		}
	}
	switch {
	case best != "":
		return best, vl.Versions, nil
	case bestPre != "":
		return bestPre, vl.Versions, nil
	}
	info, err := src.Latest(ctx, path)
	if err != nil {
		return "", vl.Versions, err
	}
	return info.Version, vl.Versions, nil
}

// latestGoMod returns the parsed go.mod of the module's latest version (see
// latestVersion), read leniently as the go command reads dependencies'.
func latestGoMod(ctx context.Context, src snapshot.Source, path string) (*modfile.File, string, []string, error) {
	latest, list, err := latestVersion(ctx, src, path)
	if err != nil {
		return nil, "", list, err
	}
	gm, err := src.GoMod(ctx, path, latest)
	if err != nil {
		return nil, latest, list, err
	}
	f, err := modfile.ParseLax(path+"@"+latest+"/go.mod", gm.Data, nil)
	if err != nil {
		return nil, latest, list, err
	}
	return f, latest, list, nil
}

// shortMessage makes a rationale or deprecation text from a go.mod safe to
// show, as cmd/go's modload.ShortMessage does: its first line, trimmed;
// replaced when longer than 500 bytes or not printable.
func shortMessage(message, emptyDefault string) string {
	const maxLen = 500
	if i := strings.Index(message, "\n"); i >= 0 {
		message = message[:i]
	}
	message = strings.TrimSpace(message)
	if message == "" {
		return emptyDefault
	}
	if len(message) > maxLen {
		return "(message omitted: too long)"
	}
	for _, r := range message {
		if !unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return "(message omitted: contains non-printable characters)"
		}
	}
	return message
}

// retracted returns the retraction of f covering version, if any.
func retracted(f *modfile.File, version string) (*modfile.Retract, bool) {
	for _, r := range f.Retract {
		if semver.Compare(r.Low, version) <= 0 && semver.Compare(version, r.High) <= 0 {
			return r, true
		}
	}
	return nil, false
}
