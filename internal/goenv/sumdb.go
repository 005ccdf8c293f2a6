// Copyright 2026 The gomodls Authors.
// The parsing follows cmd/go/internal/modfetch/sumdb.go (dbDial) and
// key.go, Copyright 2019 The Go Authors, BSD-style license.

package goenv

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// KnownSumDBKeys are the verifier keys the go command knows by name
// (cmd/go/internal/modfetch/key.go).
var KnownSumDBKeys = map[string]string{
	"sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
}

// SumDBConfig is a parsed GOSUMDB.
type SumDBConfig struct {
	Off bool `json:"off,omitempty"` // GOSUMDB=off
	// Name is the database name (host[/path]) from the verifier key.
	Name string `json:"name,omitempty"`
	// Key is the full verifier key (note.NewVerifier syntax).
	Key string `json:"key,omitempty"`
	// URL is the explicit URL from "key url", used instead of proxies and
	// https://<Name>; "" means: try each proxy's /sumdb/<Name>/supported,
	// then https://<Name>.
	URL string `json:"url,omitempty"`
}

// DirectURL is https://<Name>, the database's own address.
func (c SumDBConfig) DirectURL() string {
	if c.Name == "" {
		return ""
	}
	return "https://" + c.Name
}

// ParseSumDB parses GOSUMDB as the go command does: "off", a known name
// ("sum.golang.org", or its alias "sum.golang.google.cn"), a verifier key
// "name+hash+key", optionally followed by a URL.
func ParseSumDB(gosumdb string) (SumDBConfig, error) {
	if gosumdb == "sum.golang.google.cn" {
		gosumdb = "sum.golang.org https://sum.golang.google.cn"
	}
	if gosumdb == "off" {
		return SumDBConfig{Off: true}, nil
	}
	key := strings.Fields(gosumdb)
	if len(key) >= 1 {
		if k := KnownSumDBKeys[key[0]]; k != "" {
			key[0] = k
		}
	}
	if len(key) == 0 {
		return SumDBConfig{}, errors.New("missing GOSUMDB")
	}
	if len(key) > 2 {
		return SumDBConfig{}, errors.New("invalid GOSUMDB: too many fields")
	}
	v, err := note.NewVerifier(key[0])
	if err != nil {
		return SumDBConfig{}, fmt.Errorf("invalid GOSUMDB: %v", err)
	}
	name := v.Name()
	direct, err := url.Parse("https://" + name)
	if err != nil || strings.HasSuffix(name, "/") || *direct != (url.URL{Scheme: "https", Host: direct.Host, Path: direct.Path, RawPath: direct.RawPath}) || direct.RawPath != "" || direct.Host == "" {
		return SumDBConfig{}, fmt.Errorf("invalid sumdb name (must be host[/path]): %s", name)
	}
	cfg := SumDBConfig{Name: name, Key: key[0]}
	if len(key) == 2 {
		if _, err := url.Parse(key[1]); err != nil {
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			return SumDBConfig{}, fmt.Errorf("invalid GOSUMDB URL: %v", err)
		}
		cfg.URL = key[1]
	}
	return cfg, nil
}

// SumDB returns the parsed effective GOSUMDB.
func (e *Env) SumDB() (SumDBConfig, error) {
	return ParseSumDB(e.Get("GOSUMDB"))
}
