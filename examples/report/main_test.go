package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/stats"
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

// TestReportTelemetry: generated samples reproducing the seed page are
// aggregated, and the report of a file named alg.exe shows the page's
// lower half under its own report, with the typical path from telemetry.
func TestReportTelemetry(t *testing.T) {
	dir := t.TempDir()
	samples := filepath.Join(dir, "samples.jsonl")
	f, err := os.Create(samples)
	require.NoError(t, err)
	seq, err := stats.Synthesize(stats.AlgExeProfile(), 1)
	require.NoError(t, err)
	enc := json.NewEncoder(f)
	for s := range seq {
		require.NoError(t, enc.Encode(s))
	}
	require.NoError(t, f.Close())
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "spoof-msft.exe"))
	require.NoError(t, err)
	alg := filepath.Join(dir, "alg.exe")
	require.NoError(t, os.WriteFile(alg, b, 0o644))

	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"-telemetry", samples, alg}, &stdout, &stderr), stderr.String())
	out := stdout.String()
	for _, want := range []string{
		`| Typical file path: | C:\Windows\System32\alg.exe |`,
		"| Windows 7 Home Premium | 58.50% |",
		"United States installs about 49.75% of Application Layer Gateway Service.",
		"| Dell | 26.57% |",
		"prevalent: seen on",
		"Consider blocking it", // prevalence does not outweigh the unbacked Microsoft claim
	} {
		assert.Contains(t, out, want)
	}
}

// TestMain keeps the embedded default knowledge base out of the real
// user cache.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "filerep-report-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestReportKnowledgeBase: with the default knowledge base, a copy of a
// file claiming to be Windows' alg.exe, unsigned, is a spoof; with the
// test catalogs and roots, the catalog-listed sample in its system path
// is safe.
func TestReportKnowledgeBase(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "testdata", "pe", "spoof-msft.exe"))
	require.NoError(t, err)
	alg := filepath.Join(dir, "alg.exe")
	require.NoError(t, os.WriteFile(alg, b, 0o644))
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"-json", "-host-path", `C:\Users\bob\Downloads\alg.exe`, alg}, &stdout, &stderr), stderr.String())
	var rep struct {
		Verdict struct {
			Level   string
			Reasons []struct{ Signal string }
		}
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
	assert.Equal(t, "suspicious", rep.Verdict.Level)
	var sigs []string
	for _, r := range rep.Verdict.Reasons {
		sigs = append(sigs, r.Signal)
	}
	assert.Contains(t, sigs, "spoof-system-name")
	assert.Contains(t, sigs, "spoof-publisher")

	// The text shows what the default knowledge base knows of alg.exe,
	// laid out like the seed page's top.
	stdout.Reset()
	require.Equal(t, 0, run([]string{alg}, &stdout, &stderr), stderr.String())
	for _, want := range []string{
		"Should I block it?\nConsider blocking it: this file looks suspicious.",
		"Additional versions\n- 6.1.7600.16385 (win7_rtm.090713-1255) 9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115",
		"Relationships\n- started by services.exe",
		"| Typical file path: | C:\\Windows\\System32\\alg.exe |",
	} {
		assert.Contains(t, stdout.String(), want)
	}

	cats := filepath.Join(dir, "CatRoot")
	require.NoError(t, os.MkdirAll(cats, 0o755))
	for _, c := range []string{"catalog-sha1.cat", "catalog-sha256.cat"} {
		cb, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "pe", "authenticode", "testdata", c))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(cats, c), cb, 0o644))
	}
	stdout.Reset()
	sample := filepath.Join(testutil.RepoRoot(), "testdata", "pe", "mingw-console-x64.exe")
	require.Equal(t, 0, run([]string{"-json", "-kb", "none", "-catalogs", cats, "-roots",
		filepath.Join(testutil.RepoRoot(), "testdata", "pki", "root-ca.pem"), sample}, &stdout, &stderr), stderr.String())
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
	sigs = nil
	for _, r := range rep.Verdict.Reasons {
		sigs = append(sigs, r.Signal)
	}
	assert.Contains(t, sigs, "catalog-signed")
	assert.Equal(t, "likely_safe", rep.Verdict.Level)
}
