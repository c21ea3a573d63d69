package detect

import "encoding/binary"

// asciiLower lower-cases the ASCII letters A–Z of b in place, eight bytes
// at a time; other bytes (UTF-8 included) are left as they are.
func asciiLower(b []byte) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// Per byte, with the top bit masked off (no carry between bytes):
		// a has the top bit set when c >= 'A', z when c > 'Z'; bytes with
		// the top bit set in w are not ASCII and stay.
		c := w &^ highs
		a := c + (0x80-'A')*ones
		z := c + (0x80-'Z'-1)*ones
		upper := a &^ z &^ w & highs
		if upper != 0 {
			binary.LittleEndian.PutUint64(b[i:], w|upper>>2)
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}
