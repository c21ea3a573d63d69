package ssdeep

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

const (
	// MinBlockSize is the smallest block size, that of inputs up to 192
	// bytes.
	MinBlockSize = 3
	// SpamSumLength is the most characters hash1 can have; hash2, as
	// formatted, has at most half of it.
	SpamSumLength = 64
	// numBlockHashes is the number of block sizes: 3·2^0 to 3·2^30.
	numBlockHashes = 31
	// rollingWindow is the number of bytes the rolling hash looks at.
	rollingWindow = 7
	// hashInit is the starting value of the piece hash; only its low 6
	// bits matter.
	hashInit = 0x28021967
	// hashPrime is the FNV-1 32-bit prime the piece hash multiplies by.
	hashPrime = 0x01000193
)

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// ErrInvalidDigest is wrapped by the errors of [Parse] and
// [Digest.UnmarshalText] for text that is not an ssdeep digest.
var ErrInvalidDigest = errors.New("ssdeep: invalid digest")

// ErrTooLarge is wrapped by the error of [Hash.Digest] when the input is
// larger than the biggest block size can summarise (3·2^30·64 bytes, 192
// GiB), where libfuzzy fails too.
var ErrTooLarge = errors.New("ssdeep: input too large")

// Digest is an ssdeep digest: a block size and the two base64 strings
// computed with it and with twice it. Its text form (String, MarshalText)
// is blocksize:hash1:hash2, as ssdeep prints it, so it can be a JSON value
// or map key. The zero Digest is not valid; that of an empty input is
// 3::.
type Digest struct {
	BlockSize uint64 // MinBlockSize·2^k, k < 31
	Hash1     string // at most 64 base64 characters
	Hash2     string // at most 64 base64 characters (32 as computed here)
}

// String returns d as blocksize:hash1:hash2.
func (d Digest) String() string {
	return string(d.appendText(nil))
}

func (d Digest) appendText(b []byte) []byte {
	b = strconv.AppendUint(b, d.BlockSize, 10)
	b = append(b, ':')
	b = append(b, d.Hash1...)
	b = append(b, ':')
	return append(b, d.Hash2...)
}

// AppendText appends the text form of d to b. It implements
// [encoding.TextAppender].
func (d Digest) AppendText(b []byte) ([]byte, error) { return d.appendText(b), nil }

// MarshalText returns the text form of d. It implements
// [encoding.TextMarshaler].
func (d Digest) MarshalText() ([]byte, error) { return d.appendText(nil), nil }

// UnmarshalText sets d from its text form; see [Parse]. It implements
// [encoding.TextUnmarshaler].
func (d *Digest) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Parse reads a digest in the form ssdeep prints, blocksize:hash1:hash2.
// The block size must be 3·2^k (k < 31) in decimal without sign or leading
// zero, and each hash at most 64 characters of the base64 alphabet
// (A–Z, a–z, 0–9, +, /). Anything else, including the file name that
// ssdeep appends after a comma, is an error wrapping [ErrInvalidDigest].
func Parse(s string) (Digest, error) {
	bad := func(why string) (Digest, error) {
		if len(s) > 120 {
			s = s[:120] + "…"
		}
		return Digest{}, fmt.Errorf("%w: %s: %q", ErrInvalidDigest, why, s)
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ':' {
		return bad("no block size")
	}
	if s[0] == '0' {
		return bad("block size with a leading zero")
	}
	bs, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || !validBlockSize(bs) {
		return bad("block size not 3·2^k")
	}
	rest := s[i+1:]
	j := 0
	for j < len(rest) && rest[j] != ':' {
		j++
	}
	if j == len(rest) {
		return bad("no second colon")
	}
	h1, h2 := rest[:j], rest[j+1:]
	if len(h1) > SpamSumLength || len(h2) > SpamSumLength {
		return bad("hash longer than 64 characters")
	}
	if !isBase64(h1) || !isBase64(h2) {
		return bad("character outside base64")
	}
	return Digest{BlockSize: bs, Hash1: h1, Hash2: h2}, nil
}

func validBlockSize(bs uint64) bool {
	for k := range numBlockHashes {
		if bs == MinBlockSize<<k {
			return true
		}
	}
	return false
}

func isBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// Sum returns the ssdeep digest of b, as ssdeep prints it for a file
// holding b. It fails only for inputs over 192 GiB, with an error wrapping
// [ErrTooLarge].
func Sum(b []byte) (Digest, error) {
	var h Hash
	h.Reset()
	h.Write(b)
	return h.Digest()
}

// SumReader returns the ssdeep digest of everything r yields until
// io.EOF, reading it once through a 64 KiB buffer. An error from r is
// returned wrapped.
func SumReader(r io.Reader) (Digest, error) {
	var h Hash
	h.Reset()
	var buf [64 << 10]byte
	for {
		n, err := r.Read(buf[:])
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return Digest{}, fmt.Errorf("ssdeep: reading input: %w", err)
		}
	}
	return h.Digest()
}
