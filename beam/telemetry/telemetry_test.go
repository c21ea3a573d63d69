package telemetry_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/beam/telemetry"
	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

const (
	sha199 = "1111111111111111111111111111111111111111111111111111111111111199"
	sha200 = "2222222222222222222222222222222222222222222222222222222222222200"
)

// smallProfile is a crowd of n participants with a few metrics.
func smallProfile(sha, name string, n int) stats.Profile {
	var m stats.Metrics
	m.Set(stats.Threads, 4)
	m.Set(stats.CPUTotalPct, 0.5)
	m.Set(stats.MemPrivateBytes, 1<<20)
	return stats.Profile{
		File:         stats.FileRef{SHA256: sha, Name: name},
		Participants: n, MinSamples: 1, MaxSamples: 3,
		OS:    []stats.ValueCount{{Value: "Windows 11 Pro", Participants: n / 2}},
		Means: m, Spread: 0.2,
	}
}

// samples returns the JSON lines of p's crowd.
func samples(t *testing.T, p stats.Profile, seed uint64) []string {
	t.Helper()
	seq, err := stats.Synthesize(p, seed)
	require.NoError(t, err)
	var out []string
	for s := range seq {
		out = append(out, string(s.AppendJSON(nil)))
	}
	return out
}

// corpus is the test input: the seed page's alg.exe (400 participants),
// a file with 199 participants, one with 200 whose participants also
// report under other spellings of their identifiers (still 200), a
// name-only group, and bad lines of every kind.
func corpus(t *testing.T) []string {
	t.Helper()
	lines := samples(t, stats.AlgExeProfile(), 1)
	lines = append(lines, samples(t, smallProfile(sha199, "rare.exe", 199), 2)...)
	two := samples(t, smallProfile(sha200, "edge.exe", 200), 3)
	lines = append(lines, two...)
	for _, l := range two[:150] { // the same machines, spelled P-… and with spaces
		l = strings.Replace(l, `"participant":"p-`, `"participant":" P-`, 1)
		lines = append(lines, l)
	}
	noSHA := smallProfile("", "NameOnly.EXE", 230)
	lines = append(lines, samples(t, noSHA, 4)...)
	alg := stats.AlgExeSHA256
	bad := []string{
		`{"participant": "p-bad", "file": {"sha256": "` + alg + `"}, "cpu": {"total_pct": -1}}`,
		`{"file": {"sha256": "` + strings.ToUpper(alg) + `"}, "threads": 4}`,
		`{"participant": "p-bad", "file": {"name": "alg.exe"}, "colour": "blue"}`,
		`{"participant": "p-bad", "file": {"sha256": "` + alg + `"}, "cpu": {"total_pct": 250}, "machine": {"cpus": 2}}`,
		`{"participant": "p-bad", "file": `,
		`{"participant": "p-bad", "file": {"sha256": "` + sha199 + `"}, "threads": "four"}`,
		`{"participant": "p-bad", "file": {"sha256": "` + sha199 + `", "sha256": "` + sha199 + `"}}`,
		`{"participant": "p-bad", "file": {"sha256": "xyz"}}`,
		`{"participant": "p-bad"}`,
		`{"participant": "p-bad", "file": {"path": "C:\\x\\nameonly.exe"}, "handles": 1e400}`,
		`not json at all`,
		``,
		`   `,
	}
	for i, b := range bad {
		for j := range 3 {
			lines = append(lines, b+strings.Repeat(" ", i%2)+strings.Repeat("\r", j%2))
		}
	}
	return lines
}

