package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportJSONLinesInOrder(t *testing.T) {
	dir := t.TempDir()
	notPE := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notPE, []byte("hello"), 0o644))
	sample := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mingw-service-x86.exe")
	missing := filepath.Join(dir, "missing.exe")

	var stdout, stderr bytes.Buffer
	code := run([]string{"-json", sample, notPE, missing}, &stdout, &stderr)
	assert.Equal(t, 1, code, "a path that cannot be read makes the exit code 1")
	ls := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, ls, 3, "one line per file, even the unreadable one")
	var kinds []string
	for _, l := range ls {
		var m struct {
			File   struct{ Kind, Path string }
			Errors []string
		}
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		kinds = append(kinds, m.File.Kind)
	}
	assert.Equal(t, []string{"exe", "not-pe", "not-pe"}, kinds)
}

func TestReportText(t *testing.T) {
	sample := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "spoof-msft.exe")
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{sample}, &stdout, &stderr), stderr.String())
	out := stdout.String()
	for _, want := range []string{
		"Application Layer Gateway Service by Microsoft",
		"| Publisher: | Microsoft Corporation |",
		"| Original name: | ALG.exe |",
		"| Size: | 18 KB (17,920 bytes) |",
		"Digital DNA",
		"| PE subsystem: | Windows GUI |",
		"| .NET CLR: | No |",
	} {
		assert.Contains(t, out, want)
	}
}

func TestReportUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run(nil, &stdout, &stderr))
	assert.Equal(t, 2, run([]string{"-nosuchflag"}, &stdout, &stderr))
	assert.Empty(t, stdout.String())
}
