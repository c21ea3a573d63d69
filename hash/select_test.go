package hash

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDigests(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Digests
	}{
		{"sha256", DigestSHA256},
		{"md5, SHA256", DigestMD5 | DigestSHA256},
		{"all", EveryDigest},
		{"default", AllDigests},
		{"sha-1,blake3", DigestSHA1 | DigestBLAKE3},
	} {
		got, err := ParseDigests(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{"", "sha512", "md5,,sha1"} {
		_, err := ParseDigests(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "md5,sha1,sha256,blake3", AllDigests.String())
	assert.Equal(t, "sha256", DigestSHA256.String())
	assert.Equal(t, "none", Digests(0).String())
}

// TestSumSome checks each selection against crypto/md5 and crypto/sha256
// directly, on inputs that take the serial path, the parallel engine and
// the streamed path: chosen digests are right, the others stay zero.
func TestSumSome(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 100, 300 << 10, 3 << 20} {
		b := randomBytes(n, uint64(n)+7)
		wantMD5, wantSHA256 := md5.Sum(b), sha256.Sum256(b)
		all := Sum(b)
		for _, which := range []Digests{DigestSHA256, DigestMD5 | DigestBLAKE3, AllDigests, 0} {
			for _, hist := range []bool{true, false} {
				s, err := SumSome(ctx, b, which, hist)
				require.NoError(t, err)
				assert.Equal(t, int64(n), s.Size)
				check := func(s Sums, what string) {
					if which.Has(DigestSHA256) {
						assert.Equal(t, SHA256(wantSHA256), s.SHA256, what)
					} else {
						assert.Zero(t, s.SHA256, what)
					}
					if which.Has(DigestMD5) {
						assert.Equal(t, MD5(wantMD5), s.MD5, what)
					} else {
						assert.Zero(t, s.MD5, what)
					}
					if which.Has(DigestBLAKE3) {
						assert.Equal(t, all.BLAKE3, s.BLAKE3, what)
					} else {
						assert.Zero(t, s.BLAKE3, what)
					}
					if which.Has(DigestSHA1) {
						assert.Equal(t, all.SHA1, s.SHA1, what)
					} else {
						assert.Zero(t, s.SHA1, what)
					}
				}
				check(s, "bytes")
				if hist {
					assert.Equal(t, all.Histogram, s.Histogram)
				} else {
					assert.Zero(t, s.Histogram.Total())
				}
				rs, err := SumReaderSome(ctx, iotest.HalfReader(bytes.NewReader(b)), which)
				require.NoError(t, err)
				check(rs, "reader")
				assert.Equal(t, all.Histogram, rs.Histogram)
			}
		}
	}
}

// BenchmarkSumSome: what a scan that needs only SHA-256 (and the
// histogram for entropy) costs, against every digest.
func BenchmarkSumSome(b *testing.B) {
	in := randomBytes(64<<20, 99)
	for _, which := range []Digests{AllDigests, DigestSHA256, DigestSHA256 | DigestMD5} {
		b.Run(which.String(), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := SumSome(context.Background(), in, which, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
