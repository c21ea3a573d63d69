package tlsh

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
)

const (
	// MinSize is the smallest input that gets a digest: 256 bytes.
	MinSize = 256

	buckets  = 128 // buckets that make the digest
	bodySize = buckets / 4
	// DigestSize is the length of a digest in bytes; its text form is
	// twice as many hexadecimal digits.
	DigestSize = 3 + bodySize
)

var (
	// ErrNoDigest is wrapped by every error that says an input has no
	// TLSH digest: [ErrTooShort] and [ErrTooSimple].
	ErrNoDigest = errors.New("tlsh: no digest")
	// ErrTooShort is wrapped by the error for an input of fewer than
	// [MinSize] bytes.
	ErrTooShort = fmt.Errorf("%w: input shorter than %d bytes", ErrNoDigest, MinSize)
	// ErrTooSimple is wrapped by the error for an input whose triplets
	// fill no more than half of the buckets (such as all-zero input).
	ErrTooSimple = fmt.Errorf("%w: input with too little variety", ErrNoDigest)
	// ErrInvalidDigest is wrapped by the errors of [Parse] and
	// [Digest.UnmarshalText].
	ErrInvalidDigest = errors.New("tlsh: invalid digest")
)

// Digest is a TLSH digest with 128 buckets and a one-byte checksum. Its
// text form (String, MarshalText) is "T1" and 70 upper-case hexadecimal
// digits, as TLSH 4 prints it; [Digest.Hex] leaves "T1" out, as tlsh 3.4
// does. The zero Digest is not a digest of any input.
type Digest struct {
	Checksum byte           // checksum of the input's bytes
	Length   byte           // the input's length on a logarithmic scale (Lvalue)
	Q1Ratio  byte           // q1·100/q3 modulo 16 (0..15)
	Q2Ratio  byte           // q2·100/q3 modulo 16 (0..15)
	Body     [bodySize]byte // two bits per bucket, bucket 0 in the low bits of Body[0]
}

// Bytes returns the 35 bytes that the hexadecimal form spells: checksum,
// length and ratios with their nibbles swapped, then the body from its last
// byte to its first.
func (d Digest) Bytes() [DigestSize]byte {
	var b [DigestSize]byte
	b[0] = swap(d.Checksum)
	b[1] = swap(d.Length)
	b[2] = d.Q1Ratio<<4 | d.Q2Ratio&15
	for i := range bodySize {
		b[3+i] = d.Body[bodySize-1-i]
	}
	return b
}

func swap(b byte) byte { return b<<4 | b>>4 }

// Hex returns d as 70 upper-case hexadecimal digits, as Debian's tlsh 3.4
// prints it.
func (d Digest) Hex() string {
	return string(d.appendHex(make([]byte, 0, 2*DigestSize)))
}

const hexUpper = "0123456789ABCDEF"

