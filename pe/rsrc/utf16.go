package rsrc

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// UTF-16LE decoding.
//
// Resources store text as little-endian UTF-16. The decoder here is exact:
// it pairs surrogates (U+1F600 is D83D DE00), keeps CJK and Cyrillic whole,
// never pads with U+FFFD, and stops at the first NUL *unit* (0x0000) — not
// at the first zero byte, which is how "A一B" (41 00 00 4E 42 00) gets cut to
// "A" by byte-oriented decoders. A lone surrogate (a high surrogate not
// followed by a low one, or a stray low surrogate) becomes U+FFFD, one per
// unit; that is the only replacement ever made. An odd trailing byte is
// ignored.

// DecodeUTF16 decodes little-endian UTF-16 from b up to the first NUL unit
// or the end of b, following the rules above. It never panics and makes
// one allocation, of exactly the size of the result.
func DecodeUTF16(b []byte) string {
	s, _, _ := utf16z(b)
	return s
}

// utf16z decodes b up to the first NUL unit. It returns the text, the number
// of bytes consumed (including the NUL when there is one) and whether a NUL
// was found.
func utf16z(b []byte) (s string, n int, terminated bool) {
	units := len(b) / 2
	end := units
	for i := 0; i < units; i++ {
		if b[2*i] == 0 && b[2*i+1] == 0 {
			end = i
			terminated = true
			break
		}
	}
	s = utf16Units(b[:2*end])
	n = 2 * end
	if terminated {
		n += 2
	}
	return s, n, terminated
}

// utf16Rune decodes the rune starting at unit i of b (len(b) even, i in
// range) and returns it with the number of units it used (1 or 2). The
// surrogate rules are unicode/utf16's; this only reads the units straight
// from the little-endian bytes, so that decoding needs no []uint16 copy.
func utf16Rune(b []byte, i int) (rune, int) {
	u := rune(binary.LittleEndian.Uint16(b[2*i:]))
	if !utf16.IsSurrogate(u) {
		return u, 1
	}
	if 2*i+4 <= len(b) {
		if r := utf16.DecodeRune(u, rune(binary.LittleEndian.Uint16(b[2*i+2:]))); r != utf8.RuneError {
			return r, 2
		}
	}
	return utf8.RuneError, 1 // unpaired surrogate
}

// utf16Units decodes every unit of b (NULs included) to UTF-8. A first pass
// sizes the result exactly; the second writes it. (utf16.Decode would need
// a []uint16 copy of b and a []rune result before the string: three
// allocations sized by the input instead of one sized by the output.)
func utf16Units(b []byte) string {
	b = b[:len(b)&^1]
	units := len(b) / 2
	size := 0
	for i := 0; i < units; {
		r, n := utf16Rune(b, i)
		size += utf8.RuneLen(r)
		i += n
	}
	var sb strings.Builder
	sb.Grow(size)
	for i := 0; i < units; {
		r, n := utf16Rune(b, i)
		if r < utf8.RuneSelf {
			sb.WriteByte(byte(r))
		} else {
			sb.WriteRune(r)
		}
		i += n
	}
	return sb.String()
}
