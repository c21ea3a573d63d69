package filerep

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/reputation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRefusesBadSettings(t *testing.T) {
	for _, tt := range []struct {
		name string
		opt  Option
		want string
	}{
		{"weights-only policy", WithPolicy(reputation.Policy{Weights: map[string]int{"packed": -30}}), "WithPolicy"},
		{"per-file input given to New", WithHostPath(`C:\x.exe`), "WithHostPath is an input of one file"},
		{"per-file telemetry given to New", WithTelemetry(nil), "WithTelemetry is an input of one file"},
		{"bad workers", WithWorkers(0), "WithWorkers(0)"},
		{"nil option", nil, "nil Option"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.opt)
			require.ErrorIs(t, err, ErrOptions)
			assert.Nil(t, a)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestAnalyzerRefusesSettingsPerFile(t *testing.T) {
	a, err := New()
	require.NoError(t, err)
	rep, err := a.Analyze(context.Background(), filepath.Join(testutil.RepoRoot(), "testdata", "pe", "nasm-tiny.exe"), WithLanguage("fr-FR"))
	require.ErrorIs(t, err, ErrOptions)
	assert.Contains(t, err.Error(), "WithLanguage is a setting of the Analyzer")
	require.NotNil(t, rep)
	// The package-level Analyze refuses batch settings it would ignore.
	_, err = Analyze(context.Background(), "x", WithWorkers(2))
	require.ErrorIs(t, err, ErrOptions)
	assert.Contains(t, err.Error(), "WithWorkers applies to AnalyzeAll")
}

// TestAnalyzerMatchesAnalyze: an Analyzer gives the same reports as the
// package-level functions with the same options, file inputs included.
func TestAnalyzerMatchesAnalyze(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "testdata", "pe")
	a, err := New(WithRoots(testRoots(t)), WithKnowledgeBase(reputation.NewMemKB()), WithWorkers(2), WithOrdered(true))
	require.NoError(t, err)
	files := []string{"signed-ts-mingw-console-x64.exe", "mingw-service-x86.exe", "nasm-tiny.exe"}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f)
		paths = append(paths, p)
		want, werr := Analyze(context.Background(), p, WithRoots(testRoots(t)), WithKnowledgeBase(reputation.NewMemKB()), WithHostPath(`C:\Tools\`+f))
		got, gerr := a.Analyze(context.Background(), p, WithHostPath(`C:\Tools\`+f))
		assert.Equal(t, werr, gerr)
		assert.Equal(t, want.Verdict, got.Verdict, f)
		assert.Equal(t, want.Hashes, got.Hashes, f)
		assert.Equal(t, `C:\Tools\`+f, got.File.HostPath)
	}
	var got []string
	for r := range a.AnalyzeAll(context.Background(), slices.Values(paths)) {
		require.NoError(t, r.Err)
		got = append(got, r.Path)
	}
	assert.Equal(t, paths, got, "ordered")
	// Per-file inputs do not leak into the Analyzer.
	rep, err := a.Analyze(context.Background(), paths[0])
	require.NoError(t, err)
	assert.Equal(t, "", rep.File.HostPath)
}
