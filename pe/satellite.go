package pe

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/filerep/filerep/pe/rsrc"
)

// Errors of satellite pairing and indirect strings.
var (
	// ErrNotLanguageNeutral means the file has no "MUI" resource of the
	// language-neutral kind, so it has no satellites to look for.
	ErrNotLanguageNeutral = errors.New("pe: not a language-neutral MUI file")

	// ErrNoSatellite means no satellite that belongs to the file was found
	// along the language fallback chain.
	ErrNoSatellite = errors.New("pe: no matching .mui satellite")

	// ErrStringNotFound means a string id is in none of the places the
	// loader would look.
	ErrStringNotFound = errors.New("pe: string not found")
)

// Satellite is a language-specific .mui file paired with its
// language-neutral (LN) file.
type Satellite struct {
	Path     string // path in the file system it was found in, slash-separated
	Language string // the satellite's own language, from its MUI resource
	File     *File
}

// SatelliteSearch is the outcome of looking for a satellite: the chosen one
// (nil if none) and every candidate looked at, with why it was rejected.
type SatelliteSearch struct {
	Satellite *Satellite
	Tried     []SatelliteCandidate
}

// SatelliteCandidate is one path the search looked at.
type SatelliteCandidate struct {
	Path     string `json:"path"`
	Language string `json:"language"`
	Rejected string `json:"rejected,omitempty"` // why not chosen: "absent", "checksum differs", …
}

// FindSatellite looks in fsys for the satellite of the LN file ln, which is
// at lnPath in fsys (slash-separated), for language lang. It follows the
// loader's fallback chain: lang, its parent locales, then the file's
// ultimate fallback language (rsrc.FallbackChain); lang "" starts at the
// ultimate fallback. A candidate must be a PE whose MUI resource is
// language-specific, in the language of its folder, with the LN file's
// checksum; the first that passes is chosen.
//
// It returns an error wrapping [ErrNotLanguageNeutral] when ln is not an
// LN file and [ErrNoSatellite] when no candidate passes; the search result
// lists every candidate either way.
func FindSatellite(ctx context.Context, fsys fs.FS, lnPath string, ln *File, lang string) (*SatelliteSearch, error) {
	s := &SatelliteSearch{}
	if ln == nil || ln.MUI == nil || !ln.MUI.IsLanguageNeutral() {
		return s, fmt.Errorf("%w: %s", ErrNotLanguageNeutral, lnPath)
	}
	dir, name := path.Split(lnPath)
	var chain []string
	if lang == "" {
		chain = []string{ln.MUI.FallbackLanguage}
	} else {
		chain = rsrc.FallbackChain(lang, ln.MUI.FallbackLanguage)
	}
	for _, l := range chain {
		if l == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return s, fmt.Errorf("pe: satellite search: %w", err)
		}
		p := path.Join(dir, l, name+".mui")
		c := SatelliteCandidate{Path: p, Language: l}
		sat, why := loadSatellite(ctx, fsys, p, l, ln)
		if sat == nil {
			c.Rejected = why
			s.Tried = append(s.Tried, c)
			continue
		}
		s.Tried = append(s.Tried, c)
		s.Satellite = sat
		return s, nil
	}
	return s, fmt.Errorf("%w for %s in %s", ErrNoSatellite, lnPath, strings.Join(chain, ", "))
}

// loadSatellite reads and checks one candidate; it returns nil and the
// reason when the candidate does not belong to ln.
func loadSatellite(ctx context.Context, fsys fs.FS, p, lang string, ln *File) (*Satellite, string) {
	real, err := resolveFold(fsys, p)
	if err != nil {
		return nil, "absent"
	}
	st, err := fs.Stat(fsys, real)
	if err != nil || !st.Mode().IsRegular() {
		return nil, "not a regular file"
	}
	maxSize := ln.lim.MaxSatelliteSize
	if maxSize == 0 { // a File not made by Parse
		maxSize = DefaultLimits().MaxSatelliteSize
	}
	if st.Size() > maxSize {
		return nil, fmt.Sprintf("too large (%d bytes)", st.Size())
	}
	b, err := fs.ReadFile(fsys, real)
	if err != nil {
		return nil, "unreadable: " + err.Error()
	}
	f, err := Parse(ctx, b)
	switch {
	case f == nil:
		return nil, "not a PE: " + err.Error()
	case f.MUI == nil:
		return nil, "no MUI resource"
	case f.MUI.IsLanguageNeutral():
		return nil, "language-neutral, not a satellite"
	case !strings.EqualFold(f.MUI.Language, lang):
		return nil, fmt.Sprintf("its language is %q, not its folder's", f.MUI.Language)
	case f.MUI.Checksum != ln.MUI.Checksum:
		return nil, "checksum differs"
	}
	return &Satellite{Path: real, Language: f.MUI.Language, File: f}, ""
}

// resolveFold finds p in fsys, matching each element case-insensitively
// when there is no exact match, as Windows paths are. It reads at most
// one directory listing per element.
func resolveFold(fsys fs.FS, p string) (string, error) {
	p = path.Clean(strings.TrimPrefix(p, "/"))
	if _, err := fs.Stat(fsys, p); err == nil {
		return p, nil
	}
	cur := "."
	for _, elem := range strings.Split(p, "/") {
		next := path.Join(cur, elem)
		if _, err := fs.Stat(fsys, next); err == nil {
			cur = next
			continue
		}
		ents, err := fs.ReadDir(fsys, cur)
		if err != nil {
			return "", err
		}
		found := false
		for _, e := range ents {
			if strings.EqualFold(e.Name(), elem) {
				cur, found = path.Join(cur, e.Name()), true
				break
			}
		}
		if !found {
			return "", fmt.Errorf("pe: %s: %w", p, fs.ErrNotExist)
		}
	}
	return cur, nil
}
