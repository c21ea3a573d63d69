package stats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzSeedLines returns sample lines to seed the fuzzers.
func fuzzSeedLines(t testing.TB) []string {
	lines := []string{oneLine(fullLine), `{"participant":"p","file":{"name":"a.exe"}}`}
	c := genCorpus(9, 2, 6, 2, 10)
	lines = append(lines, c.lines...)
	seq, err := Synthesize(AlgExeProfile(), 1)
	require.NoError(t, err)
	n := 0
	for s := range seq {
		lines = append(lines, string(s.AppendJSON(nil)))
		if n++; n == 3 {
			break
		}
	}
	return lines
}

// FuzzReadJSONL feeds arbitrary input to the JSON Lines reader: it must
// not panic, must account for every non-blank line as accepted or
// rejected, must never accept a line that is not JSON, and its state must
// survive a marshal round trip.
func FuzzReadJSONL(f *testing.F) {
	lines := fuzzSeedLines(f)
	for _, l := range lines {
		f.Add([]byte(l))
	}
	f.Add([]byte(strings.Join(lines, "\n")))
	f.Add([]byte("\xef\xbb\xbf{}\r\n\n{\"participant\":\"\\ud800\"}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		a := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0))
		rejected := map[int64]bool{}
		st, err := ReadJSONL(context.Background(), bytes.NewReader(in), a,
			WithRejectHandler(func(e *RejectError) { rejected[e.Line] = true }))
		require.NoError(t, err)
		require.Equal(t, st.Accepted, a.Samples())
		var sum int64
		for _, n := range a.Rejected() {
			sum += n
		}
		require.Equal(t, st.Rejected, sum)
		nonBlank := int64(0)
		for i, l := range strings.Split(string(in), "\n") {
			if i == 0 {
				l = strings.TrimPrefix(l, "\xef\xbb\xbf")
			}
			if strings.Trim(l, " \t\r\n") == "" { // JSON whitespace only
				continue
			}
			nonBlank++
			if !rejected[int64(i+1)] {
				require.True(t, json.Valid([]byte(l)), "accepted a line that is not JSON: %q", l)
			}
		}
		require.Equal(t, nonBlank, st.Accepted+st.Rejected)

		want := a.Summaries()
		for _, s := range want {
			_, err := json.Marshal(s)
			require.NoError(t, err)
			require.NoError(t, WriteText(&bytes.Buffer{}, s))
		}
		blob, err := a.MarshalBinary()
		require.NoError(t, err)
		b := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0))
		require.NoError(t, b.UnmarshalBinary(blob))
		require.Equal(t, want, b.Summaries())
		require.Equal(t, a.NameSummaries(), b.NameSummaries())
	})
}

// FuzzUnmarshalBinary feeds arbitrary blobs, as given and with a valid
// checksum appended (to get past the checksum to the structural checks):
// any blob is either rejected with ErrCorruptState/ErrUnsupportedVersion
// or gives a state that summarizes, merges and round-trips.
func FuzzUnmarshalBinary(f *testing.F) {
	for seed := uint64(1); seed <= 3; seed++ {
		c := genCorpus(seed, 2, 5, 2, 5)
		a := newAgg(f, WithMinParticipants(1))
		_, err := ReadJSONL(context.Background(), strings.NewReader(strings.Join(c.lines, "\n")), a)
		require.NoError(f, err)
		blob, err := a.MarshalBinary()
		require.NoError(f, err)
		f.Add(blob)
		f.Add(blob[:len(blob)-4])
	}
	var zero Aggregator
	blob, _ := zero.MarshalBinary()
	f.Add(blob)
	f.Add([]byte("FRSTAT\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, withCRC(data)} {
			a := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0))
			if err := a.UnmarshalBinary(d); err != nil {
				require.Truef(t, isStateError(err), "unexpected error %v", err)
				continue
			}
			want := a.Summaries()
			for _, s := range want {
				_, err := json.Marshal(s)
				require.NoError(t, err)
			}
			a.NameSummaries()
			blob, err := a.MarshalBinary()
			require.NoError(t, err)
			b := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0))
			require.NoError(t, b.UnmarshalBinary(blob))
			require.Equal(t, want, b.Summaries())
			c := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0))
			require.NoError(t, c.Merge(a))
			require.Equal(t, want, c.Summaries())
		}
	})
}

func isStateError(err error) bool {
	return err != nil && (errorsIs(err, ErrCorruptState) || errorsIs(err, ErrUnsupportedVersion))
}

// TestFuzzCorpusFiles makes sure the committed regression seeds exist
// where the fuzzers expect them and are in go's corpus format, so that go
// test really replays them as part of FuzzReadJSONL (a misplaced or
// malformed file would be skipped or fail only under -fuzz).
func TestFuzzCorpusFiles(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReadJSONL")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, ents)
	for _, e := range ents {
		require.False(t, e.IsDir(), e.Name())
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(b), "go test fuzz v1\n[]byte("), "%s: not a corpus entry for a []byte fuzzer", e.Name())
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
