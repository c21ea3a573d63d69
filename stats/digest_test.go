package stats

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParticipantKeyIsStable pins the digest: states written by one
// version must merge with states of another, so changing it needs a new
// state version.
func TestParticipantKeyIsStable(t *testing.T) {
	got := map[string]string{}
	for _, id := range []string{"", "p", "p-7f3a", "participant-123456", "a longer identifier, over sixteen bytes"} {
		k := participantKey(id)
		got[id] = hex.EncodeToString(k[:])
	}
	want := map[string]string{}
	for id := range got {
		want[id] = pinnedKeys[id]
	}
	assert.Equal(t, want, got)
}

func TestParticipantKeyHasNoCollisions(t *testing.T) {
	n := 500_000
	if testing.Short() {
		n = 100_000
	}
	seen := make(map[[16]byte]struct{}, 3*n)
	for i := 0; i < n; i++ {
		for _, id := range []string{
			"participant-" + strconv.Itoa(i),
			fmt.Sprintf("p-%016x", uint64(i)*0x9e3779b97f4a7c15),
			string(rune('a'+i%26)) + strconv.Itoa(i/26),
		} {
			k := participantKey(id)
			_, dup := seen[k]
			require.False(t, dup, "collision at %q", id)
			seen[k] = struct{}{}
		}
	}
	// Every input bit moves about half of the output bits of the digest
	// (participantKey digests the case-folded identifier, so there the
	// bits that only change a letter's case move none, by design).
	digest := func(s string) [16]byte {
		h1, h2 := digest128(s)
		var k [16]byte
		binary.LittleEndian.PutUint64(k[:8], h1)
		binary.LittleEndian.PutUint64(k[8:], h2)
		return k
	}
	base := digest("participant-000000")
	for i := 0; i < len("participant-000000")*8; i++ {
		b := []byte("participant-000000")
		b[i/8] ^= 1 << (i % 8)
		k := digest(string(b))
		diff := 0
		for j := range k {
			for x := k[j] ^ base[j]; x != 0; x &= x - 1 {
				diff++
			}
		}
		assert.InDelta(t, 64, diff, 24, "bit %d", i)
	}
}

var pinnedKeys = map[string]string{
	"":                   "4acb34195d2c288cd63876462e34b85b",
	"p":                  "2ee6d8bb3ef3f9c549f48e012326555a",
	"p-7f3a":             "c4146cb4cf619f81ee73f8b1f45f820e",
	"participant-123456": "e05538a57b5bfa459c6511d6ba9c4507",
	"a longer identifier, over sixteen bytes": "54d3c75a51a3b7ec6ff184ad9797169a",
}
