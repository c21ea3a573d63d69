package hash

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

// The similarity digests come out of the same pass equal to those of their
// packages (themselves checked against ssdeep and tlsh), on the serial,
// parallel and streamed paths, and leave the other digests as they were.
func TestSumSomeSimilarity(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 100, 300, 100 << 10, 300 << 10, 3<<20 + 17} {
		b := randomBytes(n, uint64(n)+5)
		wantSD, err := ssdeep.Sum(b)
		require.NoError(t, err)
		wantTL, wantTLErr := tlsh.Sum(b)
		plain := Sum(b)
		for name, p := range map[string]plan{"default": defaultPlan(), "serial": func() plan { p := defaultPlan(); p.workers = 1; return p }()} {
			for _, which := range []Digests{EveryDigest, DigestSSDEEP, DigestTLSH | DigestMD5} {
				p.digests = which
				s, err := sum(ctx, b, p)
				require.NoError(t, err)
				r, err := sumReader(ctx, bytes.NewReader(b), p)
				require.NoError(t, err)
				for _, got := range []Sums{s, r} {
					if which.Has(DigestSSDEEP) {
						assert.Equal(t, wantSD, got.SSDEEP, "%s %d %s", name, n, which)
					} else {
						assert.Zero(t, got.SSDEEP)
					}
					if which.Has(DigestTLSH) {
						assert.Equal(t, wantTL, got.TLSH, "%s %d %s", name, n, which)
						assert.Equal(t, wantTLErr, got.TLSHErr)
					} else {
						assert.Zero(t, got.TLSH)
						assert.NoError(t, got.TLSHErr)
					}
					if which.Has(DigestMD5) {
						assert.Equal(t, plain.MD5, got.MD5)
					}
					if which == EveryDigest {
						assert.Equal(t, plain.SHA256, got.SHA256)
						assert.Equal(t, plain.BLAKE3, got.BLAKE3)
						assert.Equal(t, plain.Histogram, got.Histogram)
					}
				}
			}
		}
		// The default path computes neither.
		assert.Zero(t, plain.SSDEEP)
		assert.Zero(t, plain.TLSH)
		if n < tlsh.MinSize {
			assert.ErrorIs(t, wantTLErr, tlsh.ErrTooShort)
		}
	}
}

func TestParseDigestsSimilarity(t *testing.T) {
	d, err := ParseDigests("sha256, SSDEEP,tlsh")
	require.NoError(t, err)
	assert.Equal(t, DigestSHA256|SimilarityDigests, d)
	assert.Equal(t, "sha256,ssdeep,tlsh", d.String())
	d, err = ParseDigests("every")
	require.NoError(t, err)
	assert.Equal(t, EveryDigest, d)
	d, err = ParseDigests("all")
	require.NoError(t, err)
	assert.Equal(t, EveryDigest, d, "all asks for every digest the SDK has")
	d, err = ParseDigests("default")
	require.NoError(t, err)
	assert.Equal(t, AllDigests, d)
}
