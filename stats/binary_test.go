package stats

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func corpusAggregator(t testing.TB, seed uint64, opts ...Option) *Aggregator {
	t.Helper()
	c := genCorpus(seed, 4, 120, 3, 20)
	a := newAgg(t, opts...)
	_, err := ReadJSONL(context.Background(), strings.NewReader(strings.Join(c.lines, "\n")), a)
	require.NoError(t, err)
	return a
}

func TestBinaryRoundTrip(t *testing.T) {
	a := corpusAggregator(t, 5, WithMinParticipants(20))
	blob, err := a.MarshalBinary()
	require.NoError(t, err)
	b := newAgg(t, WithMinParticipants(20))
	require.NoError(t, b.UnmarshalBinary(blob))
	assert.Equal(t, a.Summaries(), b.Summaries())
	assert.Equal(t, a.NameSummaries(), b.NameSummaries())
	assert.Equal(t, a.Rejected(), b.Rejected())
	assert.Equal(t, a.Samples(), b.Samples())
	assert.Equal(t, 20, b.MinParticipants(), "options are not part of the state")

	// Profiles come back as profiles (memory), explicit tallies as tallies.
	profiled := 0
	for _, f := range b.bySHA {
		for _, i := range f.idx {
			if f.at(i).profile != 0 {
				profiled++
			}
		}
	}
	assert.Positive(t, profiled)

	// A second round trip keeps the summaries.
	blob2, err := b.MarshalBinary()
	require.NoError(t, err)
	c := newAgg(t, WithMinParticipants(20))
	require.NoError(t, c.UnmarshalBinary(blob2))
	assert.Equal(t, a.Summaries(), c.Summaries())
}

func TestBinaryRejectsCorruption(t *testing.T) {
	a := corpusAggregator(t, 6)
	blob, err := a.MarshalBinary()
	require.NoError(t, err)
	before := a.Summaries()

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrCorruptState},
		{"foreign", []byte("PK\x03\x04 a zip file, not a state"), ErrCorruptState},
		{"json", []byte(`{"participants": 3}`), ErrCorruptState},
		{"version", append([]byte(stateMagic+"\x09"), blob[len(stateMagic)+1:]...), ErrUnsupportedVersion},
		{"truncated", blob[:len(blob)/2], ErrCorruptState},
		{"trailing", append(append([]byte{}, blob...), 0), ErrCorruptState},
	} {
		err := a.UnmarshalBinary(tc.data)
		assert.ErrorIs(t, err, tc.want, tc.name)
	}
	// Every single-byte change after the version is caught.
	for i := len(stateMagic) + 1; i < len(blob); i += 1 + len(blob)/500 {
		bad := append([]byte{}, blob...)
		bad[i] ^= 0x20
		assert.ErrorIs(t, a.UnmarshalBinary(bad), ErrCorruptState, "byte %d", i)
	}
	assert.Equal(t, before, a.Summaries(), "a failed UnmarshalBinary leaves the state alone")
}

// withCRC appends a valid checksum to a body, to test the structural checks
// behind the checksum.
func withCRC(body []byte) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte{}, body...), crc32.Checksum(body, castagnoli))
}

func TestBinaryChecksInvariants(t *testing.T) {
	a := newAgg(t, WithMinParticipants(1))
	require.NoError(t, a.Add(sample("A", withMetric(Threads, 2), withOS("W"))))
	blob, err := a.MarshalBinary()
	require.NoError(t, err)
	body := blob[:len(blob)-4]
	require.NoError(t, new(Aggregator).UnmarshalBinary(withCRC(body)))

	// Flip each byte of the body in turn, with a fixed checksum: every
	// result is either rejected cleanly or a state that summarizes.
	for i := len(stateMagic) + 1; i < len(body); i++ {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := append([]byte{}, body...)
			bad[i] ^= x
			var b Aggregator
			if err := b.UnmarshalBinary(withCRC(bad)); err != nil {
				assert.ErrorIs(t, err, ErrCorruptState)
				continue
			}
			b.Summaries()
			b.NameSummaries()
		}
	}
}

// manyValuesAggregator holds one participant with n modules and n
// localized display names (as a hostile or very unusual state would).
func manyValuesAggregator(t *testing.T, n int) *Aggregator {
	a := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0), WithRareValues(1, 0))
	require.NoError(t, a.Add(sample("A")))
	f := a.bySHA[a.lastSHA]
	p := f.at(0)
	p.explicit(&a.profs, 1)
	for i := 0; i < n; i++ {
		p.mods = append(p.mods, modTally{id: a.strs.id(fmt.Sprintf("m%d.dll", i)), n: 1})
		p.x.more = append(p.x.more, catExtra{field: catDisplayName,
			tally: tally{a.strs.id(fmt.Sprintf("l%d\x00name", i)), 1}})
	}
	p.n += uint32(n)
	f.samples += uint64(n)
	a.samples += uint64(n)
	return a
}

// TestBinaryManyValues: repeats past the first few entries of a
// participant's tallies or modules are caught, and a state with many
// values round-trips and merges (in linear time: a quadratic check took
// seconds on a 1 MiB blob).
func TestBinaryManyValues(t *testing.T) {
	a := manyValuesAggregator(t, 2000)
	blob, err := a.MarshalBinary()
	require.NoError(t, err)
	b := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0), WithRareValues(1, 0))
	require.NoError(t, b.UnmarshalBinary(blob))
	want := a.Summaries()
	require.Len(t, want[0].Process.Service.DisplayName, 2000)
	assert.Equal(t, want, b.Summaries())
	c := newAgg(t, WithMinParticipants(1), WithPropertyMinShare(0), WithRareValues(1, 0))
	require.NoError(t, c.Merge(b))
	require.NoError(t, c.Merge(a)) // each value now counted twice
	s := c.Summaries()[0]
	assert.Equal(t, int64(1), s.Participants)
	assert.Equal(t, Mode{Value: "name", Share: 1, Participants: 1}, s.Process.Service.DisplayName["l1999"])

	p := a.bySHA[a.lastSHA].at(0)
	p.mods[1500].id = p.mods[20].id
	blob, err = a.MarshalBinary()
	require.NoError(t, err)
	assert.ErrorIs(t, b.UnmarshalBinary(blob), ErrCorruptState, "repeated module")

	a = manyValuesAggregator(t, 2000)
	p = a.bySHA[a.lastSHA].at(0)
	p.x.more[1500].id = p.x.more[30].id
	blob, err = a.MarshalBinary()
	require.NoError(t, err)
	assert.ErrorIs(t, b.UnmarshalBinary(blob), ErrCorruptState, "repeated tally")
}
