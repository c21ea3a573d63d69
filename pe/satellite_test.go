package pe

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/pe/rsrc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// muiTree returns the sample MUI tree laid out as on a Windows volume:
// Windows/System32/app.exe with its satellites beside it.
func muiTree(t *testing.T) fstest.MapFS {
	t.Helper()
	dir := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mui")
	m := fstest.MapFS{}
	for _, rel := range []string{"app.exe", "en-US/app.exe.mui", "fr-FR/app.exe.mui", "ja-JP/app.exe.mui", "de-DE/app.exe.mui"} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		require.NoError(t, err)
		m["Windows/System32/"+rel] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m
}

func parseFS(t *testing.T, fsys fs.FS, p string) *File {
	t.Helper()
	b, err := fs.ReadFile(fsys, p)
	require.NoError(t, err)
	f, err := Parse(context.Background(), b)
	require.NoError(t, err)
	return f
}

func TestFindSatellite(t *testing.T) {
	fsys := muiTree(t)
	ln := parseFS(t, fsys, "Windows/System32/app.exe")
	require.NotNil(t, ln.MUI)
	require.True(t, ln.MUI.IsLanguageNeutral())

	tests := []struct {
		lang, wantLang string
		wantTried      int
	}{
		{"fr-FR", "fr-FR", 1},
		{"ja-JP", "ja-JP", 1},
		{"", "en-US", 1},
		{"fr-CA", "en-US", 3}, // fr-CA, fr absent → ultimate fallback en-US
		{"de-DE", "en-US", 3}, // de-DE's checksum differs → rejected, de absent, en-US
		{"pt-BR", "en-US", 3},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			s, err := FindSatellite(context.Background(), fsys, "Windows/System32/app.exe", ln, tt.lang)
			require.NoError(t, err)
			require.NotNil(t, s.Satellite)
			assert.Equal(t, tt.wantLang, s.Satellite.Language)
			assert.Len(t, s.Tried, tt.wantTried)
			assert.Equal(t, KindMUI, s.Satellite.File.Kind)
			vi := s.Satellite.File.VersionInfo()
			require.NotNil(t, vi)
			orig, _ := vi.Get("OriginalFilename")
			assert.Equal(t, "app.exe.mui", orig)
		})
	}
	s, _ := FindSatellite(context.Background(), fsys, "Windows/System32/app.exe", ln, "de-DE")
	assert.Equal(t, "checksum differs", s.Tried[0].Rejected)
}

func TestFindSatelliteErrors(t *testing.T) {
	fsys := muiTree(t)
	sat := parseFS(t, fsys, "Windows/System32/fr-FR/app.exe.mui")
	_, err := FindSatellite(context.Background(), fsys, "Windows/System32/fr-FR/app.exe.mui", sat, "fr-FR")
	require.ErrorIs(t, err, ErrNotLanguageNeutral)

	ln := parseFS(t, fsys, "Windows/System32/app.exe")
	only := fstest.MapFS{"app.exe": fsys["Windows/System32/app.exe"]}
	s, err := FindSatellite(context.Background(), only, "app.exe", ln, "fr-FR")
	require.ErrorIs(t, err, ErrNoSatellite)
	require.Len(t, s.Tried, 3)
	for _, c := range s.Tried {
		assert.Equal(t, "absent", c.Rejected)
	}
}

func TestResolveIndirect(t *testing.T) {
	fsys := muiTree(t)
	vars := map[string]string{"SystemRoot": `C:\Windows`}
	tests := []struct {
		ref, lang, want, from string
	}{
		{`@%SystemRoot%\system32\app.exe,-112`, "fr-FR", "Service de la passerelle de la couche Application", "fr-FR"},
		{`@%SystemRoot%\system32\app.exe,-112`, "en-US", "Application Layer Gateway Service", "en-US"},
		{`@%SystemRoot%\System32\APP.EXE,-112`, "ja-JP", "アプリケーション レイヤー ゲートウェイ サービス", "ja-JP"},
		{`@%SystemRoot%\system32\app.exe,-112`, "fr-CA", "Application Layer Gateway Service", "en-US"},
		{`@%SystemRoot%\system32\app.exe,-113;v2`, "fr-FR", "Fournit la prise en charge des plug-ins de protocoles tiers pour le partage de connexion Internet", "fr-FR"},
		{`@C:\Windows\system32\app.exe,-200`, "", "Smile 😀", "en-US"},
	}
	for _, tt := range tests {
		t.Run(tt.ref+"/"+tt.lang, func(t *testing.T) {
			r := &Resolver{FS: fsys, Vars: vars, Language: tt.lang}
			got, err := r.Resolve(context.Background(), tt.ref)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Value)
			assert.Equal(t, tt.from, got.Language)
		})
	}

	r := &Resolver{FS: fsys, Vars: vars, Language: "fr-FR"}
	for ref, want := range map[string]error{
		`@%SystemRoot%\system32\missing.dll,-5`: fs.ErrNotExist,
		`@%SystemRoot%\system32\app.exe,-999`:   ErrStringNotFound,
		`plain text`:                            rsrc.ErrNotIndirect,
		`@app.exe,-`:                            rsrc.ErrBadReference,
		`@%Unknown%\app.exe,-112`:               rsrc.ErrUndefinedVariable,
	} {
		_, err := r.Resolve(context.Background(), ref)
		assert.True(t, errors.Is(err, want), "%s: got %v, want %v", ref, err, want)
	}
}
