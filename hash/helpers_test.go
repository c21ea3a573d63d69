package hash

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"math"
	"math/rand/v2"

	"github.com/zeebo/blake3"
)

// randomBytes returns n pseudo-random bytes, the same for the same seed.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x66696c65726570))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := i; j < min(i+8, n); j++ {
			b[j] = byte(v)
			v >>= 8
		}
	}
	return b
}

// reference computes the Sums of b with each library called directly and
// a plain counting loop: what every path of this package must match.
func reference(b []byte) Sums {
	s := Sums{
		Size:   int64(len(b)),
		MD5:    md5.Sum(b),
		SHA1:   sha1.Sum(b),
		SHA256: sha256.Sum256(b),
		BLAKE3: blake3.Sum256(b),
	}
	for _, c := range b {
		s.Histogram[c]++
	}
	return s
}

// naiveEntropy is the textbook formula over a plain count, in float64.
func naiveEntropy(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	var counts [256]float64
	for _, c := range b {
		counts[c]++
	}
	var e float64
	for _, c := range counts {
		if c > 0 {
			p := c / float64(len(b))
			e -= p * math.Log(p) / math.Ln2
		}
	}
	return e
}

// testSizes covers the edges of a 64-byte block, of BLAKE3's 1 KiB chunk
// and 8 KiB batch, of the histogram's small path, and of the 256 KiB chunk
// and parallel threshold; the last ones are hashed concurrently.
var testSizes = []int{
	0, 1, 7, 8, 63, 64, 65, 255, 256, 257, 1023, 1024, 1025, 4096,
	8191, 8192, 8193, 100_000,
	chunkSize - 1, chunkSize, chunkSize + 1,
	2*chunkSize + 64, 1<<20 + 13, 3<<20 + 7,
}
