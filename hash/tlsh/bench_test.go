package tlsh

import (
	"fmt"
	"testing"

	"github.com/filerep/filerep/hash/internal/simtest"
)

// BenchmarkSum hashes random data; the throughput compares with tlsh's
// (hash/internal/simtest/bench.sh runs both on the same inputs).
func BenchmarkSum(b *testing.B) {
	for _, n := range []int{4 << 10, 1 << 20, 64 << 20} {
		b.Run(fmt.Sprintf("rand-%dKiB", n>>10), func(b *testing.B) {
			data, err := simtest.Bytes(fmt.Sprintf("rand:1:%d", n))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := Sum(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDistance compares two digests of similar 1 MiB inputs.
func BenchmarkDistance(b *testing.B) {
	x, _ := simtest.Bytes("rand:1000020:1000000")
	y, _ := simtest.Bytes("mut:1000020:1000000:20")
	dx, _ := Sum(x)
	dy, _ := Sum(y)
	for b.Loop() {
		Distance(dx, dy)
	}
}
