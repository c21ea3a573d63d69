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
	for ; i+16 <= len(b); i += 16 { // two words a turn: half the loop overhead
		w0 := binary.LittleEndian.Uint64(b[i:])
		w1 := binary.LittleEndian.Uint64(b[i+8:])
		c0, c1 := w0&^highs, w1&^highs
		u0 := (c0 + (0x80-'A')*ones) &^ (c0 + (0x80-'Z'-1)*ones) &^ w0 & highs
		u1 := (c1 + (0x80-'A')*ones) &^ (c1 + (0x80-'Z'-1)*ones) &^ w1 & highs
		binary.LittleEndian.PutUint64(b[i:], w0|u0>>2)
		binary.LittleEndian.PutUint64(b[i+8:], w1|u1>>2)
	}
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
