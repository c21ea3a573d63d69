package tlsh

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/internal/simtest"
)

func FuzzParse(f *testing.F) {
	f.Add(consoleHex)
	f.Add("T1" + consoleHex)
	f.Add("TNULL")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			assert.ErrorIs(t, err, ErrInvalidDigest)
			return
		}
		back, err := Parse(d.String())
		require.NoError(t, err)
		assert.Equal(t, d, back)
		assert.Zero(t, Distance(d, back))
	})
}

// FuzzSum checks that the digest does not depend on how the input is cut
// and parses back, and that the only errors are the documented ones.
func FuzzSum(f *testing.F) {
	b, _ := simtest.Bytes("rand:1:3000")
	f.Add(b, uint16(100))
	f.Add(make([]byte, 300), uint16(1))
	f.Fuzz(func(t *testing.T, b []byte, piece uint16) {
		want, err := Sum(b)
		h := New()
		p := b
		for n := max(int(piece), 1); len(p) > 0; p = p[min(n, len(p)):] {
			h.Write(p[:min(n, len(p))])
		}
		got, err2 := h.Digest()
		assert.Equal(t, want, got)
		assert.Equal(t, err, err2)
		if err != nil {
			assert.ErrorIs(t, err, ErrNoDigest)
			return
		}
		back, err := Parse(want.Hex())
		require.NoError(t, err)
		assert.Equal(t, want, back)
	})
}
