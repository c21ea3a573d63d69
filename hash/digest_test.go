package hash

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Digests of the empty input, from the algorithms' specifications.
const (
	emptyMD5    = "d41d8cd98f00b204e9800998ecf8427e"
	emptySHA1   = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	emptyBLAKE3 = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
)

func TestDigestStrings(t *testing.T) {
	s := Sum(nil)
	assert.Equal(t, emptyMD5, s.MD5.String())
	assert.Equal(t, emptySHA1, s.SHA1.String())
	assert.Equal(t, emptySHA256, s.SHA256.String())
	assert.Equal(t, emptyBLAKE3, s.BLAKE3.String())
}

func TestDigestJSON(t *testing.T) {
	s := Sum([]byte("filerep"))
	type doc struct {
		MD5    MD5
		SHA1   SHA1
		SHA256 SHA256
		BLAKE3 BLAKE3
		ByMD5  map[MD5]int
	}
	in := doc{s.MD5, s.SHA1, s.SHA256, s.BLAKE3, map[MD5]int{s.MD5: 1}}
	j, err := json.Marshal(in)
	require.NoError(t, err)
	assert.Contains(t, string(j), `"MD5":"`+s.MD5.String()+`"`)
	assert.Contains(t, string(j), `"ByMD5":{"`+s.MD5.String()+`":1}`)

	var out doc
	require.NoError(t, json.Unmarshal(j, &out))
	assert.Equal(t, in, out)
}

func TestDigestUnmarshalText(t *testing.T) {
	var m MD5
	require.NoError(t, m.UnmarshalText([]byte(strings.ToUpper(emptyMD5))), "upper case is accepted")
	assert.Equal(t, emptyMD5, m.String())

	var s1 SHA1
	require.NoError(t, s1.UnmarshalText([]byte(emptySHA1)))
	assert.Equal(t, emptySHA1, s1.String())
	var s2 SHA256
	require.NoError(t, s2.UnmarshalText([]byte(emptySHA256)))
	assert.Equal(t, emptySHA256, s2.String())
	var b3 BLAKE3
	require.NoError(t, b3.UnmarshalText([]byte(emptyBLAKE3)))
	assert.Equal(t, emptyBLAKE3, b3.String())

	for _, bad := range []string{"", emptyMD5[:31], emptyMD5 + "00", "g" + emptyMD5[1:], emptySHA1} {
		before := m
		err := m.UnmarshalText([]byte(bad))
		require.ErrorIs(t, err, ErrInvalidDigest, "%q", bad)
		assert.Equal(t, before, m, "a failed UnmarshalText leaves the digest alone")
	}
	require.ErrorIs(t, s2.UnmarshalText([]byte(emptyMD5)), ErrInvalidDigest)
	require.ErrorIs(t, b3.UnmarshalText([]byte(emptySHA256[:63]+"x")), ErrInvalidDigest)
}

func TestDigestAppendText(t *testing.T) {
	s := Sum([]byte("abc"))
	b, err := s.SHA256.AppendText([]byte("sha256:"))
	require.NoError(t, err)
	assert.Equal(t, "sha256:"+s.SHA256.String(), string(b))
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", s.SHA256.String())
	assert.Equal(t, "900150983cd24fb0d6963f7d28e17f72", s.MD5.String())
	assert.Equal(t, "a9993e364706816aba3e25717850c26c9cd0d89d", s.SHA1.String())
	assert.Equal(t, "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", s.BLAKE3.String())
}