func (d Digest) appendHex(dst []byte) []byte {
	for _, c := range d.Bytes() {
		dst = append(dst, hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

// String returns d as "T1" and 70 upper-case hexadecimal digits.
func (d Digest) String() string {
	return string(d.appendHex(append(make([]byte, 0, 2+2*DigestSize), "T1"...)))
}

// AppendText appends the text form of d ("T1" and 70 hexadecimal digits)
// to b. It implements [encoding.TextAppender].
func (d Digest) AppendText(b []byte) ([]byte, error) {
	return d.appendHex(append(b, "T1"...)), nil
}

// MarshalText returns the text form of d. It implements
// [encoding.TextMarshaler].
func (d Digest) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText sets d from text; see [Parse]. It implements
// [encoding.TextUnmarshaler].
func (d *Digest) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Parse reads a digest: "T1" followed by 70 hexadecimal digits, or the 70
// digits alone (tlsh 3.4), in either case. Anything else (other lengths,
// other characters, the 72-digit digests of three-byte checksums) is an
// error wrapping [ErrInvalidDigest].
func Parse(s string) (Digest, error) {
	h := s
	if len(h) == 2+2*DigestSize && (h[0] == 'T' || h[0] == 't') && h[1] == '1' {
		h = h[2:]
	}
	if len(h) != 2*DigestSize {
		return Digest{}, fmt.Errorf("%w: want 70 hexadecimal digits, optionally after T1: %q", ErrInvalidDigest, clip(s))
	}
	var b [DigestSize]byte
	if _, err := hex.Decode(b[:], []byte(h)); err != nil {
		return Digest{}, fmt.Errorf("%w: %q: %w", ErrInvalidDigest, clip(s), err)
	}
	d := Digest{Checksum: swap(b[0]), Length: swap(b[1]), Q1Ratio: b[2] >> 4, Q2Ratio: b[2] & 15}
	for i := range bodySize {
		d.Body[i] = b[DigestSize-1-i]
	}
	return d, nil
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// Hash computes a TLSH digest of everything written to it, in one pass.
// It implements [io.Writer]; Write never fails. The zero Hash is ready to
// use; it is about 1 KiB and does not allocate. It is not safe for
// concurrent use.
//
// [io.Writer]: https://pkg.go.dev/io#Writer
type Hash struct {
	bucket   [256]uint32
	total    uint64
	w        [4]byte // the four bytes before the next, newest first
	checksum byte
}

// New returns a new Hash.
func New() *Hash { return new(Hash) }

// Reset forgets everything written.
func (h *Hash) Reset() { *h = Hash{} }

// Size returns the number of bytes written since the last Reset.
func (h *Hash) Size() int64 { return int64(h.total) }

// salted[k][c] is the first two steps of the Pearson hash of a triplet
// with salt k and newest byte c; the checksum's salt is 0.
var salted = func() (t [7][256]byte) {
	for k, salt := range [7]byte{0, 2, 3, 5, 7, 11, 13} {
		for c := range 256 {
			t[k][c] = pearson[pearson[salt]^byte(c)]
		}
	}
	return t
}()

// Write adds p to the input. It always returns len(p), nil.
func (h *Hash) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	// The first four bytes of the input only fill the window.
	i := 0
	for ; h.total < 4 && i < len(p); i++ {
		h.w = [4]byte{p[i], h.w[0], h.w[1], h.w[2]}
		h.total++
	}
	h.total += uint64(len(p) - i)
	c1, c2, c3, c4 := h.w[0], h.w[1], h.w[2], h.w[3]
	sum := h.checksum
	bk := &h.bucket
	t := &pearson
	s := &salted
	for _, c0 := range p[i:] {
		sum = t[t[s[0][c0]^c1]^sum]
		bk[t[t[s[1][c0]^c1]^c2]]++
		bk[t[t[s[2][c0]^c1]^c3]]++
		bk[t[t[s[3][c0]^c2]^c3]]++
		bk[t[t[s[4][c0]^c2]^c4]]++
		bk[t[t[s[5][c0]^c1]^c4]]++
		bk[t[t[s[6][c0]^c3]^c4]]++
		c1, c2, c3, c4 = c0, c1, c2, c3
	}
	h.w = [4]byte{c1, c2, c3, c4}
	h.checksum = sum
	return len(p), nil
}

// Digest returns the digest of everything written since the last Reset,
// or an error wrapping [ErrTooShort] or [ErrTooSimple] when the input has
// none. It does not change the state, so writing may go on after it.
//
// Like libtlsh 3.4.4, which keeps the length in 32 bits, it takes the
// length of an input of 4 GiB or more modulo 2^32.
func (h *Hash) Digest() (Digest, error) {
	n := uint32(h.total) // as libtlsh's unsigned int
	if n < MinSize {
		return Digest{}, fmt.Errorf("%w: %d bytes", ErrTooShort, h.total)
	}
	var sorted [buckets]uint32
	copy(sorted[:], h.bucket[:buckets])
	slices.Sort(sorted[:])
	q1, q2, q3 := sorted[buckets/4-1], sorted[buckets/2-1], sorted[buckets-buckets/4-1]
	// Half or fewer buckets filled: sorted[63] is zero (libtlsh counts
	// the buckets above zero and wants more than 64).
	if sorted[buckets/2-1] == 0 {
		nonzero := 0
		for _, v := range sorted {
			if v != 0 {
				nonzero++
			}
		}
		return Digest{}, fmt.Errorf("%w: %d bytes fill %d of %d buckets, need more than %d",
			ErrTooSimple, h.total, nonzero, buckets, buckets/2)
	}
	d := Digest{Checksum: h.checksum, Length: lengthByte(n)}
	// libtlsh computes the ratios in single precision from 32-bit
	// products.
	d.Q1Ratio = byte(uint64(float32(q1*100)/float32(q3)) % 16)
	d.Q2Ratio = byte(uint64(float32(q2*100)/float32(q3)) % 16)
	for i := range bodySize {
		var v byte
		for j, k := range h.bucket[4*i : 4*i+4] {
			switch {
			case k > q3:
				v |= 3 << (2 * j)
			case k > q2:
				v |= 2 << (2 * j)
			case k > q1:
				v |= 1 << (2 * j)
			}
		}
		d.Body[i] = v
	}
	return d, nil
}

// lengthByte is libtlsh's l_capturing: the length on a logarithmic scale.
func lengthByte(n uint32) byte {
	return byte(sort.Search(len(lengthStarts), func(i int) bool { return lengthStarts[i] > n }))
}

// Sum returns the TLSH digest of b, or an error wrapping [ErrTooShort] or
// [ErrTooSimple]; see [Hash.Digest].
func Sum(b []byte) (Digest, error) {
	var h Hash
	h.Write(b)
	return h.Digest()
}

// SumReader returns the TLSH digest of everything r yields until io.EOF,
// reading it once through a 64 KiB buffer. An error from r is returned
// wrapped; otherwise the errors are those of [Hash.Digest].
func SumReader(r io.Reader) (Digest, error) {
	var h Hash
	var buf [64 << 10]byte
	for {
		n, err := r.Read(buf[:])
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return Digest{}, fmt.Errorf("tlsh: reading input: %w", err)
		}
	}
	return h.Digest()
}
