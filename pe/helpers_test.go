package pe

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/filerep/filerep/internal/testutil"
	"github.com/stretchr/testify/require"
)

// Helpers the parser's tests share. They came with the detection tests,
// which moved to package detect (pe/detect), and are kept here for the
// tests that stayed.

// randomBytes returns n reproducible pseudo-random bytes (packed-looking
// data).
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// parseOK parses b and fails the test when no File comes back.
func parseOK(t testing.TB, name string, b []byte) *File {
	t.Helper()
	f, err := Parse(context.Background(), b)
	require.NotNil(t, f, "%s: %v", name, err)
	return f
}

// benchSamples returns the bytes of every committed sample.
func benchSamples(b *testing.B) [][]byte {
	b.Helper()
	var out [][]byte
	for _, s := range testutil.Samples(b) {
		d, err := os.ReadFile(s.Path)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}
