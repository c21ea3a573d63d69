package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filerep/filerep/internal/cli"
	"github.com/filerep/filerep/internal/testutil"
	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// report runs the program and returns its exit code, stdout and stderr.
func report(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// sample is the path of a committed sample binary.
func sample(name string) string {
	return filepath.Join(testutil.RepoRoot(), "testdata", "pe", name)
}

func TestReportJSONLinesInOrder(t *testing.T) {
	dir := t.TempDir()
	notPE := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notPE, []byte("hello"), 0o644))
	missing := filepath.Join(dir, "missing.exe")

	code, stdout, stderr := report(t, "-json", "-kb", "none", sample("mingw-service-x86.exe"), notPE, missing)
	assert.Equal(t, cli.ExitFailed, code, "a path that cannot be read makes the exit code 1")
	assert.Equal(t, "report: "+missing+": no such file or directory\n", stderr, "the failure is named on stderr, nothing else")
	ls := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, ls, 3, "one line per file, even the unreadable one")
	var kinds []string
	for _, l := range ls {
		var m struct {
			File    struct{ Kind, Path string }
			Verdict *struct{ Reasons []struct{ Signal string } }
		}
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		kinds = append(kinds, m.File.Kind)
		if m.File.Kind == "not-pe" {
			require.NotNil(t, m.Verdict)
			require.Len(t, m.Verdict.Reasons, 1)
			assert.Equal(t, "not-executable", m.Verdict.Reasons[0].Signal, "a text file gets no signature reasons")
		}
	}
	assert.Equal(t, []string{"exe", "not-pe", "unreadable"}, kinds)
}

// TestReportFailures: each input that cannot be analysed is named on
// stderr with the reason, in text mode too, and makes the exit code 1;
// the others are still reported.
func TestReportFailures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"missing", []string{filepath.Join(dir, "x.exe")}, filepath.Join(dir, "x.exe") + ": no such file or directory"},
		{"directory", []string{dir}, dir + ": is a directory"},
		{"device", []string{"/dev/null"}, "/dev/null: is a character device"},
		{"timed out", []string{"-timeout", "1ns", sample("mingw-service-x86.exe")}, "mingw-service-x86.exe: timed out after 1ns; the report is partial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.args[0] == "/dev/null" {
				if _, err := os.Stat("/dev/null"); err != nil {
					t.Skip("no /dev/null")
				}
			}
			code, stdout, stderr := report(t, append([]string{"-kb", "none"}, tt.args...)...)
			assert.Equal(t, cli.ExitFailed, code)
			assert.Contains(t, stderr, tt.stderr)
			assert.True(t, strings.HasPrefix(stderr, "report: "), stderr)
			assert.NotEmpty(t, stdout, "the file still gets its report")
			assert.NotContains(t, stdout, "| Kind: | not-pe |")
		})
	}
	code, stdout, _ := report(t, "-json", "-kb", "none", "-timeout", "1ns", sample("mingw-service-x86.exe"))
	assert.Equal(t, cli.ExitFailed, code)
	var rep struct {
		File struct {
			Kind    string
			Partial bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.True(t, rep.File.Partial, "a timed-out file is marked partial")
	assert.NotEqual(t, "not-pe", rep.File.Kind)
}

// TestReportUsage: bad flags, and flags whose file is missing or
// unusable, are usage errors found before any work: exit 2, one line on
// stderr, nothing on stdout.
func TestReportUsage(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("hello\n"), 0o644))
	svc := sample("mingw-service-x86.exe")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no file", nil, "report: no FILE given"},
		{"unknown flag", []string{"-nosuchflag", svc}, "flag provided but not defined: -nosuchflag"},
		{"bad language", []string{"-lang", "zz-Bogus-123", svc}, `report: -lang "zz-Bogus-123": language: tag is not well-formed`},
		{"missing catalogs", []string{"-catalogs", filepath.Join(dir, "nope"), svc}, "report: -catalogs: stat " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"catalogs not a folder", []string{"-catalogs", text, svc}, "is not a folder"},
		{"missing telemetry", []string{"-telemetry", filepath.Join(dir, "nope.jsonl"), svc}, "report: -telemetry: open "},
		{"telemetry not samples", []string{"-telemetry", text, svc}, "holds no telemetry sample (1 lines, none accepted)"},
		{"missing roots", []string{"-roots", filepath.Join(dir, "nope.pem"), svc}, "report: -roots: open "},
		{"roots not PEM", []string{"-roots", text, svc}, "holds no PEM certificate"},
		{"missing kb", []string{"-kb", filepath.Join(dir, "nope.sqlite"), svc}, "report: -kb: stat "},
		{"bad hashes", []string{"-hashes", "md6", svc}, "report: -hashes:"},
		{"bad timeout", []string{"-timeout", "0s", svc}, "report: -timeout 0s: want a positive duration"},
		{"host path of two files", []string{"-host-path", `C:\x.exe`, svc, svc}, "report: -host-path names the host path of one file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := report(t, tt.args...)
			assert.Equal(t, cli.ExitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.stderr)
			assert.Contains(t, stderr, "Run 'report -h' for the manual.")
		})
	}
}

