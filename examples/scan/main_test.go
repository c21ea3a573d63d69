package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lines(t *testing.T, b []byte) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "every line is valid JSON")
		out = append(out, m)
	}
	return out
}

func TestScanAndResume(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mui")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-ordered", dir}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	reps := lines(t, stdout.Bytes())
	assert.Len(t, reps, 5)
	assert.Contains(t, stderr.String(), "5 files (5 PE, 0 not PE")

	// Resume after a kill mid-line: the partial line is dropped and only
	// the missing files are analysed.
	out := filepath.Join(t.TempDir(), "r.jsonl")
	first := bytes.SplitAfter(stdout.Bytes(), []byte("\n"))
	partial := append(append([]byte{}, first[0]...), first[1][:10]...)
	require.NoError(t, os.WriteFile(out, partial, 0o644))
	stderr.Reset()
	code = run(context.Background(), []string{"-o", out, "-resume", dir}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Len(t, lines(t, b), 5)
	assert.Contains(t, stderr.String(), "1 skipped")
}

func TestScanInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{filepath.Join(testutil.RepoRoot(), "testdata", "pe")}, &stdout, &stderr)
	assert.Equal(t, 0, code)
	lines(t, stdout.Bytes()) // whatever was written is whole lines
}

func TestScanUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), nil, &stdout, &stderr))
	assert.Equal(t, 2, run(context.Background(), []string{"-resume", "x"}, &stdout, &stderr))
}
