package hash

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEntropyKnownValues(t *testing.T) {
	assert.Zero(t, Entropy(nil), "empty")
	assert.Zero(t, Entropy(make([]byte, 1<<16)), "all zeros")
	assert.Zero(t, Entropy(bytes.Repeat([]byte{0xcc}, 1000)), "one value")

	uniform := make([]byte, 256*40)
	for i := range uniform {
		uniform[i] = byte(i * 7) // every value 40 times, in a scattered order
	}
	assert.Equal(t, 8.0, Entropy(uniform), "all 256 values equally often")
	assert.Equal(t, 1.0, Entropy(bytes.Repeat([]byte{'M', 'Z'}, 500)), "two values equally often")
	assert.Equal(t, 2.0, Entropy([]byte("abcdabcdabcd")), "four values equally often")

	var h Histogram
	assert.Zero(t, h.Entropy(), "empty histogram")
}

func TestEntropyMatchesNaive(t *testing.T) {
	cases := map[string][]byte{
		"random":   randomBytes(100_000, 1),
		"text":     bytes.Repeat([]byte("MZ This program cannot be run in DOS mode.\r\n"), 300),
		"skewed":   append(make([]byte, 50_000), randomBytes(3000, 2)...),
		"one":      {42},
		"short":    []byte("entropy"),
		"lowbytes": randomBytes(5000, 3),
	}
	for i := range cases["lowbytes"] {
		cases["lowbytes"][i] &= 0x0f
	}
	for name, b := range cases {
		got := Entropy(b)
		assert.InDelta(t, naiveEntropy(b), got, 1e-9, name)
		assert.GreaterOrEqual(t, got, 0.0, name)
		assert.LessOrEqual(t, got, 8.0, name)
	}
	assert.InDelta(t, 4.0, Entropy(cases["lowbytes"]), 0.01, "16 values, random")
	assert.Greater(t, Entropy(cases["random"]), 7.99)
}

func TestHistogramAdd(t *testing.T) {
	data := randomBytes(3000, 4)
	// Runs of one value are the case the extra tables are for.
	copy(data[1000:], make([]byte, 700))
	for _, n := range []int{0, 1, 7, 8, 9, smallAdd - 1, smallAdd, smallAdd + 1, 1000, 2047, 3000} {
		for _, off := range []int{0, 1, 3} {
			if off > n {
				continue
			}
			b := data[off:n]
			var h Histogram
			h.Add(b)
			want := reference(b).Histogram
			require.Equal(t, want, h, "n=%d off=%d", n, off)
			assert.Equal(t, uint64(len(b)), h.Total())
		}
	}
}

func TestHistogramMergeAndWrite(t *testing.T) {
	b := randomBytes(10_000, 5)
	var whole, a, c Histogram
	whole.Add(b)
	a.Add(b[:3333])
	n, err := c.Write(b[3333:])
	require.NoError(t, err)
	assert.Equal(t, len(b)-3333, n)
	c.Merge(&a)
	assert.Equal(t, whole, c)
	assert.Equal(t, whole.Entropy(), c.Entropy())
}

func TestEntropyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	b := randomBytes(4096, 6)
	allocs := testing.AllocsPerRun(100, func() { _ = Entropy(b) })
	assert.Zero(t, allocs)
}

func BenchmarkEntropy(b *testing.B) {
	for _, n := range []int{512, 4096, 64 << 10} {
		data := randomBytes(n, 7)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				Entropy(data)
			}
		})
	}
}
