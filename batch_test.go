package filerep

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func samplePaths(t *testing.T) []string {
	var ps []string
	for _, s := range testutil.Samples(t) {
		ps = append(ps, s.Path)
	}
	return ps
}

func TestAnalyzeAllOrdered(t *testing.T) {
	paths := append(samplePaths(t), filepath.Join(t.TempDir(), "missing.exe"))
	var got []string
	errs := 0
	for r := range AnalyzeAll(context.Background(), slices.Values(paths), WithOrdered(true), WithWorkers(3)) {
		got = append(got, r.Path)
		require.NotNil(t, r.Report)
		if r.Err != nil {
			errs++
		}
		single, _ := Analyze(context.Background(), r.Path)
		assert.Equal(t, single.Hashes, r.Report.Hashes, r.Path)
	}
	assert.Equal(t, paths, got, "results in input order")
	assert.GreaterOrEqual(t, errs, 1, "the missing file is reported, and does not stop the batch")
}

func TestAnalyzeAllUnordered(t *testing.T) {
	paths := samplePaths(t)
	seen := map[int]bool{}
	for r := range AnalyzeAll(context.Background(), slices.Values(paths)) {
		assert.False(t, seen[r.Index])
		seen[r.Index] = true
		assert.Equal(t, paths[r.Index], r.Path)
	}
	assert.Len(t, seen, len(paths))
}

func TestAnalyzeAllBreakAndCancel(t *testing.T) {
	paths := samplePaths(t)
	n := 0
	for range AnalyzeAll(context.Background(), slices.Values(paths), WithOrdered(true)) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)

	// An endless input: cancellation must end the batch promptly.
	endless := func(yield func(string) bool) {
		for i := 0; ; i++ {
			if !yield(paths[i%len(paths)]) {
				return
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	count := 0
	for range AnalyzeAll(ctx, endless) {
		count++
		if count == 10 {
			cancel()
		}
	}
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.GreaterOrEqual(t, count, 10)

	for r := range AnalyzeAll(context.Background(), slices.Values(paths), WithWorkers(0)) {
		require.ErrorIs(t, r.Err, ErrOptions)
	}
}

func TestWalkFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
	for _, p := range []string{"a/one.exe", "a/b/two.dll", "three.sys"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), []byte("x"), 0o644))
	}
	require.NoError(t, os.Symlink(dir, filepath.Join(dir, "a", "loop")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "three.sys"), filepath.Join(dir, "link.sys")))
	var got []string
	for p := range WalkFiles([]string{dir}, nil) {
		rel, _ := filepath.Rel(dir, p)
		got = append(got, filepath.ToSlash(rel))
	}
	assert.Equal(t, []string{"a/b/two.dll", "a/one.exe", "three.sys"}, got)
}