// writeShards spreads lines over n files in a random order, so that every
// file's participants are split across shards.
func writeShards(t *testing.T, dir string, lines []string, n int) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	shuffled := slices.Clone(lines)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	bufs := make([]bytes.Buffer, n)
	for i, l := range shuffled {
		b := &bufs[r.IntN(n)]
		if b.Len() == 0 && i%2 == 0 {
			b.WriteString("\ufeff") // a byte order mark, as Windows tools write
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	var names []string
	for i := range bufs {
		name := filepath.Join(dir, fmt.Sprintf("samples-%02d.jsonl", i))
		require.NoError(t, os.WriteFile(name, bufs[i].Bytes(), 0o644))
		names = append(names, name)
	}
	return names
}

// single runs examples/telemetry -json on the files.
func single(t *testing.T, files ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"tool", "telemetry", "-json", "-progress=false"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	return out
}

// runBeam runs the pipeline on the globs and returns its outputs, each
// shard set concatenated in shard order, and its counters.
func runBeam(t *testing.T, globs []string, st telemetry.Settings, shards int) (sums, rejected []byte, counters map[string]int64) {
	t.Helper()
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	sumCol, rejCol := telemetry.Pipeline(s, globs, st)
	jsonl.Write(s, filepath.Join(out, "summaries"), shards, true, sumCol)
	jsonl.Write(s, filepath.Join(out, "rejected"), 1, true, rejCol)
	res, err := ptest.RunWithMetrics(p)
	require.NoError(t, err)
	counters = map[string]int64{}
	for _, c := range res.Metrics().Query(func(r metrics.SingleResult) bool { return r.Namespace() == telemetry.Namespace }).Counters() {
		counters[c.Name()] += c.Result()
	}
	read := func(pattern string) []byte {
		names, err := filepath.Glob(filepath.Join(out, pattern))
		require.NoError(t, err)
		slices.Sort(names)
		var all []byte
		for _, n := range names {
			b, err := os.ReadFile(n)
			require.NoError(t, err)
			all = append(all, b...)
		}
		return all
	}
	return read("summaries-*"), read("rejected-*"), counters
}

func sortedLines(b []byte) []string {
	l := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	slices.Sort(l)
	return l
}

func TestSummariesIdenticalToSingleProcess(t *testing.T) {
	dir := t.TempDir()
	files := writeShards(t, dir, corpus(t), 16)
	want := single(t, files...)
	require.NotEmpty(t, want)

	// One output shard: the very bytes examples/telemetry prints.
	got, rejected, counters := runBeam(t, []string{filepath.Join(dir, "samples-*.jsonl")}, telemetry.DefaultSettings(), 1)
	assert.Equal(t, string(want), string(got))

	// Several output shards, and files read in ranges of a few kB that
	// cut lines anywhere: the same lines.
	st := telemetry.DefaultSettings()
	st.SplitBytes = 3000
	got4, rejected4, _ := runBeam(t, []string{filepath.Join(dir, "samples-0*.jsonl"), filepath.Join(dir, "samples-1*.jsonl")}, st, 4)
	assert.Equal(t, sortedLines(want), sortedLines(got4))
	assert.Equal(t, string(rejected), string(rejected4))

	// What the summaries say about the thresholds.
	bySHA := map[string]stats.Summary{}
	for _, l := range sortedLines(got) {
		var s stats.Summary
		require.NoError(t, json.Unmarshal([]byte(l), &s))
		bySHA[s.File.SHA256+"/"+s.File.Name] = s
	}
	rare := bySHA[sha199+"/"] // an unpublished summary does not name the file
	assert.EqualValues(t, 199, rare.Participants)
	assert.False(t, rare.Published, "199 participants over 16 shards stay unpublished")
	assert.Nil(t, rare.ResourceUtilization)
	edge := bySHA[sha200+"/edge.exe"]
	assert.EqualValues(t, 200, edge.Participants, "identifiers that differ in case and spaces count once")
	assert.True(t, edge.Published)
	assert.True(t, bySHA[stats.AlgExeSHA256+"/alg.exe"].Published)
	assert.Contains(t, bySHA, "/NameOnly.EXE")

	// Every rejection is counted, in the metrics and in the rejected output,
	// as one process counts it.
	agg, err := stats.NewAggregator()
	require.NoError(t, err)
	var total stats.ReadStats
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		st, err := stats.ReadJSONL(t.Context(), fh, agg)
		fh.Close()
		require.NoError(t, err)
		total.Accepted += st.Accepted
		total.Rejected += st.Rejected
	}
	assert.Equal(t, total.Accepted, counters["accepted"])
	wantRejected := map[string]int64{}
	for r, n := range agg.Rejected() {
		wantRejected["rejected_"+r.String()] = n
	}
	gotRejected := map[string]int64{}
	for name, n := range counters {
		if strings.HasPrefix(name, "rejected_") && n != 0 {
			gotRejected[name] = n
		}
	}
	assert.Equal(t, wantRejected, gotRejected)
	assert.Len(t, wantRejected, 10, "the corpus has bad lines of ten kinds")
	assert.Len(t, sortedLines(rejected), int(total.Rejected))
	for _, l := range sortedLines(rejected) {
		var r telemetry.Rejected
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		assert.NotEmpty(t, r.Reason)
		assert.Contains(t, wantRejected, "rejected_"+r.Reason)
		assert.Contains(t, files, r.Input)
	}
}

