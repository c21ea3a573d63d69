package ssdeep

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/internal/simtest"
)

const repoRoot = "../.."

// TestRecordedDigests checks every digest that ssdeep 2.14.1 printed for
// the inputs of testdata/digests.tsv (see
// hash/internal/simtest/record.sh): the committed samples and generated
// inputs always, the files outside the repository when present.
func TestRecordedDigests(t *testing.T) {
	rows, err := simtest.ReadTable(filepath.Join("testdata", "digests.tsv"))
	require.NoError(t, err)
	counts := map[string]int{}
	for _, row := range rows {
		in, err := simtest.ParseInput(row)
		require.NoError(t, err)
		if in.Size > simtest.LargeSize && (testing.Short() || os.Getenv(simtest.LargeEnv) != "1") {
			counts["skipped (large: -short=false and "+simtest.LargeEnv+"=1)"]++
			continue
		}
		if in.Kind == "ext" && testing.Short() {
			counts["skipped (-short)"]++
			continue
		}
		r, skip, err := in.Open(repoRoot)
		require.NoError(t, err, "line %d", row.Line)
		if skip != "" {
			counts["skipped ("+skip+")"]++
			continue
		}
		want, err := Parse(in.Want)
		require.NoError(t, err, "line %d", row.Line)
		if in.Size > simtest.LargeSize {
			got, err := SumReader(r)
			require.NoError(t, err)
			assert.Equal(t, in.Want, got.String(), "%s %s, streamed", in.Kind, in.Name)
			counts[in.Kind]++
			continue
		}
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		got, err := Sum(b)
		require.NoError(t, err)
		if !assert.Equal(t, in.Want, got.String(), "%s %s", in.Kind, in.Name) {
			continue
		}
		assert.Equal(t, want, got)
		// The same, written in pieces of any size (the larger files outside
		// the repository once only, to keep the test quick).
		if in.Kind == "ext" && len(b) > 1<<20 {
			counts[in.Kind]++
			continue
		}
		streamed, err := SumReader(&simtest.Chunks{R: bytes.NewReader(b), Max: 1 + len(b)/7})
		require.NoError(t, err)
		assert.Equal(t, in.Want, streamed.String(), "%s %s, streamed", in.Kind, in.Name)
		counts[in.Kind]++
	}
	t.Logf("equal to ssdeep: %v", counts)
	assert.Positive(t, counts["sample"])
	assert.Positive(t, counts["gen"])
}

// TestRecordedPairs checks Compare against the scores ssdeep -x printed
// for the pairs of testdata/pairs.tsv.
func TestRecordedPairs(t *testing.T) {
	rows, err := simtest.ReadTable(filepath.Join("testdata", "pairs.tsv"))
	require.NoError(t, err)
	nonzero := 0
	for _, row := range rows {
		require.Len(t, row.Fields, 3, "line %d", row.Line)
		a, err := Parse(row.Fields[0])
		require.NoError(t, err, "line %d", row.Line)
		b, err := Parse(row.Fields[1])
		require.NoError(t, err, "line %d", row.Line)
		want := row.Fields[2]
		assert.Equal(t, want, itoa(Compare(a, b)), "line %d: %s vs %s", row.Line, a, b)
		if want != "0" {
			nonzero++
		}
	}
	t.Logf("%d pairs, %d with a score above 0", len(rows), nonzero)
	assert.Greater(t, nonzero, 50)
}

func itoa(n int) string { return strconv.Itoa(n) }