// TestReportWarnings: inputs that did nothing for a file are warned about
// on stderr; the exit code stays 0.
func TestReportWarnings(t *testing.T) {
	dir := t.TempDir()
	samples := writeSamples(t, dir)
	bad := filepath.Join(dir, "mixed.jsonl")
	b, err := os.ReadFile(samples)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, append(b, "not json\n{\"participant\":\"p\"}\n"...), 0o644))
	empty := filepath.Join(dir, "cats")
	require.NoError(t, os.Mkdir(empty, 0o755))
	svc := sample("mingw-service-x86.exe")
	tests := []struct {
		name string
		args []string
		warn string
	}{
		{"telemetry matches no file", []string{"-telemetry", samples, svc}, "report: warning: " + svc + ": no telemetry sample in " + samples + " matches it"},
		{"rejected lines counted by reason", []string{"-telemetry", bad, svc}, "report: warning: -telemetry " + bad + ": 1784 samples accepted, 2 rejected (malformed_json 1, missing_file 1)"},
		{"catalog folder without catalogs", []string{"-catalogs", empty, svc}, "report: warning: -catalogs " + empty + " holds no catalog (.cat) file"},
		{"language without localization", []string{"-lang", "de-DE", svc}, "report: warning: " + svc + ": -lang de-DE: the file has no localization in that language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := report(t, append([]string{"-kb", "none"}, tt.args...)...)
			assert.Equal(t, cli.ExitOK, code, stderr)
			assert.Contains(t, stderr, tt.warn)
			assert.NotEmpty(t, stdout)
		})
	}
	// A language the file has: no warning.
	code, _, stderr := report(t, "-kb", "none", "-lang", "ru-RU", sample("mingw-console-x64.exe"))
	assert.Equal(t, cli.ExitOK, code)
	assert.Empty(t, stderr)
}

// TestReportHelp: -h is the manual, on stdout, exit 0: every flag, the
// formats it reads and an example.
func TestReportHelp(t *testing.T) {
	code, stdout, stderr := report(t, "-h")
	assert.Equal(t, cli.ExitOK, code)
	assert.Empty(t, stderr)
	var o options
	for _, f := range cli.FlagNames(newFlags(&o)) {
		assert.Regexp(t, `\n  `+f+`[ \t\n]`, stdout, "the manual lists %s", f)
	}
	for _, want := range []string{"JSON Lines", "-----BEGIN CERTIFICATE-----", "Examples:", "Exit status: 0", "130"} {
		assert.Contains(t, stdout, want)
	}
}

// TestReadmeProgramsTable: the README's row for report lists exactly the
// flags the program has.
func TestReadmeProgramsTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "README.md"))
	require.NoError(t, err)
	usages := cli.ReadmeUsages(string(b), "examples/report")
	require.NotEmpty(t, usages, "README has a row for examples/report")
	var o options
	assert.Equal(t, cli.FlagNames(newFlags(&o)), cli.ReadmeFlags(usages...))
}

func TestReportText(t *testing.T) {
	code, out, stderr := report(t, "-kb", "none", sample("spoof-msft.exe"))
	require.Equal(t, 0, code, stderr)
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

// TestReportSeveralFiles: each report starts with a line naming its file,
// and the name comes before the verdict.
func TestReportSeveralFiles(t *testing.T) {
	a, b := sample("mingw-service-x86.exe"), sample("mingw-gui-x64.exe")
	code, out, stderr := report(t, "-kb", "none", a, b)
	require.Equal(t, 0, code, stderr)
	ia, ib := strings.Index(out, "==> "+a+" <==\n"), strings.Index(out, "\n\n==> "+b+" <==\n")
	require.True(t, ia == 0 && ib > 0, out)
	second := out[ib:]
	assert.Less(t, strings.Index(second, "mingw-gui-x64.exe\n"), strings.Index(second, "Should I block it?"))
}

// writeSamples writes the generated telemetry samples of the seed page's
// alg.exe (examples/telemetry -generate) and returns their path.
func writeSamples(t *testing.T, dir string) string {
	t.Helper()
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
	return samples
}

// copySample copies a committed sample to dir/name.
func copySample(t *testing.T, from, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(sample(from))
	require.NoError(t, err)
	to := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, b, 0o644))
	return to
}

