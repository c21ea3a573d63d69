package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/filerep/filerep/internal/cli"
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
	assert.Contains(t, stderr.String(), "; 1 already in the output")
}

func TestScanInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{filepath.Join(testutil.RepoRoot(), "testdata", "pe")}, &stdout, &stderr)
	assert.Equal(t, cli.ExitInterrupted, code, "130 after Ctrl-C")
	lines(t, stdout.Bytes()) // whatever was written is whole lines
	assert.Contains(t, stderr.String(), "scan: interrupted;")
}

func TestScanUsage(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{nil, "scan: no DIR given"},
		{[]string{"-resume", "x"}, "scan: -resume needs -o FILE"},
		{[]string{"-hashes", "md6", "x"}, "scan: -hashes:"},
		{[]string{"-workers", "-1", "x"}, "scan: -workers -1"},
		{[]string{"-o", filepath.Join(t.TempDir(), "no", "such", "dir", "out.jsonl"), "x"}, "scan: -o: open "},
		{[]string{"-bogus", "x"}, "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, cli.ExitUsage, run(context.Background(), tt.args, &stdout, &stderr), "%v", tt.args)
		assert.Contains(t, stderr.String(), tt.stderr)
		assert.Empty(t, stdout.String())
	}
}

// TestScanSkipsByReason: what is not a regular file is skipped, counted
// by reason in the summary, and never opened (a FIFO would block).
func TestScanSkipsByReason(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mingw-gui-x64.exe"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.exe"), b, 0o644))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	require.NoError(t, os.Symlink("a.exe", filepath.Join(dir, "link.exe")))
	l, err := net.Listen("unix", filepath.Join(dir, "sock"))
	require.NoError(t, err)
	defer l.Close()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{dir}, &stdout, &stderr)
	assert.Equal(t, cli.ExitOK, code, stderr.String())
	assert.Len(t, lines(t, stdout.Bytes()), 1)
	assert.Contains(t, stderr.String(), "scan: 1 files (1 PE, 0 not PE, 0 failed)")
	assert.Contains(t, stderr.String(), "; skipped 3: 1 FIFO, 1 socket, 1 symlink\n")

	// A folder that cannot be read is named, counted, and makes the exit
	// code 1.
	if os.Geteuid() != 0 {
		locked := filepath.Join(dir, "locked")
		require.NoError(t, os.Mkdir(locked, 0o000))
		defer os.Chmod(locked, 0o755)
		stdout.Reset()
		stderr.Reset()
		code = run(context.Background(), []string{dir}, &stdout, &stderr)
		assert.Equal(t, cli.ExitFailed, code)
		assert.Contains(t, stderr.String(), "scan: open "+locked+": permission denied\n")
		assert.Contains(t, stderr.String(), "1 unreadable")
	}
}

// TestScanMissingDir: a DIR that does not exist is named on stderr and
// makes the exit code 1.
func TestScanMissingDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	var stdout, stderr bytes.Buffer
	assert.Equal(t, cli.ExitFailed, run(context.Background(), []string{"-q", missing}, &stdout, &stderr))
	assert.Equal(t, "scan: lstat "+missing+": no such file or directory\n", stderr.String())
}

// TestScanHelp: -h is the manual on stdout, exit 0.
func TestScanHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, cli.ExitOK, run(context.Background(), []string{"-h"}, &stdout, &stderr))
	assert.Empty(t, stderr.String())
	var o options
	for _, f := range cli.FlagNames(newFlags(&o)) {
		assert.Regexp(t, `\n  `+f+`[ \t\n]`, stdout.String(), "the manual lists %s", f)
	}
	assert.Contains(t, stdout.String(), "Examples:")
	assert.Contains(t, stdout.String(), "JSON Lines")
}

// TestReadmeProgramsTable: the README's row for scan lists exactly the
// flags the program has.
func TestReadmeProgramsTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "README.md"))
	require.NoError(t, err)
	usages := cli.ReadmeUsages(string(b), "examples/scan")
	require.NotEmpty(t, usages)
	var o options
	assert.Equal(t, cli.FlagNames(newFlags(&o)), cli.ReadmeFlags(usages...))
}

// TestStatusLine: the progress line counts against the walk's total,
// says "≥" while the walk goes on, and shows no rate or ETA over the
// first second.
func TestStatusLine(t *testing.T) {
	assert.Equal(t, "scanning 3/≥10 files, 1.0/≥5.0 MB", statusLine(3, 1e6, 0, 10, 5e6, false, 100*time.Millisecond))
	assert.Equal(t, "scanning 3/≥10 files, 1.0/≥5.0 MB, 0.5 MB/s, ETA after the walk, 1 failed", statusLine(3, 1e6, 1, 10, 5e6, false, 2*time.Second))
	assert.Equal(t, "scanning 1,200/2,400 files, 100.0/300.0 MB, 50.0 MB/s, ETA 0:04", statusLine(1200, 100e6, 0, 2400, 300e6, true, 2*time.Second))
	assert.Equal(t, "1:01:01", clock(3661*time.Second))
}
