package ssdeep

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/hash/internal/simtest"
)

func TestParse(t *testing.T) {
	for _, s := range []string{
		"3::",
		"3:uG:uG",
		"96:Ckpz3Ea1zk9VbiosdkWOpOieIJpBx8n+5uAHCfxIj:CE0aqrvkRI5enWHsIj",
		"3221225472:" + strings.Repeat("A", 64) + ":" + strings.Repeat("/", 64),
	} {
		d, err := Parse(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, d.String())
		var u Digest
		require.NoError(t, u.UnmarshalText([]byte(s)))
		assert.Equal(t, d, u)
	}
	for _, s := range []string{
		"", ":", "3", "3:", "3:abc", "0::", "03::", "4::", "5::", "+3::", "-3::",
		"6442450944::", "99999999999999999999999::",
		"3:abc:def,\"file\"", "3:ab c:d", "3:a:b:c", "3:é:",
		"3:" + strings.Repeat("A", 65) + ":", "3::" + strings.Repeat("A", 65),
	} {
		_, err := Parse(s)
		assert.ErrorIs(t, err, ErrInvalidDigest, "%q", s)
		var u Digest
		assert.ErrorIs(t, u.UnmarshalText([]byte(s)), ErrInvalidDigest, "%q", s)
	}
}

func TestJSON(t *testing.T) {
	d, err := Sum([]byte(strings.Repeat("filerep ssdeep ", 100)))
	require.NoError(t, err)
	b, err := json.Marshal(map[string]Digest{"ssdeep": d})
	require.NoError(t, err)
	assert.Equal(t, `{"ssdeep":"`+d.String()+`"}`, string(b))
	var back map[string]Digest
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back["ssdeep"])
}

// Digest does not change the state: writing may go on after it, and the
// result is that of the whole input.
func TestDigestThenWrite(t *testing.T) {
	data, err := simtest.Bytes("rand:9:300000")
	require.NoError(t, err)
	want, err := Sum(data)
	require.NoError(t, err)
	h := New()
	for i := 0; i < len(data); i += 40000 {
		h.Write(data[i:min(len(data), i+40000)])
		_, err := h.Digest()
		require.NoError(t, err)
	}
	got, err := h.Digest()
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, int64(len(data)), h.Size())
	h.Reset()
	empty, err := h.Digest()
	require.NoError(t, err)
	assert.Equal(t, "3::", empty.String())
}

func TestSumReaderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := SumReader(iotest.ErrReader(boom))
	assert.ErrorIs(t, err, boom)
	d, err := SumReader(iotest.OneByteReader(bytes.NewReader([]byte("abc"))))
	require.NoError(t, err)
	assert.Equal(t, "3:uG:uG", d.String())
}

func TestTooLarge(t *testing.T) {
	h := New()
	h.total = maxTotal + 1 // as if 192 GiB had been written
	_, err := h.Digest()
	assert.ErrorIs(t, err, ErrTooLarge)
}

// Runs of one byte value whose rolling hash ends a piece at every byte
// for many block sizes keep them all live: the slow path, checked against
// ssdeep in digests.tsv for byte:65 and byte:255; here, that it agrees
// with the fast path's result on cut inputs.
func TestCompareSelf(t *testing.T) {
	for _, spec := range []string{"rand:1:5000", "text:3:100000", "byte:65:100000", "alpha:2:2:50000"} {
		b, err := simtest.Bytes(spec)
		require.NoError(t, err)
		d, err := Sum(b)
		require.NoError(t, err)
		assert.Equal(t, 100, Compare(d, d), spec)
	}
}

func TestCompareBlockSizes(t *testing.T) {
	a := Digest{BlockSize: 3, Hash1: "abcdefghij", Hash2: "klmnopqrst"}
	b := Digest{BlockSize: 6, Hash1: "klmnopqrsu", Hash2: "zzzzzzzzzz"}
	c := Digest{BlockSize: 12, Hash1: "klmnopqrst", Hash2: "klmnopqrst"}
	assert.Positive(t, Compare(a, b))
	assert.Equal(t, Compare(a, b), Compare(b, a))
	assert.Zero(t, Compare(a, c), "block sizes 4x apart")
	assert.Zero(t, Compare(Digest{BlockSize: 3}, Digest{BlockSize: 3, Hash1: "a"}))
}
