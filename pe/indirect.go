package pe

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/filerep/filerep/pe/rsrc"
)

// Resolver resolves indirect strings such as the service display name
// "@%SystemRoot%\system32\alg.exe,-112" against a file tree, the way
// RegLoadMUIString does on Windows: the string comes from the .mui
// satellite of the requested language, along the fallback chain, and last
// from the file itself.
type Resolver struct {
	// FS is the file tree, usually a mounted Windows volume: Windows
	// paths are looked up in it without their drive letter ("C:\Windows"
	// → "Windows"), case-insensitively.
	FS fs.FS
	// Vars expands %NAME% references, e.g. {"SystemRoot": `C:\Windows`}.
	// The process environment is never read.
	Vars map[string]string
	// Language is the requested UI language, e.g. "fr-FR"; "" uses each
	// file's ultimate fallback language.
	Language string
}

// Resolved is a resolved indirect string and where it was found.
type Resolved struct {
	Value    string
	Path     string // file that held the string, slash-separated in FS
	Language string // language of the string table it came from
}

// Resolve resolves an indirect string. Errors wrap rsrc.ErrNotIndirect or
// rsrc.ErrBadReference for a malformed reference, fs.ErrNotExist for a
// missing file, and [ErrStringNotFound] for a missing id.
func (r *Resolver) Resolve(ctx context.Context, s string) (*Resolved, error) {
	ref, err := rsrc.ParseIndirectString(s)
	if err != nil {
		return nil, err
	}
	if ref.ByIndex {
		return nil, fmt.Errorf("%w: %q names a resource by index, which only the Windows shell resolves", rsrc.ErrBadReference, s)
	}
	winPath, err := ref.Expand(r.Vars)
	if err != nil {
		return nil, err
	}
	p := fsPath(winPath)
	real, err := resolveFold(r.FS, p)
	if err != nil {
		return nil, fmt.Errorf("pe: %s: %w", winPath, fs.ErrNotExist)
	}
	b, err := fs.ReadFile(r.FS, real)
	if err != nil {
		return nil, fmt.Errorf("pe: reading %s: %w", real, err)
	}
	ln, err := Parse(ctx, b)
	if ln == nil {
		return nil, fmt.Errorf("pe: %s: %w", real, err)
	}
	id := uint32(ref.ID)
	if ln.MUI != nil && ln.MUI.IsLanguageNeutral() {
		search, _ := FindSatellite(ctx, r.FS, real, ln, r.Language)
		if sat := search.Satellite; sat != nil {
			if v, ok := sat.File.String(id, 0); ok {
				return &Resolved{Value: v, Path: sat.Path, Language: sat.Language}, nil
			}
		}
	}
	for _, e := range ln.Strings {
		if e.ID == id && (r.Language == "" || strings.EqualFold(e.Language, r.Language)) {
			return &Resolved{Value: e.Value, Path: real, Language: e.Language}, nil
		}
	}
	if v, ok := ln.String(id, 0); ok {
		return &Resolved{Value: v, Path: real}, nil
	}
	return nil, fmt.Errorf("%w: id %d in %s or its satellites", ErrStringNotFound, id, real)
}

// fsPath turns a Windows path into an fs.FS path: no drive letter, no
// leading separator, forward slashes.
func fsPath(win string) string {
	p := strings.ReplaceAll(win, `\`, "/")
	if len(p) >= 2 && p[1] == ':' {
		p = p[2:]
	}
	return path.Clean(strings.TrimLeft(p, "/"))
}
