package ssdeep

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/internal/simtest"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"3::", "3:uG:uG", "96:Ckpz3Ea1zk9VbiosdkWOpOieIJpBx8n+5uAHCfxIj:CE0aqrvkRI5enWHsIj", "6:a:b,\"x\"", "00:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			assert.ErrorIs(t, err, ErrInvalidDigest)
			return
		}
		assert.Equal(t, s, d.String())
		score := Compare(d, d)
		assert.Equal(t, 100, score)
	})
}

// FuzzSum checks that the digest does not depend on how the input is cut,
// that it parses back, and that comparing never panics.
func FuzzSum(f *testing.F) {
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{'A'}, 5000), uint16(7))
	b, _ := simtest.Bytes("rand:1:3000")
	f.Add(b, uint16(100))
	f.Fuzz(func(t *testing.T, b []byte, piece uint16) {
		want, err := Sum(b)
		require.NoError(t, err)
		h := New()
		p := b
		for n := max(int(piece), 1); len(p) > 0; p = p[min(n, len(p)):] {
			h.Write(p[:min(n, len(p))])
		}
		got, err := h.Digest()
		require.NoError(t, err)
		assert.Equal(t, want, got)
		back, err := Parse(want.String())
		require.NoError(t, err)
		assert.Equal(t, want, back)
		other, err := Sum(b[len(b)/2:])
		require.NoError(t, err)
		s := Compare(want, other)
		assert.True(t, s >= 0 && s <= 100)
	})
}
