package hash

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMultiWhole(t *testing.T) {
	for _, n := range testSizes {
		b := randomBytes(n, uint64(n))
		m := New()
		k, err := m.Write(b)
		require.NoError(t, err)
		require.Equal(t, n, k)
		require.Equal(t, reference(b), m.Sums(), "n=%d", n)
	}
}

// Written in halves with Sums in between: Sums must not disturb the state.
func TestMultiHalves(t *testing.T) {
	for _, n := range []int{0, 1, 64, 65, 1025, 8193, 100_000, chunkSize + 1} {
		b := randomBytes(n, uint64(n))
		m := New()
		m.Write(b[:n/2])
		require.Equal(t, reference(b[:n/2]), m.Sums(), "first half of %d", n)
		require.Equal(t, reference(b[:n/2]), m.Sums(), "Sums twice")
		m.Write(b[n/2:])
		require.Equal(t, reference(b), m.Sums(), "whole %d", n)
	}
}

// Written in pieces of odd sizes, none aligned to a block.
func TestMultiUnaligned(t *testing.T) {
	b := randomBytes(300_000, 18)
	r := rand.New(rand.NewPCG(1, 2))
	m := New()
	for p := b; len(p) > 0; {
		k := min(len(p), 1+r.IntN(20_000))
		if r.IntN(4) == 0 {
			k = min(len(p), 1+r.IntN(70))
		}
		m.Write(p[:k])
		p = p[k:]
	}
	assert.Equal(t, reference(b), m.Sums())
}

func TestMultiReset(t *testing.T) {
	m := New()
	m.Write(randomBytes(5000, 19))
	m.Reset()
	assert.Equal(t, reference(nil), m.Sums())
	b := randomBytes(777, 20)
	m.Write(b)
	assert.Equal(t, reference(b), m.Sums())
}

func TestMultiAsWriter(t *testing.T) {
	b := randomBytes(1<<20+5, 21)
	m := New()
	var h Histogram
	n, err := io.Copy(io.MultiWriter(m, &h), struct{ io.Reader }{bytes.NewReader(b)})
	require.NoError(t, err)
	assert.Equal(t, int64(len(b)), n)
	want := reference(b)
	assert.Equal(t, want, m.Sums())
	assert.Equal(t, want.Histogram, h)
}

func TestMultiSumsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	m := New()
	m.Write(randomBytes(100, 22))
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = m.Sums() }))
}