// TestThresholdOnMergedStateOnly: with the threshold at 150, no shard of
// the 199-participant file reaches it alone, and the merged state does.
func TestThresholdOnMergedStateOnly(t *testing.T) {
	dir := t.TempDir()
	lines := samples(t, smallProfile(sha199, "rare.exe", 199), 2)
	files := writeShards(t, dir, lines, 8)
	st := telemetry.DefaultSettings()
	st.MinParticipants = 150
	got, _, _ := runBeam(t, []string{filepath.Join(dir, "*.jsonl")}, st, 1)
	want := single(t, append([]string{"-min", "150"}, files...)...)
	assert.Equal(t, string(want), string(got))
	var s stats.Summary
	require.NoError(t, json.Unmarshal(got, &s))
	assert.True(t, s.Published)
	assert.Equal(t, 150, s.MinParticipants)
}

// TestCombineFnMergeThroughCoder drives the combiner as a runner does:
// partial accumulators, encoded and decoded with the registered coder,
// merged in another grouping, give the single-aggregator summary.
func TestCombineFnMergeThroughCoder(t *testing.T) {
	lines := samples(t, smallProfile(sha200, "edge.exe", 200), 5)
	fn := &telemetry.CombineFn{Settings: telemetry.DefaultSettings()}
	parts := make([]telemetry.Accumulator, 5)
	for i := range parts {
		var err error
		parts[i], err = fn.CreateAccumulator()
		require.NoError(t, err)
	}
	single, err := stats.NewAggregator()
	require.NoError(t, err)
	for i, l := range lines {
		var in telemetry.Input
		require.NoError(t, in.Sample.UnmarshalJSON([]byte(l)))
		parts[i%len(parts)], err = fn.AddInput(parts[i%len(parts)], in)
		require.NoError(t, err)
		require.NoError(t, single.Add(&in.Sample))
	}
	// A rejected line goes in as the line itself.
	parts[0], err = fn.AddInput(parts[0], telemetry.Input{Line: `{"participant": "x", "file": {"sha256": "` + sha200 + `"}, "threads": "x"}`})
	require.NoError(t, err)
	_, err = stats.ReadJSONL(t.Context(), strings.NewReader(`{"participant": "x", "file": {"sha256": "`+sha200+`"}, "threads": "x"}`), single)
	require.NoError(t, err)

	enc := beam.NewElementEncoder(reflect.TypeOf(telemetry.Accumulator{}))
	dec := beam.NewElementDecoder(reflect.TypeOf(telemetry.Accumulator{}))
	acc := parts[4]
	for _, p := range parts[:4] {
		var buf bytes.Buffer
		require.NoError(t, enc.Encode(p, &buf))
		v, err := dec.Decode(&buf)
		require.NoError(t, err)
		acc, err = fn.MergeAccumulators(v.(telemetry.Accumulator), acc)
		require.NoError(t, err)
	}
	out, err := fn.ExtractOutput(acc)
	require.NoError(t, err)
	require.Len(t, out, 1)
	want, err := json.Marshal(single.Summaries()[0])
	require.NoError(t, err)
	assert.JSONEq(t, string(want), out[0].Text)
	assert.Contains(t, out[0].Text, `"rejected":{"wrong_type":1}`)
}

// TestRemoteFileSystem reads the shards from another Beam file system
// (memfs, whose reader cannot seek: ranges are reached by skipping).
func TestRemoteFileSystem(t *testing.T) {
	dir := t.TempDir()
	files := writeShards(t, dir, corpus(t), 5)
	want := single(t, files...)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		memfs.Write("memfs://telemetry/"+filepath.Base(f), b)
	}
	st := telemetry.DefaultSettings()
	st.SplitBytes = 5000
	got, _, _ := runBeam(t, []string{"memfs://telemetry/*.jsonl"}, st, 1)
	assert.Equal(t, string(want), string(got))
}