// TestReportTelemetry: generated samples reproducing the seed page are
// aggregated, and the report of a file named alg.exe shows the page's
// lower half, with the typical path from telemetry. The file is an
// unsigned copy claiming Microsoft, outside any Windows tree: nothing can
// check the claim, so the verdict is unknown, not suspicious.
func TestReportTelemetry(t *testing.T) {
	dir := t.TempDir()
	samples := writeSamples(t, dir)
	alg := copySample(t, "spoof-msft.exe", dir, "alg.exe")

	code, out, stderr := report(t, "-telemetry", samples, alg)
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		`| Typical file path: | C:\Windows\System32\alg.exe |`,
		"| Windows 7 Home Premium | 58.50% |",
		"United States installs about 49.75% of Application Layer Gateway Service.",
		"| Dell | 26.57% |",
		"prevalent: seen on",
		"unverifiable-claim:",
		"Unknown: there is not enough evidence either way.",
		"What is alg.exe?\nThe Application Layer Gateway Service provides support for 3rd party protocol plug-ins for Internet Connection Sharing.",
	} {
		assert.Contains(t, out, want)
	}

	// -lang fr-FR shows the crowd's French service strings.
	code, out, stderr = report(t, "-lang", "fr-FR", "-telemetry", samples, alg)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "| Display name: | Service de la passerelle de la couche Application |")
	assert.Empty(t, stderr, "the telemetry has fr-FR strings: no warning")
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

// windowsTree lays out dir/Windows/System32 with the test catalog in its
// CatRoot (it lists three mingw samples, not spoof-msft.exe) and returns
// System32.
func windowsTree(t *testing.T, dir string) string {
	t.Helper()
	sys := filepath.Join(dir, "Windows", "System32")
	cat := filepath.Join(sys, "CatRoot", "{F750E6C3-38EE-11D1-85E5-00C04FC295EE}")
	require.NoError(t, os.MkdirAll(cat, 0o755))
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "pe", "authenticode", "testdata", "catalog-sha256.cat"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(cat, "Package_test.cat"), b, 0o644))
	return sys
}

// TestReportKnowledgeBase: with the default knowledge base, an unsigned
// copy of a file claiming to be Windows' alg.exe is unknown where nothing
// can check the claim, and suspicious inside a Windows tree whose
// catalogs do not list it; with the test catalogs and roots, the
// catalog-listed sample is likely safe.
func TestReportKnowledgeBase(t *testing.T) {
	dir := t.TempDir()
	alg := copySample(t, "spoof-msft.exe", dir, "alg.exe")
	type verdict struct {
		Verdict struct {
			Level   string
			Reasons []struct{ Signal string }
		}
	}
	signals := func(v verdict) []string {
		var out []string
		for _, r := range v.Verdict.Reasons {
			out = append(out, r.Signal)
		}
		return out
	}
	var rep verdict
	code, stdout, stderr := report(t, "-json", "-host-path", `C:\Users\bob\Downloads\alg.exe`, alg)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, "suspicious", rep.Verdict.Level, "a system file's name outside its folder is evidence")
	assert.Contains(t, signals(rep), "spoof-system-name")

	code, stdout, stderr = report(t, "-json", alg)
	require.Equal(t, 0, code, stderr)
	rep = verdict{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, "unknown", rep.Verdict.Level)
	assert.Contains(t, signals(rep), "unverifiable-claim")

	// Inside a Windows tree whose catalogs do not list it: suspicious.
	inTree := copySample(t, "spoof-msft.exe", windowsTree(t, filepath.Join(dir, "mnt")), "alg.exe")
	code, stdout, stderr = report(t, "-json", inTree)
	require.Equal(t, 0, code, stderr)
	rep = verdict{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, "suspicious", rep.Verdict.Level)
	assert.Contains(t, signals(rep), "spoof-publisher")

	// The text shows what the default knowledge base knows of alg.exe.
	code, stdout, stderr = report(t, alg)
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"alg.exe\nApplication Layer Gateway Service by Microsoft\n",
		"Should I block it?\nUnknown: there is not enough evidence either way.",
		"Additional versions\n- 6.1.7600.16385 (win7_rtm.090713-1255) 9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115",
		"Relationships\n- started by services.exe",
		"| Typical file path: | C:\\Windows\\System32\\alg.exe |",
	} {
		assert.Contains(t, stdout, want)
	}

	cats := filepath.Join(dir, "CatRoot")
	require.NoError(t, os.MkdirAll(cats, 0o755))
	for _, c := range []string{"catalog-sha1.cat", "catalog-sha256.cat"} {
		cb, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "pe", "authenticode", "testdata", c))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(cats, c), cb, 0o644))
	}
	code, stdout, stderr = report(t, "-json", "-kb", "none", "-catalogs", cats, "-roots",
		filepath.Join(testutil.RepoRoot(), "testdata", "pki", "root-ca.pem"), sample("mingw-console-x64.exe"))
	require.Equal(t, 0, code, stderr)
	rep = verdict{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Contains(t, signals(rep), "catalog-signed")
	assert.Equal(t, "likely_safe", rep.Verdict.Level)
}
