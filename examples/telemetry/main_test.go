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

func runMain(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func generated(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runMain(t, "", append([]string{"-generate"}, args...)...)
	require.Equal(t, 0, code, errs)
	return out
}

func TestGenerateThenText(t *testing.T) {
	samples := generated(t)
	assert.Greater(t, strings.Count(samples, "\n"), 1000)
	code, out, errs := runMain(t, samples, "-product", "Application Layer Gateway Service", "-locale", "fr-FR")
	require.Equal(t, 0, code, errs)
	assert.Empty(t, errs)
	for _, l := range []string{
		"== alg.exe  sha256 " + stats.AlgExeSHA256,
		"| Typical file path: | C:\\Windows\\System32\\alg.exe |",
		"(Note: statistics below are averages based on a minimum sample size of 200 unique participants)",
		"| Total CPU: | 0.00038821% |",
		"| Kernel CPU time: | 114,980 ms/min |",
		"| Private memory: | 1.23 MB |",
		"| Page faults: | 3,065/min |",
		"| I/O read transfer: | 30 Bytes/sec |",
		"| Display name: | Service de la passerelle de la couche Application |",
		"| alg.exe (main module) |",
		"| Windows 7 Home Premium | 58.50% |",
		"United States installs about 49.75% of Application Layer Gateway Service.",
		"| Dell | 26.57% |",
		"| Sahara | 0.37% |",
	} {
		assert.Contains(t, out, l+"\n")
	}
}

func TestJSONAndThreshold(t *testing.T) {
	samples := generated(t, "-seed", "3")
	code, out, _ := runMain(t, samples, "-json")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 1)
	var s stats.Summary
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &s))
	assert.True(t, s.Published)
	assert.Equal(t, int64(400), s.Participants)
	assert.Equal(t, 0.585, s.Distribution.OS[0].Share)

	code, out, _ = runMain(t, samples, "-json", "-min", "401")
	require.Equal(t, 0, code)
	var u stats.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &u))
	assert.False(t, u.Published)
	assert.Nil(t, u.ResourceUtilization)

	code, out, _ = runMain(t, samples, "-min", "401")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "(Note: no statistics yet: 400 unique participants reported this file; at least 401 are needed)")
	assert.Contains(t, out, "== (name withheld)  sha256 ")
}

func TestRejectionsAndStrict(t *testing.T) {
	samples := generated(t, "-bad", "5")
	code, out, errs := runMain(t, samples, "-show", "2")
	require.Equal(t, 0, code)
	assert.Contains(t, errs, "stdin: stats: rejected sample at line ")
	assert.Contains(t, errs, "telemetry: 3 more rejected samples not shown")
	assert.Contains(t, errs, "5 rejected (malformed_json 1, missing_participant 1, negative_number 1, out_of_range 1, unknown_field 1)")
	assert.Contains(t, out, "| Total CPU: | 0.00038821% |", "bad lines do not disturb the figures")

	code, _, errs = runMain(t, samples, "-strict")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "telemetry: stdin: stats: rejected sample at line 2: negative_number")
}

func TestFilesInParallelSaveAndLoad(t *testing.T) {
	dir := t.TempDir()
	samples := generated(t, "-bad", "3")
	lines := strings.SplitAfter(samples, "\n")
	half := len(lines) / 2
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	require.NoError(t, os.WriteFile(a, []byte(strings.Join(lines[:half], "")), 0o644))
	require.NoError(t, os.WriteFile(b, []byte(strings.Join(lines[half:], "")), 0o644))

	_, whole, _ := runMain(t, samples, "-json")
	code, split, errs := runMain(t, "", "-json", "-j", "2", a, b)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, whole, split, "files read in parallel and merged give the single-pass summaries")

	// Shards saved on "different machines" and merged later.
	sa, sb := filepath.Join(dir, "a.state"), filepath.Join(dir, "b.state")
	code, _, errs = runMain(t, "", "-save", sa, a)
	require.Equal(t, 0, code, errs)
	code, _, errs = runMain(t, "", "-save", sb, b)
	require.Equal(t, 0, code, errs)
	code, loaded, errs := runMain(t, "", "-json", "-load", sa, "-load", sb)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, whole, loaded)

	code, _, errs = runMain(t, "", "-load", a) // not a state: a usage error, before any work
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errs, "telemetry: -load: "+a+": ")
	assert.Contains(t, errs, "corrupt aggregator state")
}

func TestRollupAndErrors(t *testing.T) {
	samples := generated(t)
	code, out, _ := runMain(t, samples, "-rollup")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "== alg.exe\n   version "+stats.AlgExeSHA256+" (400 participants)\n")

	code, _, _ = runMain(t, "", "-nope")
	assert.Equal(t, 2, code)
	code, _, errs := runMain(t, "", filepath.Join(t.TempDir(), "missing.jsonl"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "no such file")
	code, _, _ = runMain(t, "", "-generate", "-scale", "0")
	assert.Equal(t, cli.ExitUsage, code)
}

// TestEveryLineRejected: a run where no sample was accepted exits 1, with
// the rejections counted by reason on stderr.
func TestEveryLineRejected(t *testing.T) {
	code, out, errs := runMain(t, "{\"bogus\":1}\n{\"participant\":\"p\"}\nnot json\n")
	assert.Equal(t, cli.ExitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "telemetry: 0 samples accepted, 3 rejected (malformed_json 1, missing_file 1, unknown_field 1)")
	assert.Contains(t, errs, "telemetry: every one of the 3 samples was rejected; nothing to summarize\n")

	code, _, errs = runMain(t, "")
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, errs, "telemetry: no sample read")
}

// TestUsageAndHelp: bad flag values are usage errors; -h is the manual on
// stdout with the sample format and examples; the README rows list
// exactly the program's flags.
func TestUsageAndHelp(t *testing.T) {
	for _, args := range [][]string{{"-min", "0"}, {"-j", "0"}, {"-show", "-1"}, {"-load", filepath.Join(t.TempDir(), "nope.state")}, {"-generate", "x.jsonl"}} {
		code, out, errs := runMain(t, "", args...)
		assert.Equal(t, cli.ExitUsage, code, "%v", args)
		assert.Empty(t, out)
		assert.Contains(t, errs, "Run 'telemetry -h' for the manual.")
	}
	code, out, errs := runMain(t, "", "-h")
	assert.Equal(t, cli.ExitOK, code)
	assert.Empty(t, errs)
	var o options
	flags := cli.FlagNames(newFlags(&o))
	for _, f := range flags {
		assert.Regexp(t, `\n  `+f+`[ \t\n]`, out, "the manual lists %s", f)
	}
	assert.Contains(t, out, `"participant":"p-7f3a"`)
	assert.Contains(t, out, "Examples:")

	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "README.md"))
	require.NoError(t, err)
	assert.Equal(t, flags, cli.ReadmeFlags(cli.ReadmeUsages(string(b), "examples/telemetry")...))
}

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, true) // a buffer is no terminal: stays quiet
	p.update("x")(stats.ReadStats{Lines: 5})
	assert.Empty(t, b.String())

	p.on = true
	p.update("x")(stats.ReadStats{Lines: 5, Bytes: 2e6, Rejected: 1})
	p.update("y")(stats.ReadStats{Lines: 7}) // rate-limited: not drawn
	assert.Contains(t, b.String(), "\r5 lines, 2.0 MB")
	p.printf("note %d\n", 1)
	assert.Contains(t, b.String(), "\r\033[Knote 1\n")
	p.done()
}
