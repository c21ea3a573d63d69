package scan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/beam/scan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

// samples is the repository's committed sample tree.
func samples(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "pe"))
	require.NoError(t, err)
	return dir
}

// byPath reads JSON Lines reports into a map from file.path to the line.
func byPath(t *testing.T, b []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var rep struct {
			File struct {
				Path string `json:"path"`
			} `json:"file"`
		}
		require.NoError(t, json.Unmarshal([]byte(l), &rep), l)
		require.NotContains(t, m, rep.File.Path)
		m[rep.File.Path] = l
	}
	return m
}

// single runs examples/scan on dir.
func single(t *testing.T, dir string, flags ...string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "scan.jsonl")
	cmd := exec.Command("go", append(append([]string{"tool", "scan", "-q", "-o", out}, flags...), dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	return byPath(t, b)
}

// runBeam runs the scan pipeline on globs into shards and returns the
// reports by path and the counters.
func runBeam(t *testing.T, globs []string, cfg scan.Config, shards int) (map[string]string, map[string]int64) {
	t.Helper()
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	jsonl.Write(s, filepath.Join(out, "reports"), shards, false, scan.Pipeline(s, globs, cfg))
	res, err := ptest.RunWithMetrics(p)
	require.NoError(t, err)
	counters := map[string]int64{}
	for _, c := range res.Metrics().Query(func(r metrics.SingleResult) bool { return r.Namespace() == scan.Namespace }).Counters() {
		counters[c.Name()] += c.Result()
	}
	names, err := filepath.Glob(filepath.Join(out, "reports-*"))
	require.NoError(t, err)
	var all []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		all = append(all, b...)
	}
	return byPath(t, all), counters
}

func TestReportsEqualExamplesScan(t *testing.T) {
	dir := samples(t)
	want := single(t, dir)
	require.Greater(t, len(want), 20)
	globs, err := scan.DirGlobs([]string{dir})
	require.NoError(t, err)
	got, counters := runBeam(t, globs, scan.Config{}, 3)
	require.Equal(t, keys(want), keys(got))
	for path, w := range want {
		assert.Equal(t, w, got[path], path)
	}
	assert.EqualValues(t, len(want), counters["files"])
	assert.EqualValues(t, len(want), counters["pe"]+counters["not_pe"])
	assert.NotZero(t, counters["not_pe"], "the .b64 files are not PE")

	// Every digest, the similarity ones too.
	want = single(t, dir, "-hashes", "all")
	got, _ = runBeam(t, globs, scan.Config{Hashes: "all"}, 1)
	require.Equal(t, keys(want), keys(got))
	for path, w := range want {
		assert.Equal(t, w, got[path], path)
	}
	assert.Contains(t, got[filepath.Join(dir, "go-386.exe")], `"tlsh":`)
}

// TestRemoteFileSystem reads the samples through a non-local Beam file
// system (memfs): the reports are the local ones but for the path, and
// for what a local file has beside it (MUI satellites).
func TestRemoteFileSystem(t *testing.T) {
	dir := samples(t)
	local, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	var big string
	for _, p := range local {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // a folder
		}
		memfs.Write("memfs://pe/"+filepath.Base(p), b)
		if big == "" && len(b) > 100<<10 {
			big = filepath.Base(p)
		}
	}
	require.NotEmpty(t, big)
	want, _ := runBeam(t, []string{filepath.Join(dir, "*")}, scan.Config{MaxInMemory: 1 << 30}, 1)
	got, counters := runBeam(t, []string{"memfs://pe/*"}, scan.Config{MaxInMemory: 1 << 30}, 1)
	require.Len(t, keys(got), len(want), keys(got))
	compared := 0
	for path, w := range want {
		g := got["memfs://pe/"+filepath.Base(path)]
		require.NotEmpty(t, g, path)
		if strings.Contains(w, `"mui"`) {
			continue // satellites are looked for beside local files only
		}
		w = strings.ReplaceAll(w, jsonString(path), jsonString("memfs://pe/"+filepath.Base(path)))
		assert.Equal(t, w, g, path)
		compared++
	}
	assert.Greater(t, compared, 15)
	assert.Zero(t, counters["errors"])

	// Over the cap on a remote file system: a report with the error.
	got, counters = runBeam(t, []string{"memfs://pe/" + big}, scan.Config{MaxInMemory: 100 << 10}, 1)
	require.Len(t, got, 1)
	for _, g := range got {
		assert.Contains(t, g, "over the in-memory cap")
	}
	assert.EqualValues(t, 1, counters["errors"])
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

func keys(m map[string]string) []string {
	var k []string
	for p := range m {
		k = append(k, p)
	}
	slices.Sort(k)
	return k
}
