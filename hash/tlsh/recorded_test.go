package tlsh

import (
	"bytes"
	"errors"
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

// output is what tlsh 3.4 prints for d and err, as recorded.
func output(d Digest, err error) string {
	switch {
	case errors.Is(err, ErrTooShort):
		return "ERR too small"
	case errors.Is(err, ErrTooSimple):
		return "ERR cannot hash"
	case err != nil:
		return "ERR " + err.Error()
	}
	return d.Hex()
}

// TestRecordedDigests checks every digest (or refusal) that tlsh 3.4.4
// printed for the inputs of testdata/digests.tsv (see
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
		if in.Size > simtest.LargeSize {
			got, err := SumReader(r)
			assert.Equal(t, in.Want, output(got, err), "%s %s, streamed", in.Kind, in.Name)
			counts[in.Kind]++
			continue
		}
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		got, err := Sum(b)
		if !assert.Equal(t, in.Want, output(got, err), "%s %s", in.Kind, in.Name) {
			continue
		}
		if err == nil {
			p, perr := Parse(in.Want)
			require.NoError(t, perr)
			assert.Equal(t, p, got)
		}
		// The same, written in pieces of any size (the larger files outside
		// the repository once only, to keep the test quick).
		if in.Kind == "ext" && len(b) > 1<<20 {
			counts[in.Kind]++
			continue
		}
		streamed, err := SumReader(&simtest.Chunks{R: bytes.NewReader(b), Max: 1 + len(b)/7})
		assert.Equal(t, in.Want, output(streamed, err), "%s %s, streamed", in.Kind, in.Name)
		counts[in.Kind]++
		if err != nil {
			counts["no digest"]++
		}
	}
	t.Logf("equal to tlsh: %v", counts)
	assert.Positive(t, counts["sample"])
	assert.Positive(t, counts["gen"])
	assert.Positive(t, counts["no digest"])
}

// TestRecordedPairs checks Distance and DistanceNoLength against the
// distances tlsh -c printed for the pairs of testdata/pairs.tsv.
func TestRecordedPairs(t *testing.T) {
	rows, err := simtest.ReadTable(filepath.Join("testdata", "pairs.tsv"))
	require.NoError(t, err)
	for _, row := range rows {
		require.Len(t, row.Fields, 4, "line %d", row.Line)
		a, err := Parse(row.Fields[0])
		require.NoError(t, err, "line %d", row.Line)
		b, err := Parse(row.Fields[1])
		require.NoError(t, err, "line %d", row.Line)
		assert.Equal(t, row.Fields[2], strconv.Itoa(Distance(a, b)), "line %d", row.Line)
		assert.Equal(t, row.Fields[3], strconv.Itoa(DistanceNoLength(a, b)), "line %d", row.Line)
	}
	t.Logf("%d pairs", len(rows))
}
